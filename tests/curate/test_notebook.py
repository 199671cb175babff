"""Notebook 02_curate runs as a script with parameters, on the shipped sample."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from genreason import store
from genreason.curate.status import funnel, latest_pipeline

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_curate_notebook_runs_its_stages_as_a_script(tmp_path: Path) -> None:
    from .conftest import load_sample

    db = tmp_path / "store.duckdb"
    load_sample(db)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, str(REPO / "notebooks" / "02_curate.py"), "--db", str(db),
                             "--stages", "annotate,difficulty,pass_rate", "--set", "pass_rate.low=0.4",
                             "--set", "pass_rate.judge=reference"],  # the sample's labels: no judging
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "pass_rate: " in result.stdout and "below band" in result.stdout
    with store.connect(db, read_only=True) as con:
        steps = funnel(con, latest_pipeline(con))
    assert [s["stage"] for s in steps] == ["annotate", "difficulty", "pass_rate"]
    assert steps[0]["in"] == 356 and steps[2]["in"] == steps[1]["kept"]
