"""The dedup and decontaminate stages over the dedup helper's functions: decisions with evidence."""

from __future__ import annotations

import json

from genreason import store
from genreason.curate.pipeline import build_stages, parse_settings
from genreason.curate.runner import run_pipeline, run_stage
from genreason.ingest import IngestConfig, stage_inputs, write_staged


def _store(db, rows):
    src = db.parent / "q.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows))
    with store.connect(db) as con:
        write_staged(con, stage_inputs([src], IngestConfig(format="webinstruct", progress=False)))


def test_dedup_keeps_one_of_each_group_and_names_it(tmp_path):
    db = tmp_path / "s.duckdb"
    base = "A train travels 120 km in 1.5 hours at constant speed. What is its speed in km/h?"
    _store(db, [
        {"id": "q1", "question": base, "answer": "80 km/h"},
        {"id": "q2", "question": base.upper().replace("  ", " "), "answer": "80 km/h"},  # same, other case
        {"id": "q3", "question": "A train travels 120 km in 1.5 hours at a constant speed. What is its speed, in km/h?",
         "answer": "80 km/h"},  # reworded a little
        {"id": "q4", "question": "A train travels 150 km in 1.5 hours at constant speed. What is its speed in km/h?",
         "answer": "100 km/h"},  # other numbers: another question
    ])
    [result] = run_pipeline(build_stages(["dedup"]), db=db, progress=False)
    with store.connect(db, read_only=True) as con:
        got = {q: (k, r, json.loads(d)) for q, k, r, d in con.execute(
            "SELECT question_id, kept, reason, detail FROM decisions").fetchall()}
    assert got["q1"][:2] == (True, "representative") and got["q4"][:2] == (True, "unique")
    assert got["q2"][:2] == (False, "duplicate") and got["q2"][2]["duplicate_of"] == "q1"
    assert got["q2"][2]["kind"] == "exact"
    assert got["q3"][1] == "duplicate" and got["q3"][2]["kind"] == "near" and got["q3"][2]["duplicate_of"] == "q1"
    assert result.kept_ids == ["q1", "q4"]


def test_decontaminate_drops_a_reworded_benchmark_item_with_its_match(tmp_path, realdata):
    bench = realdata / "gsm8k" / "test.jsonl"
    first = json.loads(bench.read_text().splitlines()[0])["question"]
    db = tmp_path / "s.duckdb"
    _store(db, [
        {"id": "leak", "question": "  " + first.replace(". ", ".  ").upper(), "answer": "18"},
        {"id": "clean", "question": "What is the boiling point of water at sea level in kelvin?", "answer": "373.15 K"},
    ])
    stage = build_stages(["decontaminate"], parse_settings([f"decontaminate.benchmarks={bench}"]))[0]
    result = run_stage(stage, db=db, progress=False)
    assert result.counts["drop_reasons"] == {"contaminated": 1} and result.kept_ids == ["clean"]
    with store.connect(db, read_only=True) as con:
        detail = json.loads(con.execute("SELECT detail FROM decisions WHERE question_id = 'leak'").fetchone()[0])
    assert detail["overlap"] >= 0.5 and detail["item_question"] == first[:1000]
    assert "gsm8k" in detail["benchmark"].lower() and detail["item_id"]
