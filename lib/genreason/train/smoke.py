"""A tiny GRPO run on a snapshot, for the demo and smoke checks: the Training page has a run to show.

Builds the tiny random-weight model (genreason.llm.tiny) beside the database the first time
(`<db folder>/models/tiny`), then runs the `tiny-cpu` preset for a few steps as an ordinary
`grpo` job (run folder, metrics, completions, checkpoints) and, by default, waits for it.

    job = tiny_grpo_run("data/genreason.duckdb", snapshot="demo", steps=3)
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def tiny_model_beside(db: str | os.PathLike[str] | None) -> Path:
    """The tiny model folder beside the database, built on first use."""
    from genreason.config import resolve_db_path
    from genreason.llm.tiny import build_tiny_model

    folder = resolve_db_path(db).resolve().parent / "models" / "tiny"
    if not (folder / "config.json").exists():
        build_tiny_model(folder)
    return folder


def tiny_grpo_run(
    db: str | os.PathLike[str] | None,
    *,
    snapshot: str = "demo",
    steps: int = 3,
    limit_questions: int = 16,
    wait: bool = True,
    timeout_s: float = 600,
) -> dict[str, Any]:
    """Start (and by default wait for) a tiny GRPO job on `snapshot`; the job as list_jobs shows it."""
    from genreason import jobs, store

    model = tiny_model_beside(db)
    job = jobs.start_job(db, "grpo", {
        "preset": "tiny-cpu", "model": str(model), "snapshot": snapshot,
        "overrides": {"max_steps": str(steps), "limit_questions": str(limit_questions)}})
    log.info("tiny GRPO job %s started on snapshot %s", job.id, snapshot)
    if wait:
        return jobs.wait_job(db, job.id, timeout_s=timeout_s)
    with store.connect(db, read_only=True) as con:
        return jobs.get_job(con, job.id)
