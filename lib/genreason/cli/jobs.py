"""`genreason jobs`: list, show, stop, resume background jobs and read their logs.

    genreason jobs list [--kind grpo] [--json]
    genreason jobs show JOB_ID [--json]         # config, progress, log tail
    genreason jobs stop JOB_ID                  # graceful: the job saves and exits
    genreason jobs resume JOB_ID                # same folder, from its last checkpoint
    genreason jobs logs JOB_ID [--lines 100]

Listing first settles jobs whose process died unseen (kill -9, a reboot): they are marked
failed with their log tail, or stopped when a stop had been asked for.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from genreason import jobs, store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="jobs_action", required=True, metavar="ACTION")
    listing = sub.add_parser("list", help="recent jobs, newest first")
    listing.add_argument("--kind", help="only jobs of this kind (verify, grpo, verifier-sft, ...)")
    listing.add_argument("--limit", type=int, default=20)
    for name, help_text in (("show", "one job: config, progress, log tail"),
                            ("stop", "ask a running job to stop (it saves first)"),
                            ("resume", "start a stopped or failed job again where it left off"),
                            ("logs", "print the end of a job's log")):
        action = sub.add_parser(name, help=help_text)
        action.add_argument("job_id")
        if name == "logs":
            action.add_argument("--lines", type=int, default=100)
    for action in sub.choices.values():
        action.add_argument("--db", help="database file (default: $GENREASON_DB or data/genreason.duckdb)")
        action.add_argument("--json", action="store_true", help="print JSON")


def _summary(job: dict[str, Any]) -> str:
    p = job["progress"]
    done = p.get("step", p.get("done", 0))
    total = p.get("total") or "?"
    return f"{job['id']}  {job['kind']:<13} {job['state']:<8} {done}/{total}  {job['run_dir']}"


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except (ValueError, store.StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    action = args.jobs_action
    if action == "list":
        jobs.reconcile_jobs(args.db)
        with store.connect(args.db, read_only=True) as con:
            found = jobs.list_jobs(con, limit=args.limit, kind=args.kind)
        if args.json:
            print(json.dumps(found, default=str, indent=1))
        else:
            print("\n".join(_summary(j) for j in found) or "no jobs")
        return 0
    if action == "stop":
        signalled = jobs.stop_job(args.db, args.job_id)
        print(json.dumps({"job": args.job_id, "signalled": signalled}) if args.json else
              f"{args.job_id}: {'stop requested' if signalled else 'not running; marked stopped'}")
        return 0
    if action == "resume":
        started = jobs.resume_job(args.db, args.job_id)
        print(json.dumps({"job": started.id, "pid": started.pid, "run_dir": str(started.run_dir)})
              if args.json else f"{started.id}: resumed (pid {started.pid})")
        return 0
    jobs.reconcile_jobs(args.db)
    with store.connect(args.db, read_only=True) as con:
        job = jobs.get_job(con, args.job_id)
    if action == "logs":
        tail = jobs.log_tail(job["run_dir"], lines=args.lines)
        print(json.dumps({"job": job["id"], "log": tail}) if args.json else tail)
        return 0
    job["log_tail"] = jobs.log_tail(job["run_dir"], lines=20)
    if args.json:
        print(json.dumps(job, default=str, indent=1))
    else:
        print(_summary(job))
        for key in ("created_at", "started_at", "finished_at", "error"):
            if job.get(key):
                print(f"{key}: {job[key]}")
        print("config:", json.dumps(job["config"], default=str))
        print("progress:", json.dumps(job["progress"], default=str))
        print("--- log tail\n" + job["log_tail"])
    return 0
