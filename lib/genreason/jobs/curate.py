"""Curate jobs: run curation stages in the background (the app's Curation page, notebooks).

The same stages and runner as `genreason curate run`: each stage run keeps its own run folder
under `runs/stages/` (so a stopped or crashed job, or the same command later, resumes it),
and the job's progress.json mirrors the stage at work (step, done, total, counts).

    job = start_curate_job(db, ["annotate", "difficulty", "pass_rate"], ["pass_rate.low=0.1"])
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from genreason.jobs.runner import Job, JobContext, start_job


def _build(config: Mapping[str, Any]) -> list[Any]:
    from genreason.curate.backend import LLMConfig
    from genreason.curate.pipeline import build_stages, parse_settings

    llm = LLMConfig(**config["llm"]) if config.get("llm") else None
    return build_stages(list(config["stages"]), parse_settings(list(config.get("settings") or [])), llm)


def prepare(db: str | os.PathLike[str] | None, config: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Refuse a job whose stages or settings are wrong before anything is recorded."""
    stages = config.get("stages")
    if not stages or not isinstance(stages, list):
        raise ValueError("a curate job needs `stages`, a list of stage names")
    if stages[0] == "extract" and not config.get("documents"):
        raise ValueError("the extract stage needs `documents`, a JSONL file of raw documents")
    _build(config)
    return config, {}


def run(ctx: JobContext) -> dict[str, Any]:
    """Run the job's stages in order through the stage runner."""
    from genreason.curate.extract import read_documents
    from genreason.curate.runner import run_pipeline

    stages = _build(ctx.config)
    rows = read_documents(ctx.config["documents"]) if ctx.config["stages"][0] == "extract" else None

    def mirror(p: dict[str, Any]) -> None:
        ctx.progress(step=p.get("stage"), done=p.get("done", 0), total=p.get("total"),
                     counts=p.get("counts"), stage_run=p.get("run_id"))

    results = run_pipeline(stages, rows, db=ctx.db, pipeline=ctx.job_id, progress=False,
                           should_stop=ctx.stop_requested, on_progress=mirror)
    return {"pipeline": ctx.job_id,
            "funnel": [{"stage": r.stage, "in": r.counts["in"], "kept": r.counts["kept"],
                        "dropped": r.counts["dropped"], "status": r.status} for r in results]}


def start_curate_job(db: str | os.PathLike[str] | None, stages: Sequence[str], settings: Sequence[str] = (),
                     llm: Mapping[str, Any] | None = None, documents: str | None = None) -> Job:
    """Start a curate job; the pipeline id of its stage runs is the job id."""
    config = {"stages": list(stages), "settings": list(settings), "llm": dict(llm) if llm else None,
              "documents": documents}
    return start_job(db, "curate", config)
