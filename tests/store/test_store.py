"""The store: schema creation, forward migration, locks held by other processes, atomic writes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from genreason import store
from genreason.store import schema


def test_new_database_gets_latest_schema(db_path: Path) -> None:
    with store.connect(db_path) as con:
        assert store.current_version(con) == store.LATEST_VERSION
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"questions", "stage_runs", "decisions", "candidates", "judgments", "quarantine", "jobs",
            "schema_version"} <= tables


def test_forward_migration_keeps_data(db_path: Path) -> None:
    """A database at version 1 is brought forward by a later migration without losing rows."""
    extra = (99, ["ALTER TABLE questions ADD COLUMN notes VARCHAR", "UPDATE questions SET notes = 'migrated'"])
    con = duckdb.connect(str(db_path))
    assert schema.migrate(con, target=1) == 1
    con.execute("INSERT INTO questions (id, source, question, answer, content_hash) VALUES ('q1', 's', 'Q?', 'A', 'h')")
    assert schema.migrate(con, [*schema.MIGRATIONS, extra]) == 99
    assert con.execute("SELECT id, notes FROM questions").fetchall() == [("q1", "migrated")]
    assert schema.migrate(con, [*schema.MIGRATIONS, extra]) == 99  # idempotent
    con.close()
    # Opening with this genreason (which knows only version 1) is refused with a clear message.
    with pytest.raises(RuntimeError, match="newer than this genreason"), store.connect(db_path):
        pass


def test_failed_migration_rolls_back(db_path: Path) -> None:
    broken = (99, ["ALTER TABLE questions ADD COLUMN notes VARCHAR", "SELECT * FROM no_such_table"])
    con = duckdb.connect(str(db_path))
    schema.migrate(con)
    with pytest.raises(duckdb.CatalogException):
        schema.migrate(con, [*schema.MIGRATIONS, broken])
    assert schema.current_version(con) == schema.LATEST_VERSION
    columns = {r[0] for r in con.execute("DESCRIBE questions").fetchall()}
    assert "notes" not in columns
    con.close()


def test_read_only_on_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(store.StoreError, match="genreason demo"), store.connect(tmp_path / "none.duckdb", read_only=True):
        pass


def _hold_lock(db_path: Path, seconds: float) -> subprocess.Popen:
    code = textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(db_path)!r})
        print("locked", flush=True)
        time.sleep({seconds})
        con.close()
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_lock_held_by_other_process_gives_clear_error(db_path: Path) -> None:
    with store.connect(db_path):
        pass
    holder = _hold_lock(db_path, 30)
    try:
        start = time.monotonic()
        with pytest.raises(store.StoreLockedError) as info, store.connect(db_path, timeout_s=1.0):
            pass
        waited = time.monotonic() - start
        assert waited >= 0.9  # it waited before giving up
        message = str(info.value)
        assert f"PID {holder.pid}" in message and "GENREASON_LOCK_TIMEOUT" in message
    finally:
        holder.kill()
        holder.wait()


def test_lock_released_while_waiting_succeeds(db_path: Path) -> None:
    with store.connect(db_path):
        pass
    holder = _hold_lock(db_path, 1.0)
    try:
        with store.connect(db_path, read_only=True, timeout_s=20) as con:
            assert store.current_version(con) == store.LATEST_VERSION
    finally:
        holder.wait()


def test_transaction_is_all_or_nothing(db_path: Path) -> None:
    with store.connect(db_path) as con:
        before = store.data_version(con)
        with pytest.raises(ZeroDivisionError), store.transaction(con):
            con.execute("INSERT INTO questions (id, source, question, answer, content_hash) VALUES ('q', 's', 'Q', 'A', 'h')")
            1 / 0  # noqa: B018
        assert con.execute("SELECT count(*) FROM questions").fetchone()[0] == 0
        assert store.data_version(con) == before
        with store.transaction(con):
            con.execute("INSERT INTO questions (id, source, question, answer, content_hash) VALUES ('q', 's', 'Q', 'A', 'h')")
        assert store.data_version(con) == before + 1


def test_save_judgments_upserts_and_rejects_unknown_candidates(db_path: Path) -> None:
    from genreason.judging import Judgment

    with store.connect(db_path) as con:
        con.execute("INSERT INTO questions (id, source, question, answer, content_hash) VALUES ('q', 's', 'Q?', '4', 'h')")
        con.execute("INSERT INTO candidates (id, question_id, response) VALUES ('c1', 'q', 'The answer is 4')")
        store.save_judgments(con, [Judgment("rule", True, "4", "numeric match", item_id="c1")], run_id="r1")
        store.save_judgments(con, [Judgment("rule", False, "4", "changed", item_id="c1")], run_id="r2")
        rows = store.load_judgments(con, "rule")
        assert [(r["candidate_id"], r["verdict"], r["reason"], r["question_id"]) for r in rows] == [("c1", False, "changed", "q")]
        with pytest.raises(ValueError, match="no stored candidate with id 'nope'"):
            store.save_judgments(con, [Judgment("rule", True, "4", "x", item_id="nope")])
        assert len(store.load_judgments(con, "rule")) == 1
        items = store.candidate_items(con, judge_missing="model")
        assert [(i.item_id, i.reference, i.response) for i in items] == [("c1", "4", "The answer is 4")]
        assert store.candidate_items(con, judge_missing="rule") == []
