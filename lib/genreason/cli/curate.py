"""`genreason curate run|status`: run curation stages on the store, and see what they did.

    genreason curate run --stages annotate,difficulty,pass_rate
    genreason curate run --stages extract,annotate --documents crawl.jsonl \\
        --backend openai --model Qwen/Qwen3-8B --base-url http://gpu1:8000/v1,http://gpu2:8000/v1
    genreason curate run --stages candidates,pass_rate --backend hf --model data/models/tiny \\
        --set candidates.n=4 --set candidates.max_new_tokens=64
    genreason curate run --stages decontaminate --set decontaminate.benchmarks=gsm8k.jsonl
    genreason curate status [--json] [--pipeline ID]
    genreason curate prompt extract > my_extract.md     # then --set extract.prompt=my_extract.md

Stages run in the order given, each on the questions the one before kept (the first on every
stored question no stage has dropped, or on --documents for extract). A killed run resumes
when the same command runs again; a repeated run skips what is done (--redo does it again).
"""

from __future__ import annotations

import argparse
import json
import sys

from genreason import store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    run = sub.add_parser("run", help="run stages in order")
    run.add_argument("--stages", required=True, help="comma-separated: extract, annotate, difficulty, "
                     "candidates, pass_rate, dedup, decontaminate")
    run.add_argument("--db", help="database file (default: $GENREASON_DB or data/genreason.duckdb)")
    run.add_argument("--documents", metavar="FILE", help="extract: JSONL of raw documents (id, text)")
    run.add_argument("--source", help="only stored questions of this source")
    run.add_argument("--backend", choices=["hf", "vllm", "openai"], help="LLM for extract, annotate, candidates")
    run.add_argument("--model", help="model folder (hf, vllm) or served model name (openai)")
    run.add_argument("--base-url", help="openai: server URL(s), comma-separated for several servers")
    run.add_argument("--concurrency", type=int, default=8, help="openai: requests in flight per server (default 8)")
    run.add_argument("--set", dest="settings", action="append", default=[], metavar="STAGE.KEY=VALUE",
                     help="a stage setting, e.g. pass_rate.low=0.1 (repeatable)")
    run.add_argument("--redo", action="store_true", help="decide rows again that an identical run already decided")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    prompt = sub.add_parser("prompt", help="print a shipped prompt file (copy it, edit it, pass it with "
                            "--set extract.prompt=FILE / annotate.prompt=FILE)")
    prompt.add_argument("name", choices=["extract", "annotate"])
    status = sub.add_parser("status", help="each stage run's counts and drop reasons")
    status.add_argument("--db", help="database file (default: $GENREASON_DB or data/genreason.duckdb)")
    status.add_argument("--pipeline", help="one pipeline run's funnel (default: the latest)")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.add_argument("--limit", type=int, default=20, help="stage runs to list (default 20)")


def _run(args: argparse.Namespace) -> int:
    from genreason.curate.backend import LLMConfig
    from genreason.curate.extract import read_documents
    from genreason.curate.pipeline import build_stages, parse_settings
    from genreason.curate.runner import run_pipeline

    names = [s.strip() for s in args.stages.split(",") if s.strip()]
    llm = LLMConfig(backend=args.backend, model=args.model, base_url=args.base_url,
                    concurrency=args.concurrency) if args.backend else None
    stages = build_stages(names, parse_settings(args.settings), llm)
    if args.source:
        for stage in stages:
            if hasattr(stage, "source"):
                stage.source = args.source
    rows = None
    if names[0] == "extract":
        if not args.documents:
            raise ValueError("the extract stage needs --documents FILE.jsonl")
        rows = read_documents(args.documents)
    elif args.documents:
        raise ValueError("--documents is read only by the extract stage (put it first in --stages)")
    results = run_pipeline(stages, rows, db=args.db, progress=not args.no_progress, redo=args.redo)
    for r in results:
        c = r.counts
        reasons = ", ".join(f"{k} {v}" for k, v in c["drop_reasons"].items()) or "-"
        print(f"{r.stage:<14} in {c['in']:>7,}  kept {c['kept']:>7,}  dropped {c['dropped']:>7,}  "
              f"({c['processed']:,} done now, {c['skipped']:,} already done)  drops: {reasons}")
    if results:
        print(f"pipeline {results[0].pipeline}: `genreason curate status` shows its funnel")
    return 0


def _status(args: argparse.Namespace) -> int:
    from genreason.curate.status import funnel, latest_pipeline, stage_runs

    with store.connect(args.db, read_only=True) as con:
        runs = stage_runs(con, limit=args.limit)
        pipeline = args.pipeline or latest_pipeline(con)
        steps = funnel(con, pipeline) if pipeline else []
    if args.json:
        print(json.dumps({"pipeline": pipeline, "funnel": steps, "stage_runs": runs}, indent=2, default=str))
        return 0
    if not runs:
        print("no stage has run yet: `genreason curate run --stages annotate,difficulty,pass_rate`")
        return 0
    if steps:
        print(f"funnel of pipeline {pipeline}")
        for s in steps:
            reasons = ", ".join(f"{k} {v}" for k, v in s["drop_reasons"].items()) or "-"
            print(f"  {s['stage']:<14} {s['in']:>7,} in  {s['kept']:>7,} kept  {s['dropped']:>7,} dropped  "
                  f"[{s['status']}]  {reasons}")
    print("\nstage runs (newest first)")
    for r in runs:
        c = r["counts"]
        reasons = ", ".join(f"{k} {v}" for k, v in (c.get("drop_reasons") or {}).items()) or "-"
        print(f"  {r['id']:<40} {r['status']:<8} in {c.get('in', c.get('judged', 0)):>7,} "
              f"kept {c.get('kept', 0):>7,} dropped {c.get('dropped', 0):>7,}  {reasons}")
    return 0


def _prompt(args: argparse.Namespace) -> int:
    from genreason.curate.prompts import load_prompt, prompt_path

    print(f"# {prompt_path(args.name)}", file=sys.stderr)
    print(load_prompt(args.name), end="")
    return 0


def run(args: argparse.Namespace) -> int:
    try:
        return {"run": _run, "status": _status, "prompt": _prompt}[args.action](args)
    except (ValueError, store.StoreError) as exc:
        print(f"genreason curate: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, ValueError) else 1
    except RuntimeError as exc:  # a backend that failed (BackendError), a run still at work
        print(f"genreason curate: {exc}\n(what was done is in the stage's run folder; the same "
              "command resumes it)", file=sys.stderr)
        return 1
