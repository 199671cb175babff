"""scripts/gpu_grpo_check.py: its --smoke mode runs the same GRPO code on the CPU (its numbers
mean nothing there); on a GPU the real check runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "gpu_grpo_check.py"


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


@pytest.mark.slow
def test_smoke_mode_runs_grpo_steps_and_prints_a_row(tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, str(SCRIPT), "--smoke", "--steps", "2", "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    [row] = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["check"] == "grpo_transformers_generate" and row["steps"] == 2 and row["median_step_s"] > 0


@pytest.mark.gpu
def test_on_a_gpu_the_grpo_check_runs() -> None:
    if not _cuda():
        pytest.skip("needs a CUDA device")
    done = subprocess.run([sys.executable, str(SCRIPT), "--only", "grpo", "--steps", "2", "--no-vllm"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
