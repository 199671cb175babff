"""Snapshots are immutable and carry their provenance; every export format reads back."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from genreason import store
from genreason.curate.export import export_snapshot
from genreason.curate.freeze import freeze_kept
from genreason.curate.judge import JudgeConfig, JudgeStage
from genreason.curate.pipeline import build_stages
from genreason.curate.runner import run_pipeline, run_stage
from genreason.store.snapshots import (
    SnapshotError,
    get_snapshot,
    list_snapshots,
    load_snapshot,
    snapshots_of,
    verify_snapshot,
)


@pytest.fixture
def curated_db(sample_db):
    run_stage(JudgeStage(JudgeConfig(judge="rule", options={"workers": 0})), db=sample_db, progress=False)
    run_pipeline(build_stages(["difficulty", "pass_rate"]), db=sample_db, progress=False)
    return sample_db


def test_snapshot_freezes_kept_rows_with_provenance_and_never_changes(curated_db):
    with store.connect(curated_db) as con:
        rec = freeze_kept(con, "v1", require_stages=("pass_rate",))
        kept = con.execute("SELECT count(*) FROM (SELECT question_id, bool_and(kept) ok FROM (SELECT question_id, "
                           "stage, arg_max(kept, created_at) kept FROM decisions GROUP BY ALL) GROUP BY 1) WHERE ok"
                           ).fetchone()[0]
        assert rec["n_rows"] == kept > 0
        assert {r["stage"] for r in rec["stage_runs"]} == {"difficulty", "pass_rate"}
        rows = load_snapshot(con, "v1")
        first = rows[0]
        assert set(first) >= {"id", "question", "answer", "reference", "answer_type", "options", "category", "difficulty"}
        with pytest.raises(SnapshotError, match="immutable"):
            freeze_kept(con, "v1")
        # editing the live table does not reach the snapshot
        con.execute("UPDATE questions SET answer = 'changed' WHERE id = ?", [first["id"]])
        assert load_snapshot(con, "v1")[0]["answer"] == first["answer"]
        assert verify_snapshot(con, "v1")
        assert snapshots_of(con, first["id"]) == ["v1"]
        assert [s["name"] for s in list_snapshots(con)] == ["v1"]
        with pytest.raises(SnapshotError, match="bad snapshot name"):
            freeze_kept(con, "../evil")
        with pytest.raises(SnapshotError, match="no snapshot"):
            get_snapshot(con, "nope")


def test_every_export_format_reads_back(curated_db, tmp_path):
    with store.connect(curated_db) as con:
        freeze_kept(con, "v1")
        rows = load_snapshot(con, "v1")
    ids = [r["id"] for r in rows]
    [p] = export_snapshot(rows, "parquet", tmp_path / "pq", name="v1")
    assert pq.read_table(p).column("id").to_pylist() == ids
    [p] = export_snapshot(rows, "jsonl", tmp_path / "jl", name="v1")
    assert [json.loads(line)["id"] for line in p.read_text().splitlines()] == ids
    datasets = pytest.importorskip("datasets")
    [p] = export_snapshot(rows, "hf", tmp_path / "hf", name="v1")
    assert datasets.load_from_disk(str(p))["id"] == ids
    path, readme = export_snapshot(rows, "verl", tmp_path / "verl", name="v1")
    table = pq.read_table(path).to_pylist()
    assert set(table[0]) == {"data_source", "prompt", "ability", "reward_model", "extra_info"}
    mc = next(t for t, r in zip(table, rows, strict=True) if r["options"])
    assert mc["prompt"][0]["role"] == "user" and "\nA. " in mc["prompt"][0]["content"]
    assert mc["prompt"][0]["content"].endswith("put your final answer within \\boxed{}.")
    assert [t["extra_info"]["index"] for t in table] == list(range(len(rows)))
    assert [t["reward_model"]["ground_truth"] for t in table] == [r["answer"] for r in rows]
    assert set(table[0]["extra_info"]) >= {"index", "question", "answer", "answer_type", "category", "difficulty"}
    assert "custom_reward_function.name=compute_score" in readme.read_text()


def test_verl_reward_scores_like_the_paper():
    from genreason.curate.verl_reward import compute_score

    info = {"question": "What is 2 + 3?", "answer_type": "Integer"}
    assert compute_score("genreason/v1", "2 + 3 = 5, so \\boxed{5}", "5", info) == 1.0
    assert compute_score("genreason/v1", "\\boxed{6}", "5", info) == 0.0
    mc = {"question": "Which is a noble gas?", "options": ["Oxygen", "Argon"], "answer_type": "Multiple Choice"}
    assert compute_score("genreason/v1", "\\boxed{B}", "B", mc) == 1.0
