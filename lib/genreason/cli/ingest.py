"""`genreason ingest PATH... --db DB`: load questions, candidates and labels into the store.

Exit status: 0 all rows stored, 3 stored but some rows quarantined, 1 nothing stored (error).
"""

from __future__ import annotations

import argparse
import json
import sys

from genreason import store
from genreason.ingest import (
    FORMATS,
    IngestConfig,
    IngestError,
    parse_mapping,
    stage_inputs,
    write_staged,
)

EXIT_PARTIAL = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="JSONL/JSON/CSV/Parquet files or datasets folders")
    parser.add_argument("--db", help="database file (default: $GENREASON_DB or data/genreason.duckdb)")
    parser.add_argument("--format", choices=[*FORMATS, "generic"], help="input format (default: detected per file)")
    parser.add_argument("--map", dest="mapping", metavar="FIELD=COLUMN,...",
                        help="generic format: which columns hold question, answer (and id, answer_type, category, difficulty, options)")
    parser.add_argument("--source", help="source name stored with each question (default: the format name)")
    parser.add_argument("--judge", help="judge name for imported labels (default: the format's, e.g. human)")
    parser.add_argument("--max-chars", type=int, default=200_000, help="longest text field accepted (default 200000)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--show", type=int, default=10, metavar="N", help="quarantined rows to list (default 10)")


def run(args: argparse.Namespace) -> int:
    try:
        mapping = parse_mapping(args.mapping) if args.mapping else None
        if mapping and args.format not in (None, "generic"):
            raise ValueError(f"--map reads the generic format; it cannot be combined with --format {args.format}")
        config = IngestConfig(format="generic" if mapping else args.format, mapping=mapping,
                              source=args.source, judge=args.judge, max_chars=args.max_chars)
        staged = stage_inputs(args.paths, config)  # read and validate before taking the lock
        with store.connect(args.db) as con:
            result = write_staged(con, staged)
    except (ValueError, IngestError, store.StoreError) as exc:
        print(f"ingest failed, nothing stored: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"run_id": result.run_id, "counts": result.counts,
                          "quarantine_reasons": dict(result.reasons), "seconds": round(result.seconds, 3)}))
    else:
        c = result.counts
        print(f"ingest {result.run_id}: read {c['rows_read']:,} rows in {result.seconds:.1f} s")
        print(f"  questions: {c['questions_added']:,} added, {c['questions_already_stored']:,} already stored")
        print(f"  candidates: {c['candidates_added']:,} added; labels: {c['judgments_added']:,} judgments stored")
        print(f"  quarantined: {c['quarantined']:,} rows")
        for reason, n in result.reasons.most_common(5):
            print(f"    {n:>7,}  {reason}")
        for q in result.quarantined[: args.show]:
            print(f"  {q.source_file}:{q.line}: {q.reason}", file=sys.stderr)
    return 0 if result.clean else EXIT_PARTIAL
