"""Background jobs: work that runs in its own process and its own run folder, recorded in the store.

A job is started from an argument list (never a shell string) in a new process session. It gets
a run folder, `<database folder>/runs/<job id>/` (data/runs/ for the default database), holding
`config.json`, `progress.json` (rewritten atomically as the job goes), `log.txt` (its stdout
and stderr) and its output. The `jobs` table records each job, its folder and its process id.
Jobs never hold the database while they run: a verify job reads its items with one short
read-only connection, appends judgments to `judgments.jsonl` as it goes, and stores them with
one short write connection at the end (so a crashed or stopped job loses nothing it finished).

    job = start_verify_job("data/genreason.duckdb", "rule", candidate_ids)
    read_progress(job.run_dir)            # {"status": "running", "done": 64, "total": 500, ...}
    stop_job("data/genreason.duckdb", job.id)

    python -m genreason.jobs verify RUN_DIR          # the runner start_verify_job launches
    python -m genreason.jobs list --db DB | stop JOB_ID --db DB
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genreason import store
from genreason.config import resolve_db_path
from genreason.store.runs import new_run_id

log = logging.getLogger(__name__)

ACTIVE = ("starting", "running", "saving")  # statuses of a job whose process should be alive
FINISHED = ("done", "stopped", "failed")

_CHILDREN: dict[str, subprocess.Popen[bytes]] = {}  # jobs this process started, to reap them


@dataclass(frozen=True)
class Job:
    """A started job: its id, kind and run folder."""

    id: str
    kind: str
    run_dir: Path
    pid: int | None


def runs_root(db: str | os.PathLike[str] | None) -> Path:
    """Where run folders go: `runs/` beside the database file (data/runs for the default)."""
    return resolve_db_path(db).resolve().parent / "runs"


def _write_json(path: Path, value: Any) -> None:
    """Replace `path` atomically: readers see the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, default=str, ensure_ascii=False, indent=1))
    os.replace(tmp, path)


def write_progress(run_dir: Path, **fields: Any) -> dict[str, Any]:
    """Merge `fields` into the job's progress.json (with the time of the update)."""
    progress = read_progress(run_dir)
    progress.update(fields, updated_at=time.time())
    _write_json(Path(run_dir) / "progress.json", progress)
    return progress


