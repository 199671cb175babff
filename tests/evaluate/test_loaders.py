"""Loaders keep each benchmark's answer type, options and category; GPQA's shuffle is seeded."""

from __future__ import annotations

from pathlib import Path

import pytest

from genreason.evaluate.loaders import BenchmarkFileError, benchmark_file, load_benchmark


@pytest.mark.parametrize(
    ("name", "count", "answer_type"),
    [("mmlu_pro", 12032, "Multiple Choice"), ("theoremqa", 800, None), ("bbeh", 460, None),
     ("math500", 500, None), ("gsm8k", 1319, "Integer")],
)
def test_shared_benchmarks_load_with_their_types(realdata: Path, name: str, count: int, answer_type: str | None) -> None:
    questions = load_benchmark(name)
    assert len(questions) == count
    assert len({q.id for q in questions}) == count
    if answer_type:
        assert {q.answer_type for q in questions} == {answer_type}
    assert all(q.answer.strip() and q.question.strip() for q in questions)


def test_mmlu_pro_keeps_options_letter_and_category(realdata: Path) -> None:
    q = next(q for q in load_benchmark("mmlu_pro") if q.id == "mmlu_pro:70")  # 9 options, I is right
    assert q.answer == "I" and q.category == "business"
    assert len(q.options) == 9 and q.options[8].startswith("Unsafe practices, Distress, Fear, Serious")


def test_theoremqa_keeps_typed_answers(realdata: Path) -> None:
    questions = {q.id: q for q in load_benchmark("theoremqa")}
    lah = questions["theoremqa:jianyu_xu/Lah_number_6.json"]
    assert (lah.answer, lah.answer_type, lah.category) == ("11760", "Integer", "Math")
    types = {q.answer_type for q in questions.values()}
    assert types == {"Integer", "Float", "Boolean", "List", "Multiple Choice"}
    assert all(q.answer.startswith("[") for q in questions.values() if q.answer_type == "List")


def test_math500_breaks_down_by_subject_and_gsm8k_by_final_number(realdata: Path) -> None:
    math = load_benchmark("math500", limit=50)
    assert {"Precalculus", "Algebra"} <= {q.category for q in math}
    assert load_benchmark("gsm8k", limit=1)[0].answer == "18"  # Janet's ducks: 16 - 3 - 4 = 9 eggs at $2


def test_gpqa_options_are_shuffled_by_a_recorded_seed(gpqa_csv: Path) -> None:
    a = load_benchmark("gpqa", gpqa_csv, seed=0)
    again = load_benchmark("gpqa", gpqa_csv, seed=0)
    assert [q.options for q in a] == [q.options for q in again]
    for q in a:
        assert q.answer_type == "Multiple Choice" and len(q.options) == 4 and q.extra["shuffle_seed"] == 0
    correct = {q.id: q.options["ABCD".index(q.answer)] for q in a}
    assert correct == {"gpqa:recFix001": "Nitrogen", "gpqa:recFix002": "Ohm", "gpqa:recFix003": "46"}
    # Over a few seeds the correct answer does not stay at A (the CSV lists it first).
    letters = {q.answer for seed in range(6) for q in load_benchmark("gpqa", gpqa_csv, seed=seed)}
    assert len(letters) > 1


def test_supergpqa_reads_letter_options_and_discipline(supergpqa_jsonl: Path) -> None:
    qs = load_benchmark("supergpqa", supergpqa_jsonl)
    assert [q.answer for q in qs] == ["A", "B", "B", "C"]
    assert qs[1].options[1] == "Mercury" and qs[3].category == "History"


def test_supergpqa_letter_and_text_must_agree(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"uuid": "x", "question": "Closest planet to the Sun?", "options": ["Venus", "Mercury"],'
                   ' "answer": "Mercury", "answer_letter": "A"}\n')
    with pytest.raises(BenchmarkFileError, match="disagree"):
        load_benchmark("supergpqa", bad)


def test_gpqa_row_without_wrong_answers_names_the_row(tmp_path: Path) -> None:
    bad = tmp_path / "gpqa.csv"
    bad.write_text("Question,Correct Answer,Incorrect Answer 1\nWhat is 2+2?,4,5\n")
    with pytest.raises(BenchmarkFileError, match=r"gpqa.csv:2: GPQA row lacks Incorrect Answer 2"):
        load_benchmark("gpqa", bad)


def test_user_supplied_benchmarks_ask_for_their_file() -> None:
    with pytest.raises(BenchmarkFileError, match="--data"):
        benchmark_file("gpqa")
    with pytest.raises(ValueError, match="unknown benchmark"):
        load_benchmark("mmlu")
