"""Compare two judges over the same items: agreement, kappa, metrics, breakdowns, disagreements.

Any two judges compare: rule vs model, a verifier vs human labels, model vs imported reference
labels. Judge A is scored against judge B taken as the truth. Verdicts have three values (true,
false, undecided), so the agreement matrix is 3 x 3 and Cohen's kappa is computed over all three.

The core works on plain rows ("pairs": one dict per item with both judges' verdicts and the
item's question, reference, response and tags), built from lists of `Judgment`s, dict rows or
DataFrames (`pair_judgments`) or read from the store (`load_pairs`). Results are dicts and lists
of dicts, so the CLI prints them, `--json` dumps them, and notebooks and the app turn them into
DataFrames and plotly figures (`agreement_by` gives chart-ready rows).

    with store.connect(db, read_only=True) as con:
        result = compare_judges(con, "rule", "model")
    result.metrics["kappa"], result.breakdowns["answer_type"]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from genreason.judging import Item, Judgment
from genreason.verify.assess.metrics import LABELS, cohen_kappa, score, verdict_label  # noqa: F401 (re-exported)
from genreason.verify.assess.metrics import agreement_matrix as _matrix

GROUPS: tuple[str, ...] = ("answer_type", "category", "difficulty")

PairRow = dict[str, Any]

_ITEM_FIELDS = ("question", "reference", "response", "answer_type", "category", "difficulty")
_JUDGMENT_FIELDS = ("verdict", "extracted", "reason", "rule")


def _records(judgments: Any) -> list[Mapping[str, Any]]:
    """Judgments, dict rows or a DataFrame, as a list of mappings."""
    if hasattr(judgments, "to_dict") and not isinstance(judgments, Mapping):
        return list(judgments.to_dict("records"))  # a pandas DataFrame
    out: list[Mapping[str, Any]] = []
    for j in judgments:
        out.append(j.to_row() if isinstance(j, Judgment) else j)
    return out


def _item_key(record: Mapping[str, Any]) -> str:
    key = record.get("item_id") or record.get("candidate_id")
    if key is None:
        raise ValueError(f"judgment row has no item_id or candidate_id: {dict(record)!r:.200}")
    return str(key)


def pair_judgments(
    a: Iterable[Judgment] | Iterable[Mapping[str, Any]] | Any,
    b: Iterable[Judgment] | Iterable[Mapping[str, Any]] | Any,
    items: Mapping[str, Item | Mapping[str, Any]] | None = None,
) -> list[PairRow]:
    """Rows for the items both judges judged, keyed by item id, in judge A's order.

    a, b: `Judgment`s, dict rows (item_id or candidate_id, verdict, extracted, reason, rule) or
        DataFrames with those columns.
    items: optional item id -> `Item` or dict with question, reference (or answer), response,
        answer_type, category, difficulty, used for breakdowns and the disagreement list.
    """
    b_by_id = {_item_key(r): r for r in _records(b)}
    pairs: list[PairRow] = []
    for ra in _records(a):
        key = _item_key(ra)
        rb = b_by_id.get(key)
        if rb is None:
            continue
        meta = (items or {}).get(key)
        if isinstance(meta, Item):
            meta = {
                "question": meta.question,
                "reference": meta.reference,
                "response": meta.response,
                "answer_type": meta.answer_type,
            }
        meta = dict(meta or {})
        if "reference" not in meta and "answer" in meta:
            meta["reference"] = meta["answer"]
        row: PairRow = {
            "item_id": key,
            "question_id": ra.get("question_id") or rb.get("question_id") or meta.get("question_id"),
        }
        for name in _ITEM_FIELDS:
            row[name] = meta.get(name, ra.get(name, rb.get(name)))
        for name in _JUDGMENT_FIELDS:
            row[f"{name}_a"] = ra.get(name)
            row[f"{name}_b"] = rb.get(name)
        row["verdict_a"] = _clean_verdict(row["verdict_a"])
        row["verdict_b"] = _clean_verdict(row["verdict_b"])
        pairs.append(row)
    return pairs


def _clean_verdict(v: Any) -> bool | None:
    label = verdict_label(v)
    return None if label == "undecided" else label == "true"


def agreement_matrix(pairs: Sequence[PairRow]) -> dict[str, dict[str, int]]:
    """Counts of (A's verdict, B's verdict): matrix[a_label][b_label], labels true/false/undecided."""
    return _matrix([p["verdict_a"] for p in pairs], [p["verdict_b"] for p in pairs])


def metrics(pairs: Sequence[PairRow]) -> dict[str, Any]:
    """Judge A scored against judge B as truth (`genreason.verify.assess.metrics.score`: on the
    items B decided, A's undecided counts as not accepted), plus agreement and kappa over all
    items and the three labels."""
    s = score([p["verdict_a"] for p in pairs], [p["verdict_b"] for p in pairs])
    n = s.n
    return {
        "n": n,
        "agreement": s.agreement,
        "kappa": s.kappa,
        "scored": s.scored,  # items where B decided
        "accuracy": s.accuracy,
        "precision": s.precision,
        "recall": s.recall,
        "f1": s.f1,
        "tp": s.tp,
        "fp": s.fp,
        "fn": s.fn,
        "tn": s.tn,
        "a_undecided": s.undecided,
        "a_undecided_scored": s.undecided_scored,
        "b_undecided": s.truth_undecided,
        "a_true_rate": (s.tp + s.fp + sum(verdict_label(p["verdict_a"]) == "true" and verdict_label(p["verdict_b"]) == "undecided" for p in pairs)) / n if n else None,
        "b_true_rate": (s.tp + s.fn) / n if n else None,
    }


def _group_value(pair: PairRow, by: str) -> str:
    value = pair.get(by)
    return "(none)" if value is None or value == "" else str(value)


def _grouped(pairs: Sequence[PairRow], by: str) -> dict[str, list[PairRow]]:
    if by not in GROUPS:
        raise ValueError(f"cannot break down by {by!r}; choose one of {', '.join(GROUPS)}")
    groups: dict[str, list[PairRow]] = {}
    for p in pairs:
        groups.setdefault(_group_value(p, by), []).append(p)
    return groups


def breakdown(pairs: Sequence[PairRow], by: str) -> list[dict[str, Any]]:
    """`metrics` per value of answer_type, category or difficulty; largest groups first."""
    rows = []
    for value, group in _grouped(pairs, by).items():
        m = metrics(group)
        rows.append(
            {
                by: value,
                **{
                    k: m[k]
                    for k in ("n", "agreement", "kappa", "accuracy", "precision", "recall", "f1")
                },
                "a_undecided": m["a_undecided"],
                "b_undecided": m["b_undecided"],
            }
        )
    rows.sort(key=lambda r: (-r["n"], r[by]))
    return rows


def _outcome(pair: PairRow) -> str:
    la, lb = verdict_label(pair["verdict_a"]), verdict_label(pair["verdict_b"])
    if "undecided" in (la, lb):
        return "undecided"
    if la == lb:
        return f"both {la}"
    return "only A true" if la == "true" else "only B true"


OUTCOMES: tuple[str, ...] = ("both true", "both false", "only A true", "only B true", "undecided")


def agreement_by(pairs: Sequence[PairRow], by: str) -> list[dict[str, Any]]:
    """Chart-ready rows: per group value and outcome, the count and the share of the group.

    Outcomes: both true, both false, only A true, only B true, undecided (either judge).
    A stacked bar of share by group (e.g. plotly `px.bar(rows, x=by, y="share",
    color="outcome")`) shows where the judges part ways.
    """
    rows = []
    for value, group in _grouped(pairs, by).items():
        counts = dict.fromkeys(OUTCOMES, 0)
        for p in group:
            counts[_outcome(p)] += 1
        for outcome, count in counts.items():
            rows.append(
                {by: value, "outcome": outcome, "count": count, "share": count / len(group), "n": len(group)}
            )
    rows.sort(key=lambda r: (-r["n"], r[by], OUTCOMES.index(r["outcome"])))
    return rows


def disagreements(pairs: Sequence[PairRow], limit: int | None = None) -> list[PairRow]:
    """Items where the two judges' labels differ, both records side by side."""
    out = [p for p in pairs if verdict_label(p["verdict_a"]) != verdict_label(p["verdict_b"])]
    return out if limit is None else out[:limit]


@dataclass
class Comparison:
    """Everything `genreason compare` shows about two judges over their common items."""

    judge_a: str
    judge_b: str
    matrix: dict[str, dict[str, int]]
    metrics: dict[str, Any]
    breakdowns: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    disagreements: list[PairRow] = field(default_factory=list)
    n_disagreements: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compare_pairs(
    pairs: Sequence[PairRow],
    judge_a: str,
    judge_b: str,
    *,
    by: Sequence[str] = GROUPS,
    max_disagreements: int | None = 20,
) -> Comparison:
    """The full comparison of already-paired rows."""
    disagreeing = disagreements(pairs)
    return Comparison(
        judge_a=judge_a,
        judge_b=judge_b,
        matrix=agreement_matrix(pairs),
        metrics=metrics(pairs),
        breakdowns={b: breakdown(pairs, b) for b in by},
        disagreements=disagreeing if max_disagreements is None else disagreeing[:max_disagreements],
        n_disagreements=len(disagreeing),
    )


# --- the store -------------------------------------------------------------------------------

def load_pairs(con: Any, judge_a: str, judge_b: str, *, limit: int | None = None) -> list[PairRow]:
    """Pair rows for the stored candidates both judges judged (read-only; `store.judge_pairs`)."""
    from genreason import store

    return store.judge_pairs(con, judge_a, judge_b, limit=limit)


def candidate_tags(con: Any, candidate_ids: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
    """Candidate id -> question, reference, response, answer_type, category, difficulty
    (read-only), the `items` argument of `pair_judgments` for judgments made in memory."""
    from genreason import store

    return store.candidate_tags(con, candidate_ids)


def compare_judges(
    con: Any,
    judge_a: str,
    judge_b: str,
    *,
    by: Sequence[str] = GROUPS,
    max_disagreements: int | None = 20,
    limit: int | None = None,
) -> Comparison:
    """Compare two stored judges over the candidates both judged (B taken as truth)."""
    pairs = load_pairs(con, judge_a, judge_b, limit=limit)
    return compare_pairs(pairs, judge_a, judge_b, by=by, max_disagreements=max_disagreements)


def record_human_verdict(
    con: Any, candidate_id: str, verdict: bool | None, note: str = "", *, judge: str = "human"
) -> Judgment:
    """Store a person's verdict on a candidate as judge `judge` ("human", or "human:<name>"
    per annotator); a later one by the same judge replaces it.

    verdict None records "cannot tell". Raises ValueError for an unknown candidate id.
    """
    from genreason import store

    if judge != "human" and not judge.startswith("human:"):
        raise ValueError(f"a person's verdict is stored as judge 'human' or 'human:<name>', not {judge!r}")
    judgment = Judgment(
        judge=judge,
        verdict=verdict,
        extracted=None,
        reason=note.strip() or "human label",
        rule="human",
        detail={"note": note} if note else {},
        cost={},
        item_id=candidate_id,
    )
    store.save_judgments(con, [judgment])
    return judgment
