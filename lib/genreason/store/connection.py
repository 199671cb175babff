"""Short-lived DuckDB connections with retry on the file lock, and atomic write transactions.

DuckDB lets one process write a file, or many processes read it, never both at once. So every
process opens a connection per unit of work through `connect`, which waits with backoff while
another process holds the lock and then fails with an error naming the holder.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from genreason.config import lock_timeout_s, resolve_db_path
from genreason.store.schema import LATEST_VERSION, current_version, migrate

log = logging.getLogger(__name__)

_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<prog>.*?) \(PID (?P<pid>\d+)\)")


class StoreError(RuntimeError):
    """A problem with the database file that the user can act on."""


class StoreLockedError(StoreError):
    """Another process held the database lock for longer than we were willing to wait."""


def _holder_description(message: str) -> str:
    match = _LOCK_HOLDER.search(message)
    if not match:
        return "another process"
    pid = match.group("pid")
    cmdline = ""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        cmdline = " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)
    except OSError:
        pass
    return f"PID {pid} ({cmdline or match.group('prog')})"


def _open(path: Path, read_only: bool, timeout_s: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + timeout_s
    delay = 0.02
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            # DuckDB's own progress bar would interleave with our output and logs. In a Jupyter
            # kernel without ipywidgets DuckDB refuses to touch the setting at all; there is
            # no bar to turn off then.
            try:
                con.execute("SET enable_progress_bar = false")
            except duckdb.InvalidInputException:
                pass
            return con
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            message = str(exc)
            # "different configuration": another thread of this process has the file open in
            # the other mode (read-only vs read-write) right now; like a lock, it passes.
            if "lock" not in message.lower() and "different configuration" not in message:
                raise StoreError(f"cannot open database {path}: {message}") from exc
            if time.monotonic() >= deadline:
                holder = _holder_description(message)
                raise StoreLockedError(
                    f"database {path} is locked by {holder}; waited {timeout_s:.0f} s. "
                    "DuckDB allows one writing process or several reading ones at a time: "
                    "let that process finish (or stop it), then retry, or raise "
                    "GENREASON_LOCK_TIMEOUT to wait longer."
                ) from exc
            log.debug("database %s locked, retrying in %.2f s", path, delay)
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


@contextmanager
def connect(
    db: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    timeout_s: float | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for one unit of work, closed on exit. Creates and migrates the file on write.

    Read-only connections to a missing file raise StoreError with the next step to take.
    """
    path = resolve_db_path(db)
    timeout_s = lock_timeout_s() if timeout_s is None else timeout_s
    if read_only and not path.exists():
        raise StoreError(f"no database at {path}: run `genreason demo` or `genreason ingest` first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only, timeout_s)
    try:
        version = check_store(con, path)
        if not read_only:
            migrate(con)
        elif version != LATEST_VERSION:
            raise StoreError(
                f"database {path} has schema version {version}, this genreason "
                f"expects {LATEST_VERSION}: any writing command (such as `genreason ingest`) "
                "migrates it"
            )
        yield con
    finally:
        con.close()


class StoreTooNewError(StoreError):
    """The database was written by a newer genreason (a schema version we do not know)."""


class NotAStoreError(StoreError):
    """The file is a DuckDB database, but not one genreason created."""


def check_store(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """The schema version of `con`, after refusing, before anything is written, a database
    from a newer genreason or a DuckDB file of someone else's (tables, no schema_version)."""
    version = current_version(con)
    if version > LATEST_VERSION:
        raise StoreTooNewError(
            f"database {path} has schema version {version}, newer than this genreason knows "
            f"({LATEST_VERSION}): it was written by a newer genreason. Upgrade genreason to "
            "open it (nothing was changed), or choose another database file."
        )
    if version == 0:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "ORDER BY table_name LIMIT 6").fetchall()]
        if tables:
            listed = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
            raise NotAStoreError(
                f"{path} is a DuckDB database but not a genreason store (it has tables {listed} "
                "and no schema_version); it was left untouched. Give a new file name or a "
                "genreason database."
            )
    return version


_IN_TRANSACTION: set[int] = set()  # ids of connections inside `transaction`


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All writes inside commit together or not at all; readers never see half a stage.

    Also bumps `data_version`, which caches (the app's) use to notice new data.
    Inside an open transaction (a stage runner storing a stage's rows with the helpers that
    each open one), it joins that one: the outer transaction commits or rolls back everything.
    """
    if id(con) in _IN_TRANSACTION:  # already inside one: its owner commits (a failed BEGIN
        yield con                     # would abort the open transaction, so we track them)
        return
    con.execute("BEGIN TRANSACTION")
    _IN_TRANSACTION.add(id(con))
    try:
        yield con
        con.execute(
            "UPDATE store_meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
            "WHERE key = 'data_version'"
        )
        con.execute("COMMIT")
    except BaseException as exc:
        _rollback(con, exc)
        if isinstance(exc, duckdb.Error) and _disk_full(exc):
            raise StoreError(
                f"the disk holding the database is full, so nothing of this write was stored "
                f"(the store is as it was): {exc}. Free some space and run it again."
            ) from exc
        raise
    finally:
        _IN_TRANSACTION.discard(id(con))


def _disk_full(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "no space left" in text or "enospc" in text or "disk is full" in text


def _rollback(con: duckdb.DuckDBPyConnection, cause: BaseException) -> None:
    """Roll back after `cause`; when DuckDB already ended the transaction (a failed COMMIT,
    a full disk), the ROLLBACK's own error ("no transaction is active") must not replace the
    real one, so it is logged and `cause` goes on up."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error as exc:
        log.debug("rollback after %s failed: %s", type(cause).__name__, exc)


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A counter that grows with every committed write; cheap to read."""
    return int(con.execute("SELECT value FROM store_meta WHERE key = 'data_version'").fetchone()[0])
