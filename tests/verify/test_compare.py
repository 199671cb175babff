"""compare: agreement matrix, Cohen's kappa (hand-computed), metrics, breakdowns, disagreements."""

from __future__ import annotations

import math

import pytest

from genreason.judging import Item, Judgment
from genreason.verify.assess.compare import (
    LABELS,
    OUTCOMES,
    agreement_by,
    agreement_matrix,
    breakdown,
    cohen_kappa,
    compare_pairs,
    disagreements,
    metrics,
    pair_judgments,
)

T, F, U = True, False, None


def _judges(cells: dict[tuple[bool | None, bool | None], int], answer_types=None):
    """Judgments of A and B realising a given agreement matrix, one item per count."""
    a, b, items = [], [], {}
    k = 0
    for (va, vb), count in cells.items():
        for _ in range(count):
            iid = f"c{k:03d}"
            a.append(Judgment("A", va, f"a{k}", f"reason a{k}", "ra", item_id=iid))
            b.append(Judgment("B", vb, f"b{k}", f"reason b{k}", "rb", item_id=iid))
            atype = answer_types[k % len(answer_types)] if answer_types else None
            items[iid] = {"question": f"q{k}", "answer": f"ref{k}", "response": f"resp{k}", "answer_type": atype}
            k += 1
    return a, b, items


def test_kappa_two_labels_hand_computed():
    # A\B    true false
    # true     20    5
    # false    10   15      n=50, p_o=35/50=0.7
    # row sums 25/25, column sums 30/20: p_e = .5*.6 + .5*.4 = 0.5
    # kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4
    matrix = {"true": {"true": 20, "false": 5}, "false": {"true": 10, "false": 15}}
    assert cohen_kappa(matrix) == pytest.approx(0.4)


def test_kappa_three_labels_hand_computed_through_pairs():
    # A\B        true false undecided
    # true         4    1    1
    # false        1    3    0
    # undecided    1    0    1           n=12, p_o = 8/12
    # rows 6,4,2; columns 6,4,2: p_e = (36+16+4)/144 = 56/144
    # kappa = (96-56)/144 / (88/144) = 40/88 = 5/11
    cells = {(T, T): 4, (T, F): 1, (T, U): 1, (F, T): 1, (F, F): 3, (U, T): 1, (U, U): 1}
    a, b, items = _judges(cells)
    pairs = pair_judgments(a, b, items)
    matrix = agreement_matrix(pairs)
    assert matrix == {
        "true": {"true": 4, "false": 1, "undecided": 1},
        "false": {"true": 1, "false": 3, "undecided": 0},
        "undecided": {"true": 1, "false": 0, "undecided": 1},
    }
    assert cohen_kappa(matrix) == pytest.approx(5 / 11)

    m = metrics(pairs)
    # scored on B-decided items (10): tp=4, fp=1, fn=1 (A false)+1 (A undecided), tn=3
    assert (m["n"], m["scored"], m["tp"], m["fp"], m["fn"], m["tn"]) == (12, 10, 4, 1, 2, 3)
    assert m["agreement"] == pytest.approx(8 / 12)
    assert m["accuracy"] == pytest.approx(7 / 10)
    assert m["precision"] == pytest.approx(4 / 5)
    assert m["recall"] == pytest.approx(4 / 6)
    assert m["f1"] == pytest.approx(8 / 11)  # 2 * .8 * (2/3) / (.8 + 2/3)
    assert m["kappa"] == pytest.approx(5 / 11)
    assert (m["a_undecided"], m["b_undecided"]) == (2, 2)


def test_kappa_undefined_and_perfect():
    assert cohen_kappa({k: dict.fromkeys(LABELS, 0) for k in LABELS}) is None
    one_label = {k: dict.fromkeys(LABELS, 0) for k in LABELS}
    one_label["true"]["true"] = 7
    assert cohen_kappa(one_label) is None  # p_e = 1
    perfect = {k: dict.fromkeys(LABELS, 0) for k in LABELS}
    perfect["true"]["true"], perfect["false"]["false"] = 3, 5
    assert cohen_kappa(perfect) == pytest.approx(1.0)


