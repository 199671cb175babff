"""Candidates and their judgments in the store.

A judgment row is one judge's verdict on one candidate response; the judge may be a verifier
("rule", "model:<model>", "hybrid:<model>"), a person ("human") or imported labels
("reference", ...). The latest judgment of a judge on a candidate replaces the earlier one.
Every judge name that has judgments also has a row in `judges` (genreason.store.judges).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb

from genreason.judging import Item, Judgment
from genreason.store.connection import transaction
from genreason.store.judges import ensure_judges

log = logging.getLogger(__name__)


def candidate_items(
    con: duckdb.DuckDBPyConnection,
    *,
    limit: int | None = None,
    judge_missing: str | None = None,
    question_ids: Sequence[str] | None = None,
    candidate_ids: Sequence[str] | None = None,
    seed: int | None = 0,
) -> list[Item]:
    """Stored candidates as verifier items (item_id = candidate id), in a stable order.

    judge_missing: only candidates that judge has not judged yet (to resume a judging run).
    limit: at most this many, as a seeded sample stratified by answer type and subject (each
    stratum its proportional share, picked by a hash of id and seed), so `--limit 64` covers
    every kind instead of the first 64 ids (often one subject); seed=None takes the first by id.
    """
    where, params = [], []
    if judge_missing:
        where.append(
            "NOT EXISTS (SELECT 1 FROM judgments j WHERE j.candidate_id = c.id AND j.judge = ?)"
        )
        params.append(judge_missing)
    if question_ids is not None:
        where.append("c.question_id IN (SELECT unnest(?))")
        params.append(list(question_ids))
    if candidate_ids is not None:
        where.append("c.id IN (SELECT unnest(?))")
        params.append(list(candidate_ids))
    sql = (
        "SELECT c.id, q.question, q.answer, c.response, q.answer_type, q.options "
        "FROM candidates c JOIN questions q ON q.id = c.question_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY c.id"
        + (f" LIMIT {int(limit)}" if limit is not None and seed is None else "")
    )
    if limit is not None and seed is not None:
        log.info("taking a seeded sample of at most %d candidates, stratified by answer type "
                 "and subject (seed %d)", limit, seed)
        sql = f"""
            WITH pool AS (
                SELECT c.id, q.question, q.answer, c.response, q.answer_type, q.options,
                       coalesce(q.answer_type, '') AS _t, coalesce(q.category, '') AS _s,
                       hash(c.id || ':' || ?::VARCHAR) AS _h
                FROM candidates c JOIN questions q ON q.id = c.question_id
                {" WHERE " + " AND ".join(where) if where else ""}),
            ranked AS (
                SELECT *, row_number() OVER (PARTITION BY _t, _s ORDER BY _h, id) AS _r,
                       count(*) OVER (PARTITION BY _t, _s) AS _n FROM pool),
            picked AS (SELECT * FROM ranked ORDER BY (_r - 0.5) / _n, _h, id LIMIT {int(limit)})
            SELECT id, question, answer, response, answer_type, options FROM picked ORDER BY id"""
        params = [int(seed), *params]
    return [
        Item(
            question=question,
            reference=answer,
            response=response,
            answer_type=answer_type,
            options=tuple(options) if options else None,
            item_id=cid,
        )
        for cid, question, answer, response, answer_type, options in con.execute(sql, params).fetchall()
    ]


def question_rows(con: duckdb.DuckDBPyConnection, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Stored questions (id, question, answer, answer_type, options) in id order."""
    sql = "SELECT id, question, answer, answer_type, options FROM questions ORDER BY id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def candidate_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many candidates are stored."""
    return int(con.execute("SELECT count(*) FROM candidates").fetchone()[0])


_INCOMING_NAMES = ["candidate_id", "judge", "verdict", "extracted", "reason", "rule", "detail",
                   "cost", "run_id"]
_INCOMING_TYPES = ["string", "string", "bool", "string", "string", "string", "string", "string",
                   "string"]


