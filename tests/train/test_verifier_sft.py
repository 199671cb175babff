"""Verifier SFT on the tiny model from stored judgments: targets, split by question, a trained
judge registered as model:<run> that loads as a ModelVerifier and is compared with its teacher."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genreason import store
from genreason.ingest import IngestConfig, ingest
from genreason.train.verifier_sft import (
    VerifierSFTConfig,
    build_trained_verifier,
    split_by_question,
    teacher_examples,
    train_verifier,
    verifier_target,
)

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture
def labelled_db(db_path: Path) -> Path:
    """The shipped sample ingested with its labels as judge "reference" (the teacher)."""
    with store.connect(db_path) as con:
        ingest(con, [SAMPLE / "questions.jsonl", SAMPLE / "candidates.jsonl"],
               IngestConfig(judge="reference", progress=False))
    return db_path


def test_targets_end_in_the_papers_decision_and_keep_a_model_teachers_reasoning() -> None:
    assert verifier_target(True, None, None) == " Final Decision: Yes"
    assert verifier_target(False, "wrong value", None) == " wrong value. Final Decision: No"
    out = "The student wrote 0.5, which equals 1/2. Final Decision: Yes\n\nrunaway text"
    assert verifier_target(True, "model said Yes", out) == (
        " The student wrote 0.5, which equals 1/2. Final Decision: Yes")
    # A teacher output whose decision contradicts the stored verdict (a human override) is not
    # learned from: the verdict wins, with the stored reason.
    assert verifier_target(False, "overridden", out) == " overridden. Final Decision: No"


def test_examples_are_split_by_question(labelled_db: Path) -> None:
    with store.connect(labelled_db, read_only=True) as con:
        examples = teacher_examples(con, "reference")
        with pytest.raises(ValueError, match="no decided judgments"):
            teacher_examples(con, "nobody")
    assert examples and all(e["prompt"].endswith("Assistant:") for e in examples)
    assert all(e["completion"].endswith(("Final Decision: Yes", "Final Decision: No")) for e in examples)
    assert all(e["completion"].endswith("Yes") == e["verdict"] for e in examples)
    train, test = split_by_question(examples, 0.25, seed=1)
    assert not {e["question_id"] for e in train} & {e["question_id"] for e in test}
    assert 0.1 < len(test) / len(examples) < 0.4
    assert split_by_question(examples, 0.25, seed=1) == (train, test)  # deterministic


@pytest.mark.slow
def test_a_trained_verifier_is_registered_loads_as_a_model_verifier_and_is_compared(
    labelled_db: Path, tiny_model: Path, tmp_path: Path
) -> None:
    cfg = VerifierSFTConfig(base_model=str(tiny_model), teacher="reference", output_dir=str(tmp_path / "sft"),
                            run_name="tiny-sft", db=str(labelled_db), held_out=0.25, limit=40,
                            max_steps=3, batch_size=4, max_length=768, max_new_tokens=8, use_cpu=True)
    result = train_verifier(cfg)
    assert result["step"] == 3 and result["judge"] == "model:tiny-sft"
    steps = [json.loads(line)["step"] for line in (tmp_path / "sft" / "metrics.jsonl").read_text().splitlines()]
    assert steps == [1, 2, 3]
    comparison = json.loads((tmp_path / "sft" / "heldout_comparison.json").read_text())
    assert comparison["n"] == result["held_out_examples"] > 0
    with store.connect(labelled_db, read_only=True) as con:
        judge = store.get_judge(con, "model:tiny-sft")
        stored = con.execute("SELECT count(*) FROM judgments WHERE judge = 'model:tiny-sft'").fetchone()[0]
        from genreason.verify.assess.compare import compare_judges

        compared = compare_judges(con, "model:tiny-sft", "reference")
    assert judge is not None and judge.kind == "model" and judge.config["teacher"] == "reference"
    assert stored == result["held_out_examples"] == compared.metrics["n"]
    verifier = build_trained_verifier(cfg, result["model"])
    assert verifier.name == "model:tiny-sft" and verifier.describe()["model"] == result["model"]


def test_a_verifier_sft_job_with_bad_settings_is_refused_before_it_is_recorded(db_path: Path) -> None:
    from genreason import jobs
    from genreason.jobs.verifier_sft import start_verifier_sft_job

    with pytest.raises(ValueError, match="run_name 'my run'"):
        start_verifier_sft_job(db_path, base_model="m", teacher="reference", run_name="my run")
    with pytest.raises(ValueError, match="--set held_out=lots"):
        start_verifier_sft_job(db_path, base_model="m", teacher="reference", run_name="v1",
                               overrides={"held_out": "lots"})
    with pytest.raises(ValueError, match="held_out must be in"):
        start_verifier_sft_job(db_path, base_model="m", teacher="reference", run_name="v1",
                               overrides={"held_out": "1.5"})
    assert not jobs.runs_root(db_path).exists()
