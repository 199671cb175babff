"""The rule verifier on real model outputs (shared/realdata), against the data's own labels.

Row cases are named by dataset and row; the expected verdict is the dataset's label (human
for EVOUNA, OpenAI's final-answer check for GSM8K, the harness regex for MMLU-Pro, the
Qwen2.5-Math grader for MATH), except TheoremQA outputs, which carry no label: there the
expected verdict is ours, read off the output by hand, and the id says so.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genreason.ingest.offline import read_labelled_set
from genreason.judging import Item
from genreason.verify.assess.labelled import LabelledItem, labelled_items
from genreason.verify.assess.metrics import score
from genreason.verify.rules.verifier import judge_items

REALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"


@pytest.fixture(scope="module")
def realdata() -> Path:
    if not REALDATA.exists():
        pytest.skip(f"real data not found at {REALDATA} (shared/realdata beside the repo)")
    return REALDATA


ROWS = [
    # (loader, row, what the row guards)
    ("gsm8k", 0, "wrong final number after A:"),
    ("gsm8k", 3, "right final number after A:"),
    ("gsm8k", 4, "small integer"),
    ("mmlu_pro", 0, "The answer is (I)."),
    ("mmlu_pro", 3, "wrong letter"),
    ("mmlu_pro", 18, "wrong letter A"),
    ("evouna_nq", 0, "middle name dropped: Wilhelm Röntgen"),
    ("evouna_nq", 1, "name buried in a sentence"),
    ("evouna_nq", 6, "a different short answer (AM)"),
    ("evouna_nq", 12, "alternatives written with 'or'"),
    ("evouna_nq", 17, "a different person"),
    ("evouna_nq", 23, "one of several slash alternatives in a sentence"),
    ("evouna_nq", 29, "wrong person in a sentence"),
    ("evouna_nq", 40, "number answer to a '291 episodes/291' reference"),
    ("evouna_nq", 45, "one of a list of alternatives"),
    ("math_maj8", 0, "integer in a box"),
    ("math_maj8", 8, "boxed fraction"),
    ("math_maj8", 48, "wrong fraction"),
]


def _load(name: str, root: Path, limit: int | None = None, seed: int = 0) -> list[LabelledItem]:
    """A shared labelled set through ingest's one reader of its format."""
    return labelled_items(read_labelled_set(name, root, limit=limit, seed=seed), dataset=name)


@pytest.fixture(scope="module")
def loaded(realdata: Path) -> dict:
    return {name: _load(name, realdata) for name in {r[0] for r in ROWS}}


@pytest.mark.parametrize(("dataset", "row", "guards"), ROWS, ids=[f"{d}-{r}-{g.replace(' ', '-')}" for d, r, g in ROWS])
def test_real_row(loaded: dict, dataset: str, row: int, guards: str) -> None:
    li = loaded[dataset][row]
    j = judge_items([li.item])[0]
    assert (j.verdict is True) == li.label, (guards, j.verdict, j.rule, j.reason, j.extracted)


THEOREMQA = [
    # (output row, answer type as TheoremQA writes it, expected, what it guards) - labels ours
    (6, "list of integer", False, "list differing in one element"),
    (24, "list of integer", False, "[1,1] against [2, 2]"),
    (3, "float", False, "1 against 1.42 (self-grading lines after it)"),
    (12, "bool", True, "The answer is False. against False"),
    (27, "option", True, "(c) against (c)"),
]


@pytest.mark.parametrize(("row", "answer_type", "expected", "guards"), THEOREMQA, ids=[f"theoremqa-{r}-{g.split(' ')[0]}-ours" for r, _, _, g in THEOREMQA])
def test_theoremqa_output(realdata: Path, row: int, answer_type: str, expected: bool, guards: str) -> None:
    outputs = [json.loads(x) for x in (realdata / "theoremqa" / "outputs_internlm2_math_20b_5shots_short.jsonl").open()]
    tests = {t["Question"]: t for t in map(json.loads, (realdata / "theoremqa" / "theoremqa_test.jsonl").open())}
    out = outputs[row]
    gold = tests[out["question"]]
    assert gold["Answer_type"] == answer_type
    ref = gold["Answer"] if isinstance(gold["Answer"], str) else json.dumps(gold["Answer"])
    j = judge_items([Item(out["question"], ref, out["solution"], answer_type)])[0]
    assert (j.verdict is True) == expected, (guards, j.verdict, j.rule, j.reason, j.extracted)


def test_gsm8k_agreement(realdata: Path) -> None:
    rows = _load("gsm8k", realdata, limit=400, seed=3)
    s = score([j.verdict for j in judge_items([r.item for r in rows])], [r.label for r in rows])
    assert s.accuracy >= 0.99 and s.precision >= 0.99


def test_evouna_agreement(realdata: Path) -> None:
    rows = _load("evouna_nq", realdata, limit=1500, seed=3)
    s = score([j.verdict for j in judge_items([r.item for r in rows])], [r.label for r in rows])
    assert s.accuracy >= 0.83 and s.precision >= 0.97, s


def test_mmlu_pro_agreement(realdata: Path) -> None:
    rows = _load("mmlu_pro", realdata, limit=400, seed=3)
    s = score([j.verdict for j in judge_items([r.item for r in rows])], [r.label for r in rows])
    assert s.accuracy >= 0.97 and s.precision >= 0.99, s


@pytest.mark.slow
def test_sample_agreement() -> None:
    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    if not (sample / "candidates.jsonl").exists():
        pytest.skip("data/sample has no candidates yet")
    rows = _load("sample", sample)
    s = score([j.verdict for j in judge_items([r.item for r in rows])], [r.label for r in rows])
    assert s.accuracy >= 0.95 and s.precision >= 0.98, s


def test_shuffled_answers_are_rejected(realdata: Path) -> None:
    """Each MATH-500 / TheoremQA reference against other problems' answers: almost never
    accepted (the few acceptances are answers that really are equal, such as 1 and 1.0)."""
    import random

    rng = random.Random(0)
    math500 = [json.loads(x) for x in (realdata / "math500" / "test.jsonl").open()]
    theorem = [json.loads(x) for x in (realdata / "theoremqa" / "theoremqa_test.jsonl").open()]

    def text(a):
        return a if isinstance(a, str) else json.dumps(a)

    items = []
    for r in math500:
        other = rng.choice(math500)["answer"]
        if other.replace(" ", "") != r["answer"].replace(" ", ""):
            items.append(Item(r["problem"], r["answer"], f"The final answer is $\\boxed{{{other}}}$."))
    for r in theorem:
        other = text(rng.choice(theorem)["Answer"])
        if other != text(r["Answer"]):
            items.append(Item(r["Question"], text(r["Answer"]), f"Final Answer: {other}", r["Answer_type"]))
    accepted = [j for j in judge_items(items) if j.verdict is True]
    assert len(accepted) <= 0.005 * len(items), [(j.extracted, j.reason) for j in accepted]


def test_references_accept_themselves(realdata: Path) -> None:
    math500 = [json.loads(x) for x in (realdata / "math500" / "test.jsonl").open()]
    items = [Item(r["problem"], r["answer"], f"The final answer is $\\boxed{{{r['answer']}}}$.") for r in math500]
    assert all(j.verdict is True for j in judge_items(items))
