"""Finding jobs: the jobs table joined with each job's progress and process, and waiting for one.

`list_jobs` and `get_job` read with the caller's (read-only) connection and look each job's
process up (this process's watched children, else /proc), so jobs started by an earlier app,
the CLI or a notebook are found again; `reconcile_jobs` settles those whose process died
unseen; `wait_job` follows one to its end.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from genreason import store
from genreason.config import resolve_db_path
from genreason.jobs.files import read_progress
from genreason.jobs.runner import (
    _CHILDREN,
    _CHILDREN_LOCK,
    ACTIVE,
    FINISHED,
    _settle,
    process_alive,
)


def _job_row(job: dict[str, Any]) -> dict[str, Any]:
    job["config"] = json.loads(job["config"]) if job["config"] else {}
    job["progress"] = read_progress(job["run_dir"]) if job["run_dir"] else {}
    job["alive"] = job["status"] in ACTIVE and process_alive(job["pid"], job["id"])
    with _CHILDREN_LOCK:
        watched = job["id"] in _CHILDREN  # ended but its watcher has not settled it yet
    lost = job["status"] in ACTIVE and not job["alive"] and job["pid"] is not None and not watched
    job["state"] = "lost" if lost else job["status"]
    return job


_COLUMNS = "id, kind, status, config, run_dir, pid, created_at, started_at, finished_at, error"


def list_jobs(con: Any, *, limit: int = 20, kind: str | None = None) -> list[dict[str, Any]]:
    """Recent jobs, newest first, each with its progress and whether its process is alive.

    `state` is the status to show: the stored one, or "lost" for a job recorded as running
    whose process is gone without finishing (crashed, killed, machine restarted) and not yet
    settled by `reconcile_jobs`.
    """
    where = "WHERE kind = ?" if kind else ""
    cursor = con.execute(
        f"SELECT {_COLUMNS} FROM jobs {where} ORDER BY created_at DESC, id DESC LIMIT {int(limit)}",
        [kind] if kind else [],
    )
    names = [d[0] for d in cursor.description]
    return [_job_row(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def get_job(con: Any, job_id: str) -> dict[str, Any]:
    """One job as list_jobs shows it; ValueError naming the id when there is none."""
    cursor = con.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", [job_id])
    row = cursor.fetchone()
    if row is None:
        raise ValueError(f"no job {job_id!r}")
    return _job_row(dict(zip([d[0] for d in cursor.description], row, strict=True)))


def reconcile_jobs(db: str | os.PathLike[str] | None) -> list[str]:
    """Settle jobs recorded as active whose process is gone (kill -9, reboot); their ids."""
    with store.connect(db, read_only=True) as con:
        lost = [j for j in list_jobs(con, limit=1000) if j["state"] == "lost"]
    db_path = resolve_db_path(db).resolve()
    return [j["id"] for j in lost if _settle(db_path, j["id"], Path(j["run_dir"]), j["pid"], None)]


def wait_job(
    db: str | os.PathLike[str] | None,
    job_id: str,
    *,
    timeout_s: float | None = None,
    poll_s: float = 1.0,
    on_update: Any = None,
) -> dict[str, Any]:
    """Poll until the job has ended (done, stopped, failed; lost ones are settled); the job.

    on_update: called with the job dict whenever its state or step changes (to show progress).
    Raises TimeoutError (naming the job and its state) after timeout_s.
    """
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    seen = None
    while True:
        with store.connect(db, read_only=True) as con:
            job = get_job(con, job_id)
        if job["state"] == "lost":
            reconcile_jobs(db)
            continue
        key = (job["state"], job["progress"].get("step"), job["progress"].get("done"))
        if on_update is not None and key != seen:
            on_update(job)
        seen = key
        if job["state"] in FINISHED:
            return job
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"job {job_id} still {job['state']} after {timeout_s} s")
        time.sleep(poll_s)
