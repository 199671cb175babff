"""Trainer callbacks: per-step metrics to metrics.jsonl, progress for the job, graceful stop.

`MetricsCallback` appends one JSON line per logged step to `<run>/metrics.jsonl`: every value
TRL logs (reward, reward_std, rewards/<name>/mean and std, reward_parts/* from our reward,
kl, entropy, clip_ratio/*, completions/mean_length and friends, frac_reward_zero_std,
learning_rate, num_tokens, ...) plus our own `step_time_s` and `tokens_per_s` (tokens seen
since the last logged step over its wall time), flushed as it goes so DuckDB, the app and a
notebook can read the run while it trains.

`StopCallback` turns a stop request (the job's SIGTERM or stop file) into
`should_save` + `should_training_stop` at the end of the current optimizer step, so the run
ends with a checkpoint that resume continues from.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from transformers import TrainerCallback


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


class MetricsCallback(TrainerCallback):
    """Append TRL's logs of each step, with step time and throughput, to metrics.jsonl."""

    def __init__(self, path: str | Path, progress: Callable[..., Any] | None = None) -> None:
        self.path = Path(path)
        self.progress = progress
        self._last_time: float | None = None
        self._last_step = 0
        self._last_tokens: float | None = None
        self._started = time.time()

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self._last_time, self._last_step = time.time(), state.global_step
        self._started = self._last_time
        self._first_step = state.global_step
        if self.progress:
            self.progress(step=state.global_step, total=state.max_steps)

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None,
               **kwargs: Any) -> None:
        if not logs or "train_runtime" in logs:  # the end-of-training summary is not a step
            return
        if not state.is_world_process_zero:  # under accelerate launch, one writer: rank 0
            return
        now = time.time()
        steps = max(1, state.global_step - self._last_step)
        elapsed = now - (self._last_time or now)
        row: dict[str, Any] = {"step": state.global_step, "time": now, "epoch": state.epoch}
        row.update({k: _clean(v) for k, v in logs.items()})
        row["step_time_s"] = round(elapsed / steps, 4)
        tokens = logs.get("num_tokens")
        if tokens is not None and self._last_tokens is not None and elapsed > 0:
            row["tokens_per_s"] = round((tokens - self._last_tokens) / elapsed, 2)
        self._last_tokens = tokens if tokens is not None else self._last_tokens
        self._last_time, self._last_step = now, state.global_step
        with self.path.open("a") as f:
            f.write(json.dumps(row, default=str) + "\n")
        if self.progress:
            done = state.global_step - self._first_step
            rate = (now - self._started) / done if done else None
            eta = round(rate * (state.max_steps - state.global_step), 1) if rate else None
            self.progress(step=state.global_step, total=state.max_steps, eta_s=eta,
                          reward=_clean(logs.get("reward")), loss=_clean(logs.get("loss")))


class StopCallback(TrainerCallback):
    """End training with a checkpoint at the end of the step in which a stop was requested."""

    def __init__(self, should_stop: Callable[[], bool]) -> None:
        self.should_stop = should_stop
        self.stopped_at: int | None = None

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
        if self.should_stop():
            control.should_save = True
            control.should_training_stop = True
            self.stopped_at = state.global_step
        return control
