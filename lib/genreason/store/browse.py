"""Read-side queries for browsing questions: filters, facet counts, pages, one question's record.

Filters become one parameterised WHERE clause, so every view (CLI, notebook, app) filters the
same way. Text search is a case-insensitive substring match over question and answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

FACETS = ("category", "difficulty", "answer_type", "source")


@dataclass(frozen=True)
class QuestionFilter:
    """Which questions to show; empty tuples mean no restriction."""

    category: tuple[str, ...] = ()
    difficulty: tuple[str, ...] = ()
    answer_type: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    text: str = ""  # substring of the question or answer, case-insensitive

    def where(self, alias: str = "") -> tuple[str, list[Any]]:
        """SQL condition (without WHERE) and its parameters; 'TRUE' when unfiltered."""
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
        return (" AND ".join(clauses) or "TRUE"), params


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
    where, params = filters.where()
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


def count_questions(con: duckdb.DuckDBPyConnection, filters: QuestionFilter) -> int:
    where, params = filters.where()
    return int(con.execute(f"SELECT count(*) FROM questions WHERE {where}", params).fetchone()[0])


def question_page(
    con: duckdb.DuckDBPyConnection, filters: QuestionFilter, *, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """One page of matching questions in id order (question text cut to 300 characters)."""
    where, params = filters.where()
    return _rows(con.execute(
        "SELECT id, source, category, difficulty, answer_type, left(question, 300) AS question, "
        f"answer FROM questions WHERE {where} ORDER BY id LIMIT {int(limit)} OFFSET {int(offset)}",
        params,
    ))
