"""`genreason train` and `genreason jobs`: launch a tiny GRPO job, wait, list, show, logs, refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

QUESTIONS = [{"id": "c1", "question": "What is 2 + 3?", "answer": "5"},
             {"id": "c2", "question": "What is the capital of France?", "answer": "Paris"}]


def genreason(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "genreason.cli.main", *args], capture_output=True,
                          text=True, timeout=timeout)


def test_a_bad_setting_is_refused_with_its_name(db_path: Path, tmp_path: Path) -> None:
    q = tmp_path / "q.jsonl"
    q.write_text("".join(json.dumps(r) + "\n" for r in QUESTIONS))
    done = genreason("train", "grpo", "--preset", "tiny-cpu", "--model", str(tmp_path), "--questions",
                     str(q), "--set", "max_stesp=2", "--db", str(db_path))
    assert done.returncode == 2 and "--set max_stesp: unknown setting" in done.stderr
    done = genreason("train", "grpo", "--preset", "nope", "--model", "m", "--questions", str(q),
                     "--db", str(db_path))
    assert done.returncode == 2 and "unknown preset 'nope'" in done.stderr
    assert genreason("jobs", "show", "no-such-job", "--db", str(db_path)).returncode == 2


@pytest.mark.slow
def test_train_grpo_runs_a_job_that_jobs_lists_shows_and_logs(db_path: Path, tmp_path: Path) -> None:
    from genreason.llm.tiny import tiny_model_dir

    q = tmp_path / "q.jsonl"
    q.write_text("".join(json.dumps(r) + "\n" for r in QUESTIONS))
    done = genreason("train", "grpo", "--preset", "tiny-cpu", "--model", str(tiny_model_dir()),
                     "--questions", str(q), "--set", "max_steps=2", "--db", str(db_path), "--wait", "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["state"] == "done" and result["progress"]["step"] == 2
    listed = json.loads(genreason("jobs", "list", "--json", "--db", str(db_path)).stdout)
    assert [j["id"] for j in listed] == [result["job"]] and listed[0]["kind"] == "grpo"
    assert listed[0]["config"]["grpo"]["max_steps"] == 2
    shown = genreason("jobs", "show", result["job"], "--db", str(db_path))
    assert "done" in shown.stdout and "progress:" in shown.stdout
    logs = genreason("jobs", "logs", result["job"], "--db", str(db_path), "--lines", "400")
    assert "--- attempt 1" in logs.stdout and "job " + result["job"] + " done" in logs.stdout
    resumed = genreason("jobs", "resume", result["job"], "--db", str(db_path))
    assert resumed.returncode == 2 and "is done" in resumed.stderr
