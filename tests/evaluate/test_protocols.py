"""Protocols: the paper's zero-shot prompt, MMLU-Pro's 5-shot CoT prompt, and their checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genreason.evaluate.loaders import BenchmarkFileError, BenchQuestion
from genreason.evaluate.outputs import read_outputs
from genreason.evaluate.protocols import BOXED_SUFFIX, build_prompts, protocol_for, zero_shot_prompt

Q = BenchQuestion("mmlu_pro:1", "mmlu_pro", "What is 6 times 7?", "C", "Multiple Choice", ("40", "41", "42"), "math")


def test_zero_shot_prompt_is_question_options_and_the_paper_suffix() -> None:
    assert BOXED_SUFFIX == "Please reason step by step, and put your final answer within \\boxed{}."
    assert zero_shot_prompt(Q) == f"What is 6 times 7?\n\nOptions:\nA. 40\nB. 41\nC. 42\n\n{BOXED_SUFFIX}"
    open_q = BenchQuestion("gsm8k:1", "gsm8k", "How many legs do 3 cats have?", "12")
    assert zero_shot_prompt(open_q) == f"How many legs do 3 cats have?\n\n{BOXED_SUFFIX}"


def test_protocol_settings() -> None:
    paper = protocol_for("gsm8k")
    assert (paper.name, paper.temperature, paper.chat, paper.samples, paper.shots) == ("zero-shot-boxed", 0.0, True, 1, 0)
    cot = protocol_for("mmlu_pro", "5-shot-cot")
    assert (cot.shots, cot.chat, cot.max_new_tokens, cot.stop, cot.answer_marker) == \
        (5, False, 2048, ("Question:",), "answer_is")
    assert protocol_for("gpqa", samples=8).temperature == 1.0
    with pytest.raises(ValueError, match="not defined for gsm8k"):
        protocol_for("gsm8k", "5-shot-cot")
    with pytest.raises(ValueError, match="need temperature > 0"):
        protocol_for("gsm8k", samples=4, temperature=0.0)


def test_five_shot_prompt_uses_examples_of_the_category(fewshot_jsonl: Path) -> None:
    prompt = build_prompts(protocol_for("mmlu_pro", "5-shot-cot"), [Q], fewshot_jsonl)[0]
    assert prompt.startswith("The following are multiple choice questions (with answers) about math. Think step by"
                             ' step and then finish your answer with "the answer is (X)" where X is the correct'
                             " letter choice.\n\n\nQuestion:\nWhat is 7 multiplied by 8?\nOptions:\nA. 54\nB. 56\n")
    assert "Answer: Let's think step by step. 7 times 8 is 56. The answer is (B).\n\n" in prompt
    assert prompt.endswith("Question:\nWhat is 6 times 7?\nOptions:\nA. 40\nB. 41\nC. 42\n"
                           "Answer: Let's think step by step.")
    law = BenchQuestion("mmlu_pro:2", "mmlu_pro", "Q?", "A", "Multiple Choice", ("x", "y"), "law")
    with pytest.raises(BenchmarkFileError, match="0 examples of category 'law'"):
        build_prompts(protocol_for("mmlu_pro", "5-shot-cot"), [law], fewshot_jsonl)
    with pytest.raises(BenchmarkFileError, match="validation split"):
        build_prompts(protocol_for("mmlu_pro", "5-shot-cot"), [Q], None)


def test_outputs_naming_unknown_questions_or_repeating_a_sample_are_refused(tmp_path: Path) -> None:
    unknown = tmp_path / "unknown.jsonl"
    unknown.write_text(json.dumps({"question_id": 99, "output": "x"}) + "\n")
    with pytest.raises(BenchmarkFileError, match="'mmlu_pro:99' is not in the mmlu_pro questions"):
        read_outputs(unknown, "mmlu_pro", [Q])
    twice = tmp_path / "twice.jsonl"
    twice.write_text("".join(json.dumps({"question_id": 1, "sample": 0, "output": "x"}) + "\n" for _ in range(2)))
    with pytest.raises(BenchmarkFileError, match="appears twice"):
        read_outputs(twice, "mmlu_pro", [Q])
    no_text = tmp_path / "no_text.jsonl"
    no_text.write_text(json.dumps({"question_id": 1, "answer": "C"}) + "\n")
    with pytest.raises(BenchmarkFileError, match="no output field"):
        read_outputs(no_text, "mmlu_pro", [Q])
