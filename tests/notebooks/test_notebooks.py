"""Every stage notebook runs as a plain script on a real store (`python notebooks/NN_x.py ...`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from genreason import store
from genreason.ingest import IngestConfig, ingest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("nb") / "nb.duckdb"
    with store.connect(db) as con:
        ingest(con, [SAMPLE / "questions.jsonl", SAMPLE / "candidates.jsonl"], IngestConfig(judge="reference", progress=False))
    return db


def _run(notebook: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, str(REPO / "notebooks" / notebook), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)


def test_notebook_list_is_covered() -> None:
    assert {p.name for p in (REPO / "notebooks").glob("*.py")} >= {"01_ingest.py", "03_verify.py", "03b_verify_model.py", "04_train.py"}


def test_ingest_notebook(tmp_path: Path) -> None:
    db = tmp_path / "ingest.duckdb"
    result = _run("01_ingest.py", "--db", str(db), "--path", str(SAMPLE / "questions.jsonl"))
    assert result.returncode == 0, result.stderr[-2000:]
    with store.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM questions").fetchone()[0] > 300


@pytest.mark.slow
def test_verify_notebook(sample_db: Path) -> None:
    result = _run("03_verify.py", "--db", str(sample_db), "--limit", "40")
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.slow
def test_model_verify_notebook(sample_db: Path) -> None:
    result = _run("03b_verify_model.py", "--db", str(sample_db), "--limit", "12", "--max-new-tokens", "8",
                  "--probe-questions", "2")
    assert result.returncode == 0, result.stderr[-2000:]


def test_verify_notebook_help_prints_its_options_and_does_not_run(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "notebooks" / "03_verify.py"), "--help"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert result.returncode == 0
    assert "--limit" in result.stdout and "--labels" in result.stdout
    assert "accuracy" not in result.stdout  # the agreement table was not computed


@pytest.mark.slow
def test_notebook_defaults_do_not_depend_on_the_current_folder(tmp_path: Path) -> None:
    # Run from a folder outside the repository with no --path: the repository's sample is read.
    db = tmp_path / "outside.duckdb"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, str(REPO / "notebooks" / "01_ingest.py"), "--db", str(db)],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    with store.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM questions").fetchone()[0] > 300


@pytest.mark.slow
def test_export_html_with_run_holds_the_results_and_leaves_git_clean(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    marimo = Path(sys.executable).with_name("marimo")
    done = subprocess.run([str(marimo), "export", "html", str(REPO / "notebooks" / "03_verify.py"),
                           "-o", str(out), "-f", "--no-include-code", "--", "--run", "--limit", "20"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Press **Judge**" not in out.read_text() and "accuracy" in out.read_text()
    ignored = subprocess.run(["git", "check-ignore", "-q", "notebooks/__marimo__/session.json"],
                             cwd=REPO)
    assert ignored.returncode == 0  # marimo's session cache stays out of git
