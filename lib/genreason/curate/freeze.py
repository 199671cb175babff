"""Freezing what curation kept into a snapshot, with the stage runs that produced it.

    with store.connect(db) as con:
        record = freeze_kept(con, "v1", require_stages=("pass_rate",))

The rows are the questions every stage's latest decision kept (`rows.kept_questions`); the
provenance is the set of stage runs whose decisions those are, each with its stage, config
and counts, so a snapshot says which pipeline made it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import duckdb

from genreason.curate.rows import kept_questions
from genreason.store.snapshots import create_snapshot


def producing_runs(con: duckdb.DuckDBPyConnection, question_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The stage runs whose latest decisions cover these questions (stage, id, config, counts)."""
    rows = con.execute(
        "WITH latest AS (SELECT question_id, stage, arg_max(run_id, created_at) AS run_id FROM decisions "
        "WHERE question_id IN (SELECT unnest(?)) GROUP BY question_id, stage) "
        "SELECT r.id, r.stage, r.config, r.counts, r.started_at, count(*) AS questions FROM latest l "
        "JOIN stage_runs r ON r.id = l.run_id GROUP BY ALL ORDER BY r.started_at",
        [list(question_ids)]).fetchall()
    return [{"run_id": rid, "stage": stage, "config": json.loads(cfg) if cfg else {},
             "counts": json.loads(counts) if counts else {}, "started_at": str(started), "questions": int(n)}
            for rid, stage, cfg, counts, started, n in rows]


def freeze_kept(con: duckdb.DuckDBPyConnection, name: str, *, require_stages: Sequence[str] = (),
                source: str | None = None, note: str | None = None) -> dict[str, Any]:
    """Snapshot `name` of the kept questions (see the module docstring); SnapshotError when the
    name is taken or nothing is kept."""
    rows = kept_questions(con, require_stages=require_stages, source=source)
    runs = producing_runs(con, [r["id"] for r in rows]) if rows else []
    selection = {"require_stages": list(require_stages), "source": source, "rule": "kept by every stage's latest decision"}
    return create_snapshot(con, name, rows, stage_runs=runs, selection=selection, note=note)
