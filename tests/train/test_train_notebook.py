"""notebooks/04_train.py runs as a script: it launches a tiny GRPO job, follows it, draws its curves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from genreason import jobs, store

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_training_notebook_launches_and_watches_a_tiny_run(db_path: Path) -> None:
    with store.connect(db_path):
        pass  # an empty store: the notebook reads its questions from the shipped sample file
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, str(REPO / "notebooks" / "04_train.py"), "--db", str(db_path),
                             "--steps", "2", "--limit", "4"], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "done     step 2/2" in result.stdout and "frac_reward_zero_std" in result.stdout
    with store.connect(db_path, read_only=True) as con:
        [job] = jobs.list_jobs(con, kind="grpo")
    assert job["state"] == "done" and job["config"]["grpo"]["limit_questions"] == 4
