"""`genreason stats --db DB [--json]`: what the store holds."""

from __future__ import annotations

import argparse
import json
import sys

from genreason import store
from genreason.stats import store_stats


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database file (default: $GENREASON_DB or data/genreason.duckdb)")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument("--top", type=int, default=10, help="rows per table (default 10)")


def _table(title: str, rows: list[dict], top: int) -> None:
    """Rows as aligned columns under a title (numbers right-aligned)."""
    print(f"\n{title}")
    if not rows:
        print("  (none)")
        return
    shown = [[f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v) for v in row.values()]
             for row in rows[:top]]
    numeric = [all(isinstance(row[k], int) and not isinstance(row[k], bool) for row in rows[:top]) for k in rows[0]]
    widths = [max(len(r[i]) for r in shown) for i in range(len(numeric))]
    for r in shown:
        print("  " + "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in zip(r, widths, numeric, strict=True)).rstrip())
    if len(rows) > top:
        print(f"  ... {len(rows) - top} more")


def run(args: argparse.Namespace) -> int:
    try:
        with store.connect(args.db, read_only=True) as con:
            stats = store_stats(con, top_reasons=args.top)
    except store.StoreError as exc:
        print(f"stats: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(stats, indent=2, default=str))
        return 0
    print(f"questions: {stats['questions']:,}   candidates: {stats['candidates']:,}")
    for column, rows in stats["by"].items():
        _table(f"by {column}", [{"n": r["n"], column: r["value"]} for r in rows], args.top)
    _table("stage runs (stage, runs, not ok, last run)", stats["stages"], args.top)
    _table("decisions (stage, kept, reason, n)", stats["decisions"], args.top)
    _table("judges (judge, judgments, yes, no, undecided)", stats["judges"], args.top)
    q = stats["quarantine"]
    print(f"\nquarantine: {q['rows']:,} rows")
    for row in q["top_reasons"]:
        print(f"  {row['n']:>9,}  {row['reason']}")
    return 0
