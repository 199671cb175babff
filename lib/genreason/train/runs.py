"""Reading training run folders while they train: metrics, sampled completions, summaries.

A GRPO or verifier-SFT run writes `metrics.jsonl` (one line per logged step) and, for GRPO,
`completions.jsonl` (sampled completions with their reward components) into its folder,
appending and flushing as it goes. These readers are total over a file that is being written:
a last line cut mid-write is skipped, a missing file is an empty run. They import no training
library, so the app and notebooks can call them freely.

    rows = read_metrics(run_dir)                        # [{"step": 1, "reward": ..., ...}, ...]
    samples = read_completions(run_dir, step=3, verdict="accepted")
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Chart groups for a run's metrics: title -> metric names (those present are drawn).
METRIC_GROUPS: dict[str, tuple[str, ...]] = {
    "Reward": ("reward", "reward_std", "rewards/verified_reward/mean"),
    "Reward components": ("reward_parts/accepted", "reward_parts/no_answer", "reward_parts/undecided",
                          "reward_parts/length_penalty"),
    "Groups with zero reward spread": ("frac_reward_zero_std",),
    "KL": ("kl",),
    "Entropy": ("entropy",),
    "Completion length": ("completions/mean_length", "completions/min_length", "completions/max_length",
                          "completions/mean_terminated_length"),
    "Truncated completions": ("completions/clipped_ratio",),
    "Clip ratio": ("clip_ratio/region_mean", "clip_ratio/low_mean", "clip_ratio/high_mean"),
    "Loss": ("loss", "policy_loss"),
    "Learning rate": ("learning_rate",),
    "Throughput (tokens/s)": ("tokens_per_s",),
    "Step time (s)": ("step_time_s",),
    "Reward audit: disagreement with a second judge": ("audit/disagreement",),
}

VERDICT_FILTERS = ("all", "accepted", "rejected", "undecided", "no answer")


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:  # the writer is mid-line; the next read gets it whole
            continue
        if isinstance(row, dict):
            yield row


def read_metrics(run_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The run's logged steps in order (the latest line wins for a step logged twice), with the
    live audit's per-step disagreement rate (`audit/disagreement`, from audit.jsonl) merged in."""
    by_step: dict[int, dict[str, Any]] = {}
    for row in _lines(Path(run_dir) / "metrics.jsonl"):
        if isinstance(row.get("step"), int):
            by_step[row["step"]] = row
    for step, (n, disagree) in audit_counts(run_dir).items():
        row = by_step.setdefault(step, {"step": step})
        row["audit/disagreement"] = disagree / n
        row["audit/audited"] = n
    return [by_step[s] for s in sorted(by_step)]


def audit_counts(run_dir: str | os.PathLike[str]) -> dict[int, tuple[int, int]]:
    """Step -> (completions audited, of which the audit judge disagreed with the reward)."""
    counts: dict[int, list[int]] = {}
    for row in _lines(Path(run_dir) / "audit.jsonl"):
        if isinstance(row.get("step"), int):
            c = counts.setdefault(row["step"], [0, 0])
            c[0] += 1
            c[1] += bool(row.get("disagree"))
    return {s: (n, d) for s, (n, d) in sorted(counts.items())}


def metric_series(rows: list[dict[str, Any]], names: tuple[str, ...]) -> list[dict[str, Any]]:
    """Long-format rows (step, metric, value) of the named metrics that have values."""
    return [{"step": r["step"], "metric": n, "value": r[n]} for r in rows for n in names
            if isinstance(r.get(n), (int, float)) and not isinstance(r.get(n), bool)]


def _verdict_label(row: dict[str, Any]) -> str:
    if row.get("path") == "no-answer":
        return "no answer"
    return {True: "accepted", False: "rejected"}.get(row.get("verdict"), "undecided")


def read_completions(
    run_dir: str | os.PathLike[str], *, step: int | None = None, verdict: str = "all", limit: int = 200
) -> list[dict[str, Any]]:
    """Sampled completions of a run (optionally of one step and one verdict), newest step first."""
    if verdict not in VERDICT_FILTERS:
        raise ValueError(f"verdict filter must be one of {VERDICT_FILTERS}, got {verdict!r}")
    rows = []
    for row in _lines(Path(run_dir) / "completions.jsonl"):
        row["outcome"] = _verdict_label(row)
        if step is not None and row.get("step") != step:
            continue
        if verdict != "all" and row["outcome"] != verdict:
            continue
        rows.append(row)
    rows.sort(key=lambda r: -(r.get("step") or 0))
    return rows[:limit]


def completion_steps(run_dir: str | os.PathLike[str]) -> list[int]:
    """Steps that have sampled completions, in order."""
    return sorted({r["step"] for r in _lines(Path(run_dir) / "completions.jsonl")
                   if isinstance(r.get("step"), int)})


def files_version(run_dir: str | os.PathLike[str]) -> tuple[float, ...]:
    """Modification times of the run's outputs: a cache key that changes as the run writes."""
    out = []
    for name in ("metrics.jsonl", "completions.jsonl", "audit.jsonl", "progress.json"):
        try:
            out.append((Path(run_dir) / name).stat().st_mtime)
        except OSError:
            out.append(0.0)
    return tuple(out)


def parse_settings(text: str) -> dict[str, str]:
    """`key=value` lines (a form's overrides box) as a dict; ValueError naming a bad line."""
    out = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"overrides line {n} ({line!r}): expected key=value")
        out[key.strip()] = value.strip()
    return out


def read_audit(run_dir: str | os.PathLike[str], *, disagreeing_only: bool = True,
               limit: int = 200) -> list[dict[str, Any]]:
    """The live audit's rows (by default only where the audit judge disagreed), newest first."""
    rows = [r for r in _lines(Path(run_dir) / "audit.jsonl") if r.get("disagree") or not disagreeing_only]
    rows.sort(key=lambda r: -(r.get("step") or 0))
    return rows[:limit]
