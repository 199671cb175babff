"""Fixtures for the evaluation tests: fixture benchmark files and the tiny model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def gpqa_csv() -> Path:
    """Three questions of our own in GPQA's CSV layout (correct answer first)."""
    return DATA / "gpqa_fixture.csv"


@pytest.fixture
def supergpqa_jsonl() -> Path:
    """Four questions of our own in SuperGPQA's JSONL layout."""
    return DATA / "supergpqa_fixture.jsonl"


@pytest.fixture
def fewshot_jsonl() -> Path:
    """Five worked math examples of our own in MMLU-Pro's validation layout."""
    return DATA / "mmlu_pro_fewshot_fixture.jsonl"


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from genreason.llm.tiny import TinyModelConfig, tiny_model_dir

    return tiny_model_dir(TinyModelConfig(), tmp_path_factory.mktemp("tiny-eval"))


@pytest.fixture(scope="module")
def one_torch_thread() -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
