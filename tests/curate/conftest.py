"""Fixtures for curation tests: the shipped sample in a real store, loaded the way the CLI does."""

from __future__ import annotations

from pathlib import Path

import pytest

from genreason import store
from genreason.ingest import IngestConfig, stage_inputs, write_staged

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def load_sample(db: Path, *, candidates: bool = True) -> None:
    """Ingest the shipped sample (as `genreason demo` does)."""
    paths = [SAMPLE / "questions.jsonl"] + ([SAMPLE / "candidates.jsonl"] if candidates else [])
    staged = stage_inputs(paths, IngestConfig(judge="reference", source="sample", progress=False))
    with store.connect(db) as con:
        write_staged(con, staged)


@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    db = tmp_path / "store.duckdb"
    load_sample(db)
    return db
