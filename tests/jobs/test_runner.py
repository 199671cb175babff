"""genreason.jobs.runner: crashes recorded with the log tail, reaping, finding jobs again, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from genreason import jobs, store

CHATTY_SLEEPER = [sys.executable, "-u", "-c",
                  "import time\nprint('warming up the flux capacitor')\ntime.sleep(120)"]


def wait_for(db: Path, job_id: str, states: tuple[str, ...], timeout_s: float = 30) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with store.connect(db, read_only=True) as con:
            job = jobs.get_job(con, job_id)
        if job["state"] in states:
            return job
        time.sleep(0.1)
    raise TimeoutError(f"job {job_id} still {job['state']}; log:\n{jobs.log_tail(job['run_dir'])}")


def wait_for_log(run_dir: Path, text: str, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while text not in jobs.log_tail(run_dir) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert text in jobs.log_tail(run_dir)


def test_unknown_kind_is_refused_before_anything_is_recorded(db_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown job kind 'nope'.*verify"):
        jobs.start_job(db_path, "nope", {})
    assert not jobs.runs_root(db_path).exists()


def test_a_created_job_has_its_folder_and_row_but_no_process(db_path: Path) -> None:
    job = jobs.create_job(db_path, "verify", {"judge": "rule"}, files={"candidates.json": ["a"]})
    assert sorted(p.name for p in job.run_dir.iterdir()) == [
        "candidates.json", "command.json", "config.json", "progress.json"]
    command = json.loads((job.run_dir / "command.json").read_text())
    assert command[1:] == ["-m", "genreason.jobs", "run", str(job.run_dir)]
    with store.connect(db_path, read_only=True) as con:
        row = jobs.get_job(con, job.id)
    assert row["state"] == "created" and row["pid"] is None and row["config"] == {"judge": "rule"}


@pytest.mark.slow
def test_kill_9_is_recorded_as_failed_with_the_log_tail_and_the_child_is_reaped(db_path: Path) -> None:
    job = jobs.start_job(db_path, "sleep", {}, CHATTY_SLEEPER)
    wait_for_log(job.run_dir, "flux capacitor")
    os.kill(job.pid, signal.SIGKILL)
    failed = wait_for(db_path, job.id, ("failed", "stopped", "lost"))
    assert failed["state"] == "failed"
    assert "killed by signal 9" in failed["error"] and "flux capacitor" in failed["error"]
    assert "flux capacitor" in failed["progress"]["error"]
    # Reaped: no zombie of it is left under this process.
    assert not Path(f"/proc/{job.pid}").exists()


@pytest.mark.slow
def test_a_job_started_by_another_process_is_found_stopped_and_resumed(db_path: Path) -> None:
    # The starter exits at once, as the CLI does; the job lives on, detached.
    starter = ("import sys; from genreason import jobs; "
               f"j = jobs.start_job(sys.argv[1], 'sleep', {{'n': 1}}, {CHATTY_SLEEPER!r}); print(j.id)")
    out = subprocess.run([sys.executable, "-c", starter, str(db_path)], capture_output=True,
                         text=True, check=True, timeout=60)
    job_id = out.stdout.split()[-1]
    with store.connect(db_path, read_only=True) as con:
        found = jobs.get_job(con, job_id)
    assert found["alive"] is True and found["state"] == "running"
    run_dir = Path(found["run_dir"])
    wait_for_log(run_dir, "flux capacitor")
    assert jobs.stop_job(db_path, job_id) is True
    lost = wait_for(db_path, job_id, ("lost",))  # nobody here watched it end
    assert jobs.reconcile_jobs(db_path) == [job_id]
    assert wait_for(db_path, job_id, ("stopped",))["finished_at"] is not None  # a stop was asked
    assert lost["pid"] == found["pid"]

    resumed = jobs.resume_job(db_path, job_id)
    assert resumed.id == job_id and resumed.pid != found["pid"]
    again = wait_for(db_path, job_id, ("running",))
    assert again["progress"]["attempt"] == 2 and again["finished_at"] is None
    assert not (run_dir / "stop").exists()
    with pytest.raises(ValueError, match="still running"):
        jobs.resume_job(db_path, job_id)
    os.kill(resumed.pid, signal.SIGKILL)
    assert wait_for(db_path, job_id, ("failed",))["error"].count("flux capacitor") == 2


@pytest.mark.slow
def test_a_kind_that_raises_is_failed_with_its_message_and_the_traceback_from_its_log(db_path: Path,
                                                                                       tmp_path: Path) -> None:
    # A GRPO job whose questions file does not exist fails inside its runner.
    job = jobs.start_job(db_path, "grpo", {"preset": "tiny-cpu", "model": str(tmp_path),
                                            "questions_file": str(tmp_path / "missing.jsonl")})
    failed = wait_for(db_path, job.id, ("failed", "done", "stopped"), timeout_s=120)
    assert failed["state"] == "failed"
    assert failed["error"].startswith("ValueError: questions file") and "does not exist" in failed["error"]
    assert "--- log tail:" in failed["error"] and "Traceback" in failed["error"]
    assert "Traceback" in failed["progress"]["log_tail"]
