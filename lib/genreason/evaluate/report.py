"""Evaluation results as tables: runs next to the paper's numbers, per-category rows.

Stage: evaluate (reporting). Pure functions over stored runs (`genreason.store.evals`), used
by the CLI, the notebook and the app's Evaluation page so every view shows the same numbers.
The paper's row is General-Reasoner-Qw3-14B as reported in arXiv:2505.14652 (DESIGN.md
section 4); only benchmarks with a reported number have one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from genreason.evaluate.loaders import BENCHMARKS

PAPER_MODEL = "General-Reasoner-Qw3-14B (paper)"


def paper_scores() -> dict[str, float]:
    """Benchmark -> the paper's score (percent) for General-Reasoner-Qw3-14B."""
    return {name: spec.paper_score for name, spec in BENCHMARKS.items() if spec.paper_score is not None}


def run_label(run: dict[str, Any]) -> str:
    """A run as people name it: model, protocol, judge."""
    return f"{run['model']} · {run['protocol']} · judge {run['judge']}"


def leaderboard(runs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (model, protocol, judge): its newest score (percent) on each benchmark,
    the paper's row first. Columns are benchmark names; `runs` maps benchmark -> run id."""
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for run in sorted(runs, key=lambda r: str(r.get("created_at") or ""), reverse=True):
        key = (run["model"], run["protocol"], run["judge"])
        row = rows.setdefault(key, {"model": run["model"], "protocol": run["protocol"], "judge": run["judge"],
                                    "runs": {}})
        if run["benchmark"] not in row["runs"]:  # newest first: keep the first seen
            row[run["benchmark"]] = round(100 * float(run["accuracy"]), 1)
            row["runs"][run["benchmark"]] = run["id"]
    paper = {"model": PAPER_MODEL, "protocol": "zero-shot-boxed", "judge": "paper", "runs": {}, **paper_scores()}
    return [paper, *rows.values()]


def category_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Per-category rows (category, questions, accuracy %, no answer, undecided) for a chart."""
    return [
        {"category": cat, "questions": c["questions"], "accuracy": round(100 * c["accuracy"], 2),
         "no_answer": c["no_answer"], "undecided": c["undecided"]}
        for cat, c in summary.get("by_category", {}).items()
    ]


def k_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """pass@k and maj@k as rows (k, metric, percent); empty for one sample per question."""
    return [
        {"k": int(k), "metric": name.replace("_at", "@k"), "value": round(100 * v, 2)}
        for name in ("pass_at", "maj_at") for k, v in summary.get(name, {}).items()
    ]
