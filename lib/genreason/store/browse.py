"""Read-side queries for browsing questions: filters, facet counts, pages, one question's record.

Filters become one parameterised WHERE clause, so every view (CLI, notebook, app) filters the
same way. Text search is a case-insensitive substring match over question and answer.
A question's stage status comes from its per-row decisions: "ingested" (no stage has decided
on it yet), "kept: <last stage>" or "dropped: <first stage that dropped it>".
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import duckdb

FACETS = ("category", "difficulty", "answer_type", "source")
STATUS = "status"  # the stage-status facet, derived from decisions
STATUS_INGESTED = "ingested"

# Per question: the latest decision of each stage; dropped by any stage wins over kept.
_STATUS_SQL = """
WITH latest AS (
    SELECT question_id, stage, arg_max(kept, created_at) AS kept, max(created_at) AS decided_at
    FROM {decisions} GROUP BY ALL
)
SELECT question_id,
       CASE WHEN bool_and(kept) THEN 'kept: ' || arg_max(stage, decided_at)
            ELSE 'dropped: ' || arg_min(stage, decided_at) FILTER (WHERE NOT kept) END AS status
FROM latest GROUP BY question_id
"""
# The same when every stage has had one run (a run decides each question once): one
# aggregation instead of two, about half the work on a million decisions.
_STATUS_ONE_RUN_SQL = """
SELECT question_id,
       CASE WHEN bool_and(kept) THEN 'kept: ' || arg_max(stage, created_at)
            ELSE 'dropped: ' || arg_min(stage, created_at) FILTER (WHERE NOT kept) END AS status
