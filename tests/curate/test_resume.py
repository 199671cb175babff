"""A candidates run killed with SIGKILL mid-way resumes from its run folder and ends with the
same rows and decisions as an uninterrupted run: nothing duplicated, nothing lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from genreason import store
from genreason.curate.runner import stage_runs_root

from .conftest import load_sample

REPO = Path(__file__).resolve().parents[2]
LIMIT = 40  # questions

# The child process and the test build the same stage: a scripted backend that answers even
# samples with the reference (boxed) and odd ones with a wrong value; the rule judge, in-process.
STAGE_CODE = """
import json, sys
from genreason import store
from genreason.curate.candidates import CandidatesConfig, CandidatesStage
from genreason.curate.rows import live_questions
from genreason.curate.runner import run_stage
from tests.curate.scripted import ScriptedBackend

def build(db, delay_s):
    with store.connect(db, read_only=True) as con:
        rows = live_questions(con, limit=LIMIT)
    answers = {r["question"]: r["answer"] for r in rows}
    def reply(prompt, k, attempt):
        question = next(q for q in answers if prompt.startswith(q))
        return "Working.\\n\\\\boxed{" + (answers[question] if k % 2 == 0 else "-12345") + "}"
    backend = ScriptedBackend(reply, delay_s=delay_s)
    config = CandidatesConfig(n=4, batch_size=4, judge_options={"workers": 0})
    return CandidatesStage(config, backend=backend), rows
""".replace("LIMIT", str(LIMIT))


def _build(db: Path, delay_s: float = 0.0):
    scope: dict = {}
    exec(STAGE_CODE, scope)  # noqa: S102 -- the same code the child runs
    return scope["build"](db, delay_s)


def _state(db: Path) -> dict:
    with store.connect(db, read_only=True) as con:
        return {
            "candidates": con.execute("SELECT id, question_id, model, response FROM candidates "
                                      "WHERE model = 'scripted' ORDER BY id").fetchall(),
            "judgments": con.execute("SELECT candidate_id, judge, verdict, extracted FROM judgments "
                                     "WHERE judge = 'rule' ORDER BY ALL").fetchall(),
            "decisions": con.execute("SELECT question_id, kept, reason, detail FROM decisions "
                                     "WHERE stage = 'candidates' ORDER BY question_id").fetchall(),
        }


@pytest.mark.slow
def test_killed_candidates_run_resumes_to_the_same_result(tmp_path):
    from genreason.curate.runner import run_stage

    # uninterrupted
    clean_db = tmp_path / "clean" / "store.duckdb"
    load_sample(clean_db, candidates=False)
    stage, rows = _build(clean_db)
    run_stage(stage, rows, db=clean_db, progress=False)
    expected = _state(clean_db)
    assert len(expected["candidates"]) == 4 * LIMIT and len(expected["decisions"]) == LIMIT

    # killed mid-way, then run again
    db = tmp_path / "killed" / "store.duckdb"
    load_sample(db, candidates=False)
    child = STAGE_CODE + f"\nstage, rows = build({str(db)!r}, 0.4)\nrun_stage(stage, rows, db={str(db)!r}, progress=False)\n"
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    proc = subprocess.Popen([sys.executable, "-c", child], cwd=REPO, env=env)
    root = stage_runs_root(db)
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        progress = [json.loads(p.read_text()) for p in root.glob("*/progress.json")] if root.exists() else []
        done = max((p.get("done", 0) for p in progress), default=0)
        if done >= 12:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the child finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 12 <= done < LIMIT
    with store.connect(db, read_only=True) as con:  # nothing reached the store yet
        assert con.execute("SELECT count(*) FROM decisions").fetchone()[0] == 0
    folders = list(root.iterdir())
    assert len(folders) == 1
    stage, rows = _build(db)
    result = run_stage(stage, rows, db=db, progress=False)
    assert result.resumed and result.run_dir == folders[0]
    assert result.counts["processed"] == LIMIT
    assert stage.backend.calls and sum(n for n, _ in stage.backend.calls) <= LIMIT - 12  # only the rest
    got = _state(db)
    for key in ("candidates", "judgments"):
        assert got[key] == expected[key], key
    assert [d[:3] for d in got["decisions"]] == [d[:3] for d in expected["decisions"]]
    assert [json.loads(d[3]) for d in got["decisions"]] == [json.loads(d[3]) for d in expected["decisions"]]
    # and once more: all done, nothing stored twice
    again = run_stage(_build(db)[0], rows, db=db, progress=False)
    assert again.counts["processed"] == 0 and _state(db) == got


def test_a_backend_failure_fails_the_run_and_the_next_run_resumes(tmp_path):
    from genreason.curate.runner import read_json, run_stage
    from genreason.llm.base import BackendError

    from .scripted import ScriptedBackend

    db = tmp_path / "store.duckdb"
    load_sample(db, candidates=False)
    stage, rows = _build(db)
    calls = {"n": 0}
    good = stage.backend.reply

    def flaky(prompt, k, attempt):
        calls["n"] += 1
        if calls["n"] > 4 * 4 * 2:  # two batches of 4 questions x n=4, then the server "dies"
            raise BackendError("server at http://127.0.0.1:9/v1 refused the connection")
        return good(prompt, k, attempt)

    stage._backend = ScriptedBackend(flaky)
    with pytest.raises(BackendError):
        run_stage(stage, rows, db=db, progress=False)
    [folder] = list(stage_runs_root(db).iterdir())
    assert read_json(folder / "run.json")["status"] == "failed"
    with store.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM candidates").fetchone()[0] == 0  # nothing half-stored
    again, _ = _build(db)
    result = run_stage(again, rows, db=db, progress=False)
    assert result.resumed and result.run_dir == folder
    assert sum(n for n, _ in again.backend.calls) == LIMIT - 8
    assert len(_state(db)["candidates"]) == 4 * LIMIT
