"""Labelled answer sets as verifier items, and per-group scores of verdicts against labels.

Stage: verify (assessing judges). Files are read by ingest's one reader per format
(`genreason.ingest.offline.read_labelled_rows`, or `read_labelled_set` for the shared sets:
GSM8K model solutions, EVOUNA NQ human labels, MMLU-Pro Llama-3.1-8B outputs, Qwen2.5-Math
8-sample MATH responses, the shipped sample); `labelled_items` turns those rows into items
with a label and a group. Scores come from the one scorer, `genreason.verify.assess.metrics`
(undecided = not accepted, reported apart). Used by bench/bench_rule_verifier.py, tests and
notebooks/03_verify.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from genreason.judging import Item
from genreason.verify.assess.metrics import Scores, score, score_groups  # noqa: F401 (score re-exported)


@dataclass(frozen=True)
class LabelledItem:
    """An item, whether its response is correct, and a group to break scores down by."""

    item: Item
    label: bool
    group: str = ""
    dataset: str = ""


def labelled_items(rows: Iterable[Any], *, dataset: str = "", group_by: str = "answer_type") -> list[LabelledItem]:
    """LabelledItems from the rows `genreason.ingest.offline.read_labelled_rows` reads (one
    reader per format, ingest's): group is the question's answer type ("answer_type"), its
    category or difficulty, or a field of the source record ("model", "case", ...)."""
    out: list[LabelledItem] = []
    seen: dict[str, int] = {}
    for r in rows:
        q = r.question
        options = tuple(q["options"]) if q.get("options") else None
        # Two responses with the same text get the same candidate id; keep items apart.
        count = seen.get(r.candidate_id, 0)
        seen[r.candidate_id] = count + 1
        item_id = r.candidate_id if count == 0 else f"{r.candidate_id}#{count}"
        item = Item(q["question"], str(q["answer"]), r.response, q.get("answer_type"), options, item_id)
        if group_by in ("answer_type", "category", "difficulty"):
            group = q.get(group_by)
        elif group_by == "model":
            group = r.model
        else:
            group = r.record.get(group_by)
        out.append(LabelledItem(item, bool(r.label), str(group or "?"), dataset or r.fmt))
    return out


def scores_by_group(
    verdicts: Sequence[bool | None], labelled: Sequence[LabelledItem], key: str = "group"
) -> dict[str, Scores]:
    """Scores (`genreason.verify.assess.metrics.score`) per value of `key` ("group" or
    "dataset"), plus "all"."""
    return score_groups(list(verdicts), [li.label for li in labelled], [getattr(li, key) or "?" for li in labelled])


def load_store_labelled(con, *, labels: str = "reference", limit: int | None = None) -> list[LabelledItem]:
    """Stored candidates that judge `labels` marked true or false, grouped by answer type."""
    from genreason import store

    marked = {r["candidate_id"]: r["verdict"] for r in store.load_judgments(con, labels) if isinstance(r["verdict"], bool)}
    items = store.candidate_items(con, candidate_ids=list(marked)) if marked else []
    out = [LabelledItem(it, marked[it.item_id], it.answer_type or "?", "store") for it in items]
    return out[:limit] if limit is not None else out


def agreement_rows(verdicts: Sequence[bool | None], labelled: Sequence[LabelledItem]) -> list[dict[str, object]]:
    """One row per group (and "all"): n, accuracy, precision, recall, undecided, false positives."""
    return [{"group": g} | s.as_row() for g, s in scores_by_group(verdicts, labelled).items()]


def disagreement_rows(judgments: Sequence, labelled: Sequence[LabelledItem], limit: int = 50) -> list[dict[str, object]]:
    """Items where the verdict (undecided = not accepted) differs from the label."""
    rows = []
    for j, li in zip(judgments, labelled, strict=True):
        if (j.verdict is True) != li.label:
            rows.append(
                {
                    "group": li.group,
                    "label": li.label,
                    "verdict": j.verdict,
                    "rule": j.rule,
                    "reference": li.item.reference,
                    "extracted": j.extracted,
                    "reason": j.reason,
                }
            )
            if len(rows) >= limit:
                break
    return rows
