"""Issue 11 item 6: a trained GRPO checkpoint is evaluated from the Training page in one click.

The GRPO job here is recorded through the jobs runner (`create_job` with the config `prepare`
resolves), and its run folder holds what a stopped run leaves: a complete `checkpoint-<step>/`
(the tiny model of `genreason.llm.tiny` plus TRL's trainer_state.json). Launching a real tiny
run from the page is tests/app/test_jobs.py's; this file tests the Evaluate control.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from genreason import jobs, store
from genreason.evaluate.loaders import offline_benchmarks
from genreason.jobs import grpo
from genreason.jobs.eval import evaluations_of
from genreason.jobs.files import set_job
from genreason.store.evals import list_eval_runs

APP_MAIN = Path(__file__).resolve().parents[2] / "app" / "main.py"


def _ended_grpo_job(db: Path, folder: Path, *, state: str, checkpoints: tuple[int, ...] = (),
                    final: bool = False) -> dict:
    """A GRPO job recorded as `state`, its run folder holding these checkpoints / final model."""
    from genreason.llm.tiny import tiny_model_dir

    model = tiny_model_dir()
    questions = folder / "q.jsonl"
    questions.write_text(json.dumps({"id": "p1", "question": "What is 3 + 4?", "answer": "7"}) + "\n")
    config, _ = grpo.prepare(db, {"preset": "tiny-cpu", "model": str(model), "questions_file": str(questions),
                                  "overrides": {"max_steps": "4"}})
    job = jobs.create_job(db, "grpo", config)
    for step in checkpoints:
        shutil.copytree(model, job.run_dir / f"checkpoint-{step}")
        (job.run_dir / f"checkpoint-{step}" / "trainer_state.json").write_text(json.dumps({"global_step": step}))
    if final:
        shutil.copytree(model, job.run_dir / "final")
    jobs.write_progress(job.run_dir, status=state, step=max(checkpoints, default=0), total=4)
    set_job(db, job.id, status=state, finished=state in jobs.FINISHED)
    with store.connect(db, read_only=True) as con:
        return jobs.get_job(con, job.id)


def test_the_model_to_evaluate_is_the_final_one_else_the_newest_checkpoint(sample_db: Path, tmp_path: Path) -> None:
    done = _ended_grpo_job(sample_db, tmp_path, state="done", checkpoints=(2, 4), final=True)
    assert grpo.trained_model(done) == Path(done["run_dir"]) / "final"
    stopped = _ended_grpo_job(sample_db, tmp_path, state="stopped", checkpoints=(1, 3))
    assert grpo.trained_model(stopped) == Path(stopped["run_dir"]) / "checkpoint-3"
    (Path(stopped["run_dir"]) / "checkpoint-3" / "trainer_state.json").unlink()  # cut short: not complete
    assert grpo.trained_model(stopped) == Path(stopped["run_dir"]) / "checkpoint-1"
    assert grpo.trained_model(_ended_grpo_job(sample_db, tmp_path, state="failed")) is None  # saved nothing
    assert grpo.trained_model(_ended_grpo_job(sample_db, tmp_path, state="running", checkpoints=(1,))) is None
    assert grpo.trained_model({**stopped, "kind": "verifier-sft"}) is None


@pytest.mark.slow
def test_one_click_on_the_training_page_starts_an_eval_job_of_the_checkpoint(sample_db: Path, tmp_path: Path) -> None:
    from streamlit.testing.v1 import AppTest

    if "gsm8k" not in offline_benchmarks():
        pytest.skip("the shared real data (gsm8k) is not here")
    job = _ended_grpo_job(sample_db, tmp_path, state="stopped", checkpoints=(2,))
    checkpoint = Path(job["run_dir"]) / "checkpoint-2"
    at = AppTest.from_file(str(APP_MAIN), default_timeout=60).run()
    at.switch_page("views/training.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key=f"evb_{job['id']}").options  # the benchmarks available offline
    at.selectbox(key=f"evb_{job['id']}").set_value("gsm8k")
    at.number_input(key=f"evl_{job['id']}").set_value(2)
    at.button(key=f"eval_{job['id']}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    said = "\n".join(s.value for s in at.success)
    assert "Started evaluation job" in said and "Evaluation page" in said, [e.value for e in at.error]

    with store.connect(sample_db, read_only=True) as con:
        [started] = evaluations_of(con, checkpoint)
        assert jobs.list_jobs(con, kind="grpo")[0]["id"] == job["id"]  # no training job was added
    assert started["id"] in said
    assert started["config"]["eval"]["benchmark"] == "gsm8k" and started["config"]["eval"]["limit"] == 2
    assert started["config"]["eval"]["backend"] == "hf"
    try:
        at.run()  # the row now lists the evaluation of this checkpoint
        assert any(started["id"] in c.value for c in at.caption)
        ended = jobs.wait_job(sample_db, started["id"], timeout_s=240, poll_s=0.5)
        assert ended["state"] == "done", jobs.log_tail(ended["run_dir"], 40)
        with store.connect(sample_db, read_only=True) as con:
            [run] = [r for r in list_eval_runs(con) if r["job_id"] == started["id"]]
        assert run["model"] == str(checkpoint) and run["benchmark"] == "gsm8k"
    finally:
        with store.connect(sample_db, read_only=True) as con:
            if jobs.get_job(con, started["id"])["state"] in jobs.ACTIVE:
                jobs.stop_job(sample_db, started["id"])


def test_a_run_that_saved_no_checkpoint_offers_no_evaluation(sample_db: Path, tmp_path: Path) -> None:
    from streamlit.testing.v1 import AppTest

    job = _ended_grpo_job(sample_db, tmp_path, state="failed")  # ended, but saved no checkpoint
    at = AppTest.from_file(str(APP_MAIN), default_timeout=60).run()
    at.switch_page("views/training.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [b for b in at.button if b.key == f"eval_{job['id']}"]
    assert [b for b in at.button if b.key == f"resume_{job['id']}"]  # the row is there
