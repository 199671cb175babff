"""The curation stages end to end on the shipped sample, through the one stage runner."""

from __future__ import annotations

import json
from collections import Counter

from genreason import store
from genreason.curate.judge import JudgeConfig, JudgeStage
from genreason.curate.pipeline import build_stages, parse_settings
from genreason.curate.runner import read_outcomes, run_pipeline, run_stage
from genreason.curate.status import dropped_examples, funnel, provenance

from .conftest import SAMPLE


def _sample_questions() -> list[dict]:
    return [json.loads(line) for line in (SAMPLE / "questions.jsonl").read_text().splitlines()]


def _decisions(db) -> list[tuple]:
    with store.connect(db, read_only=True) as con:
        return con.execute("SELECT stage, question_id, kept, reason FROM decisions ORDER BY ALL").fetchall()


def test_pipeline_on_sample_counts_and_reasons(sample_db):
    run_stage(JudgeStage(JudgeConfig(judge="rule", options={"workers": 0})), db=sample_db, progress=False)
    stages = build_stages(["annotate", "difficulty", "pass_rate", "dedup"],
                          parse_settings(["pass_rate.low=0.5"]))
    results = run_pipeline(stages, db=sample_db, progress=False)
    by = {r.stage: r.counts for r in results}
    qs = _sample_questions()
    # difficulty: mathematics below University/PhD is dropped, every other question passes
    easy_math = sum(1 for q in qs if q["category"] == "Mathematics" and q["difficulty"] not in ("University", "PhD"))
    assert by["annotate"]["in"] == len(qs) == by["annotate"]["kept"]
    assert by["difficulty"]["dropped"] == easy_math
    assert by["difficulty"]["drop_reasons"] == {"below kept difficulty": easy_math}
    assert by["pass_rate"]["in"] == len(qs) - easy_math
    for c in by.values():
        assert c["kept"] + c["dropped"] == c["in"]
    # pass_rate: low=0.5 keeps 0.5 < p < 1; the evidence holds each candidate's verdict
    with store.connect(sample_db, read_only=True) as con:
        rate_rows = con.execute(
            "SELECT kept, reason, detail FROM decisions WHERE stage = 'pass_rate'").fetchall()
        for kept, reason, detail in rate_rows:
            ev = json.loads(detail)
            rate = ev["passed"] / ev["n"]
            assert kept == (0.5 < rate < 1), (reason, ev)
            assert len(ev["candidates"]) == ev["n"] and all("verdict" in c for c in ev["candidates"])
        steps = funnel(con, results[0].pipeline)
        assert [s["stage"] for s in steps] == ["annotate", "difficulty", "pass_rate", "dedup"]
        dropped = dropped_examples(con, results[2].run_id, "below band")
        assert dropped and all(d["question"] and d["evidence"]["pass_rate"] <= 0.5 for d in dropped)
        record = provenance(con, dropped[0]["question_id"])
        assert [d["stage"] for d in record["decisions"]] == ["annotate", "difficulty", "pass_rate"]
    # the near-duplicate integrals of sin^2 x and sec^2 x are different questions (other answers)
    dedup_reasons = Counter(r for s, _, _, r in _decisions(sample_db) if s == "dedup")
    assert "duplicate" not in dedup_reasons or dedup_reasons["duplicate"] < 5


def test_rerun_skips_done_rows_and_stores_nothing_twice(sample_db):
    names = ["annotate", "difficulty", "pass_rate"]
    run_stage(JudgeStage(JudgeConfig(judge="rule", options={"workers": 0})), db=sample_db, progress=False)
    first = run_pipeline(build_stages(names), db=sample_db, progress=False)
    before = _decisions(sample_db)
    second = run_pipeline(build_stages(names), db=sample_db, progress=False)
    assert [r.counts["processed"] for r in second] == [0, 0, 0]
    assert [(r.counts["in"], r.counts["kept"]) for r in second] == [(r.counts["in"], r.counts["kept"]) for r in first]
    assert _decisions(sample_db) == before
    # a changed config is other work: it decides again
    third = run_pipeline(build_stages(["pass_rate"], parse_settings(["pass_rate.low=0.3"])), db=sample_db, progress=False)
    assert third[0].counts["processed"] == third[0].counts["in"] > 0


