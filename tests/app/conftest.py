"""Fixtures for the app tests: a real store seeded the way the CLI seeds it, and a running app.

The seeded store is the shipped sample (data/sample/) ingested with the ingest function that
`genreason ingest ... --judge reference` calls, plus the rule verifier's judgments of the first
80 candidates, plus labels of a made-up second annotator (judge "annotator") on the first 40,
ingested the same way, that contradict the reference on every fifth: the disagreement queue
always has items, however well the rule verifier agrees. Without the sample, a small fixture
written here takes its place. It is built once per session and copied for each test.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from genreason import store
from genreason.ingest import IngestConfig, ingest
from genreason.verify.rules.verifier import RuleVerifier

REPO = Path(__file__).resolve().parents[2]
APP_MAIN = REPO / "app" / "main.py"
SAMPLE = REPO / "data" / "sample"
RULE_JUDGED = 80
ANNOTATOR, ANNOTATED, FLIP_EVERY = "annotator", 40, 5


def _write_fixture(folder: Path) -> list[Path]:
    """A small WebInstruct-style question file and labelled candidates (no sample shipped)."""
    subjects = ["Physics", "Chemistry", "Mathematics", "Economics"]
    questions, candidates = [], []
    for i in range(40):
        answer = str(i * 3 + 1)
        qid = f"fx-{i:03d}"
        questions.append({
            "id": qid, "question": f"Compute three times {i} plus one (item {i}).", "answer": answer,
            "answer_type": "Integer" if i % 3 else "Float", "category": subjects[i % 4],
            "difficulty": "University" if i % 2 else "Senior High School",
        })
        candidates += [
            {"id": f"{qid}-a", "question_id": qid, "model": "fixture", "label": True,
             "response": f"3*{i}+1 = {answer}. The answer is \\boxed{{{answer}}}."},
            {"id": f"{qid}-b", "question_id": qid, "model": "fixture", "label": False,
             "response": f"I think it is \\boxed{{{int(answer) + 1}}}."},
            # Right, but said in words: the reference label says yes, the rules cannot tell.
            {"id": f"{qid}-c", "question_id": qid, "model": "fixture", "label": True,
             "response": f"Final Answer: {answer} (that is, {answer} exactly)"},
        ]
    paths = [folder / "questions.jsonl", folder / "candidates.jsonl"]
    for path, rows in zip(paths, [questions, candidates], strict=True):
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return paths


def seed_store(db: Path, workdir: Path) -> None:
    """Ingest the sample (or the fixture) with judge "reference", then rule-judge some candidates."""
    if (SAMPLE / "questions.jsonl").exists() and (SAMPLE / "candidates.jsonl").exists():
        paths = [SAMPLE / "questions.jsonl", SAMPLE / "candidates.jsonl"]
    else:
        paths = _write_fixture(workdir)
    with store.connect(db) as con:
        ingest(con, paths, IngestConfig(judge="reference", progress=False))
        items = store.candidate_items(con, limit=RULE_JUDGED, seed=None)  # the first ones by id
    judgments = RuleVerifier(workers=0).verify_batch(items)
    with store.connect(db) as con:
        store.save_judgments(con, judgments, run_id=store.new_run_id("judge"))
        labelled = con.execute(
            "SELECT c.id, c.question_id, c.model, c.response, j.verdict FROM candidates c "
            "JOIN judgments j ON j.candidate_id = c.id AND j.judge = 'reference' "
            "ORDER BY c.id LIMIT ?", [ANNOTATED]).fetchall()
        labels = workdir / "annotator.jsonl"
        labels.write_text("".join(json.dumps({
            "id": cid, "question_id": qid, "model": model, "response": response,
            "label": (not verdict) if i % FLIP_EVERY == 0 else verdict,
        }) + "\n" for i, (cid, qid, model, response, verdict) in enumerate(labelled)))
        ingest(con, [labels], IngestConfig(judge=ANNOTATOR, progress=False))


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seeded")
    db = folder / "template.duckdb"
    seed_store(db, folder)
    return db


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test's folder, allowed for typed paths; the app's default database lives in it."""
    monkeypatch.setenv("GENREASON_ALLOWED_ROOTS", str(tmp_path))
    monkeypatch.setenv("GENREASON_DB", str(tmp_path / "store.duckdb"))
    monkeypatch.setenv("GENREASON_LOCK_TIMEOUT", "15")
    return tmp_path


@pytest.fixture
def sample_db(app_env: Path, seeded_template: Path) -> Path:
    """A copy of the seeded store, as the app's default database."""
    db = app_env / "store.duckdb"
    shutil.copy(seeded_template, db)
    return db


@pytest.fixture
def empty_db(app_env: Path) -> Path:
    """A migrated store with no rows, as the app's default database."""
    db = app_env / "store.duckdb"
    with store.connect(db):
        pass
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningApp:
    """`genreason app` serving one database on a free 127.0.0.1 port."""

    def __init__(self, db: Path, log: Path) -> None:
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "genreason.cli.main", "app", "--db", str(db),
             "--port", str(self.port)],
            stdout=self._log, stderr=subprocess.STDOUT, env=dict(os.environ), cwd=REPO,
            start_new_session=True,
        )
        self.log_path = log

    def wait_ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app exited early:\n{self.log_path.read_text()}")
            try:
                if httpx.get(f"{self.url}/_stcore/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"app not ready in {timeout_s} s:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)  # our own process group: the CLI and its streamlit child
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()
        self._log.close()


@pytest.fixture
def app_server() -> type[RunningApp]:
    """The RunningApp class, for tests that start and restart servers themselves.

    (A fixture, not `from conftest import ...`: several test folders have a conftest module and
    whichever was imported first answers that import.)
    """
    return RunningApp


@pytest.fixture
def running_app(sample_db: Path, tmp_path: Path) -> Iterator[RunningApp]:
    app = RunningApp(sample_db, tmp_path / "app.log")
    try:
        app.wait_ready()
        yield app
    finally:
        app.stop()
