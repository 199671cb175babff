"""Stage runs, per-row decisions and quarantined input: the record of what each stage did.

Every stage is a function of (input rows, config) to (output rows, per-row decisions); its
execution is one row of `stage_runs` with the config, counts, timing and outcome.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb


def new_run_id(stage: str) -> str:
    """A sortable, unique id: <stage>-<UTC time>-<random>."""
    return f"{stage}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, default=str, ensure_ascii=False)


@dataclass(frozen=True)
class QuarantinedRow:
    """An input row that was rejected: where it was and why."""

    source_file: str
    line: int | None
    reason: str
    raw: str | None = None


def reason_kind(reason: str) -> str:
    """The reason without ids and positions, for counting ('broken JSON: ...' -> 'broken JSON')."""
    for prefix, kind in (
        ("duplicate id", "duplicate id with different content"),
        ("duplicate candidate id", "duplicate candidate id with different content"),
        ("question_id", "question_id not stored"),
        ("candidate id", "candidate id already stored with different content"),
        ("id ", "id already stored with different content"),
    ):
        if reason.startswith(prefix):
            return kind
    return reason.split(":")[0].split(" (")[0]


def record_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    stage: str,
    *,
    config: Mapping[str, Any] | None,
    status: str,
    started_at: datetime,
    seconds: float,
    counts: Mapping[str, Any],
    error: str | None = None,
) -> None:
    """Insert or update the row of one stage run."""
    con.execute(
        "INSERT OR REPLACE INTO stage_runs VALUES (?, ?, ?, ?, ?, current_timestamp, ?, ?, ?)",
        [run_id, stage, _json(config), status, started_at, seconds, _json(counts), error],
    )


def add_quarantine(
    con: duckdb.DuckDBPyConnection, run_id: str, rows: Iterable[QuarantinedRow], raw_limit: int = 2000
) -> int:
    """Store rejected rows (raw text truncated to `raw_limit` characters); return how many."""
    batch = [
        (run_id, r.source_file, r.line, r.reason, reason_kind(r.reason),
         None if r.raw is None else r.raw[:raw_limit])
        for r in rows
    ]
    if batch:
        con.executemany(
            "INSERT INTO quarantine (run_id, source_file, line, reason, kind, raw) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            batch,
        )
    return len(batch)


def add_decisions(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    stage: str,
    decisions: Iterable[tuple[str, bool, str | None, Mapping[str, Any] | None]],
) -> int:
    """Store (question_id, kept, reason, detail) per row for one stage run."""
    batch = [(run_id, stage, qid, kept, reason, _json(detail)) for qid, kept, reason, detail in decisions]
    if batch:
        con.executemany(
            "INSERT INTO decisions (run_id, stage, question_id, kept, reason, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            batch,
        )
    return len(batch)
