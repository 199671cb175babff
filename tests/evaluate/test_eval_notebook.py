"""notebooks/05_evaluate.py runs as a script (rescoring the shared MMLU-Pro outputs; the tiny-model
run path it calls is covered by test_tiny_end_to_end)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from genreason import store
from genreason.store.evals import list_eval_runs

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, str(REPO / "notebooks" / "05_evaluate.py"), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_notebook_rescores_stores_and_shows_the_paper_table(realdata: Path, tmp_path: Path) -> None:
    db = tmp_path / "nb.duckdb"
    result = _run("--db", str(db))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "agreement with the harness letter: " in result.stdout and "/1335 = " in result.stdout
    assert "General-Reasoner-Qw3-14B (paper)" in result.stdout
    with store.connect(db, read_only=True) as con:
        runs = list_eval_runs(con)
    assert [(r["benchmark"], r["protocol"], r["judge"]) for r in runs] == [("mmlu_pro", "5-shot-cot", "choice")]
