"""Rescoring MMLU-Pro's Llama-3.1 outputs: agreement with its harness, determinism, storage."""

from __future__ import annotations

from pathlib import Path

import pytest

from genreason import store
from genreason.evaluate.loaders import realdata_dir as shared_realdata
from genreason.evaluate.runner import rescore, save_result
from genreason.store.evals import compare_eval_runs, eval_records, eval_run, list_eval_runs

LLAMA_OUTPUTS = "mmlu_pro/model_outputs_Meta-Llama-3_1-8B-Instruct_sample.jsonl"


@pytest.fixture(scope="module")
def realdata_dir() -> Path:
    path = shared_realdata()
    if not (path / LLAMA_OUTPUTS).exists():
        pytest.skip(f"shared real data not found at {path}")
    return path


@pytest.fixture(scope="module")
def llama(realdata_dir: Path):
    return rescore("mmlu_pro", realdata_dir / LLAMA_OUTPUTS)


def test_agrees_with_the_harness_letter_where_it_extracted_one(llama) -> None:
    a = llama.agreement
    primary = a["by_harness_rule"]["primary"]
    assert primary["rows"] > 1000
    assert primary["agree"] / primary["rows"] >= 0.99
    # Where the harness found no letter it stored a guess; those are no answers here, not guesses.
    assert a["by_harness_rule"]["random fill"]["agree"] == 0
    assert llama.run["protocol"] == "5-shot-cot" and llama.run["judge"] == "choice"
    # Verdicts (right/wrong) against the harness's on the rows it extracted, with the one scorer.
    assert a["verdicts"]["n"] == a["harness_extracted"] and a["verdicts"]["agreement"] >= 0.99


@pytest.mark.slow
def test_harness_judge_agrees_on_all_extracted_rows(realdata_dir: Path) -> None:
    result = rescore("mmlu_pro", realdata_dir / LLAMA_OUTPUTS, judge="choice+harness")
    assert result.agreement["agreement"] >= 0.99
    assert result.run["judge"] == "choice+harness"


@pytest.mark.slow
def test_two_runs_over_the_same_outputs_give_identical_scores(llama, realdata_dir: Path) -> None:
    again = rescore("mmlu_pro", realdata_dir / LLAMA_OUTPUTS)
    assert again.summary == llama.summary
    assert [(r["question_id"], r["verdict"], r["extracted"]) for r in again.records] == \
        [(r["question_id"], r["verdict"], r["extracted"]) for r in llama.records]


def test_stored_run_keeps_every_record_and_compares(llama, db_path: Path) -> None:
    with store.connect(db_path) as con:
        run_id = save_result(con, llama)
        other = type(llama)({**llama.run, "id": "other-run", "judge": "choice+harness"},
                            [{**r, "verdict": not r["verdict"]} if r["question_id"] == "mmlu_pro:70" else r
                             for r in llama.records])
        save_result(con, other)
    with store.connect(db_path, read_only=True) as con:
        runs = list_eval_runs(con, benchmark="mmlu_pro")
        stored = eval_run(con, run_id)
        law = eval_records(con, run_id, category="law")
        listed = eval_records(con, run_id, status="no_answer", with_text=False)
        one = eval_records(con, run_id, question_id="mmlu_pro:70")
        diff = compare_eval_runs(con, run_id, "other-run")
        stage_run = con.execute("SELECT stage, status, counts FROM stage_runs WHERE id = ?", [run_id]).fetchone()
    assert {r["id"] for r in runs} == {run_id, "other-run"}
    assert stored["summary"]["by_category"]["law"]["questions"] == 100
    assert stored["model"] == "Meta-Llama-3_1-8B-Instruct"
    assert len(law) == 100 and all(r["output"] and r["prompt"] is None for r in law)
    assert [d["question_id"] for d in diff["differ"]] == ["mmlu_pro:70"]
    assert listed and all(r["status"] == "no_answer" and "output" not in r for r in listed)
    assert len(one) == 1 and one[0]["output"].rstrip().endswith("The answer is (I).")
    assert diff["counts"]["only_in_a"] == 0
    assert stage_run[:2] == ("eval", "done") and '"questions": 1400' in stage_run[2]


@pytest.mark.slow
def test_gsm8k_solutions_of_one_system_agree_with_openai_labels(realdata_dir: Path) -> None:
    result = rescore("gsm8k", realdata_dir / "gsm8k" / "model_solution_pairs.jsonl",
                     where={"system": "175b_verification"}, model="175b_verification")
    s = result.summary
    assert (s["questions"], s["samples"]) == (1319, 1)  # one system: not four "samples"
    assert s["correct"] == 742  # the file's is_correct count for this system (realdata README)
    assert s["label_agreement"]["agreement"] >= 0.99
