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
            SELECT stage, count(*) AS runs, count(*) FILTER (WHERE status NOT IN ('ok', 'done')) AS not_ok,
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


def judge_overlaps(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], int]:
    """For every ordered pair of judges, how many candidates both have judged (the app picks
    its default comparison from these)."""
    rows = con.execute("""
        SELECT a.judge, b.judge, count(*) FROM judgments a
        JOIN judgments b ON a.candidate_id = b.candidate_id AND a.judge <> b.judge
        GROUP BY ALL""").fetchall()
    return {(a, b): int(n) for a, b, n in rows}


def judges_version(con: duckdb.DuckDBPyConnection, judges: list[str]) -> str:
    """A key that changes when any judgment of `judges` is added, replaced or removed, and only
    then: a human verdict under another judge name leaves a cached comparison of these valid."""
    row = con.execute(
        "SELECT count(*), max(created_at)::VARCHAR, "
        "sum(hash(candidate_id || judge || coalesce(verdict::VARCHAR, '?')))::VARCHAR "
        "FROM judgments WHERE judge IN (SELECT unnest(?::VARCHAR[]))",
        [list(judges)],
    ).fetchone()
    return ":".join(str(v) for v in row)


def count_judged(con: duckdb.DuckDBPyConnection, judge: str, candidate_ids: list[str]) -> int:
    """How many of `candidate_ids` have a judgment by `judge` (a queue's progress)."""
    if not candidate_ids:
        return 0
    return int(con.execute(
        "SELECT count(*) FROM judgments WHERE judge = ? AND candidate_id IN "
        "(SELECT unnest(?::VARCHAR[]))", [judge, list(candidate_ids)]).fetchone()[0])
