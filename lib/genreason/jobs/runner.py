"""The job runner: start, stop, resume, reap and find again work that runs in its own process.

A job is a process started from an argument list (never a shell string) in a new session,
detached from whoever started it. It has a run folder, `<database folder>/runs/<job id>/`
(data/runs/ for the default database), holding `config.json`, `progress.json` (rewritten
atomically as it goes), `log.txt` (its stdout and stderr), `command.json` (what resume runs
again) and its outputs; the `jobs` table records the job, its folder and its process id.
Jobs never hold the database while they run: they write their run folder and touch the
store only in short connections.

The runner of a registered kind (`genreason.jobs.registry.KINDS`) is
`python -m genreason.jobs run RUN_DIR`: `run_job` loads the kind's module, calls its
`run(ctx)`, and records how it ended (done, stopped, or failed with the log tail).

Stop is a request: a `stop` file in the run folder plus SIGTERM to the runner alone (never
its process group, whose workers would die mid-batch); the kind finishes its step (a
training kind saves a checkpoint) and exits. A process that this one started is reaped by a
watcher thread as soon as it ends (no zombies under the app), and a job whose process ended
without saying how is settled: stopped if a stop was asked for, else failed with its log
tail. Jobs started elsewhere (an earlier app, the CLI) are found through the table and
`/proc`; `reconcile_jobs` settles those that died unseen.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genreason import store
from genreason.config import resolve_db_path
from genreason.jobs.files import (  # noqa: F401 -- re-exported: kinds and tests import them from here
    LOG_TAIL_LINES,
    log_tail,
    read_progress,
    runs_root,
    set_job,
    write_json,
    write_progress,
)
from genreason.store.retry import retry_locked
from genreason.store.runs import new_run_id

log = logging.getLogger(__name__)

ACTIVE = ("starting", "running", "saving")  # statuses of a job whose process should be alive
FINISHED = ("done", "stopped", "failed")

_CHILDREN: dict[str, subprocess.Popen[bytes]] = {}  # jobs this process started and still watches
_CHILDREN_LOCK = threading.Lock()


@dataclass(frozen=True)
class Job:
    """A started job: its id, kind and run folder."""

    id: str
    kind: str
    run_dir: Path
    pid: int | None


@dataclass
class JobContext:
    """What a kind's `run(ctx)` gets: its folder, config, store path, and the stop request."""

    job_id: str
    kind: str
    run_dir: Path
    db: Path
    config: dict[str, Any]
    attempt: int = 1
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)

    def stop_requested(self) -> bool:
        """Whether someone asked this job to stop (SIGTERM to the runner, or the stop file)."""
        return self._stop.is_set() or (self.run_dir / "stop").exists()

    def request_stop(self) -> None:
        self._stop.set()

    def progress(self, **fields: Any) -> dict[str, Any]:
        """Merge fields into progress.json (done, total, step, eta_s, ...)."""
        return write_progress(self.run_dir, **fields)


def runner_command(run_dir: Path) -> list[str]:
    """The argument list that runs a registered kind's job in `run_dir`."""
    return [sys.executable, "-m", "genreason.jobs", "run", str(run_dir)]


def create_job(
    db: str | os.PathLike[str] | None,
    kind: str,
    config: Mapping[str, Any],
    command: Sequence[str] | None = None,
    *,
    job_id: str | None = None,
    files: Mapping[str, Any] | None = None,
) -> Job:
    """Record a job and make its run folder, without starting it (status 'created').

    command: the argument list to run; None runs the registered kind through `run_job`.
    files: extra JSON files to write into the run folder (name -> value).
    """
    if command is not None and (
        isinstance(command, (str, bytes)) or not command or not all(isinstance(a, str) for a in command)
    ):
        raise TypeError("command must be a non-empty list of argument strings, not a shell string")
    db_path = resolve_db_path(db).resolve()
    job_id = job_id or new_run_id(kind)
    run_dir = runs_root(db_path) / job_id
    run_dir.mkdir(parents=True, exist_ok=False)
    write_json(run_dir / "config.json", {"job_id": job_id, "kind": kind, "db": str(db_path), **config})
    write_json(run_dir / "command.json", list(command) if command else runner_command(run_dir))
    for name, value in (files or {}).items():
        write_json(run_dir / name, value)
    write_progress(run_dir, status="created", done=0, total=None, attempt=0)
    with store.connect(db_path) as con, store.transaction(con):
        con.execute(
            "INSERT INTO jobs (id, kind, status, config, run_dir) VALUES (?, ?, 'created', ?, ?)",
            [job_id, kind, json.dumps(dict(config), default=str), str(run_dir)],
        )
    return Job(id=job_id, kind=kind, run_dir=run_dir, pid=None)