def test_pairs_from_dataframes_and_dict_rows_match_judgments():
    pd = pytest.importorskip("pandas")
    cells = {(T, T): 2, (T, F): 1, (F, F): 2, (U, F): 1}
    a, b, items = _judges(cells)
    from_objects = pair_judgments(a, b, items)
    frame_a = pd.DataFrame([j.to_row() for j in a]).rename(columns={"item_id": "candidate_id"})
    frame_b = pd.DataFrame([j.to_row() for j in b])
    from_frames = pair_judgments(frame_a, frame_b, items)
    assert [(p["item_id"], p["verdict_a"], p["verdict_b"]) for p in from_frames] == [
        (p["item_id"], p["verdict_a"], p["verdict_b"]) for p in from_objects
    ]
    # NaN (what pandas may hold for a missing verdict) reads as undecided
    rows = [{"item_id": "x", "verdict": math.nan}, {"item_id": "y", "verdict": True}]
    pairs = pair_judgments(rows, [{"item_id": "x", "verdict": False}, {"item_id": "z", "verdict": True}])
    assert [(p["item_id"], p["verdict_a"]) for p in pairs] == [("x", None)]


def test_item_objects_supply_question_reference_response():
    a = [Judgment("A", True, "4", "ok", item_id="c1")]
    b = [Judgment("B", False, "4", "no", item_id="c1")]
    (pair,) = pair_judgments(a, b, {"c1": Item("2+2?", "4", "\\boxed{4}", answer_type="Integer")})
    assert (pair["question"], pair["reference"], pair["response"], pair["answer_type"]) == (
        "2+2?", "4", "\\boxed{4}", "Integer"
    )


def test_breakdown_and_agreement_by_answer_type():
    # answer types alternate Float, List over items in insertion order
    cells = {(T, T): 4, (F, F): 2, (T, F): 2, (F, T): 1, (U, T): 1}
    a, b, items = _judges(cells, answer_types=["Float", "List"])
    pairs = pair_judgments(a, b, items)
    rows = {r["answer_type"]: r for r in breakdown(pairs, "answer_type")}
    assert set(rows) == {"Float", "List"}
    assert rows["Float"]["n"] + rows["List"]["n"] == 10
    for name, row in rows.items():
        group = [p for p in pairs if p["answer_type"] == name]
        assert row["agreement"] == pytest.approx(metrics(group)["agreement"])

    chart = agreement_by(pairs, "answer_type")
    assert {r["outcome"] for r in chart} == set(OUTCOMES)
    for name in ("Float", "List"):
        shares = [r["share"] for r in chart if r["answer_type"] == name]
        assert sum(shares) == pytest.approx(1.0)
    totals = {o: sum(r["count"] for r in chart if r["outcome"] == o) for o in OUTCOMES}
    assert totals == {"both true": 4, "both false": 2, "only A true": 2, "only B true": 1, "undecided": 1}

    with pytest.raises(ValueError, match="break down by"):
        breakdown(pairs, "colour")


def test_missing_tags_group_as_none():
    cells = {(T, T): 2}
    a, b, items = _judges(cells)
    (row,) = breakdown(pair_judgments(a, b, items), "category")
    assert row["category"] == "(none)" and row["n"] == 2


def test_disagreements_side_by_side_and_the_full_comparison():
    cells = {(T, T): 3, (T, F): 2, (U, F): 1}
    a, b, items = _judges(cells)
    pairs = pair_judgments(a, b, items)
    rows = disagreements(pairs)
    assert len(rows) == 3
    first = rows[0]
    for key in ("question", "reference", "response", "extracted_a", "extracted_b",
                "verdict_a", "verdict_b", "reason_a", "reason_b"):
        assert key in first
    assert (first["verdict_a"], first["verdict_b"]) == (True, False)
    assert first["reference"].startswith("ref")

    result = compare_pairs(pairs, "A", "B", by=["answer_type"], max_disagreements=2)
    assert result.n_disagreements == 3 and len(result.disagreements) == 2
    assert result.metrics["n"] == 6
    d = result.to_dict()
    assert d["matrix"]["true"]["false"] == 2 and "answer_type" in d["breakdowns"]


def test_the_one_scorer_counts_undecided_as_not_accepted_and_reports_it_apart() -> None:
    from genreason.verify.assess.metrics import score

    # verdicts:  T     T      F     None  None   F     T
    # truth:     T     F      T     T     F      F     None (no truth: left out of scoring)
    s = score([True, True, False, None, None, False, True], [True, False, True, True, False, False, None])
    assert (s.n, s.scored, s.tp, s.fp, s.fn, s.tn) == (7, 6, 1, 1, 2, 2)
    assert s.accuracy == 3 / 6  # undecided on a false item is rightly not accepted
    assert s.precision == 1 / 2 and s.recall == 1 / 3
    assert (s.undecided, s.undecided_scored, s.truth_undecided) == (2, 2, 1)
    # agreement and kappa compare the three labels as they are, over all 7 items
    assert s.agreement == 2 / 7  # (T,T) and (F,F)
    assert score([], []).accuracy is None and score([None], [None]).kappa is None
    assert score([True, False], [True, False]).kappa == 1.0
