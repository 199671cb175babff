"""Eval jobs: evaluate a model (a trained checkpoint, a served model) on a benchmark in the background.

The job generates batch by batch, appending every output to `outputs.jsonl` in its run folder
(so a stopped or crashed job resumes where it was: questions already there are not asked
again), then scores all outputs deterministically and stores the run and its per-question
records with one short write connection (`genreason.store.evals`, linked by `job_id`).

    job = start_eval_job("data/genreason.duckdb", "data/runs/grpo-.../checkpoint-40", "gsm8k", limit=50)
    jobs.read_progress(job.run_dir)     # {"status": "running", "done": 16, "total": 50, ...}

The config is `genreason.evaluate.runner.EvalConfig` as a dict under "eval".
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from genreason.jobs.runner import Job, JobContext, start_job

log = logging.getLogger(__name__)

OUTPUTS = "outputs.jsonl"


def prepare(db: Any, config: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate the evaluation config (ValueError naming the field) before anything is recorded."""
    from genreason.evaluate.loaders import benchmark_file
    from genreason.evaluate.runner import EvalConfig

    if not isinstance(config.get("eval"), dict):
        raise ValueError("an eval job needs its EvalConfig as a dict under 'eval'")
    cfg = EvalConfig(**config["eval"])
    benchmark_file(cfg.benchmark, cfg.data)  # a missing benchmark file fails now, not in the job
    if cfg.backend in ("hf", "vllm") and not Path(cfg.model).expanduser().is_dir():
        raise ValueError(f"model {cfg.model!r} is not a folder; give a checkpoint or model folder")
    return {**config, "eval": asdict(cfg)}, {}


def start_eval_job(
    db: str | os.PathLike[str] | None,
    checkpoint_path: str | os.PathLike[str],
    benchmark: str,
    *,
    backend: str = "hf",
    protocol: str = "zero-shot-boxed",
    limit: int | None = None,
    data: str | None = None,
    judge: str | None = None,
    max_new_tokens: int | None = None,
    samples: int = 1,
    batch_size: int = 16,
    backend_options: dict[str, Any] | None = None,
) -> Job:
    """Evaluate the model at `checkpoint_path` (a folder, or a served name with backend="openai")
    on `benchmark` as a background job; returns the started job."""
    config = {"eval": {"benchmark": benchmark, "backend": backend, "model": str(checkpoint_path),
                       "protocol": protocol, "limit": limit, "data": data, "judge": judge,
                       "max_new_tokens": max_new_tokens, "samples": samples, "batch_size": batch_size,
                       "backend_options": dict(backend_options or {})}}
    return start_job(db, "eval", config)


def evaluations_of(con: Any, model: str | os.PathLike[str], *, limit: int = 1000) -> list[dict[str, Any]]:
    """Eval jobs of the model at `model` (as given to start_eval_job), newest first (list_jobs rows)."""
    from genreason.jobs.listing import list_jobs

    want = str(model)
    return [j for j in list_jobs(con, limit=limit, kind="eval") if (j["config"].get("eval") or {}).get("model") == want]


def _done_rows(path: Path) -> list[Any]:
    """Output rows an earlier attempt wrote (a cut last line is dropped)."""
    from genreason.evaluate.outputs import OutputRow

    if not path.exists():
        return []
    text = path.read_text()
    if text and not text.endswith("\n"):
        text = text[: text.rfind("\n") + 1]
        path.write_text(text)
    return [OutputRow(**json.loads(line)) for line in text.splitlines() if line.strip()]


def run(ctx: JobContext) -> dict[str, Any] | None:
    """Generate what is missing, then score and store the whole run."""
    from genreason import store
    from genreason.evaluate.loaders import load_benchmark
    from genreason.evaluate.protocols import build_prompts
    from genreason.evaluate.runner import (
        EvalConfig,
        generate_outputs,
        result_from_rows,
        save_result,
    )
    from genreason.llm import make_backend

    config = EvalConfig(**ctx.config["eval"])
    protocol = config.make_protocol()
    questions = load_benchmark(config.benchmark, config.data, seed=config.seed, limit=config.limit)
    prompts = dict(zip((q.id for q in questions), build_prompts(protocol, questions, config.fewshot_file), strict=True))
    out_path = ctx.run_dir / OUTPUTS
    rows = _done_rows(out_path)
    # A question counts as done with all its samples; a crash mid-batch can leave some of them,
    # which are dropped and asked again (so no (question, sample) pair is written twice).
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.question_id] = counts.get(r.question_id, 0) + 1
    have = {qid for qid, n in counts.items() if n >= protocol.samples}
    if len(have) < len(counts):
        rows = [r for r in rows if r.question_id in have]
        out_path.write_text("".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in rows))
    todo = [q for q in questions if q.id not in have]
    ctx.progress(done=len(questions) - len(todo), total=len(questions), phase="generating")
    t0 = time.perf_counter()
    if todo:
        backend = make_backend(config.backend, config.model, **config.backend_options)
        with out_path.open("a") as out:
            for start in range(0, len(todo), config.batch_size):
                if ctx.stop_requested():
                    return {"stopped_at": len(questions) - len(todo) + start}
                batch = todo[start:start + config.batch_size]
                new = generate_outputs(backend, protocol, batch, [prompts[q.id] for q in batch],
                                       batch_size=config.batch_size)
                for row in new:
                    out.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
                out.flush()
                rows += new
                ctx.progress(done=len(questions) - len(todo) + start + len(batch), total=len(questions))
    ctx.progress(phase="scoring")
    result = result_from_rows(config, questions, rows, time.perf_counter() - t0, run_id=ctx.job_id)
    with store.connect(ctx.db) as con:
        run_id = save_result(con, result, job_id=ctx.job_id)
    log.info("eval job %s: %s accuracy %.4f over %d outputs", ctx.job_id, config.benchmark,
             result.summary["accuracy"], len(rows))
    return {"eval_run": run_id, "accuracy": result.summary["accuracy"], "phase": "stored"}
