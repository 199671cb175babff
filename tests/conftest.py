"""Shared fixtures: a real DuckDB store in a temp folder, and where the shared real data lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
# Tiny models are overhead-bound: one torch thread per process is faster on 2 cores and keeps
# the parallel verifier workers from oversubscribing them.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"
SAMPLE = REPO / "data" / "sample"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh database file path (created on first write)."""
    return tmp_path / "store.duckdb"


@pytest.fixture
def realdata() -> Path:
    if not REALDATA.exists():
        pytest.skip(f"shared real data not found at {REALDATA}")
    return REALDATA
