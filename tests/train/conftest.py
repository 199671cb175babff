"""Fixtures for training tests: the tiny model and a small file of questions with right answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# Hand-made questions; each answer checked by hand.
QUESTIONS = [
    {"id": "t1", "question": "What is 6 times 7?", "answer": "42", "answer_type": "Integer"},
    {"id": "t2", "question": "What is the chemical symbol of sodium?", "answer": "Na", "answer_type": "String"},
    {"id": "t3", "question": "How many sides does a hexagon have?", "answer": "6", "answer_type": "Integer"},
    {"id": "t4", "question": "What is 1/4 written as a decimal?", "answer": "0.25", "answer_type": "Float"},
]


@pytest.fixture(scope="session")
def tiny_model() -> Path:
    from genreason.llm.tiny import tiny_model_dir

    return tiny_model_dir()


@pytest.fixture
def questions_file(tmp_path: Path) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("".join(json.dumps(q) + "\n" for q in QUESTIONS))
    return path
