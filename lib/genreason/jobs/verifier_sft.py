"""Verifier-SFT jobs: train a compact verifier on a teacher's judgments in the background.

Config: `base_model`, `teacher`, `run_name` (the trained judge is `model:<run_name>`) and any
other field of `genreason.train.verifier_sft.VerifierSFTConfig` under `overrides`. `prepare`
validates it into the full config (config["sft"]); the run writes metrics.jsonl and
checkpoints to the run folder, the trained model to `model/`, registers the judge, stores its
held-out judgments and writes heldout_comparison.json. Stop saves a checkpoint; resume continues.

    job = start_verifier_sft_job(db, base_model="/models/qwen-1.5b", teacher="model:big", run_name="v1")
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from genreason.jobs.runner import Job, JobContext, start_job

_PLACEHOLDER_DIR = "<run folder>"


def prepare(db: str | os.PathLike[str] | None, config: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Resolve the settings into a full VerifierSFTConfig; ValueError on a bad one."""
    from genreason.config import resolve_db_path
    from genreason.train.config import parse_overrides
    from genreason.train.verifier_sft import VerifierSFTConfig

    if "sft" in config:
        VerifierSFTConfig.from_dict({**config["sft"], "output_dir": _PLACEHOLDER_DIR})
        return config, {}
    fields = {k: config[k] for k in ("base_model", "teacher", "run_name") if config.get(k)}
    overrides = parse_overrides(VerifierSFTConfig, dict(config.get("overrides") or {}))
    cfg = VerifierSFTConfig.from_dict({**fields, **overrides, "output_dir": _PLACEHOLDER_DIR,
                                       "db": str(resolve_db_path(db).resolve())})
    return {**fields, "overrides": dict(config.get("overrides") or {}), "sft": cfg.to_dict()}, {}


def run(ctx: JobContext) -> dict[str, Any]:
    from genreason.train.verifier_sft import VerifierSFTConfig, train_verifier

    cfg = VerifierSFTConfig.from_dict({**ctx.config["sft"], "output_dir": str(ctx.run_dir)})
    result = train_verifier(cfg, should_stop=ctx.stop_requested, progress=ctx.progress)
    comparison = result.get("comparison") or {}
    return {"step": result["step"], "judge": result["judge"], "model": result.get("model"),
            "heldout_agreement": (comparison.get("metrics") or {}).get("agreement")}


def start_verifier_sft_job(
    db: str | os.PathLike[str] | None,
    *,
    base_model: str,
    teacher: str,
    run_name: str,
    overrides: Mapping[str, Any] | None = None,
) -> Job:
    """Start verifier SFT as a background job (validated before anything is recorded)."""
    return start_job(db, "verifier-sft", {"base_model": base_model, "teacher": teacher,
                                          "run_name": run_name, "overrides": dict(overrides or {})})