def launch_job(db: str | os.PathLike[str] | None, job_id: str) -> Job:
    """Start (or start again) the recorded job's command; its log.txt is appended to."""
    db_path = resolve_db_path(db).resolve()
    with store.connect(db_path, read_only=True) as con:
        row = con.execute("SELECT kind, run_dir FROM jobs WHERE id = ?", [job_id]).fetchone()
    if row is None:
        raise ValueError(f"no job {job_id!r}")
    kind, run_dir = row[0], Path(row[1])
    command = json.loads((run_dir / "command.json").read_text())
    attempt = int(read_progress(run_dir).get("attempt") or 0) + 1
    (run_dir / "stop").unlink(missing_ok=True)
    write_progress(run_dir, status="starting", attempt=attempt, error=None)
    env = {**os.environ, "GENREASON_JOB_ID": job_id, "GENREASON_RUN_DIR": str(run_dir),
           "GENREASON_DB": str(db_path), "PYTHONUNBUFFERED": "1"}
    try:
        with open(run_dir / "log.txt", "ab") as log_file:
            log_file.write(f"--- attempt {attempt} at {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode())
            log_file.flush()
            proc = subprocess.Popen(  # noqa: S603 -- an argument list, never a shell
                command, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                env=env, start_new_session=True, close_fds=True,
            )
    except OSError as exc:
        write_progress(run_dir, status="failed", error=str(exc))
        set_job(db_path, job_id, status="failed", error=str(exc), finished=True)
        raise
    with store.connect(db_path) as con, store.transaction(con):
        con.execute(
            "UPDATE jobs SET status = 'running', pid = ?, error = NULL, finished_at = NULL, "
            "started_at = coalesce(started_at, current_timestamp) WHERE id = ?", [proc.pid, job_id])
    _watch(db_path, job_id, run_dir, proc)
    log.info("started job %s (pid %d) in %s", job_id, proc.pid, run_dir)
    return Job(id=job_id, kind=kind, run_dir=run_dir, pid=proc.pid)


def start_job(
    db: str | os.PathLike[str] | None,
    kind: str,
    config: Mapping[str, Any],
    command: Sequence[str] | None = None,
    *,
    job_id: str | None = None,
    files: Mapping[str, Any] | None = None,
) -> Job:
    """Record a job, make its run folder, and start it in the background.

    Without `command`, `kind` must be registered (genreason.jobs.registry.KINDS) and its
    module's `prepare(db, config)` (when it has one) validates the config first, so a bad
    config raises here and nothing is recorded. The process runs in the current folder in a
    new session, with GENREASON_JOB_ID, GENREASON_RUN_DIR and GENREASON_DB set, stdin closed
    and stdout/stderr going to log.txt in its folder.
    """
    if command is None:
        from genreason.jobs.registry import kind_module

        module = kind_module(kind)
        prepare = getattr(module, "prepare", None)
        if prepare is not None:
            config, extra = prepare(db, dict(config))
            files = {**extra, **(files or {})}
    job = create_job(db, kind, config, command, job_id=job_id, files=files)
    return launch_job(db, job.id)


# Watchers are daemon threads (a CLI that started a job exits at once; the job lives on). One
# that is settling a record is inside DuckDB; the interpreter must not finalise under it, so at
# exit no new settling starts and one under way is waited for (reconcile_jobs settles the rest).
_SETTLING = threading.Lock()
_EXITING = threading.Event()


@atexit.register
def _let_settling_finish() -> None:
    _EXITING.set()
    if _SETTLING.acquire(timeout=10):
        _SETTLING.release()


def _watch(db: Path, job_id: str, run_dir: Path, proc: subprocess.Popen[bytes]) -> None:
    """Reap `proc` when it ends (no zombie) and settle its record if it did not."""
    with _CHILDREN_LOCK:
        _CHILDREN[job_id] = proc

    def wait() -> None:
        code = proc.wait()
        try:
            with _SETTLING:
                if not _EXITING.is_set():
                    _settle(db, job_id, run_dir, proc.pid, code)
        except Exception:  # a watcher must never raise into nothing; reconcile_jobs retries
            log.exception("could not settle job %s", job_id)
        finally:
            with _CHILDREN_LOCK:
                if _CHILDREN.get(job_id) is proc:
                    del _CHILDREN[job_id]

    threading.Thread(target=wait, name=f"reap-{job_id}", daemon=True).start()


def _settle(db: Path, job_id: str, run_dir: Path, pid: int | None, code: int | None) -> bool:
    """Mark a job whose process `pid` ended while recorded as active; whether it did."""
    with store.connect(db, read_only=True) as con:
        row = con.execute("SELECT status, pid FROM jobs WHERE id = ?", [job_id]).fetchone()
    if row is None or row[0] not in ACTIVE or (pid is not None and row[1] != pid):
        return False  # it recorded its own end, or a newer attempt runs
    how = f"exit status {code}" if code is not None and code >= 0 else (
        f"killed by signal {-code}" if code is not None else "process gone")
    if (run_dir / "stop").exists():
        write_progress(run_dir, status="stopped")
        set_job(db, job_id, status="stopped", finished=True)
        return True
    error = f"the job's process ended without recording its end ({how}); log tail:\n{log_tail(run_dir)}"
    write_progress(run_dir, status="failed", error=error)
    set_job(db, job_id, status="failed", error=error[-4000:], finished=True)
    log.warning("job %s ended unrecorded (%s)", job_id, how)
    return True


def process_alive(pid: int | None, job_id: str) -> bool:
    """Whether `pid` is still this job's running process (not a zombie, not a reused pid)."""
    if not pid:
        return False
    with _CHILDREN_LOCK:
        child = _CHILDREN.get(job_id)
    if child is not None and child.pid == pid:
        return child.poll() is None
    proc = Path(f"/proc/{pid}")
    try:
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        if state in ("Z", "X"):
            return False
        if job_id.encode() in (proc / "cmdline").read_bytes():
            return True
        return f"GENREASON_JOB_ID={job_id}".encode() in (proc / "environ").read_bytes().split(b"\0")
    except (OSError, IndexError):
        return False


def stop_job(db: str | os.PathLike[str] | None, job_id: str) -> bool:
    """Ask a running job to stop: it finishes its step, saves what it has, and exits.

    Returns whether a live process was signalled. A job whose process is gone is marked
    stopped in the store.
    """
    with store.connect(db, read_only=True) as con:
        row = con.execute("SELECT status, run_dir, pid FROM jobs WHERE id = ?", [job_id]).fetchone()
    if row is None:
        raise ValueError(f"no job {job_id!r}")
    status, run_dir, pid = row
    if status not in ACTIVE:
        return False
    (Path(run_dir) / "stop").touch()
    if process_alive(pid, job_id):
        # Signal the runner alone: its handler stops after the current step. Signalling the
        # whole group would also kill the verifier's worker processes (or a trainer's data
        # workers) mid-batch.
        os.kill(pid, signal.SIGTERM)
        return True
    write_progress(Path(run_dir), status="stopped")
    set_job(db, job_id, status="stopped", finished=True)
    return False


def resume_job(db: str | os.PathLike[str] | None, job_id: str) -> Job:
    """Start a stopped, failed or lost job again in its own run folder (same id, next attempt).

    The kind picks up from what its folder holds: a verify job skips what it judged, a
    training job continues from its last checkpoint with the right step count.
    """
    from genreason.jobs.listing import get_job, reconcile_jobs

    reconcile_jobs(db)
    with store.connect(db, read_only=True) as con:
        job = get_job(con, job_id)
    if job["state"] in ACTIVE:
        raise ValueError(f"job {job_id} is still {job['state']}; stop it before resuming")
    if job["state"] == "done":
        raise ValueError(f"job {job_id} is done; there is nothing to resume")
    return launch_job(db, job_id)


def run_job(run_dir: str | os.PathLike[str]) -> int:
    """Run a registered kind's job in this process and record how it ended; exit status.

    This is what `python -m genreason.jobs run RUN_DIR` does. SIGTERM becomes a stop request
    the kind sees through `ctx.stop_requested()`.
    """
    from genreason.jobs.registry import kind_module

    run_dir = Path(run_dir)
    config = json.loads((run_dir / "config.json").read_text())
    db, job_id = Path(config["db"]), config["job_id"]
    ctx = JobContext(job_id=job_id, kind=config["kind"], run_dir=run_dir, db=db, config=config,
                     attempt=int(read_progress(run_dir).get("attempt") or 1))
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, lambda *_: ctx.request_stop()) if in_main else None
    started = time.time()
    try:
        module = kind_module(ctx.kind)
        write_progress(run_dir, status="running", pid=os.getpid(), started_at=started)
        result = module.run(ctx) or {}
        status = "stopped" if ctx.stop_requested() else "done"
        write_progress(run_dir, **result, status=status, seconds=round(time.time() - started, 2))
        # The record must follow progress.json, or the app sees "done" beside "running".
        retry_locked(lambda: set_job(db, job_id, status=status, finished=True), what=f"job {job_id}: recording {status}")
        log.info("job %s %s", job_id, status)
        return 0
    except Exception as exc:  # the job's record must say why it ended
        log.exception("job %s failed", job_id)
        sys.stdout.flush()
        sys.stderr.flush()
        message = f"{type(exc).__name__}: {exc}"
        tail = log_tail(run_dir, 20)  # the traceback just logged, and what led to it
        write_progress(run_dir, status="failed", error=message, log_tail=tail)
        try:
            retry_locked(lambda: set_job(db, job_id, status="failed", finished=True,
                                         error=f"{message[:2000]}\n--- log tail:\n{tail[-2000:]}"),
                         what=f"job {job_id}: recording the failure")
        except store.StoreError:
            log.exception("could not record the failure of job %s", job_id)
        return 1
    finally:
        if in_main and previous is not None:
            signal.signal(signal.SIGTERM, previous)
