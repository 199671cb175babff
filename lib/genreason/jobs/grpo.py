"""GRPO jobs: a training run in its own process, in the job's run folder.

Config (what `start_job(db, "grpo", config)` takes): `preset` (a name in
genreason.train.config.PRESETS), `model`, `snapshot` or `questions_file`, and `overrides`
({field: value}, strings parsed by type as `--set key=value` does). `prepare` resolves them
into the frozen `GRPORunConfig` (stored as config["grpo"]), so a bad setting is refused before
anything starts and resume trains with exactly the settings of the first attempt.

The run writes metrics.jsonl, completions.jsonl and checkpoints into the run folder
(genreason.train.grpo). Stop saves a checkpoint at the end of the current step; resume
continues from the newest checkpoint with its step count.

    job = start_grpo_job(db, preset="tiny-cpu", model="/models/tiny", snapshot="demo")
    trained_model(jobs.get_job(con, job.id))   # final/ or the newest checkpoint, once it ended
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from genreason.jobs.runner import Job, JobContext, start_job

_PLACEHOLDER_DIR = "<run folder>"


def prepare(db: str | os.PathLike[str] | None, config: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Resolve preset + overrides into the full run config; ValueError on a bad setting."""
    from genreason.config import resolve_db_path
    from genreason.train.config import preset

    if "grpo" in config:  # already resolved (a copy of another job's config)
        from genreason.train.config import GRPORunConfig

        GRPORunConfig.from_dict({**config["grpo"], "output_dir": _PLACEHOLDER_DIR})
        return config, {}
    name = config.get("preset") or "tiny-cpu"
    fields = {k: config[k] for k in ("model", "snapshot", "questions_file", "judge", "judge_options")
              if config.get(k) not in (None, "")}
    cfg = preset(name, output_dir=_PLACEHOLDER_DIR, db=str(resolve_db_path(db).resolve()), **fields)
    cfg = cfg.with_overrides(dict(config.get("overrides") or {}))
    resolved = {"preset": name, "model": cfg.model, "snapshot": cfg.snapshot,
                "questions_file": cfg.questions_file, "overrides": dict(config.get("overrides") or {}),
                "grpo": cfg.to_dict()}
    return resolved, {}


def run(ctx: JobContext) -> dict[str, Any]:
    """Train (or continue training) in this process; the runner records how it ended."""
    from genreason.train.config import GRPORunConfig
    from genreason.train.grpo import train_grpo

    cfg = GRPORunConfig.from_dict({**ctx.config["grpo"], "output_dir": str(ctx.run_dir)})
    result = train_grpo(cfg, should_stop=ctx.stop_requested, progress=ctx.progress)
    return {k: result[k] for k in ("step", "checkpoint", "final_model", "resumed_from")}


def trained_model(job: Mapping[str, Any]) -> Path | None:
    """The model folder a finished GRPO job (done, stopped or failed; a `list_jobs` row) left
    to evaluate: its `final/` model when it reached max_steps, else its newest complete
    checkpoint; None for another kind, a job still at work, or one that saved nothing yet."""
    from genreason.jobs.runner import FINISHED
    from genreason.train.grpo import last_checkpoint

    if job.get("kind") != "grpo" or job.get("state") not in FINISHED or not job.get("run_dir"):
        return None
    run_dir = Path(job["run_dir"])
    final = run_dir / "final"
    if (final / "config.json").is_file():
        return final
    return last_checkpoint(run_dir)


def start_grpo_job(
    db: str | os.PathLike[str] | None,
    *,
    preset: str,
    model: str,
    snapshot: str | None = None,
    questions_file: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    judge: str | None = None,
    judge_options: Mapping[str, Any] | None = None,
) -> Job:
    """Start a GRPO run as a background job (validated before anything is recorded)."""
    config = {"preset": preset, "model": model, "snapshot": snapshot, "questions_file": questions_file,
              "overrides": dict(overrides or {}), "judge": judge,
              "judge_options": dict(judge_options) if judge_options else None}
    return start_job(db, "grpo", config)
