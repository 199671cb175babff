"""What the store holds: counts by answer type, subject, difficulty, source, stage and judge.

    genreason stats --db data/genreason.duckdb [--json]
"""

from __future__ import annotations

from typing import Any

import duckdb


def _counts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def store_stats(con: duckdb.DuckDBPyConnection, top_reasons: int = 10) -> dict[str, Any]:
    """One dict with every count the `stats` command and the app's overview show."""
    by = {
        column: _counts(con, f"SELECT coalesce({column}, '(none)') AS value, count(*) AS n "
                             f"FROM questions GROUP BY ALL ORDER BY n DESC, value")
        for column in ("answer_type", "category", "difficulty", "source")
    }
    return {
        "questions": con.execute("SELECT count(*) FROM questions").fetchone()[0],
        "candidates": con.execute("SELECT count(*) FROM candidates").fetchone()[0],
        "by": by,
        "stages": _counts(con, """
            SELECT stage, count(*) AS runs, count(*) FILTER (WHERE status <> 'ok') AS not_ok,
                   max(finished_at)::VARCHAR AS last_run
            FROM stage_runs GROUP BY stage ORDER BY stage"""),
        "decisions": _counts(con, """
            SELECT stage, kept, coalesce(reason, '') AS reason, count(*) AS n
            FROM decisions GROUP BY ALL ORDER BY stage, kept DESC, n DESC"""),
        "judges": _counts(con, """
            SELECT judge, count(*) AS n,
                   count(*) FILTER (WHERE verdict) AS yes,
                   count(*) FILTER (WHERE NOT verdict) AS no,
                   count(*) FILTER (WHERE verdict IS NULL) AS undecided
            FROM judgments GROUP BY judge ORDER BY n DESC, judge"""),
        "quarantine": {
            "rows": con.execute("SELECT count(*) FROM quarantine").fetchone()[0],
            "top_reasons": _counts(con, f"""
                SELECT kind AS reason, count(*) AS n
                FROM quarantine GROUP BY 1 ORDER BY n DESC, 1 LIMIT {int(top_reasons)}"""),
        },
    }
