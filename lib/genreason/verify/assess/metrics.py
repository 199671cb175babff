"""The one scorer of judges: accuracy, precision, recall, F1, agreement and Cohen's kappa.

Stage: verify (assessing judges). Every place that scores a judge (the CLI's `compare`, the
benchmarks, notebooks, the app) calls these functions, so a number means the same thing
everywhere.

Verdicts have three values: True (accepted), False, None (undecided). A reward pays nothing
for an undecided verdict, so for accuracy, precision and recall undecided counts as *not
accepted* (the same as False), and it is reported on its own (`undecided`). The truth may be
a label (True/False) or another judge's verdict; items where the truth is undecided have no
truth and are left out of accuracy, precision and recall (`scored` counts the rest), but stay
in agreement and kappa, which compare the three labels as they are.

    s = score([True, None, False], [True, True, False])
    s.accuracy, s.precision, s.recall, s.undecided     # 0.667, 1.0, 0.5, 1
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

LABELS: tuple[str, str, str] = ("true", "false", "undecided")


def verdict_label(verdict: Any) -> str:
    """"true", "false" or "undecided" for a verdict (None and NaN, as stored NULLs read back
    through pandas, mean undecided)."""
    if verdict is None or (isinstance(verdict, float) and math.isnan(verdict)):
        return "undecided"
    return "true" if bool(verdict) else "false"


def agreement_matrix(a: Sequence[Any], b: Sequence[Any]) -> dict[str, dict[str, int]]:
    """Counts of (a's label, b's label): matrix[label_a][label_b] over true/false/undecided."""
    if len(a) != len(b):
        raise ValueError(f"the two verdict lists differ in length ({len(a)} vs {len(b)})")
    matrix = {la: dict.fromkeys(LABELS, 0) for la in LABELS}
    for va, vb in zip(a, b, strict=True):
        matrix[verdict_label(va)][verdict_label(vb)] += 1
    return matrix


def cohen_kappa(matrix: Mapping[str, Mapping[str, int]]) -> float | None:
    """Cohen's kappa of a square agreement matrix: (p_o - p_e) / (1 - p_e).

    p_o is the share of items on the diagonal; p_e the agreement expected by chance from each
    judge's label frequencies, sum over labels k of (row_k / n) * (col_k / n) (Cohen, 1960).
    None when undefined: no items, or both judges gave one and the same label to all (p_e = 1).
    """
    labels = list(matrix)
    n = sum(matrix[r][c] for r in labels for c in labels)
    if n == 0:
        return None
    p_o = sum(matrix[k][k] for k in labels) / n
    p_e = sum(
        (sum(matrix[k][c] for c in labels) / n) * (sum(matrix[r][k] for r in labels) / n) for k in labels
    )
    if math.isclose(p_e, 1.0):
        return None
    kappa = (p_o - p_e) / (1 - p_e)
    return 0.0 if kappa == 0 else kappa  # never "-0.000"


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass(frozen=True)
class Scores:
    """A judge's verdicts scored against a truth (labels or another judge's verdicts).

    n: all items; scored: items with a decided truth; tp: accepted & true; fp: accepted &
    false; fn: true & not accepted (False or undecided); tn: false & not accepted;
    undecided: the judge's undecided verdicts (all items); undecided_scored: ... among scored.
    accuracy, precision, recall, f1: on the scored items, None where undefined (no scored
    items; nothing accepted; no true items). agreement, kappa: over all items and 3 labels.
    """

    n: int
    scored: int
    tp: int
    fp: int
    fn: int
    tn: int
    undecided: int
    undecided_scored: int
    truth_undecided: int
    accuracy: float | None
    precision: float | None
    recall: float | None
    f1: float | None
    agreement: float | None
    kappa: float | None

    # Older names, kept for readers of the bench tables.
    @property
    def true_pos(self) -> int:
        return self.tp

    @property
    def false_pos(self) -> int:
        return self.fp

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def as_row(self, digits: int = 4) -> dict[str, Any]:
        """The headline numbers, rounded, for tables."""
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, digits)

        return {"n": self.n, "accuracy": r(self.accuracy), "precision": r(self.precision),
                "recall": r(self.recall), "undecided": self.undecided, "false_pos": self.fp}


def score(verdicts: Sequence[Any], truth: Sequence[Any]) -> Scores:
    """Score `verdicts` against `truth` (see the module docstring for how undecided counts)."""
    matrix = agreement_matrix(verdicts, truth)
    tp = matrix["true"]["true"]
    fp = matrix["true"]["false"]
    fn = matrix["false"]["true"] + matrix["undecided"]["true"]
    tn = matrix["false"]["false"] + matrix["undecided"]["false"]
    scored = tp + fp + fn + tn
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision is not None and recall is not None and precision + recall > 0
        else None
    )
    n = len(verdicts)
    return Scores(
        n=n,
        scored=scored,
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        undecided=sum(matrix["undecided"].values()),
        undecided_scored=matrix["undecided"]["true"] + matrix["undecided"]["false"],
        truth_undecided=sum(matrix[k]["undecided"] for k in LABELS),
        accuracy=_ratio(tp + tn, scored),
        precision=precision,
        recall=recall,
        f1=f1,
        agreement=_ratio(sum(matrix[k][k] for k in LABELS), n),
        kappa=cohen_kappa(matrix),
    )


def score_groups(verdicts: Sequence[Any], truth: Sequence[Any], groups: Sequence[str]) -> dict[str, Scores]:
    """`score` per group value (sorted), plus "all"."""
    if not len(verdicts) == len(truth) == len(groups):
        raise ValueError("verdicts, truth and groups differ in length")
    index: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        index.setdefault(g or "?", []).append(i)
    out = {
        g: score([verdicts[i] for i in idx], [truth[i] for i in idx]) for g, idx in sorted(index.items())
    }
    out["all"] = score(list(verdicts), list(truth))
    return out
