"""Snapshots: named, immutable sets of kept questions, with what produced them.

A snapshot copies its rows (id, question, answer, answer_type, category, difficulty,
options, source) into `snapshot_rows` when it is created, so later edits of `questions`
(a re-annotation, a re-ingest) never change it. It records the stage runs whose latest
decisions kept its questions (with their configs), its row count and a content hash over
the rows in order. There is no update: a name is taken once; `verify_snapshot` recomputes
the hash. Training and export read snapshots, never the live tables.

    with store.connect(db) as con:
        create_snapshot(con, "v1", rows, stage_runs=runs)
        rows = load_snapshot(con, "v1")
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

from genreason.store.connection import transaction

SNAPSHOT_FIELDS = ("id", "source", "question", "answer", "answer_type", "category", "difficulty",
                   "options")
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


class SnapshotError(ValueError):
    """A snapshot that cannot be made or found; the message says which and why."""


def check_name(name: str) -> str:
    """A snapshot name: letters, digits, '-', '_', '.'; at most 100 characters."""
    if not name or len(name) > 100 or not set(name) <= _NAME_CHARS or name.startswith("."):
        raise SnapshotError(f"bad snapshot name {name!r}: use letters, digits, '-', '_' and '.' "
                            "(at most 100 characters, not starting with '.')")
    return name


def content_hash(rows: Sequence[Mapping[str, Any]]) -> str:
    """sha256 over the rows' snapshot fields, in order (the same rows give the same hash)."""
    h = hashlib.sha256()
    for row in rows:
        record = {f: (list(row[f]) if f == "options" and row.get(f) is not None else row.get(f))
                  for f in SNAPSHOT_FIELDS}
        h.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode())
        h.update(b"\n")
    return h.hexdigest()


def create_snapshot(
    con: duckdb.DuckDBPyConnection,
    name: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    stage_runs: Sequence[Mapping[str, Any]] = (),
    selection: Mapping[str, Any] | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Freeze `rows` under `name` in one transaction; SnapshotError if the name is taken or
    there are no rows. Returns the snapshot's record (as `get_snapshot`)."""
    check_name(name)
    if not rows:
        raise SnapshotError(f"snapshot {name!r}: no kept questions to freeze (run the curation "
                            "stages first, or loosen the selection)")
    digest = content_hash(rows)
    batch = [(name, i, str(r["id"]), r.get("source"), r["question"], r["answer"], r.get("answer_type"),
              r.get("category"), r.get("difficulty"),
              list(r["options"]) if r.get("options") is not None else None)
             for i, r in enumerate(rows)]
    with transaction(con):
        if con.execute("SELECT 1 FROM snapshots WHERE name = ?", [name]).fetchone():
            raise SnapshotError(f"snapshot {name!r} exists and snapshots are immutable: "
                                "choose another name")
        con.execute(
            "INSERT INTO snapshots (name, n_rows, content_hash, selection, stage_runs, note) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [name, len(rows), digest, json.dumps(dict(selection or {}), default=str),
             json.dumps(list(stage_runs), default=str), note],
        )
        con.executemany("INSERT INTO snapshot_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
    return get_snapshot(con, name)


def _record(row: tuple, names: list[str]) -> dict[str, Any]:
    out = dict(zip(names, row, strict=True))
    for key in ("selection", "stage_runs"):
        out[key] = json.loads(out[key]) if out.get(key) else ({} if key == "selection" else [])
    return out


def list_snapshots(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every snapshot's record, newest first."""
    cursor = con.execute("SELECT * FROM snapshots ORDER BY created_at DESC, name")
    names = [d[0] for d in cursor.description]
    return [_record(r, names) for r in cursor.fetchall()]


def get_snapshot(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any]:
    """One snapshot's record (name, created_at, n_rows, content_hash, selection, stage_runs)."""
    cursor = con.execute("SELECT * FROM snapshots WHERE name = ?", [name])
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    if row is None:
        known = [r[0] for r in con.execute("SELECT name FROM snapshots ORDER BY name").fetchall()]
        raise SnapshotError(f"no snapshot {name!r}; known: {', '.join(known) or 'none yet'} "
                            "(make one with `genreason snapshot create NAME`)")
    return _record(row, names)


def load_snapshot(con: duckdb.DuckDBPyConnection, name: str) -> list[dict[str, Any]]:
    """The frozen rows of a snapshot, in order: id, source, question, answer (and `reference`,
    the same text), answer_type, category, difficulty, options (list or None)."""
    get_snapshot(con, name)
    cursor = con.execute(
        f"SELECT {', '.join(SNAPSHOT_FIELDS)} FROM snapshot_rows WHERE snapshot = ? ORDER BY position",
        [name],
    )
    names = [d[0] for d in cursor.description]
    rows = []
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        row["options"] = list(row["options"]) if row["options"] is not None else None
        row["reference"] = row["answer"]
        rows.append(row)
    return rows


def verify_snapshot(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the stored rows still hash to the snapshot's recorded content hash."""
    return content_hash(load_snapshot(con, name)) == get_snapshot(con, name)["content_hash"]


def snapshots_of(con: duckdb.DuckDBPyConnection, question_id: str) -> list[str]:
    """Names of the snapshots holding a question (provenance)."""
    return [r[0] for r in con.execute(
        "SELECT snapshot FROM snapshot_rows WHERE id = ? ORDER BY snapshot", [question_id]).fetchall()]
