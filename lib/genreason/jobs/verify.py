"""Verify jobs: judge stored candidates in the background, then store the judgments at once.

A verify job reads its items with one short read-only connection and judges them through the
stage runner, which appends outcomes to `stage/outcomes.jsonl` in its run folder as it goes
and stores the judgments with one short write transaction at the end (so a crashed or stopped
job loses nothing it finished, and a resumed one judges only what is left).

    job = start_verify_job("data/genreason.duckdb", "rule", candidate_ids)
    read_progress(job.run_dir)            # {"status": "running", "done": 64, "total": 500, ...}
    stop_job("data/genreason.duckdb", job.id)
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

from genreason import store
from genreason.jobs.runner import Job, JobContext, run_job, runner_command, runs_root, start_job
from genreason.store.runs import new_run_id

log = logging.getLogger(__name__)


def start_verify_job(
    db: str | os.PathLike[str] | None,
    judge: str,
    candidate_ids: Sequence[str],
    *,
    options: Mapping[str, Any] | None = None,
    batch_size: int = 32,
    selection: str = "",
) -> Job:
    """Judge the given stored candidates with verifier `judge` ("rule", "model", "hybrid").

    options: keyword arguments of the verifier (for model: backend_name, model, base_url; for
        hybrid: model_options={...}). selection: a line describing the candidates, for people.
    """
    from genreason.verify.registry import VERIFIERS

    if judge not in VERIFIERS:
        raise ValueError(f"unknown judge {judge!r}; choose one of {', '.join(VERIFIERS)}")
    if not candidate_ids:
        raise ValueError("no candidates selected: nothing to judge")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    config = {"judge": judge, "options": dict(options or {}), "batch_size": batch_size,
              "candidates": len(candidate_ids), "selection": selection}
    job_id = new_run_id(f"verify-{judge}")
    return start_job(db, "verify", config, runner_command(runs_root(db) / job_id), job_id=job_id,
                     files={"candidates.json": list(candidate_ids)})


def run(ctx: JobContext) -> dict[str, Any]:
    """Judge the job's candidates through the stage runner (its folder is `stage/` inside the
    job's: outcomes appended as it goes, judgments stored in one transaction at the end)."""
    from genreason.curate.judge import JudgeConfig, JudgeStage, candidate_rows
    from genreason.curate.runner import run_stage

    ids = json.loads((ctx.run_dir / "candidates.json").read_text())
    with store.connect(ctx.db, read_only=True) as con:
        rows = candidate_rows(con, ids)
    stage = JudgeStage(JudgeConfig(judge=ctx.config["judge"], options=ctx.config.get("options", {}),
                                   batch_size=int(ctx.config.get("batch_size", 32))))

    def mirror(p: dict[str, Any]) -> None:
        ctx.progress(done=p.get("done", 0), total=p.get("total"), seconds=p.get("seconds"),
                     counts=p.get("counts"))

    # redo: the selection is judged as asked, even candidates this judge judged before.
    result = run_stage(stage, rows, db=ctx.db, run_dir=ctx.run_dir / "stage", redo=True, progress=False,
                       should_stop=ctx.stop_requested, on_progress=mirror, run_id=ctx.job_id)
    log.info("job %s: %d judgments stored (stage run %s)", ctx.job_id, result.counts["processed"], result.run_id)
    return {"saved": result.counts["processed"], "stage_run": result.run_id}


def run_verify_job(run_dir: str | os.PathLike[str]) -> int:
    """Run a recorded verify job in this process (what its background process does)."""
    return run_job(run_dir)
