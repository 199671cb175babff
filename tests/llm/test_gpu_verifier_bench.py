"""scripts/gpu_verifier_bench.py: refuses politely without a GPU; its code path runs (--smoke)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "gpu_verifier_bench.py"


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def _run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


@pytest.mark.skipif(_cuda(), reason="a CUDA device is present")
def test_without_cuda_it_exits_with_a_message() -> None:
    proc = _run("--judgments", "5")
    assert proc.returncode == 2
    assert "no CUDA device" in proc.stderr and "Nothing was run" in proc.stderr


@pytest.mark.slow
def test_smoke_run_on_cpu(tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    proc = _run(
        "--smoke",
        "--judgments",
        "6",
        "--warmup",
        "2",
        "--max-new-tokens",
        "4",
        "--batch-size",
        "4",
        "--model-dir",
        str(tmp_path / "model"),
        "--out",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["backend"] == "hf" and row["judgments"] == 6 and row["judgments_per_s"] > 0
    assert row["judge"] == "genreason.verify.model.ModelVerifier"


@pytest.mark.gpu
@pytest.mark.skipif(not _cuda(), reason="needs a CUDA device")
def test_gpu_run_small(tmp_path: Path) -> None:
    proc = _run(
        "--judgments",
        "64",
        "--max-new-tokens",
        "32",
        "--out",
        str(tmp_path / "rows.jsonl"),
        timeout=1800,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [json.loads(line) for line in (tmp_path / "rows.jsonl").read_text().splitlines()]
    assert rows and all(r["judgments"] == 64 and r["judgments_per_s"] > 0 for r in rows)
