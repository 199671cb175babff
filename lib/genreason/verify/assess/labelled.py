"""Labelled answer sets for measuring a verifier, and the scores that measure it.

Stage: verify (evaluation of judges). Loads items with a correctness label from the shipped
sample (data/sample/questions.jsonl + candidates.jsonl, field `label`) and from the public
sets in shared/realdata (GSM8K model solutions, EVOUNA NQ human labels, MMLU-Pro
Llama-3.1-8B outputs, Qwen2.5-Math 8-sample MATH responses), and scores verdicts against
labels. Undecided verdicts count as "not accepted" in accuracy/precision/recall and are
reported separately. Used by bench/bench_rule_verifier.py and notebooks/03_verify.py.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from genreason.judging import Item


@dataclass(frozen=True)
class LabelledItem:
    """An item, whether its response is correct, and a group to break scores down by."""

    item: Item
    label: bool
    group: str = ""
    dataset: str = ""


@dataclass(frozen=True)
class Scores:
    """Agreement of verdicts with labels (undecided = not accepted)."""

    n: int
    accuracy: float
    precision: float | None  # None when nothing was accepted (undefined)
    recall: float | None  # None when there are no positives
    undecided: int
    true_pos: int
    false_pos: int

    def as_row(self) -> dict[str, float | int]:
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "precision": None if self.precision is None else round(self.precision, 4),
            "recall": None if self.recall is None else round(self.recall, 4),
            "undecided": self.undecided,
            "false_pos": self.false_pos,
        }


def score(verdicts: Sequence[bool | None], labels: Sequence[bool]) -> Scores:
    """Accuracy, precision and recall of `verdicts` against `labels`."""
    if len(verdicts) != len(labels):
        raise ValueError("verdicts and labels differ in length")
    tp = sum(1 for v, y in zip(verdicts, labels, strict=True) if v is True and y)
    fp = sum(1 for v, y in zip(verdicts, labels, strict=True) if v is True and not y)
    tn = sum(1 for v, y in zip(verdicts, labels, strict=True) if v is not True and not y)
    pos = sum(1 for y in labels if y)
    n = len(labels)
    return Scores(
        n=n,
        accuracy=(tp + tn) / n if n else 0.0,
        precision=tp / (tp + fp) if tp + fp else None,
        recall=tp / pos if pos else None,
        undecided=sum(1 for v in verdicts if v is None),
        true_pos=tp,
        false_pos=fp,
    )


def scores_by_group(
    verdicts: Sequence[bool | None], labelled: Sequence[LabelledItem], key: str = "group"
) -> dict[str, Scores]:
    """Scores per value of `key` ("group" or "dataset"), plus "all"."""
    groups: dict[str, list[int]] = {}
    for i, li in enumerate(labelled):
        groups.setdefault(getattr(li, key) or "?", []).append(i)
    out = {g: score([verdicts[i] for i in idx], [labelled[i].label for i in idx]) for g, idx in sorted(groups.items())}
    out["all"] = score(list(verdicts), [li.label for li in labelled])
    return out


def _jsonl(path: Path) -> Iterable[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _sample_rows(rows: list, limit: int | None, seed: int) -> list:
    if limit is None or limit >= len(rows):
        return rows
    return random.Random(seed).sample(rows, limit)


def load_sample(sample_dir: Path, *, limit: int | None = None, group_by: str = "answer_type") -> list[LabelledItem]:
    """The shipped sample's labelled candidates joined with their questions."""
    questions = {q["id"]: q for q in _jsonl(sample_dir / "questions.jsonl")}
    out = []
    for c in _jsonl(sample_dir / "candidates.jsonl"):
        if not isinstance(c.get("label"), bool) or c.get("question_id") not in questions:
            continue
        q = questions[c["question_id"]]
        options = tuple(q["options"]) if q.get("options") else None
        item = Item(q["question"], str(q["answer"]), c["response"], q.get("answer_type"), options, c["id"])
        group = str(q.get("answer_type") or "?") if group_by == "answer_type" else str(c.get(group_by) or "?")
        out.append(LabelledItem(item, c["label"], group, "sample"))
    return _sample_rows(out, limit, 0)


def gsm8k_reference(ground_truth: str) -> str:
    """The final number of a GSM8K solution ("... A: 18" or "#### 18")."""
    m = re.search(r"(?:####|\bA:)\s*([^\n]+)\s*$", ground_truth.strip())
    if not m:
        raise ValueError(f"no final answer in GSM8K ground truth: {ground_truth[-60:]!r}")
    return m.group(1).strip()


def load_gsm8k(realdata: Path, *, limit: int | None = 2000, seed: int = 0) -> list[LabelledItem]:
    """GSM8K model solutions with OpenAI's `is_correct` label (reference = final number)."""
    rows = list(_jsonl(realdata / "gsm8k" / "model_solution_pairs.jsonl"))
    out = [
        LabelledItem(
            Item(r["question"], gsm8k_reference(r["ground_truth"]), r["solution"], None, None, f"gsm8k-{i}"),
            bool(r["is_correct"]), "Integer", "gsm8k",
        )
        for i, r in enumerate(rows)
    ]
    return _sample_rows(out, limit, seed)


def load_evouna(realdata: Path, *, limit: int | None = None, seed: int = 0) -> list[LabelledItem]:
    """EVOUNA NQ answers with human labels (only rows whose `judge` is a bool)."""
    out = [
        LabelledItem(
            Item(r["question"], r["golden_answer"], r["answer"] or "", None, None, f"evouna-{i}"),
            r["judge"], r["model"], "evouna_nq",
        )
        for i, r in enumerate(_jsonl(realdata / "evouna" / "evouna_pairs.jsonl"))
        if isinstance(r.get("judge"), bool) and str(r.get("golden_answer") or "").strip()
    ]
    return _sample_rows(out, limit, seed)


def load_mmlu_pro(realdata: Path, *, limit: int | None = None, seed: int = 0) -> list[LabelledItem]:
    """MMLU-Pro Llama-3.1-8B outputs; label = the file's regex-extracted `pred` equals `answer`.

    That label is itself a rule (the MMLU-Pro harness's answer regex), not a human judgment.
    """
    path = realdata / "mmlu_pro" / "model_outputs_Meta-Llama-3_1-8B-Instruct_sample.jsonl"
    out = [
        LabelledItem(
            Item(r["question"], r["answer"], r["generated_text"], "Multiple Choice", tuple(r["options"]), f"mmlu-{i}"),
            r.get("pred") == r["answer"], r.get("category", "?"), "mmlu_pro",
        )
        for i, r in enumerate(_jsonl(path))
    ]
    return _sample_rows(out, limit, seed)


def load_math_maj8(realdata: Path, *, limit: int | None = None, seed: int = 0) -> list[LabelledItem]:
    """100 MATH problems x 8 sampled responses; label = the Qwen2.5-Math grader's `score`."""
    out = []
    for r in _jsonl(realdata / "qwen25math_rm_maj_example" / "math_cot_100.jsonl"):
        for k, (resp, sc) in enumerate(zip(r["code"], r["score"], strict=False)):
            item = Item(r["question"], str(r["gt"]), resp, None, None, f"math-{r['idx']}-{k}")
            out.append(LabelledItem(item, bool(sc), r.get("level", "?"), "math_maj8"))
    if limit is not None and limit < len(out):
        out = out[: limit - limit % 8 or limit]  # keep whole 8-response groups
    return out


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