FROM {decisions} GROUP BY question_id
"""


_STATUS_EXACT = _STATUS_SQL.format(decisions="decisions")


def status_sql(con: duckdb.DuckDBPyConnection, among: str | None = None) -> str | None:
    """SQL giving (question_id, status) of every decided question, in its cheapest exact form
    for the stored decisions; None when no stage has decided anything yet.

    among: a query of question ids to limit the work to (its questions' decisions only).
    """
    most_runs = con.execute(
        "SELECT max(runs) FROM (SELECT count(DISTINCT run_id) AS runs FROM decisions GROUP BY stage)"
    ).fetchone()[0]
    if most_runs is None:
        return None
    decisions = f"(SELECT * FROM decisions WHERE question_id IN ({among}))" if among else "decisions"
    return (_STATUS_ONE_RUN_SQL if most_runs == 1 else _STATUS_SQL).format(decisions=decisions)


@dataclass(frozen=True)
class QuestionFilter:
    """Which questions to show; empty tuples mean no restriction."""

    category: tuple[str, ...] = ()
    difficulty: tuple[str, ...] = ()
    answer_type: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    text: str = ""  # substring of the question or answer, case-insensitive
    status: tuple[str, ...] = ()  # stage status: "ingested", "kept: <stage>", "dropped: <stage>"

    def where(self, alias: str = "", *, status_from: str | None = _STATUS_EXACT) -> tuple[str, list[Any]]:
        """SQL condition (without WHERE) and its parameters; 'TRUE' when unfiltered.

        status_from: the (question_id, status) query to filter stage status with (see
        `status_sql`; None when there are no decisions).
        """
        p = f"{alias}." if alias else ""
        clauses, params = [], []
        for column in FACETS:
            values = getattr(self, column)
            if values:
                clauses.append(f"{p}{column} IN ({', '.join('?' for _ in values)})")
                params.extend(values)
        if self.text.strip():
            # ILIKE with '%' and '_' escaped: the user's text is matched literally.
            escaped = self.text.strip().translate({ord("\\"): "\\\\", ord("%"): "\\%", ord("_"): "\\_"})
            clauses.append(f"({p}question ILIKE ? ESCAPE '\\' OR {p}answer ILIKE ? ESCAPE '\\')")
            params.extend([f"%{escaped}%"] * 2)
        if self.status:
            either = []
            decided = [s for s in self.status if s != STATUS_INGESTED]
            if decided and status_from is not None:
                either.append(f"{p}id IN (SELECT question_id FROM ({status_from}) "
                              f"WHERE status IN ({', '.join('?' for _ in decided)}))")
                params.extend(decided)
            if STATUS_INGESTED in self.status:
                either.append(f"{p}id NOT IN (SELECT question_id FROM decisions)")
            either = either or ["FALSE"]
            clauses.append("(" + " OR ".join(either) + ")")
        return (" AND ".join(clauses) or "TRUE"), params

    def without(self, column: str) -> QuestionFilter:
        """The same filter with no restriction on one facet column (for that facet's counts)."""
        if column not in (*FACETS, STATUS):
            raise ValueError(f"unknown facet {column!r}; choose from {(*FACETS, STATUS)}")
        return replace(self, **{column: ()})


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def facet_counts(
    con: duckdb.DuckDBPyConnection, filters: QuestionFilter, by: tuple[str, ...] = ("category", "difficulty")
) -> list[dict[str, Any]]:
    """Counts of matching questions grouped by the given facet columns."""
    bad = [c for c in by if c not in FACETS]
    if bad:
        raise ValueError(f"cannot group by {bad}; choose from {FACETS}")
    where, params = _where(con, filters)
    columns = ", ".join(by)
    return _rows(con.execute(
        f"SELECT {columns}, count(*) AS n FROM questions WHERE {where} GROUP BY ALL ORDER BY n DESC",
        params,
    ))


def facet_values(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Every distinct value of each facet column (enumerated on load, never hard-coded)."""
    return {
        column: [r[0] for r in con.execute(
            f"SELECT DISTINCT {column} FROM questions WHERE {column} IS NOT NULL ORDER BY 1"
        ).fetchall()]
        for column in FACETS
    }


def _where(con: duckdb.DuckDBPyConnection, filters: QuestionFilter, alias: str = "") -> tuple[str, list[Any]]:
    """filters.where(), with the stage-status query chosen for the stored decisions."""
    return filters.where(alias, status_from=status_sql(con)) if filters.status else filters.where(alias)


def count_questions(con: duckdb.DuckDBPyConnection, filters: QuestionFilter) -> int:
    where, params = _where(con, filters)
    return int(con.execute(f"SELECT count(*) FROM questions WHERE {where}", params).fetchone()[0])


def question_page(
    con: duckdb.DuckDBPyConnection, filters: QuestionFilter, *, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """One page of matching questions in id order (question text cut to 300 characters)."""
    where, params = _where(con, filters)
    return _rows(con.execute(
        "SELECT id, source, category, difficulty, answer_type, left(question, 300) AS question, "
        f"answer FROM questions WHERE {where} ORDER BY id LIMIT {int(limit)} OFFSET {int(offset)}",
        params,
    ))


def selection_rows(
    con: duckdb.DuckDBPyConnection, filters: QuestionFilter, *, limit: int | None = None
) -> list[dict[str, Any]]:
    """The matching questions in full (text, answer, labels, options), in id order: an export."""
    where, params = _where(con, filters)
    return _rows(con.execute(
        "SELECT id, source, category, difficulty, answer_type, question, answer, options "
        f"FROM questions WHERE {where} ORDER BY id"
        + (f" LIMIT {int(limit)}" if limit is not None else ""),
        params,
    ))


# --- facet summaries for charts ----------------------------------------------------------------

FACET_COLUMNS = (*FACETS, STATUS)


def facet_table(con: duckdb.DuckDBPyConnection, text: str = "") -> list[dict[str, Any]]:
    """Question counts per combination of facet values (FACET_COLUMNS) among text matches.

    One scan of the questions table answers every facet count and the total for any filter on
    top of this text (see `facet_summary`), so a facet change costs no query at all. The table
    has one row per combination that occurs: small for WebInstruct-like tags (hundreds of rows).
    Once stages have decided, the stage status is joined in per question (the costly part on
    a million decisions: see bench/results/app.md).
    """
    where, params = QuestionFilter(text=text).where("q")
    searching = bool(text.strip())
    # With a text search, the matches come first and only their decisions are aggregated
    # (about half the time on a million decisions); without one, a plain join is quicker.
    decided = status_sql(con, among="SELECT id FROM q" if searching else None)
    columns = "q.category, q.difficulty, q.answer_type, q.source"
    if decided is None:
        sql = f"SELECT {columns}, ? AS status, count(*) AS n FROM questions q WHERE {where} GROUP BY ALL"
    elif searching:
        sql = (f"WITH q AS MATERIALIZED (SELECT q.id, {columns} FROM questions q WHERE {where}), "
               f"s AS ({decided}) SELECT {columns}, coalesce(s.status, ?) AS status, count(*) AS n "
               "FROM q LEFT JOIN s ON s.question_id = q.id GROUP BY ALL")
        return _rows(con.execute(sql, [*params, STATUS_INGESTED]))
    else:
        sql = (f"SELECT {columns}, coalesce(s.status, ?) AS status, count(*) AS n FROM questions q "
               f"LEFT JOIN ({decided}) s ON s.question_id = q.id WHERE {where} GROUP BY ALL")
    return _rows(con.execute(sql, [STATUS_INGESTED, *params]))


@dataclass(frozen=True)
class FacetSummary:
    """What the filters select: the total and, per facet column, (value, count) pairs.

    A column's counts apply every filter except that column's own, so the chart of a facet
    still shows the values one could add (the usual faceted-search convention).
    """

    total: int
    counts: Mapping[str, list[tuple[str | None, int]]]
    values: Mapping[str, list[str]]  # every value present among the text matches


def _matches(row: Mapping[str, Any], filters: QuestionFilter, skip: str | None) -> bool:
    for column in FACET_COLUMNS:
        wanted = getattr(filters, column)
        if column != skip and wanted and row[column] not in wanted:
            return False
    return True


def facet_summary(table: Sequence[Mapping[str, Any]], filters: QuestionFilter) -> FacetSummary:
    """Total and per-facet counts for `filters`, from a `facet_table` of the same text search."""
    total = sum(r["n"] for r in table if _matches(r, filters, None))
    counts: dict[str, list[tuple[str | None, int]]] = {}
    values: dict[str, list[str]] = {}
    for column in FACET_COLUMNS:
        by_value: dict[str | None, int] = {}
        for r in table:
            if _matches(r, filters, column):
                by_value[r[column]] = by_value.get(r[column], 0) + r["n"]
        counts[column] = sorted(by_value.items(), key=lambda kv: (-kv[1], str(kv[0])))
        values[column] = sorted({r[column] for r in table if r[column] is not None})
    return FacetSummary(total=total, counts=counts, values=values)


# --- one question, candidate selections ---------------------------------------------------------


def _decode(record: dict[str, Any], *keys: str) -> dict[str, Any]:
    for key in keys:
        value = record.get(key)
        record[key] = json.loads(value) if isinstance(value, str) and value else (value or {})
    return record


def question_detail(con: duckdb.DuckDBPyConnection, question_id: str) -> dict[str, Any] | None:
    """One question with everything known about it, or None if no such id.

    Keys: the question's columns (options as a list, extra decoded), `ingest` (the stage run
    that stored it: id, status, started_at, config), `decisions` (every stage decision),
    `snapshots` (names of the snapshots holding it), `candidates` (each with its `judgments`, every judge's record decoded).
    """
    rows = _rows(con.execute(
        "SELECT id, source, question, answer, answer_type, category, difficulty, options, extra, "
        "ingest_run, created_at FROM questions WHERE id = ?", [question_id],
    ))
    if not rows:
        return None
    q = _decode(rows[0], "extra")
    q["options"] = list(q["options"]) if q["options"] else []
    runs = _rows(con.execute(
        "SELECT id, stage, status, started_at, seconds, config FROM stage_runs WHERE id = ?",
        [q["ingest_run"]],
    ))
    q["ingest"] = _decode(runs[0], "config") if runs else None
    q["decisions"] = [_decode(r, "detail") for r in _rows(con.execute(
        "SELECT stage, kept, reason, detail, run_id, created_at FROM decisions "
        "WHERE question_id = ? ORDER BY created_at", [question_id],
    ))]
    q["snapshots"] = [r[0] for r in con.execute(
        "SELECT snapshot FROM snapshot_rows WHERE id = ? ORDER BY snapshot", [question_id]).fetchall()]
    candidates = _rows(con.execute(
        "SELECT id, model, response, run_id, extra, created_at FROM candidates "
        "WHERE question_id = ? ORDER BY id", [question_id],
    ))
    judgments: dict[str, list[dict[str, Any]]] = {}
    for j in _rows(con.execute(
        "SELECT candidate_id, judge, verdict, extracted, reason, rule, detail, cost, run_id, "
        "created_at FROM judgments WHERE question_id = ? ORDER BY candidate_id, judge",
        [question_id],
    )):
        judgments.setdefault(j["candidate_id"], []).append(_decode(j, "detail", "cost"))
    for c in candidates:
        _decode(c, "extra")
        c["judgments"] = judgments.get(c["id"], [])
    q["candidates"] = candidates
    return q


def candidate_judgments(con: duckdb.DuckDBPyConnection, candidate_id: str) -> list[dict[str, Any]]:
    """Every judge's record on one candidate, judge order."""
    return [_decode(r, "detail", "cost") for r in _rows(con.execute(
        "SELECT judge, verdict, extracted, reason, rule, detail, cost, run_id, created_at "
        "FROM judgments WHERE candidate_id = ? ORDER BY judge", [candidate_id],
    ))]


def _candidate_where(
    con: duckdb.DuckDBPyConnection, filters: QuestionFilter, judge_missing: str | None
) -> tuple[str, list[Any]]:
    where, params = _where(con, filters, "q")
    if judge_missing:
        where += (" AND NOT EXISTS (SELECT 1 FROM judgments j "
                  "WHERE j.candidate_id = c.id AND j.judge = ?)")
        params.append(judge_missing)
    return where, params


def count_candidates(
    con: duckdb.DuckDBPyConnection, filters: QuestionFilter, *, judge_missing: str | None = None
) -> int:
    """Candidates of the matching questions (optionally only those `judge_missing` has not judged)."""
    where, params = _candidate_where(con, filters, judge_missing)
    return int(con.execute(
        f"SELECT count(*) FROM candidates c JOIN questions q ON q.id = c.question_id WHERE {where}",
        params,
    ).fetchone()[0])


def candidate_ids(
    con: duckdb.DuckDBPyConnection,
    filters: QuestionFilter,
    *,
    judge_missing: str | None = None,
    limit: int | None = None,
    seed: int | None = 0,
) -> list[str]:
    """Ids of the candidates of the matching questions, in id order (a job's selection).

    With `limit` below the number matching, a seeded sample stratified by answer type and
    subject: each (answer type, subject) stratum gets its share of `limit` (systematic
    proportional allocation: items ordered by (rank within stratum - 0.5) / stratum size), and
    within a stratum the items are picked in the order of a hash of id and seed. The same seed
    picks the same candidates. seed=None: the first `limit` by id."""
    where, params = _candidate_where(con, filters, judge_missing)
    base = f"FROM candidates c JOIN questions q ON q.id = c.question_id WHERE {where}"
    if limit is None or seed is None:
        sql = f"SELECT c.id {base} ORDER BY c.id" + (f" LIMIT {int(limit)}" if limit is not None else "")
        return [r[0] for r in con.execute(sql, params).fetchall()]
    sql = f"""
        WITH pool AS (
            SELECT c.id, coalesce(q.answer_type, '') AS t, coalesce(q.category, '') AS s,
                   hash(c.id || ':' || ?::VARCHAR) AS h {base}),
        ranked AS (
            SELECT id, h, row_number() OVER (PARTITION BY t, s ORDER BY h, id) AS r,
                   count(*) OVER (PARTITION BY t, s) AS size FROM pool)
        SELECT id FROM ranked ORDER BY (r - 0.5) / size, h, id LIMIT {int(limit)}"""
    return sorted(r[0] for r in con.execute(sql, [int(seed), *params]).fetchall())
