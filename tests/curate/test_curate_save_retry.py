"""The stage runner's final save meets a lock another process holds (issue 12, item 10).

A second process holds a write connection to the store while the stage finishes its work.
With the lock wait set small, one try of the final save fails; the save tries again with
backoff, and once the holder lets go the run's decisions are stored exactly once. When the
lock outlasts every try, the run folder keeps every outcome and says "failed", and the next
run of the same stage and config only stores them (no row is processed again).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from genreason import store
from genreason.curate.runner import run_stage
from genreason.curate.stage import BaseStage, Outcome, Row
from genreason.store.retry import LockRetry

from .conftest import load_sample

N_ROWS = 12

# A write connection held for argv[2] seconds; "held" on stdout once DuckDB has the file.
HOLDER = ("import duckdb, sys, time\n"
          "con = duckdb.connect(sys.argv[1])\n"
          "print('held', flush=True)\n"
          "time.sleep(float(sys.argv[2]))\n"
          "con.close()\n")


@dataclasses.dataclass(frozen=True)
class EvenConfig:
    """Keep questions at even positions of the input (a filter whose answer we know)."""

    tag: str = "lock-test"


class EvenStage(BaseStage):
    """A filter stage that can start the lock holder while it works (on its last batch)."""

    name = "even_filter"
    batch_size = 4

    def __init__(self, db: Path, hold_s: float | None = None) -> None:
        super().__init__(EvenConfig())
        self.db, self.hold_s = db, hold_s
        self.holder: subprocess.Popen[str] | None = None
        self.processed: list[str] = []
        self.saves = 0
        self.order: dict[str, int] = {}

    def process(self, rows: Sequence[Row]) -> list[Outcome]:
        got = []
        for r in rows:
            self.processed.append(str(r["id"]))
            pos = self.order[str(r["id"])]
            got.append(Outcome(str(r["id"]), pos % 2 == 0, "even" if pos % 2 == 0 else "odd", {"pos": pos}))
        if self.hold_s is not None and len(self.processed) == len(self.order):
            self.holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(self.db), str(self.hold_s)],
                                           stdout=subprocess.PIPE, text=True)
            assert self.holder.stdout is not None and self.holder.stdout.readline().strip() == "held"
        return got

    def save(self, con, run_id: str, outcomes: Sequence[Outcome]) -> None:  # noqa: ANN001 -- duckdb
        self.saves += 1


def _rows(db: Path) -> list[Row]:
    with store.connect(db, read_only=True) as con:
        rows = store.question_rows(con, limit=N_ROWS)
    assert len(rows) == N_ROWS
    return rows


def _stage(db: Path, rows: list[Row], hold_s: float | None = None) -> EvenStage:
    stage = EvenStage(db, hold_s)
    stage.order = {str(r["id"]): i for i, r in enumerate(rows)}
    return stage


def _stored(db: Path, run_id: str) -> tuple[list[tuple], list[tuple]]:
    with store.connect(db, read_only=True) as con:
        decisions = con.execute("SELECT question_id, kept, reason FROM decisions WHERE run_id = ? "
                                "ORDER BY question_id", [run_id]).fetchall()
        runs = con.execute("SELECT id, status FROM stage_runs WHERE stage = 'even_filter'").fetchall()
    return decisions, runs


def _expected(rows: list[Row]) -> list[tuple]:
    return sorted((str(r["id"]), i % 2 == 0, "even" if i % 2 == 0 else "odd") for i, r in enumerate(rows))


@pytest.mark.slow
def test_the_final_save_waits_out_a_held_lock_and_stores_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "store.duckdb"
    load_sample(db, candidates=False)
    rows = _rows(db)
    monkeypatch.setenv("GENREASON_LOCK_TIMEOUT", "0.3")  # one try waits 0.3 s for the lock
    stage = _stage(db, rows, hold_s=2.0)  # the holder outlasts several tries
    with caplog.at_level(logging.WARNING, logger="genreason.store.retry"):
        result = run_stage(stage, rows, db=db, progress=False,
                           save_retry=LockRetry(attempts=30, backoff_s=0.2, max_backoff_s=0.4))
    assert stage.holder is not None and stage.holder.wait(timeout=10) == 0
    retries = [r for r in caplog.records if "database locked" in r.getMessage()]
    assert len(retries) >= 2, "the first tries must have met the held lock"
    assert "final save" in retries[0].getMessage() and "try 1 of 30" in retries[0].getMessage()
    assert result.status == "done" and stage.saves == 1
    decisions, runs = _stored(db, result.run_id)
    assert decisions == _expected(rows)
    assert runs == [(result.run_id, "done")]
    progress = json.loads((result.run_dir / "progress.json").read_text())
    assert progress["status"] == "done"
    assert json.loads((result.run_dir / "run.json").read_text())["status"] == "done"


@pytest.mark.slow
def test_a_lock_outlasting_every_try_leaves_a_failed_folder_that_a_rerun_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "store.duckdb"
    load_sample(db, candidates=False)
    rows = _rows(db)
    monkeypatch.setenv("GENREASON_LOCK_TIMEOUT", "0.2")
    stage = _stage(db, rows, hold_s=3.0)
    with pytest.raises(store.StoreLockedError, match="still locked after 2 tries"):
        run_stage(stage, rows, db=db, progress=False, save_retry=LockRetry(attempts=2, backoff_s=0.1))
    assert stage.saves == 0
    [folder] = (tmp_path / "runs" / "stages").iterdir()
    meta = json.loads((folder / "run.json").read_text())
    progress = json.loads((folder / "progress.json").read_text())
    assert meta["status"] == "failed" and progress["status"] == "failed"
    assert "StoreLockedError" in progress["error"] and str(folder) in progress["error"]
    assert len((folder / "outcomes.jsonl").read_text().splitlines()) == N_ROWS
    assert stage.holder is not None and stage.holder.wait(timeout=10) == 0

    again = _stage(db, rows)
    result = run_stage(again, rows, db=db, progress=False, save_retry=LockRetry(attempts=1))
    assert result.resumed and result.run_id == meta["run_id"] and result.run_dir == folder
    assert again.processed == [] and again.saves == 1  # only stored, nothing decided twice
    decisions, runs = _stored(db, result.run_id)
    assert decisions == _expected(rows)
    assert runs == [(result.run_id, "done")]


def test_the_retry_policy_refuses_nonsense_and_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="attempts must be an integer >= 1"):
        LockRetry(attempts=0)
    with pytest.raises(ValueError, match="backoff_s must be >= 0"):
        LockRetry(backoff_s=-1)
    monkeypatch.setenv("GENREASON_SAVE_ATTEMPTS", "3")
    monkeypatch.setenv("GENREASON_SAVE_BACKOFF", "1.5")
    policy = LockRetry.from_env()
    assert (policy.attempts, policy.backoff_s) == (3, 1.5)
    assert policy.delays() == [1.5, 3.0]
    monkeypatch.setenv("GENREASON_SAVE_ATTEMPTS", "many")
    with pytest.raises(ValueError, match="GENREASON_SAVE_ATTEMPTS must be an integer"):
        LockRetry.from_env()
