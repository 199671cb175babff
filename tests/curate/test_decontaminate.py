"""Decontamination: benchmark files read through the ingest readers, planted items found after
rewording, reordered options and changed whitespace/case, with the item id; boilerplate and
unrelated questions left alone. Rates on 1M rows are measured in bench/bench_dedup.py."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from genreason.curate.decontaminate import (
    BenchmarkIndex,
    DecontaminateConfig,
    find_contamination,
    find_contamination_rows,
    load_benchmark,
    segments,
)

REALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"

# Written here (facts checked): 3 boxes x 12 = 36 pencils, minus 7, plus 5 = 34.
GSM = ("Maria buys 3 boxes of pencils with 12 pencils in each box. She gives 7 pencils to her brother "
       "and then buys 5 more single pencils at the school shop on her way home. How many pencils does Maria have now?")
# Nitrogen is about 78% of dry air by volume.
MC_Q = "Which gas makes up the largest share of the Earth's atmosphere by volume at sea level?"
MC_OPTIONS = ["Nitrogen", "Oxygen", "Argon", "Carbon dioxide", "Water vapour", "Neon", "Helium", "Methane"]
# 2^10 = 1024 = 7 * 146 + 2.
MATH_Q = "What is the remainder when $2^{10}$ is divided by $7$?"


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture
def benchmarks(tmp_path: Path) -> list:
    gsm = write_jsonl(tmp_path / "gsm8k.jsonl", [
        {"question": GSM, "answer": "36 - 7 + 5 = 34\n#### 34"},
        {"question": "Tom has 4 red apples and 6 green apples. He eats 3 of them. How many apples are left?",
         "answer": "4 + 6 - 3 = 7\n#### 7"},
    ])
    mmlu = write_jsonl(tmp_path / "mmlu_pro.jsonl", [
        {"question_id": 101, "question": MC_Q, "options": MC_OPTIONS, "answer": "A", "answer_index": 0, "category": "other"},
    ])
    math500 = write_jsonl(tmp_path / "math500.jsonl", [
        {"problem": MATH_Q, "solution": "$1024 = 7 \\cdot 146 + 2$, so $\\boxed{2}$.", "answer": "2",
         "subject": "Number Theory", "level": 2, "unique_id": "test/number_theory/9001.json"},
    ])
    gpqa = tmp_path / "gpqa.csv"
    with gpqa.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Record ID", "Question", "Correct Answer", "Incorrect Answer 1", "Incorrect Answer 2", "Incorrect Answer 3"])
        w.writerow(["recTEST1", "Which particle mediates the electromagnetic interaction between charged particles in the Standard Model?",
                    "The photon", "The gluon", "The W boson", "The Higgs boson"])
    items = []
    for path, name in ((gsm, "gsm8k"), (mmlu, "mmlu_pro"), (math500, "math500"), (gpqa, "gpqa")):
        items += load_benchmark(path, name)
    return items


def flagged(items: list, texts: list[str]) -> list[tuple[str, str] | None]:
    decisions = find_contamination([f"r{i}" for i in range(len(texts))], texts, items)
    return [(d.benchmark, d.item_id) if d.contaminated else None for d in decisions]


def test_benchmark_files_are_read_with_their_ids(benchmarks: list) -> None:
    by_name = {(it.benchmark, it.item_id): it for it in benchmarks}
    assert set(by_name) == {("gsm8k", "1"), ("gsm8k", "2"), ("mmlu_pro", "101"),
                            ("math500", "test/number_theory/9001.json"), ("gpqa", "recTEST1")}
    assert by_name["mmlu_pro", "101"].options == tuple(MC_OPTIONS)
    assert by_name["gpqa", "recTEST1"].options[0] == "The photon"


def test_benchmark_name_from_the_path(tmp_path: Path) -> None:
    for rel, name in (("MMLU-Pro/test.jsonl", "mmlu_pro"), ("SuperGPQA-all.jsonl", "supergpqa"),
                      ("gpqa_diamond.jsonl", "gpqa"), ("MATH-500/test.jsonl", "math500"), ("mine/test.jsonl", "mine")):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        write_jsonl(path, [{"question": "What is the boiling point of water at sea level in degrees Celsius?"}])
        assert load_benchmark(path)[0].benchmark == name


def test_reworded_gsm8k_question_is_found(benchmarks: list) -> None:
    reworded = (GSM.replace("buys 3", "purchases 3").replace("single", "loose").replace("on her way home", "later")
                .upper().replace(" ", "  "))
    d = find_contamination(["x"], [reworded], benchmarks)[0]
    assert (d.contaminated, d.benchmark, d.item_id) == (True, "gsm8k", "1")
    assert 0.5 <= d.overlap < 1.0 and d.shared_ngrams > 0


def test_hard_wrapped_text_matches(benchmarks: list) -> None:
    wrapped = GSM.replace(" with ", "\nwith ").replace(" brother ", " brother\n")
    assert flagged(benchmarks, [wrapped]) == [("gsm8k", "1")]


def test_reordered_and_relabelled_options_are_found(benchmarks: list) -> None:
    opts = MC_OPTIONS[::-1]
    lines = MC_Q.lower() + "\n" + "\n".join(f"{'ABCDEFGH'[i]}. {o}" for i, o in enumerate(opts))
    inline = MC_Q + " " + " ".join(f"({'abcdefgh'[i]}) {o}" for i, o in enumerate(opts))
    assert flagged(benchmarks, [lines, inline]) == [("mmlu_pro", "101")] * 2


def test_same_options_and_reworded_short_question_is_found(benchmarks: list) -> None:
    # no 8-gram survives this rewording; the option set and most question words do
    q = "Which gas forms the largest share of the atmosphere of the Earth by volume near sea level?"
    text = q + "\n" + "\n".join(f"{'ABCDEFGH'[i]}) {o}" for i, o in enumerate(sorted(MC_OPTIONS)))
    assert flagged(benchmarks, [text]) == [("mmlu_pro", "101")]
    # the same options under another question are not the item
    other = "Which of these is a noble gas that glows orange-red in advertising signs?\n" + "\n".join(
        f"{'ABCDEFGH'[i]}. {o}" for i, o in enumerate(MC_OPTIONS))
    assert flagged(benchmarks, [other]) == [None]


def test_short_math_problem_found_verbatim_after_normalisation(benchmarks: list) -> None:
    assert flagged(benchmarks, ["what is the remainder when 2^{10} is divided by 7"]) == [("math500", "test/number_theory/9001.json")]


def test_unrelated_and_template_questions_are_clean(benchmarks: list) -> None:
    texts = [
        "Maria buys 3 boxes of apples at the market and sells them at a profit of 20 percent. What is her profit?",
        "A train leaves the station at 3 pm travelling at 60 km per hour. At what time does it arrive 240 km away?",
        "Which particle is responsible for the strong force?",
    ]
    decisions = find_contamination([f"r{i}" for i in range(3)], texts, benchmarks)
    assert [d.contaminated for d in decisions] == [False, False, False]
    assert all(d.overlap < 0.5 for d in decisions)


def test_boilerplate_phrases_make_no_match() -> None:
    from genreason.curate.decontaminate import BenchmarkItem

    stem = "Which of the following statements is true about the"
    topics = ["French revolution of 1789", "structure of DNA", "law of supply", "water cycle", "Roman senate", "immune system"]
    items = [BenchmarkItem("mmlu_pro", str(i), f"{stem} {t}?") for i, t in enumerate(topics)]
    row = f"{stem} local bakery that opened on my street last spring?"
    d = find_contamination(["x"], [row], items)[0]
    assert not d.contaminated and d.shared_ngrams == 0
    assert find_contamination(["y"], [f"{stem} structure of DNA?"], items)[0].item_id == "1"


def test_rows_form_segments_and_errors(benchmarks: list, tmp_path: Path) -> None:
    index = BenchmarkIndex(benchmarks)
    rows = [{"id": 7, "question": MC_Q, "options": MC_OPTIONS[::-1]}, {"id": 8, "question": "What is 2+3?"}]
    out = find_contamination_rows(rows, index)
    assert [(d.id, d.contaminated) for d in out] == [("7", True), ("8", False)]
    assert segments("Which is\nright?\nA. one\nB. two") == ["Which is right?", "one", "two"]
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"text": "no question field"}])
    with pytest.raises(ValueError, match=r"bad.jsonl, line 1: no question text"):
        load_benchmark(bad)
    with pytest.raises(ValueError, match="threshold"):
        DecontaminateConfig(threshold=1.5)
    with pytest.raises(ValueError, match="no benchmark items"):
        BenchmarkIndex([])


@pytest.mark.skipif(not (REALDATA / "math500" / "test.jsonl").exists(), reason="shared realdata not present")
def test_real_math500_item_found_after_rewording() -> None:
    items = load_benchmark(REALDATA / "math500" / "test.jsonl")
    long_items = [it for it in items if len(it.question.split()) > 25]
    target = long_items[3]
    words = target.question.split()
    words[5], words[15] = words[5].upper(), "really"  # a changed case and one replaced word
    d = find_contamination(["x"], ["  ".join(words)], items)[0]
    assert (d.contaminated, d.benchmark, d.item_id) == (True, "math500", target.item_id)