def test_annotate_by_rule_fills_missing_labels_and_cross_checks(tmp_path):
    from genreason.curate.annotate import AnnotateConfig, AnnotateStage

    src = tmp_path / "q.jsonl"
    rows = [{"id": "a", "question": "What is 2 + 2?", "answer": "4"},
            {"id": "b", "question": "Is 7 prime?", "answer": "True"},
            {"id": "c", "question": "Simplify (x+1)^2 - 1.", "answer": "x^2 + 2x"},
            {"id": "d", "question": "What share is 1 of 4?", "answer": "25%", "answer_type": "Float"}]
    src.write_text("\n".join(json.dumps(r) for r in rows))
    db = tmp_path / "s.duckdb"
    from genreason.ingest import IngestConfig, stage_inputs, write_staged

    with store.connect(db) as con:
        write_staged(con, stage_inputs([src], IngestConfig(format="webinstruct", progress=False)))
    result = run_stage(AnnotateStage(AnnotateConfig()), db=db, progress=False)
    assert result.counts["kept"] == 4
    with store.connect(db, read_only=True) as con:
        types = dict(con.execute("SELECT id, answer_type FROM questions").fetchall())
        detail = json.loads(con.execute("SELECT detail FROM decisions WHERE question_id = 'd'").fetchone()[0])
    assert types == {"a": "Integer", "b": "Boolean", "c": "Expression", "d": "Float"}  # d: stored label kept
    assert detail["rule_answer_type"] == "Percentage" and detail["answer_type_agrees_with_rule"] is False


def test_judge_stage_resumes_from_its_folder(sample_db, tmp_path):
    folder = tmp_path / "judge-run"
    stage = JudgeStage(JudgeConfig(judge="rule", options={"workers": 0}, batch_size=100))
    calls = {"n": 0}

    def stop_after_two() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    stopped = run_stage(stage, db=sample_db, run_dir=folder, progress=False, should_stop=stop_after_two)
    assert stopped.status == "stopped" and len(read_outcomes(folder / "outcomes.jsonl")) == 200
    with store.connect(sample_db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM judgments WHERE judge = 'rule'").fetchone()[0] == 200
    rest = run_stage(JudgeStage(JudgeConfig(judge="rule", options={"workers": 0}, batch_size=100)),
                     db=sample_db, progress=False)
    with store.connect(sample_db, read_only=True) as con:
        n = con.execute("SELECT count(*) FROM judgments WHERE judge = 'rule'").fetchone()[0]
        total = con.execute("SELECT count(*) FROM candidates").fetchone()[0]
    assert rest.counts["processed"] == total - 200 and n == total


def test_a_changed_question_is_decided_again(sample_db):
    from genreason.curate.difficulty import DifficultyConfig, DifficultyStage

    first = run_stage(DifficultyStage(DifficultyConfig()), db=sample_db, progress=False)
    with store.connect(sample_db) as con:
        qid = con.execute("SELECT id FROM questions WHERE category = 'Mathematics' AND difficulty = "
                          "'Primary School' ORDER BY id LIMIT 1").fetchone()[0]
        con.execute("UPDATE questions SET difficulty = 'University' WHERE id = ?", [qid])  # re-annotated
    again = run_stage(DifficultyStage(DifficultyConfig()), db=sample_db, progress=False)
    assert again.counts["processed"] == 1 and again.counts["skipped"] == first.counts["in"] - 1
    assert qid in again.kept_ids and qid not in first.kept_ids


def test_annotate_rerun_is_not_fooled_by_the_labels_it_wrote(tmp_path):
    from genreason.curate.annotate import AnnotateConfig, AnnotateStage

    src = tmp_path / "q.jsonl"
    src.write_text(json.dumps({"id": "a", "question": "What is 6 * 7?", "answer": "42"}))
    db = tmp_path / "s.duckdb"
    from genreason.ingest import IngestConfig, stage_inputs, write_staged

    with store.connect(db) as con:
        write_staged(con, stage_inputs([src], IngestConfig(format="webinstruct", progress=False)))
    assert run_stage(AnnotateStage(AnnotateConfig()), db=db, progress=False).counts["processed"] == 1
    assert run_stage(AnnotateStage(AnnotateConfig()), db=db, progress=False).counts["processed"] == 0
