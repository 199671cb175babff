"""Reading stored questions as stage rows, and which questions are still in the running.

A question is *live* when no stage's latest decision drops it. A stage run on its own reads
the live questions, ignoring its own earlier decisions (so a rerun with another band looks at
the questions it dropped before); a pipeline hands each stage the ids the previous one kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from genreason.curate.stage import Row

QUESTION_COLUMNS = ("id", "source", "question", "answer", "answer_type", "category", "difficulty",
                    "options", "extra")

# The latest decision of each stage on each question (a later run of a stage supersedes it).
_LATEST = """
SELECT question_id, stage, arg_max(kept, created_at) AS kept
FROM decisions GROUP BY question_id, stage
"""


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[Row]:
    names = [d[0] for d in cursor.description]
    out = []
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        if row.get("options") is not None:
            row["options"] = list(row["options"])
        out.append(row)
    return out


def live_questions(
    con: duckdb.DuckDBPyConnection,
    *,
    exclude_stages: tuple[str, ...] = (),
    source: str | None = None,
    limit: int | None = None,
) -> list[Row]:
    """Stored questions no stage (other than `exclude_stages`) has dropped, ordered by id."""
    where: list[str] = []
    params: list[Any] = []
    if exclude_stages:
        where.append("NOT list_contains(?, l.stage)")
        params.append(list(exclude_stages))
    dropped = (f"SELECT question_id FROM ({_LATEST}) l WHERE NOT l.kept"
               + (" AND " + " AND ".join(where) if where else ""))
    sql = (f"SELECT {', '.join('q.' + c for c in QUESTION_COLUMNS)} FROM questions q "
           f"WHERE q.id NOT IN ({dropped})")
    if source is not None:
        sql += " AND q.source = ?"
        params.append(source)
    sql += " ORDER BY q.id" + (f" LIMIT {int(limit)}" if limit is not None else "")
    return _rows(con.execute(sql, params))


def load_questions(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> list[Row]:
    """The stored questions with these ids, in the order given (missing ids are skipped)."""
    if not ids:
        return []
    rows = _rows(con.execute(
        f"SELECT {', '.join(QUESTION_COLUMNS)} FROM questions WHERE id IN (SELECT unnest(?))",
        [list(ids)],
    ))
    by_id = {r["id"]: r for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def kept_questions(con: duckdb.DuckDBPyConnection, *, require_stages: Sequence[str] = (),
                   source: str | None = None) -> list[Row]:
    """Questions that went through curation and that no stage dropped (latest decisions).

    require_stages: each of these stages must have kept the question (e.g. "pass_rate").
    """
    params: list[Any] = []
    sql = (f"SELECT {', '.join('q.' + c for c in QUESTION_COLUMNS)} FROM questions q "
           f"JOIN (SELECT question_id, bool_and(kept) AS ok, list(stage) FILTER (WHERE kept) AS kept_by "
           f"FROM ({_LATEST}) GROUP BY question_id) d ON d.question_id = q.id WHERE d.ok")
    for stage in require_stages:
        sql += " AND list_contains(d.kept_by, ?)"
        params.append(stage)
    if source is not None:
        sql += " AND q.source = ?"
        params.append(source)
    return _rows(con.execute(sql + " ORDER BY q.id", params))


def latest_decisions(con: duckdb.DuckDBPyConnection, question_ids: Sequence[str]) -> list[Row]:
    """Every stage's latest decision on these questions, with its run (provenance)."""
    cursor = con.execute(
        "SELECT question_id, stage, arg_max(run_id, created_at) AS run_id, "
        "arg_max(kept, created_at) AS kept, arg_max(reason, created_at) AS reason "
        "FROM decisions WHERE question_id IN (SELECT unnest(?)) GROUP BY question_id, stage "
        "ORDER BY question_id, min(created_at)",
        [list(question_ids)],
    )
    return _rows(cursor)