def save_judgments(
    con: duckdb.DuckDBPyConnection, judgments: Iterable[Judgment], *, run_id: str | None = None
) -> int:
    """Store judgments of stored candidates atomically (upsert per candidate and judge).

    Raises ValueError naming the first judgment whose item_id is not a stored candidate.
    """
    rows = [j for j in judgments]
    if not rows:
        return 0
    missing = [j for j in rows if not j.item_id]
    if missing:
        raise ValueError(f"judgment by {missing[0].judge!r} has no item_id (candidate id)")
    batch = [
        (
            j.item_id,
            j.judge,
            j.verdict,
            j.extracted,
            j.reason,
            j.rule,
            json.dumps(j.detail, default=str, ensure_ascii=False),
            json.dumps(j.cost, default=str),
            run_id,
        )
        for j in rows
    ]
    # One Arrow table instead of executemany: a row-at-a-time insert took 0.42 ms a row, so
    # saving 30k judgments held the write lock for 12.7 s (issue 12 item 10).
    import pyarrow as pa

    columns = list(zip(*batch, strict=True))
    incoming = pa.table(
        [pa.array(col, type=pa.type_for_alias(t)) for col, t in zip(columns, _INCOMING_TYPES, strict=True)],
        names=_INCOMING_NAMES,
    )
    with transaction(con):
        con.register("_incoming_arrow", incoming)
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _incoming_judgments AS SELECT candidate_id, judge, "
                "verdict, extracted, reason, rule, detail::JSON AS detail, cost::JSON AS cost, "
                "run_id FROM _incoming_arrow"
            )
        finally:
            con.unregister("_incoming_arrow")
        unknown = con.execute(
            "SELECT i.candidate_id FROM _incoming_judgments i "
            "LEFT JOIN candidates c ON c.id = i.candidate_id WHERE c.id IS NULL LIMIT 1"
        ).fetchone()
        if unknown:
            raise ValueError(f"no stored candidate with id {unknown[0]!r}")
        con.execute(
            "INSERT OR REPLACE INTO judgments (candidate_id, question_id, judge, verdict, extracted, "
            "reason, rule, detail, cost, run_id, created_at) "
            "SELECT i.candidate_id, c.question_id, i.judge, i.verdict, i.extracted, i.reason, i.rule, "
            "i.detail, i.cost, i.run_id, current_timestamp "
            "FROM _incoming_judgments i JOIN candidates c ON c.id = i.candidate_id"
        )
        con.execute("DROP TABLE _incoming_judgments")
        # Every judge in the store has a judges row (kind from its name when not registered).
        ensure_judges(con, (j.judge for j in rows))
    return len(batch)


def judge_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Judges with at least one stored judgment, most judgments first."""
    return [
        r[0]
        for r in con.execute(
            "SELECT judge FROM judgments GROUP BY judge ORDER BY count(*) DESC, judge"
        ).fetchall()
    ]


def load_judgments(con: duckdb.DuckDBPyConnection, judge: str) -> list[dict[str, Any]]:
    """All judgments of one judge as dicts (detail and cost decoded)."""
    cursor = con.execute(
        "SELECT candidate_id, question_id, judge, verdict, extracted, reason, rule, detail, cost, "
        "run_id FROM judgments WHERE judge = ? ORDER BY candidate_id",
        [judge],
    )
    names = [d[0] for d in cursor.description]
    out = []
    for row in cursor.fetchall():
        record = dict(zip(names, row, strict=True))
        for key in ("detail", "cost"):
            record[key] = json.loads(record[key]) if record[key] else {}
        out.append(record)
    return out


_PAIRS_SQL = """
SELECT a.candidate_id AS item_id, a.question_id, q.question, q.answer AS reference, c.response,
       q.answer_type, q.category, q.difficulty,
       a.verdict AS verdict_a, a.extracted AS extracted_a, a.reason AS reason_a, a.rule AS rule_a,
       b.verdict AS verdict_b, b.extracted AS extracted_b, b.reason AS reason_b, b.rule AS rule_b
FROM judgments a
JOIN judgments b ON b.candidate_id = a.candidate_id AND b.judge = ?
JOIN candidates c ON c.id = a.candidate_id
JOIN questions q ON q.id = c.question_id
WHERE a.judge = ?
ORDER BY a.candidate_id
"""


def judge_pairs(
    con: duckdb.DuckDBPyConnection, judge_a: str, judge_b: str, *, limit: int | None = None
) -> list[dict[str, Any]]:
    """One row per stored candidate both judges judged: the item's question, reference,
    response and tags, and each judge's verdict, extracted answer, reason and rule (_a, _b)."""
    sql = _PAIRS_SQL + (f" LIMIT {int(limit)}" if limit is not None else "")
    cursor = con.execute(sql, [judge_b, judge_a])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def candidate_tags(
    con: duckdb.DuckDBPyConnection, candidate_ids: Sequence[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Candidate id -> question, reference, response, answer_type, category, difficulty, question_id."""
    sql = (
        "SELECT c.id, q.question, q.answer AS reference, c.response, q.answer_type, q.category, "
        "q.difficulty, c.question_id FROM candidates c JOIN questions q ON q.id = c.question_id"
    )
    params: list[Any] = []
    if candidate_ids is not None:
        sql += " WHERE c.id IN (SELECT unnest(?))"
        params.append(list(candidate_ids))
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names[1:], row[1:], strict=True)) for row in cursor.fetchall()}
