"""The store refuses what it must not touch, and says what happened (issue 12 items 6-8):
a newer schema, a foreign DuckDB file, a full disk, a failed commit."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from genreason import store
from genreason.cli.main import main as cli_main
from genreason.store import schema


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def newer_db(db_path: Path) -> Path:
    with store.connect(db_path) as con:
        con.execute("INSERT INTO schema_version VALUES (?, current_timestamp)",
                    [schema.LATEST_VERSION + 1])
    return db_path


@pytest.mark.parametrize("read_only", [False, True])
def test_a_newer_schema_is_refused_with_one_message(newer_db: Path, read_only: bool) -> None:
    with pytest.raises(store.StoreError) as info, store.connect(newer_db, read_only=read_only):
        pass
    message = str(info.value)
    assert "newer" in message and "Upgrade genreason" in message
    assert "migrates it" not in message  # a writing command cannot migrate it downwards


@pytest.mark.parametrize("argv", [
    ["stats"], ["jobs", "list"],
])
def test_commands_on_a_newer_schema_print_the_message_not_a_traceback(
    newer_db: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    rc = cli_main([*argv, "--db", str(newer_db)])
    err = capsys.readouterr().err
    assert rc != 0
    assert "newer than this genreason" in err and "Traceback" not in err


def test_ingest_on_a_newer_schema_prints_the_message(
    newer_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "q.jsonl"
    src.write_text(json.dumps({"question": "What is 1+1?", "answer": "2"}) + "\n")
    rc = cli_main(["ingest", str(src), "--db", str(newer_db), "--map", "question=question,answer=answer"])
    err = capsys.readouterr().err
    assert rc != 0 and "newer than this genreason" in err


def _foreign(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE people (name VARCHAR, age INTEGER)")
    con.execute("INSERT INTO people VALUES ('Ada', 36)")
    con.close()
    return path


@pytest.mark.parametrize("read_only", [False, True])
def test_a_foreign_duckdb_file_is_refused_untouched(tmp_path: Path, read_only: bool) -> None:
    path = _foreign(tmp_path / "theirs.duckdb")
    before = sha(path)
    with pytest.raises(store.StoreError, match=r"not a genreason store.*people.*untouched"), \
            store.connect(path, read_only=read_only):
        pass
    assert sha(path) == before
    con = duckdb.connect(str(path), read_only=True)
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    con.close()
    assert tables == {"people"}  # no schema_version left behind


def test_stats_on_a_foreign_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _foreign(tmp_path / "theirs.duckdb")
    assert cli_main(["stats", "--db", str(path)]) != 0
    err = capsys.readouterr().err
    assert "not a genreason store" in err and "Catalog" not in err


def test_an_error_after_duckdb_ended_the_transaction_is_not_masked(db_path: Path) -> None:
    # A full disk makes DuckDB end the transaction itself; the ROLLBACK that follows then
    # fails with "no transaction is active" and used to replace the real error. Here the
    # transaction is ended by hand, then the body fails.
    with store.connect(db_path) as con:
        with pytest.raises(OSError, match="the real error"), store.transaction(con):
            con.execute("COMMIT")
            raise OSError("the real error")


@pytest.fixture
def tiny_disk(tmp_path: Path):
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a small tmpfs")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_says_so(tiny_disk: Path, tmp_path: Path) -> None:
    from genreason.ingest import IngestConfig, ingest

    src = tmp_path / "big.jsonl"
    with src.open("w") as fh:
        for i in range(20_000):
            fh.write(json.dumps({"question": f"Question {i}: " + "words " * 40, "answer": str(i)}) + "\n")
    db = tiny_disk / "store.duckdb"
    config = IngestConfig(progress=False, format="generic",
                          mapping={"question": "question", "answer": "answer"})
    with pytest.raises(store.StoreError) as info:
        with store.connect(db) as con:
            ingest(con, [src], config)
    message = str(info.value)
    assert "disk" in message and "full" in message and "No space left" in message
    assert "cannot rollback" not in message
