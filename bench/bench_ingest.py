"""Benchmark: ingest of a 1,000,000-row WebInstruct-format Parquet file, and a facet query.

Side by side in one run: genreason (validated ingest into the store; facet query through
`genreason.store.browse`) and bare DuckDB (reading the same Parquet file, running the same SQL).

    .venv/bin/python bench/bench_ingest.py [--rows 1000000] [--repeat 30] [--out bench/results/ingest.md]

Targets (issue 2): ingest <= 20 s with peak memory < 4 GB; facet query p95 <= 1.5x bare DuckDB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from make_webinstruct import make_table  # noqa: E402

from genreason import store  # noqa: E402
from genreason.store.browse import QuestionFilter, facet_counts  # noqa: E402

FILTER = QuestionFilter(answer_type=("Float",), text="energy")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def interleaved(fns: dict[str, object], repeat: int) -> dict[str, tuple[float, float]]:
    """p50/p95 of each function, timed in turns so that machine noise hits them alike."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for fn in fns.values():
        fn()  # warm-up
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    return {name: percentiles(values) for name, values in samples.items()}


def run_ingest(parquet: Path, db: Path) -> tuple[float, float, dict]:
    """Run the CLI in a child process; return wall seconds, peak RSS (GB) and its JSON summary."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "genreason.cli.main", "ingest", str(parquet), "--db", str(db), "--json"],
        capture_output=True, text=True, check=True,
    )
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak_kb <= before:
        print("note: peak RSS of this child not above an earlier one; reporting the max", file=sys.stderr)
    return wall, peak_kb / 1024 / 1024, json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description="ingest + facet query benchmark")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--workdir", type=Path, default=None, help="where to put the Parquet and database")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest.md")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="genreason-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    parquet, db = work / f"webinstruct_{args.rows}.parquet", work / "bench.duckdb"
    if not parquet.exists():
        import pyarrow.parquet as pq

        pq.write_table(make_table(args.rows), parquet)
    db.unlink(missing_ok=True)

    # Bare DuckDB: read the file, and run the same facet SQL on it.
    where, params = FILTER.where()
    sql = (f"SELECT category, difficulty, count(*) AS n FROM read_parquet('{parquet}') "
           f"WHERE {where} GROUP BY ALL ORDER BY n DESC")
    bare = duckdb.connect()
    start = time.perf_counter()
    bare.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{parquet}')")
    bare_read = time.perf_counter() - start

    # genreason: validated ingest (child process), idempotent re-ingest.
    ingest_s, peak_gb, summary = run_ingest(parquet, db)
    reingest_s, _, summary2 = run_ingest(parquet, db)

    def short_lived() -> None:
        with store.connect(db, read_only=True) as con:
            facet_counts(con, FILTER)

    with store.connect(db, read_only=True) as con:
        ours = sorted(tuple(r.values()) for r in facet_counts(con, FILTER))
        assert ours == sorted(bare.execute(sql, params).fetchall()), "same answer from both"
        timings = interleaved({
            "bare": lambda: bare.execute(sql, params).fetchall(),
            "reuse": lambda: facet_counts(con, FILTER),
        }, args.repeat)
    timings["open"] = interleaved({"bare": lambda: bare.execute(sql, params).fetchall(),
                                   "open": short_lived}, args.repeat)["open"]
    (bare_p50, bare_p95), (reuse_p50, reuse_p95), (open_p50, open_p95) = (
        timings["bare"], timings["reuse"], timings["open"])

    lines = [
        "# Ingest and facet-query benchmark",
        "",
        f"Command: `.venv/bin/python bench/bench_ingest.py --rows {args.rows} --repeat {args.repeat}`",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}; run {time.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"Input: {args.rows:,}-row WebInstruct-format Parquet ({parquet.stat().st_size / 1e6:.1f} MB), "
        "synthetic (bench/make_webinstruct.py).",
        f"Facet query: counts by category x difficulty where answer_type = 'Float' and text contains 'energy' "
        f"(p50/p95 over {args.repeat} runs after one warm-up, genreason and bare DuckDB timed in turns).",
        "",
        "| measure | genreason | bare DuckDB | ratio (genreason / bare) |",
        "|---|---|---|---|",
        f"| load the file | {ingest_s:.1f} s (validated ingest, peak RSS {peak_gb:.2f} GB) | {bare_read:.2f} s (CREATE TABLE AS read_parquet) | {ingest_s / bare_read:.1f}x |",
        f"| facet query p50 (open connection) | {reuse_p50 * 1000:.1f} ms | {bare_p50 * 1000:.1f} ms | {reuse_p50 / bare_p50:.2f}x |",
        f"| facet query p95 (open connection) | {reuse_p95 * 1000:.1f} ms | {bare_p95 * 1000:.1f} ms | {reuse_p95 / bare_p95:.2f}x |",
        f"| facet query p95 (short-lived read-only connection per query, as the app does) | {open_p95 * 1000:.1f} ms (p50 {open_p50 * 1000:.1f}) | {bare_p95 * 1000:.1f} ms | {open_p95 / bare_p95:.2f}x |",
        "",
        f"Re-ingest of the same file: {reingest_s:.1f} s, {summary2['counts']['questions_added']} questions added "
        f"({summary2['counts']['questions_already_stored']:,} already stored).",
        f"First ingest summary: `{json.dumps(summary['counts'])}`",
        "",
        "Targets: ingest <= 20 s, peak < 4 GB, facet p95 <= 1.5x bare DuckDB's p95.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
