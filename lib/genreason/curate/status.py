"""What curation has done: stage runs with their counts, the funnel of a pipeline run, dropped
examples with their evidence, and one question's provenance. Read-only queries for the
CLI (`genreason curate status`), the notebook and the app's Curation page.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb

_RUN_COLUMNS = ("id", "stage", "status", "started_at", "finished_at", "seconds", "counts", "config")


def _run(row: tuple) -> dict[str, Any]:
    run = dict(zip(_RUN_COLUMNS, row, strict=True))
    run["counts"] = json.loads(run["counts"]) if run["counts"] else {}
    config = json.loads(run["config"]) if run["config"] else {}
    run["config"] = config
    run["pipeline"] = config.get("pipeline")
    return run


def stage_runs(con: duckdb.DuckDBPyConnection, *, limit: int = 50, stage: str | None = None) -> list[dict[str, Any]]:
    """Recent stage runs (curation and judging), newest first, counts and config decoded."""
    where = "WHERE stage = ?" if stage else ""
    rows = con.execute(
        f"SELECT {', '.join(_RUN_COLUMNS)} FROM stage_runs {where} "
        f"ORDER BY started_at DESC, id DESC LIMIT {int(limit)}", [stage] if stage else []).fetchall()
    return [_run(r) for r in rows]


def pipelines(con: duckdb.DuckDBPyConnection, *, limit: int = 20) -> list[dict[str, Any]]:
    """Pipeline runs (stage runs sharing a pipeline id), newest first: id, stages, started."""
    rows = con.execute(
        "SELECT json_extract_string(config, '$.pipeline') AS p, min(started_at), "
        "list(stage ORDER BY started_at) FROM stage_runs WHERE p IS NOT NULL "
        f"GROUP BY p ORDER BY min(started_at) DESC LIMIT {int(limit)}").fetchall()
    return [{"pipeline": p, "started_at": t, "stages": list(s)} for p, t, s in rows]


def funnel(con: duckdb.DuckDBPyConnection, pipeline: str) -> list[dict[str, Any]]:
    """The stages of one pipeline run in order: questions in, kept, dropped, drop reasons."""
    rows = con.execute(
        f"SELECT {', '.join(_RUN_COLUMNS)} FROM stage_runs "
        "WHERE json_extract_string(config, '$.pipeline') = ? ORDER BY started_at, id", [pipeline]).fetchall()
    out = []
    for row in rows:
        run = _run(row)
        c = run["counts"]
        out.append({"stage": run["stage"], "run_id": run["id"], "status": run["status"],
                    "in": c.get("in", 0), "kept": c.get("kept", 0), "dropped": c.get("dropped", 0),
                    "processed": c.get("processed", 0), "skipped": c.get("skipped", 0),
                    "drop_reasons": c.get("drop_reasons", {}), "seconds": run["seconds"]})
    return out


def latest_pipeline(con: duckdb.DuckDBPyConnection) -> str | None:
    found = pipelines(con, limit=1)
    return found[0]["pipeline"] if found else None


def _effective_run(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """The runs whose decisions a run's funnel counts: itself, and for rows it skipped the
    earlier runs of the same stage and config."""
    row = con.execute("SELECT stage, json_extract_string(config, '$.config_hash') FROM stage_runs WHERE id = ?",
                      [run_id]).fetchone()
    if row is None:
        return [run_id]
    return [r[0] for r in con.execute(
        "SELECT id FROM stage_runs WHERE stage = ? AND json_extract_string(config, '$.config_hash') = ? "
        "AND status IN ('done', 'stopped')", [row[0], row[1]]).fetchall()] or [run_id]


def dropped_examples(con: duckdb.DuckDBPyConnection, run_id: str, reason: str | None = None, *,
                     limit: int = 50) -> list[dict[str, Any]]:
    """Questions a stage run dropped (optionally for one reason), with question text and evidence."""
    params: list[Any] = [_effective_run(con, run_id)]
    sql = ("SELECT d.question_id, d.reason, d.detail, q.question, q.answer, q.answer_type, q.category, "
           "q.difficulty FROM decisions d LEFT JOIN questions q ON q.id = d.question_id "
           "WHERE d.run_id IN (SELECT unnest(?)) AND NOT d.kept")
    if reason is not None:
        sql += " AND d.reason = ?"
        params.append(reason)
    rows = con.execute(sql + f" ORDER BY d.question_id LIMIT {int(limit)}", params).fetchall()
    names = ("question_id", "reason", "evidence", "question", "answer", "answer_type", "category", "difficulty")
    out = []
    for r in rows:
        rec = dict(zip(names, r, strict=True))
        rec["evidence"] = json.loads(rec["evidence"]) if rec["evidence"] else {}
        out.append(rec)
    return out


def provenance(con: duckdb.DuckDBPyConnection, question_id: str) -> dict[str, Any]:
    """Which stage kept or dropped a question, with what evidence, and its snapshots."""
    from genreason.store.snapshots import snapshots_of

    rows = con.execute(
        "SELECT stage, run_id, kept, reason, detail, created_at FROM decisions WHERE question_id = ? "
        "ORDER BY created_at", [question_id]).fetchall()
    latest: dict[str, dict[str, Any]] = {}
    for stage, run_id, kept, reason, detail, created in rows:
        latest[stage] = {"stage": stage, "run_id": run_id, "kept": kept, "reason": reason,
                         "evidence": json.loads(detail) if detail else {}, "decided_at": created}
    return {"question_id": question_id, "decisions": list(latest.values()),
            "snapshots": snapshots_of(con, question_id)}


def stage_decisions(con: duckdb.DuckDBPyConnection, run_id: str, *, limit: int = 100_000) -> list[dict[str, Any]]:
    """Every decision a stage run's funnel counts (its own, and earlier ones of the same config
    for rows it skipped), with evidence decoded: for histograms of pass rates and labels."""
    rows = con.execute(
        "SELECT question_id, arg_max(kept, created_at), arg_max(reason, created_at), arg_max(detail, created_at) "
        "FROM decisions WHERE run_id IN (SELECT unnest(?)) GROUP BY question_id ORDER BY question_id "
        f"LIMIT {int(limit)}", [_effective_run(con, run_id)]).fetchall()
    return [{"question_id": q, "kept": k, "reason": r, "evidence": json.loads(d) if d else {}} for q, k, r, d in rows]


def label_counts(con: duckdb.DuckDBPyConnection, question_ids: list[str]) -> dict[str, list[tuple[str, int]]]:
    """(value, questions) per label column (answer_type, category, difficulty) over these questions."""
    out = {}
    for column in ("answer_type", "category", "difficulty"):
        out[column] = [(str(v), int(n)) for v, n in con.execute(
            f"SELECT coalesce({column}, '(none)'), count(*) FROM questions WHERE id IN (SELECT unnest(?)) "
            "GROUP BY 1 ORDER BY 2 DESC, 1", [question_ids]).fetchall()]
    return out