def read_progress(run_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """The job's progress.json as a dict ({} when there is none yet)."""
    try:
        return json.loads((Path(run_dir) / "progress.json").read_text())
    except (OSError, ValueError):
        return {}


def _set_job(db: str | os.PathLike[str], job_id: str, *, finished: bool = False, **fields: Any) -> None:
    """Update columns of one jobs row (and its finish time) in a short write transaction."""
    sets = [f"{name} = ?" for name in fields] + (["finished_at = current_timestamp"] if finished else [])
    with store.connect(db) as con, store.transaction(con):
        con.execute(f"UPDATE jobs SET {', '.join(sets)} WHERE id = ?", [*fields.values(), job_id])


def start_job(
    db: str | os.PathLike[str] | None,
    kind: str,
    config: Mapping[str, Any],
    command: Sequence[str],
    *,
    job_id: str | None = None,
    files: Mapping[str, Any] | None = None,
) -> Job:
    """Record a job, make its run folder, and start `command` in the background.

    command: the argument list to run (no shell ever parses it). The process runs in the
        current folder in a new session, with GENREASON_JOB_ID, GENREASON_RUN_DIR and
        GENREASON_DB set, stdin closed and stdout/stderr going to log.txt in its folder.
    files: extra JSON files to write into the run folder before it starts (name -> value).
    """
    if isinstance(command, (str, bytes)) or not command or not all(isinstance(a, str) for a in command):
        raise TypeError("command must be a non-empty list of argument strings, not a shell string")
    db_path = resolve_db_path(db).resolve()
    job_id = job_id or new_run_id(kind)
    run_dir = runs_root(db_path) / job_id
    run_dir.mkdir(parents=True, exist_ok=False)
    _write_json(run_dir / "config.json", {"job_id": job_id, "kind": kind, "db": str(db_path), **config})
    for name, value in (files or {}).items():
        _write_json(run_dir / name, value)
    write_progress(run_dir, status="starting", done=0, total=None)
    with store.connect(db_path) as con, store.transaction(con):
        con.execute(
            "INSERT INTO jobs (id, kind, status, config, run_dir, started_at) "
            "VALUES (?, ?, 'running', ?, ?, current_timestamp)",
            [job_id, kind, json.dumps(dict(config), default=str), str(run_dir)],
        )
    env = {**os.environ, "GENREASON_JOB_ID": job_id, "GENREASON_RUN_DIR": str(run_dir),
           "GENREASON_DB": str(db_path)}
    try:
        with open(run_dir / "log.txt", "ab") as log_file:
            proc = subprocess.Popen(  # noqa: S603 -- an argument list, never a shell
                list(command), stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                env=env, start_new_session=True, close_fds=True,
            )
    except OSError as exc:
        write_progress(run_dir, status="failed", error=str(exc))
        _set_job(db_path, job_id, status="failed", error=str(exc), finished=True)
        raise
    _CHILDREN[job_id] = proc
    _set_job(db_path, job_id, pid=proc.pid)
    log.info("started job %s (pid %d) in %s", job_id, proc.pid, run_dir)
    return Job(id=job_id, kind=kind, run_dir=run_dir, pid=proc.pid)


def start_verify_job(
    db: str | os.PathLike[str] | None,
    judge: str,
    candidate_ids: Sequence[str],
    *,
    options: Mapping[str, Any] | None = None,
    batch_size: int = 32,
    selection: str = "",
) -> Job:
    """Judge the given stored candidates with verifier `judge` ("rule", "model", "hybrid").

    options: keyword arguments of the verifier (for model: backend_name, model, base_url; for
        hybrid: model_options={...}). selection: a line describing the candidates, for people.
    """
    from genreason.verify.registry import VERIFIERS

    if judge not in VERIFIERS:
        raise ValueError(f"unknown judge {judge!r}; choose one of {', '.join(VERIFIERS)}")
    if not candidate_ids:
        raise ValueError("no candidates selected: nothing to judge")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    config = {"judge": judge, "options": dict(options or {}), "batch_size": batch_size,
              "candidates": len(candidate_ids), "selection": selection}
    job_id = new_run_id(f"verify-{judge}")
    command = [sys.executable, "-m", "genreason.jobs", "verify",
               str(runs_root(db) / job_id)]
    return start_job(db, "verify", config, command, job_id=job_id,
                     files={"candidates.json": list(candidate_ids)})


def _process_alive(pid: int | None, job_id: str) -> bool:
    """Whether `pid` is still this job's running process (not a zombie, not a reused pid)."""
    if not pid:
        return False
    child = _CHILDREN.get(job_id)
    if child is not None and child.pid == pid:
        if child.poll() is None:
            return True
        _CHILDREN.pop(job_id, None)
        return False
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


def list_jobs(con: Any, *, limit: int = 20, kind: str | None = None) -> list[dict[str, Any]]:
    """Recent jobs, newest first, each with its progress and whether its process is alive.

    `state` is the status to show: the stored one, or "lost" for a job recorded as running
    whose process is gone without finishing (crashed, killed, machine restarted).
    """
    where = "WHERE kind = ?" if kind else ""
    cursor = con.execute(
        "SELECT id, kind, status, config, run_dir, pid, created_at, started_at, finished_at, error "
        f"FROM jobs {where} ORDER BY created_at DESC, id DESC LIMIT {int(limit)}",
        [kind] if kind else [],
    )
    names = [d[0] for d in cursor.description]
    jobs = []
    for row in cursor.fetchall():
        job = dict(zip(names, row, strict=True))
        job["config"] = json.loads(job["config"]) if job["config"] else {}
        job["progress"] = read_progress(job["run_dir"]) if job["run_dir"] else {}
        job["alive"] = job["status"] in ACTIVE and _process_alive(job["pid"], job["id"])
        lost = job["status"] in ACTIVE and not job["alive"] and job["pid"] is not None
        job["state"] = "lost" if lost else job["status"]
        jobs.append(job)
    return jobs


def stop_job(db: str | os.PathLike[str] | None, job_id: str) -> bool:
    """Ask a running job to stop: it finishes its batch, stores what it judged, and exits.

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
    if _process_alive(pid, job_id):
        # Signal the runner alone: its handler stops after the current batch. Signalling the
        # whole group would also kill the verifier's worker processes mid-batch, whose items
        # would then be stored as "worker crashed" undecided judgments.
        os.kill(pid, signal.SIGTERM)
        return True
    write_progress(Path(run_dir), status="stopped")
    _set_job(db, job_id, status="stopped", finished=True)
    return False


# --- the verify runner (runs in the job's own process) ---------------------------------------


def _judged_so_far(path: Path) -> dict[str, dict[str, Any]]:
    """Judgment rows an earlier attempt of this job wrote (resume), by candidate id.

    A crash can leave the last line cut short: it is dropped from the file, so appending
    continues on a clean line.
    """
    if not path.exists():
        return {}
    text = path.read_text()
    if text and not text.endswith("\n"):
        text = text[: text.rfind("\n") + 1]
        path.write_text(text)
    rows = {}
    for line in text.splitlines():
        try:
            row = json.loads(line)
            rows[row["item_id"]] = row
        except (ValueError, KeyError, TypeError):
            log.warning("skipping an unreadable line in %s", path)
    return rows


def run_verify_job(run_dir: str | os.PathLike[str]) -> int:
    """Judge the job's candidates batch by batch, then store the judgments; exit status."""
    from genreason.judging import Judgment
    from genreason.verify.registry import make_verifier

    run_dir = Path(run_dir)
    config = json.loads((run_dir / "config.json").read_text())
    db, job_id = config["db"], config["job_id"]
    stop = {"requested": False}

    def _on_term(signum: int, frame: Any) -> None:
        stop["requested"] = True

    signal.signal(signal.SIGTERM, _on_term)
    out_path = run_dir / "judgments.jsonl"
    started = time.time()
    try:
        ids = json.loads((run_dir / "candidates.json").read_text())
        with store.connect(db, read_only=True) as con:
            items = store.candidate_items(con, candidate_ids=ids)
        judged = _judged_so_far(out_path)
        todo = [it for it in items if it.item_id not in judged]
        write_progress(run_dir, status="running", done=len(items) - len(todo), total=len(items),
                       started_at=started)
        verifier = make_verifier(config["judge"], **config.get("options", {}))
        done = len(items) - len(todo)
        batch_size = int(config.get("batch_size", 32))
        with out_path.open("a") as out:
            for start in range(0, len(todo), batch_size):
                if stop["requested"] or (run_dir / "stop").exists():
                    break
                for j in verifier.verify_batch(todo[start:start + batch_size]):
                    out.write(json.dumps(j.to_row(), default=str, ensure_ascii=False) + "\n")
                out.flush()
                done += len(todo[start:start + batch_size])
                elapsed = time.time() - started
                write_progress(run_dir, done=done, seconds=round(elapsed, 2))
        stopped = stop["requested"] or (run_dir / "stop").exists()
        write_progress(run_dir, status="saving")
        judgments = [Judgment(**row) for row in _judged_so_far(out_path).values()]
        with store.connect(db) as con:
            saved = store.save_judgments(con, judgments, run_id=job_id)
            with store.transaction(con):
                con.execute(
                    "UPDATE jobs SET status = ?, finished_at = current_timestamp WHERE id = ?",
                    ["stopped" if stopped else "done", job_id],
                )
        write_progress(run_dir, status="stopped" if stopped else "done", saved=saved,
                       seconds=round(time.time() - started, 2))
        log.info("job %s: %d judgments stored", job_id, saved)
        return 0
    except Exception as exc:  # the job's record must say why it ended
        log.exception("job %s failed", job_id)
        message = f"{type(exc).__name__}: {exc}"
        write_progress(run_dir, status="failed", error=message)
        try:
            _set_job(db, job_id, status="failed", error=message[:2000], finished=True)
        except store.StoreError:
            log.exception("could not record the failure of job %s", job_id)
        return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m genreason.jobs", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    verify = sub.add_parser("verify", help="run a verify job (started by start_verify_job)")
    verify.add_argument("run_dir", nargs="?", default=os.environ.get("GENREASON_RUN_DIR"))
    listing = sub.add_parser("list", help="recent jobs and their progress")
    listing.add_argument("--db")
    stopping = sub.add_parser("stop", help="ask a running job to stop")
    stopping.add_argument("job_id")
    stopping.add_argument("--db")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.action == "verify":
        if not args.run_dir:
            parser.error("verify needs RUN_DIR (or GENREASON_RUN_DIR)")
        return run_verify_job(args.run_dir)
    if args.action == "list":
        with store.connect(args.db, read_only=True) as con:
            for job in list_jobs(con):
                p = job["progress"]
                print(f"{job['id']}  {job['state']:<8} {p.get('done', 0)}/{p.get('total') or '?'}  {job['run_dir']}")
        return 0
    return 0 if stop_job(args.db, args.job_id) else 1


if __name__ == "__main__":
    sys.exit(main())
