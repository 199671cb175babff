"""`genreason train`: start a GRPO run or a compact-verifier SFT run as a background job.

    genreason train grpo --preset tiny-cpu --snapshot demo --model data/models/tiny \
        [--judge rule] [--set max_steps=10 --set learning_rate=1e-6] [--report-to wandb]
    genreason train grpo --preset qwen3-4b-base --questions q.jsonl --model /models/Qwen3-4B-Base
    genreason train verifier --model /models/Qwen2.5-Math-1.5B --teacher model:big --run-name v1
    genreason train presets                      # the presets and what TRL cannot express

The job runs detached (follow it with `genreason jobs show|logs JOB_ID`); `--wait` stays
until it ends and returns its status. `--foreground` trains in this process instead (what
`accelerate launch` needs: see configs/README.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from genreason import jobs, store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="train_kind", required=True, metavar="KIND")
    grpo = sub.add_parser("grpo", help="GRPO with the paper's reward")
    grpo.add_argument("--preset", default="tiny-cpu", help="a preset (genreason train presets)")
    grpo.add_argument("--model", required=True, metavar="PATH", help="the policy's local folder")
    data = grpo.add_mutually_exclusive_group(required=True)
    data.add_argument("--snapshot", metavar="NAME", help="a dataset snapshot in the store")
    data.add_argument("--questions", metavar="FILE", help="a JSONL/Parquet file of questions")
    grpo.add_argument("--judge", help="the reward's judge: rule, model or hybrid (default: preset's)")
    grpo.add_argument("--judge-option", action="append", default=[], metavar="KEY=VALUE",
                      help="an option of the judge (model=PATH, backend_name=vllm, ...)")
    grpo.add_argument("--report-to", metavar="TRACKERS", help="trackio, wandb and/or tensorboard, comma-separated")
    verifier = sub.add_parser("verifier", help="supervised training of a compact verifier")
    verifier.add_argument("--model", required=True, metavar="PATH", help="the base model to fine-tune")
    verifier.add_argument("--teacher", required=True, help="the stored judge whose verdicts are the labels")
    verifier.add_argument("--run-name", required=True, help="the trained judge becomes model:<run-name>")
    presets = sub.add_parser("presets", help="list the GRPO presets with their notes")
    presets.add_argument("--json", action="store_true")
    for action in (grpo, verifier):
        action.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                            help="override a setting (repeatable)")
        action.add_argument("--db", help="database file (default: $GENREASON_DB or data/genreason.duckdb)")
        action.add_argument("--wait", action="store_true", help="wait for the job to end")
        action.add_argument("--foreground", action="store_true", help="train in this process, no job")
        action.add_argument("--json", action="store_true", help="print JSON")


def _pairs(values: list[str], flag: str) -> dict[str, str]:
    out = {}
    for kv in values:
        key, sep, value = kv.partition("=")
        if not sep or not key:
            raise ValueError(f"{flag} {kv!r}: expected KEY=VALUE")
        out[key.strip()] = value
    return out


def _options(values: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in _pairs(values, "--judge-option").items():
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    return out


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except (ValueError, store.StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.train_kind == "presets":
        from genreason.train.config import PRESETS

        if args.json:
            print(json.dumps({k: {"settings": v, "note": n} for k, (v, n) in PRESETS.items()}, indent=1))
        else:
            for name, (values, note) in PRESETS.items():
                print(f"{name}: {json.dumps(values)}\n    {note}\n")
        return 0
    overrides: dict[str, Any] = _pairs(args.set, "--set")
    if args.train_kind == "grpo":
        if args.report_to:
            overrides["report_to"] = args.report_to
        config = {"preset": args.preset, "model": args.model, "snapshot": args.snapshot,
                  "questions_file": args.questions, "judge": args.judge,
                  "judge_options": _options(args.judge_option) or None, "overrides": overrides}
        kind = "grpo"
    else:
        config = {"base_model": args.model, "teacher": args.teacher, "run_name": args.run_name,
                  "overrides": overrides}
        kind = "verifier-sft"
    if args.foreground:
        return _foreground(kind, args.db, config, args.json)
    job = jobs.start_job(args.db, kind, config)
    if not args.wait:
        print(json.dumps({"job": job.id, "pid": job.pid, "run_dir": str(job.run_dir)}) if args.json else
              f"started {kind} job {job.id} (pid {job.pid})\n  folder: {job.run_dir}\n"
              f"  follow: genreason jobs show {job.id}    stop: genreason jobs stop {job.id}")
        return 0
    return _wait(args.db, job.id, args.json)


def _foreground(kind: str, db: str | None, config: dict[str, Any], as_json: bool) -> int:
    from genreason.jobs import registry

    module = registry.kind_module(kind)
    resolved, _ = module.prepare(db, config)
    if kind == "grpo":
        from genreason.train.config import GRPORunConfig
        from genreason.train.grpo import train_grpo

        out = resolved["grpo"]["output_dir"]
        if out == "<run folder>":
            out = str(jobs.runs_root(db) / store.new_run_id("grpo-fg"))
        result = train_grpo(GRPORunConfig.from_dict({**resolved["grpo"], "output_dir": out}))
    else:
        from genreason.train.verifier_sft import VerifierSFTConfig, train_verifier

        out = str(jobs.runs_root(db) / store.new_run_id("verifier-sft-fg"))
        result = train_verifier(VerifierSFTConfig.from_dict({**resolved["sft"], "output_dir": out}))
    print(json.dumps(result, default=str, indent=None if as_json else 1))
    return 0


def _wait(db: str | None, job_id: str, as_json: bool) -> int:
    def show(job: dict[str, Any]) -> None:
        if not as_json:
            p = job["progress"]
            shown = " ".join(f"{k} {p[k]:.4g}" for k in ("reward", "loss") if isinstance(p.get(k), float))
            print(f"{job['state']} step {p.get('step', 0)}/{p.get('total') or '?'} {shown}".rstrip(), flush=True)

    job = jobs.wait_job(db, job_id, on_update=show)
    if as_json:
        print(json.dumps({"job": job_id, "state": job["state"], "progress": job["progress"]}, default=str))
    elif job["state"] != "done":
        print(job.get("error") or jobs.log_tail(job["run_dir"]), file=sys.stderr)
    return 0 if job["state"] == "done" else 1
