"""Judge identity: each stored judge's name, kind and the full configuration it judged with.

A judge's name says what it is: `rule`, `model:<model folder or served name>`,
`hybrid:<model>`, `human` / `human:<annotator>`, an import's label judge (`reference`,
`imported`, `human`, ...) or a name the user chose (`--name`). The `judges` table (schema
migration 2) records each name once with its kind and configuration, so "the model verifier
before and after training" is two named judges that `compare` can put side by side, and a
second run under a name with another configuration is refused instead of mixing two judges'
verdicts under one name.

    with store.connect(db) as con:
        register_judge(con, "model:general-verifier", "model", {"backend": "openai", ...})
        list_judges(con)   # [JudgeRecord(name="rule", kind="rule", config={...}, judgments=120), ...]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import duckdb

from genreason.store.connection import transaction

# Kinds a judge can be. "labels" is any imported set of labels (ingest's label formats).
KINDS: tuple[str, ...] = ("rule", "model", "hybrid", "human", "labels", "other")


class JudgeConflictError(ValueError):
    """A judge name is already stored with another kind or configuration."""


@dataclass(frozen=True)
class JudgeRecord:
    """One stored judge. config None: recorded before configurations were kept."""

    name: str
    kind: str
    config: dict[str, Any] | None
    judgments: int = 0


def canonical_config(config: Mapping[str, Any] | None) -> str | None:
    """The configuration as JSON with sorted keys, the form two configs are compared in."""
    if config is None:
        return None
    return json.dumps(dict(config), sort_keys=True, default=str, ensure_ascii=False)


def kind_of(name: str) -> str:
    """The kind a judge name implies by its prefix (`model:x` -> model); imports -> labels."""
    head = name.split(":", 1)[0]
    return head if head in ("rule", "model", "hybrid", "human") else "labels"


def model_label(model: str, *, served: bool = False) -> str:
    """The short model name a default judge name uses: a local folder's last part
    (`data/models/general-verifier/` -> `general-verifier`); a served model's name as given
    (`served=True`: an OpenAI-compatible server's model name, which may hold a slash)."""
    text = str(model).strip()
    if served:
        return text
    text = text.rstrip("/\\")
    parts = PurePath(text).parts
    return parts[-1] if parts else text


def default_judge_name(kind: str, model: str | None = None, *, served: bool = False) -> str:
    """`rule`, `model:<model>` or `hybrid:<model>` (the model shortened by `model_label`)."""
    if kind == "rule":
        return "rule"
    if kind in ("model", "hybrid"):
        if not model:
            raise ValueError(f"a {kind} judge's default name needs its model")
        return f"{kind}:{model_label(model, served=served)}"
    raise ValueError(f"no default judge name for kind {kind!r}; give one with --name")


def _check(name: str, kind: str) -> None:
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise ValueError(f"judge name must be non-empty text without surrounding spaces, got {name!r}")
    if len(name) > 200:
        raise ValueError(f"judge name is {len(name)} characters; keep it under 200")
    if kind not in KINDS:
        raise ValueError(f"unknown judge kind {kind!r}; choose one of {', '.join(KINDS)}")


def _row(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str | None] | None:
    return con.execute("SELECT kind, config FROM judges WHERE name = ?", [name]).fetchone()


def get_judge(con: duckdb.DuckDBPyConnection, name: str) -> JudgeRecord | None:
    """The stored judge called `name`, or None."""
    row = _row(con, name)
    if row is None:
        return None
    count = con.execute("SELECT count(*) FROM judgments WHERE judge = ?", [name]).fetchone()[0]
    return JudgeRecord(name, row[0], json.loads(row[1]) if row[1] is not None else None, int(count))


def conflict_message(name: str, stored: JudgeRecord, kind: str, config: Mapping[str, Any] | None) -> str:
    """Why a judge name cannot be reused, and how to pick another."""
    return (
        f"judge {name!r} is already stored as a {stored.kind} judge with config "
        f"{canonical_config(stored.config)}; this run's {kind} config {canonical_config(config)} differs, "
        f"so its verdicts would mix with another judge's. Pick a new name for this configuration with "
        f"--name (e.g. --name {name}-2), or judge with the stored configuration."
    )


def check_judge(
    con: duckdb.DuckDBPyConnection, name: str, kind: str, config: Mapping[str, Any] | None
) -> JudgeRecord | None:
    """Raise JudgeConflictError when `name` is stored with another kind or config (a stored
    config of None, from before configs were kept, matches any); return the stored record."""
    _check(name, kind)
    stored = get_judge(con, name)
    if stored is None:
        return None
    if stored.kind != kind or (
        stored.config is not None and config is not None and canonical_config(stored.config) != canonical_config(config)
    ):
        raise JudgeConflictError(conflict_message(name, stored, kind, config))
    return stored


def register_judge(
    con: duckdb.DuckDBPyConnection, name: str, kind: str, config: Mapping[str, Any] | None
) -> JudgeRecord:
    """Record judge `name` with its kind and full configuration, once.

    Registering again with the same kind and config does nothing; a stored config of None is
    filled in; another kind or config raises JudgeConflictError with a message naming --name.
    """
    with transaction(con):
        stored = check_judge(con, name, kind, config)
        if stored is None:
            con.execute(
                "INSERT INTO judges (name, kind, config) VALUES (?, ?, ?)", [name, kind, canonical_config(config)]
            )
        elif stored.config is None and config is not None:
            con.execute("UPDATE judges SET config = ? WHERE name = ?", [canonical_config(config), name])
    record = get_judge(con, name)
    assert record is not None
    return record


def ensure_judges(con: duckdb.DuckDBPyConnection, names: Iterable[str], kind: str | None = None) -> int:
    """Give every name in `names` a judges row if it has none (kind from the name unless given,
    config unknown); never conflicts. Call inside the caller's transaction. Returns rows added."""
    added = 0
    for name in dict.fromkeys(names):
        if _row(con, name) is None:
            k = kind or kind_of(name)
            _check(name, k)
            con.execute("INSERT INTO judges (name, kind, config) VALUES (?, ?, NULL)", [name, k])
            added += 1
    return added


def list_judges(con: duckdb.DuckDBPyConnection) -> list[JudgeRecord]:
    """Every stored judge with its number of judgments, most judgments first."""
    rows = con.execute(
        "SELECT j.name, j.kind, j.config, count(g.judge) AS n FROM judges j "
        "LEFT JOIN judgments g ON g.judge = j.name GROUP BY j.name, j.kind, j.config "
        "ORDER BY n DESC, j.name"
    ).fetchall()
    return [JudgeRecord(n, k, json.loads(c) if c is not None else None, int(cnt)) for n, k, c, cnt in rows]
