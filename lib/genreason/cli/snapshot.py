"""`genreason snapshot create|list|show|export`: freeze kept questions, and ship them.

    genreason snapshot create v1 [--require-stage pass_rate] [--source sample] [--note TEXT]
    genreason snapshot list
    genreason snapshot show v1 [--json]
    genreason snapshot export v1 --format parquet|jsonl|hf|verl --out DIR

A snapshot is immutable: the name is taken once, its rows are copied when it is made.
"""

from __future__ import annotations

import argparse
import json
import sys

from genreason import store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = sub.add_parser("create", help="freeze the questions curation kept")
    create.add_argument("name")
    create.add_argument("--require-stage", action="append", default=[], metavar="STAGE",
                        help="only questions this stage kept (repeatable), e.g. pass_rate")
    create.add_argument("--source", help="only questions of this source")
    create.add_argument("--note", help="a line saying what the snapshot is for")
    listing = sub.add_parser("list", help="every snapshot")
    show = sub.add_parser("show", help="a snapshot's provenance and counts")
    show.add_argument("name")
    show.add_argument("--json", action="store_true")
    export = sub.add_parser("export", help="write a snapshot as parquet, jsonl, an HF dataset, or verl's parquet")
    export.add_argument("name")
    export.add_argument("--format", required=True, choices=["parquet", "jsonl", "hf", "verl"])
    export.add_argument("--out", required=True, help="output folder")
    for p in (create, listing, show, export):
        p.add_argument("--db", help="database file (default: $GENREASON_DB or data/genreason.duckdb)")


def run(args: argparse.Namespace) -> int:
    from genreason.store.snapshots import SnapshotError, get_snapshot, list_snapshots, load_snapshot

    try:
        if args.action == "create":
            from genreason.curate.freeze import freeze_kept

            with store.connect(args.db) as con:
                rec = freeze_kept(con, args.name, require_stages=args.require_stage, source=args.source,
                                  note=args.note)
            print(f"snapshot {rec['name']}: {rec['n_rows']:,} questions, content hash {rec['content_hash'][:16]}, "
                  f"from {len(rec['stage_runs'])} stage runs")
            return 0
        if args.action == "list":
            with store.connect(args.db, read_only=True) as con:
                snaps = list_snapshots(con)
            if not snaps:
                print("no snapshots yet: `genreason snapshot create NAME`")
            for s in snaps:
                print(f"{s['name']:<24} {s['n_rows']:>8,} questions  {str(s['created_at'])[:19]}  "
                      f"{s['content_hash'][:16]}  {s['note'] or ''}")
            return 0
        if args.action == "show":
            from collections import Counter

            with store.connect(args.db, read_only=True) as con:
                rec = get_snapshot(con, args.name)
                rows = load_snapshot(con, args.name)
            by = {k: dict(Counter(str(r[k]) for r in rows).most_common()) for k in ("answer_type", "category", "difficulty")}
            if args.json:
                print(json.dumps({**rec, "by": by}, indent=2, default=str))
                return 0
            print(f"snapshot {rec['name']}: {rec['n_rows']:,} questions, created {rec['created_at']}, "
                  f"hash {rec['content_hash']}")
            print(f"selection: {json.dumps(rec['selection'])}")
            print("made by these stage runs:")
            for r in rec["stage_runs"]:
                print(f"  {r['stage']:<14} {r['run_id']:<40} config {r['config'].get('config_hash')}  "
                      f"({r['questions']:,} of its questions)")
            for k, counts in by.items():
                print(f"by {k}: " + ", ".join(f"{v} {n}" for v, n in counts.items()))
            return 0
        from genreason.curate.export import export_snapshot

        with store.connect(args.db, read_only=True) as con:
            rows = load_snapshot(con, args.name)
        paths = export_snapshot(rows, args.format, args.out, name=args.name)
        print(f"exported {len(rows):,} questions of {args.name} as {args.format}: " + ", ".join(map(str, paths)))
        return 0
    except (SnapshotError, ValueError) as exc:
        print(f"genreason snapshot: {exc}", file=sys.stderr)
        return 2
    except store.StoreError as exc:
        print(f"genreason snapshot: {exc}", file=sys.stderr)
        return 1
