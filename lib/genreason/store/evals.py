"""Evaluation results in the store: one row per run, one per (question, sample) it scored.

An evaluation run records the benchmark, model, protocol and judge it was scored with, its
summary (accuracy, pass@k, maj@k, unanswered and undecided counts, per-category breakdown) and
every per-question record: prompt, output, extracted answer, verdict and why. Tables come from
schema migration 4 (`genreason.store.schema.MIGRATIONS`).

    save_eval_run(con, run, records)
    list_eval_runs(con, benchmark="mmlu_pro")
    eval_records(con, run_id, category="law", status="no_answer")
    compare_eval_runs(con, run_a, run_b)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from genreason.store.connection import transaction
from genreason.store.runs import record_run

RUN_COLUMNS = ("id", "benchmark", "model", "protocol", "judge", "mode", "backend", "source",
               "questions_digest", "questions", "samples", "accuracy", "summary", "config", "seconds", "job_id")
RECORD_COLUMNS = ("run_id", "question_id", "sample", "category", "reference", "prompt", "output",
                  "extracted", "verdict", "status", "rule", "reason", "harness_pred")
_RECORD_SCHEMA = pa.schema([
    (c, pa.int32() if c == "sample" else pa.bool_() if c == "verdict" else pa.string()) for c in RECORD_COLUMNS
])


def save_eval_run(con: duckdb.DuckDBPyConnection, run: Mapping[str, Any], records: Sequence[Mapping[str, Any]]) -> int:
    """Store one run and its records atomically (replacing a run of the same id); return how many records."""
    missing = [c for c in ("id", "benchmark", "model", "protocol", "judge", "mode") if not run.get(c)]
    if missing:
        raise ValueError(f"an evaluation run needs {', '.join(missing)}")
    values = [json.dumps(run.get(c), default=str) if c in ("summary", "config") else run.get(c) for c in RUN_COLUMNS]
    table = pa.table(
        {c: [r.get(c) if c != "run_id" else run["id"] for r in records] for c in RECORD_COLUMNS}, schema=_RECORD_SCHEMA
    )
    with transaction(con):
        con.execute("DELETE FROM eval_records WHERE run_id = ?", [run["id"]])
        con.execute("DELETE FROM eval_runs WHERE id = ?", [run["id"]])
        con.execute(f"INSERT INTO eval_runs ({', '.join(RUN_COLUMNS)}) VALUES ({', '.join('?' * len(RUN_COLUMNS))})", values)
        con.register("_eval_records_in", table)
        try:
            con.execute(f"INSERT INTO eval_records SELECT {', '.join(RECORD_COLUMNS)} FROM _eval_records_in")
        finally:
            con.unregister("_eval_records_in")
        # An evaluation is a stage run too (DESIGN.md: one record of what every stage did).
        seconds = float(run.get("seconds") or 0.0)
        record_run(con, run["id"], "eval", config={k: run.get(k) for k in ("benchmark", "model", "protocol", "judge",
                                                                         "mode", "source", "config")},
                   status="done", started_at=datetime.now(UTC) - timedelta(seconds=seconds), seconds=seconds,
                   counts={k: run["summary"].get(k) for k in ("questions", "outputs", "correct", "no_answer",
                                                             "undecided")} if run.get("summary") else {})
    return len(records)


def _run_dict(names: list[str], row: tuple) -> dict[str, Any]:
    run = dict(zip(names, row, strict=True))
    for key in ("summary", "config"):
        run[key] = json.loads(run[key]) if run.get(key) else {}
    return run


def list_eval_runs(
    con: duckdb.DuckDBPyConnection, *, benchmark: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Stored runs, newest first (summary and config decoded)."""
    where = "WHERE benchmark = ?" if benchmark else ""
    cur = con.execute(
        f"SELECT {', '.join(RUN_COLUMNS)}, created_at FROM eval_runs {where} "
        f"ORDER BY created_at DESC, id DESC LIMIT {int(limit)}",
        [benchmark] if benchmark else [],
    )
    names = [d[0] for d in cur.description]
    return [_run_dict(names, row) for row in cur.fetchall()]


def eval_run(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, Any] | None:
    """One stored run, or None."""
    cur = con.execute(f"SELECT {', '.join(RUN_COLUMNS)}, created_at FROM eval_runs WHERE id = ?", [run_id])
    row = cur.fetchone()
    return None if row is None else _run_dict([d[0] for d in cur.description], row)


def eval_records(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    category: str | None = None,
    status: str | None = None,
    question_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    with_text: bool = True,
) -> list[dict[str, Any]]:
    """A run's records (filtered by category, status or question), by question id and sample.

    with_text=False leaves out prompt and output (the long columns), for listing many."""
    where, params = ["run_id = ?"], [run_id]
    for column, value in (("category", category), ("status", status), ("question_id", question_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    columns = [c for c in RECORD_COLUMNS[1:] if with_text or c not in ("prompt", "output")]
    sql = (f"SELECT {', '.join(columns)} FROM eval_records WHERE {' AND '.join(where)} "
           "ORDER BY question_id, sample" + (f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""))
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def compare_eval_runs(
    con: duckdb.DuckDBPyConnection, run_a: str, run_b: str, *, limit: int = 500
) -> dict[str, Any]:
    """Two runs over the same benchmark, question by question (first sample of each).

    Returns counts (both right, both wrong, only A right, only B right, in A only, in B only)
    and up to `limit` questions where the verdicts differ, with both outputs.
    """
    joined = """
        FROM (SELECT * FROM eval_records WHERE run_id = ? AND sample = 0) a
        FULL OUTER JOIN (SELECT * FROM eval_records WHERE run_id = ? AND sample = 0) b
        ON a.question_id = b.question_id"""
    counts = con.execute(
        "SELECT count(*) FILTER (a.verdict AND b.verdict), count(*) FILTER (NOT a.verdict AND NOT b.verdict), "
        "count(*) FILTER (a.verdict AND NOT b.verdict), count(*) FILTER (NOT a.verdict AND b.verdict), "
        "count(*) FILTER (b.question_id IS NULL), count(*) FILTER (a.question_id IS NULL)" + joined,
        [run_a, run_b],
    ).fetchone()
    cur = con.execute(
        "SELECT a.question_id, a.category, a.reference, a.verdict AS verdict_a, b.verdict AS verdict_b, "
        "a.status AS status_a, b.status AS status_b, a.extracted AS extracted_a, b.extracted AS extracted_b, "
        "a.output AS output_a, b.output AS output_b"
        + joined + " WHERE a.verdict <> b.verdict ORDER BY a.question_id LIMIT " + str(int(limit)),
        [run_a, run_b],
    )
    names = [d[0] for d in cur.description]
    keys = ("both_right", "both_wrong", "only_a_right", "only_b_right", "only_in_a", "only_in_b")
    return {"counts": dict(zip(keys, counts, strict=True)),
            "differ": [dict(zip(names, row, strict=True)) for row in cur.fetchall()]}
