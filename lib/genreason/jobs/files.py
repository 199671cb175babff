"""A job's run folder and record: atomic JSON files, progress.json, the log tail, the jobs row.

Shared by the runner (which writes them), the kinds (progress) and every reader (app,
notebooks, CLI): `read_progress` and `log_tail` are total over files being written.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from genreason import store
from genreason.config import resolve_db_path

LOG_TAIL_LINES = 40


def runs_root(db: str | os.PathLike[str] | None) -> Path:
    """Where run folders go: `runs/` beside the database file (data/runs for the default)."""
    return resolve_db_path(db).resolve().parent / "runs"


def write_json(path: Path, value: Any) -> None:
    """Replace `path` atomically: readers see the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(value, default=str, ensure_ascii=False, indent=1))
    os.replace(tmp, path)


def write_progress(run_dir: str | os.PathLike[str], **fields: Any) -> dict[str, Any]:
    """Merge `fields` into the job's progress.json (with the time of the update)."""
    progress = read_progress(run_dir)
    progress.update(fields, updated_at=time.time())
    write_json(Path(run_dir) / "progress.json", progress)
    return progress


def read_progress(run_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """The job's progress.json as a dict ({} when there is none yet)."""
    try:
        return json.loads((Path(run_dir) / "progress.json").read_text())
    except (OSError, ValueError):
        return {}


def log_tail(run_dir: str | os.PathLike[str], lines: int = LOG_TAIL_LINES) -> str:
    """The last `lines` lines of the job's log.txt ('' when there is none)."""
    try:
        with open(Path(run_dir) / "log.txt", "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 64_000))
            text = f.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def set_job(db: str | os.PathLike[str], job_id: str, *, finished: bool = False, **fields: Any) -> None:
    """Update columns of one jobs row (and its finish time) in a short write transaction."""
    sets = [f"{name} = ?" for name in fields] + (["finished_at = current_timestamp"] if finished else [])
    with store.connect(db) as con, store.transaction(con):
        con.execute(f"UPDATE jobs SET {', '.join(sets)} WHERE id = ?", [*fields.values(), job_id])
