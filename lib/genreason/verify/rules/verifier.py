"""Rule-based verifier: exact, cheap, typed comparison of an extracted answer with the reference.

Stage: verify. Reads `Item`s (question, reference, response, optional answer_type/options),
returns `Judgment`s: verdict True/False/None (undecided), what was extracted, how both sides
were parsed (`detail`), which rule decided (`rule`) and why (`reason`).

The General-Reasoner paper (arXiv:2505.14652, section 4) found rule-based checking (math-verify)
agreed with Gemini on only 22.2% of answers Gemini judged correct, missing lists, strings,
multiple choice written as option text and units. This verifier routes by answer type
(declared, else inferred from the reference) to a comparison for that type, and says
"undecided" where rules cannot tell, so a hybrid verifier can ask a model only there.

Judging runs in worker processes with a per-item time limit (`genreason.verify.rules.pool`), so
it works from any thread and pathological answers end as undecided.

    from genreason.verify.rules.verifier import RuleVerifier
    judgments = RuleVerifier(timeout_s=5).verify_batch(items)
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from genreason.judging import Item, Judgment
from genreason.verify.rules.flow import judge_items, judge_with_reference, reference_for
from genreason.verify.rules.pool import WorkerPool

__all__ = ["RuleVerifier", "judge_items", "judge_with_reference", "reference_for"]


class RuleVerifier:
    """Typed rule-based verifier (see module docstring); registered as "rule".

    timeout_s: per-item time limit; an item over it is judged undecided.
    workers: worker processes (None = one per CPU core; 0 = judge in the calling process
        without a time limit, for debugging only).

    Safe to pickle before and after use and to call from several threads at once (TRL
    pickles reward functions and may call them from threads): the worker pool is created
    lazily, under a lock, in the process that first judges, and is never pickled.
    """

    def __init__(self, name: str = "rule", timeout_s: float = 5.0, workers: int | None = None):
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        if workers is not None and workers < 0:
            raise ValueError("workers must be >= 0 (0 = in-process)")
        self.name = name
        self.timeout_s = float(timeout_s)
        self.workers = workers
        self._pool: WorkerPool | None = None
        self._pool_lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        # Worker processes, pipes and locks belong to this process: an unpickled copy starts
        # its own pool on first use.
        state = self.__dict__.copy()
        state["_pool"] = None
        del state["_pool_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._pool = None
        self._pool_lock = threading.Lock()

    def verify(self, item: Item) -> Judgment:
        """Judge one item."""
        return self.verify_batch([item])[0]

    def verify_batch(self, items: Sequence[Item]) -> list[Judgment]:
        """Judge items in parallel worker processes, each with the per-item time limit."""
        items = list(items)
        if not items:
            return []
        for item in items:
            if not isinstance(item.reference, str) or not item.reference.strip():
                raise ValueError(f"item {item.item_id!r} has an empty reference answer; fix the input data")
        if self.workers == 0:
            return judge_items(items, self.name)
        return self._worker_pool().run(items, self.name)

    def _worker_pool(self) -> WorkerPool:
        with self._pool_lock:  # two threads judging at once must not start two pools
            if self._pool is None:
                self._pool = WorkerPool(workers=self.workers, timeout_s=self.timeout_s)
            return self._pool

    def close(self) -> None:
        """Stop the worker processes (also done at interpreter exit)."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def __enter__(self) -> RuleVerifier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
