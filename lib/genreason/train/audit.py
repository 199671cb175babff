"""Live reward audit: a second judge re-judges a sample of each step's completions in the background.

A policy under GRPO searches for whatever its reward accepts, so a reward that starts saying
yes to junk shows up first as disagreement with an independent judge (DESIGN.md: "a reward is
a judge under pressure"). `RewardAudit` takes a fraction of every reward call's answered
completions, hands them to its own judge on a background thread (training does not wait for
it), and appends one row per audited completion to `audit.jsonl`:

    {"step", "id", "extracted", "reward_verdict", "audit_verdict", "disagree", "audit_reason",
     "completion"}

Accepted means verdict True for both judges (undecided counts as not accepted, as in the
reward). `genreason.train.runs.read_metrics` turns the rows into `audit/disagreement` per
step, so the Training page plots the rate next to the reward; the reward also reports the
rate of the audits finished since its last call through TRL's `log_metric`.

    audit = RewardAudit("model", judge_options={"model": "/models/verifier"}, fraction=0.1,
                        log_path=run_dir / "audit.jsonl")
    reward = VerifiedReward("rule", tokenizer=..., audit=audit)
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from genreason.judging import Item, Judgment, Verifier

log = logging.getLogger(__name__)


class RewardAudit:
    """Re-judge `fraction` of each call's answered completions with another judge, off-thread.

    judge: a registry name or a built Verifier (the auditor). seed: which completions are
    sampled (the same run samples the same ones). log_path: where audit rows go.
    """

    def __init__(self, judge: str | Verifier, *, log_path: str | Path, fraction: float = 0.1,
                 judge_options: Mapping[str, Any] | None = None, seed: int = 0) -> None:
        if not 0 < fraction <= 1:
            raise ValueError(f"audit fraction must be in (0, 1], got {fraction}")
        if isinstance(judge, str):
            from genreason.verify.registry import VERIFIERS

            if judge not in VERIFIERS:
                raise ValueError(f"unknown audit judge {judge!r}; choose one of {', '.join(VERIFIERS)}")
        self._judge_kind = judge if isinstance(judge, str) else None
        self._verifier = None if isinstance(judge, str) else judge
        self.judge_options = dict(judge_options or {})
        self.fraction, self.seed = fraction, seed
        self.log_path = Path(log_path)
        self._init_runtime()

    def _init_runtime(self) -> None:
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[Future[None]] = []
        self._finished: list[tuple[int, int]] = []  # (audited, disagreeing) since the last report

    def __getstate__(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items()
                 if k not in ("_lock", "_pool", "_pending", "_finished")}
        if self._judge_kind is not None:
            state["_verifier"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_runtime()

    def _auditor(self) -> Verifier:
        if self._verifier is None:
            from genreason.verify.registry import make_verifier

            self._verifier = make_verifier(self._judge_kind or "rule", **self.judge_options)
        return self._verifier

    def submit(self, step: int | None, items: Sequence[Item], judgments: Sequence[Judgment]) -> int:
        """Queue a sample of (item, primary judgment) pairs for auditing; how many were queued."""
        if not items:
            return 0
        rng = random.Random(f"{self.seed}:{step}:{len(items)}")
        k = max(1, round(self.fraction * len(items)))
        chosen = sorted(rng.sample(range(len(items)), min(k, len(items))))
        picked = [(items[i], judgments[i]) for i in chosen]
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reward-audit")
            self._pending = [f for f in self._pending if not f.done()]
            self._pending.append(self._pool.submit(self._audit, step, picked))
        return len(picked)

    def _audit(self, step: int | None, picked: list[tuple[Item, Judgment]]) -> None:
        try:
            verdicts = self._auditor().verify_batch([item for item, _ in picked])
        except Exception:  # an audit failure must never stop training; it is logged
            log.exception("reward audit of step %s failed", step)
            return
        rows = []
        for (item, primary), audit in zip(picked, verdicts, strict=True):
            disagree = (primary.verdict is True) != (audit.verdict is True)
            rows.append({"step": step, "id": item.item_id, "extracted": primary.extracted,
                         "reward_verdict": primary.verdict, "audit_verdict": audit.verdict,
                         "disagree": disagree, "audit_reason": audit.reason, "completion": item.response})
        with self._lock:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with self.log_path.open("a") as f:
                f.writelines(json.dumps(r, default=str, ensure_ascii=False) + "\n" for r in rows)
            self._finished.append((len(rows), sum(r["disagree"] for r in rows)))

    def pop_rate(self) -> float | None:
        """Disagreement rate of the audits finished since the last call (None: none finished)."""
        with self._lock:
            done, self._finished = self._finished, []
        total = sum(n for n, _ in done)
        return sum(d for _, d in done) / total if total else None

    def wait(self) -> None:
        """Block until every queued audit has finished (end of training, tests)."""
        with self._lock:
            pending = list(self._pending)
        for f in pending:
            f.result()

    def close(self) -> None:
        self.wait()
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
        close = getattr(self._verifier, "close", None)
        if callable(close):
            close()
