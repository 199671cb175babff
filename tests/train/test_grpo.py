"""GRPO on the tiny model through TRL's real GRPOTrainer: metrics, completions, checkpoints, weights;
and as a job: stop saves a checkpoint, resume reaches the same final step."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from genreason import jobs, store
from genreason.train.config import preset
from genreason.train.grpo import last_checkpoint, train_grpo
from genreason.train.runs import read_metrics

pytestmark = pytest.mark.slow


def _weights(folder: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(folder / "model.safetensors"))


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_few_steps_write_metrics_completions_a_checkpoint_and_move_the_weights(
    tmp_path: Path, tiny_model: Path, questions_file: Path
) -> None:
    out = tmp_path / "run"
    seen: list[dict] = []
    cfg = preset("tiny-cpu", model=str(tiny_model), output_dir=str(out), questions_file=str(questions_file),
                 audit_judge="rule", audit_judge_options={"workers": 0}, audit_fraction=0.5,
                 # The random tiny model never writes a box: read its last lines as answers, so
                 # the judges (and the audit) have something to judge.
                 paper_extraction=False)
    result = train_grpo(cfg, progress=lambda **kw: seen.append(kw))
    assert result["step"] == 3 and result["stopped"] is False and result["prompts"] == 4
    metrics = _lines(out / "metrics.jsonl")
    assert [m["step"] for m in metrics] == [1, 2, 3]
    for m in metrics:
        for key in ("reward", "reward_std", "rewards/verified_reward/mean", "kl", "entropy",
                    "frac_reward_zero_std", "clip_ratio/region_mean", "learning_rate",
                    "completions/mean_length", "reward_parts/no_answer", "step_time_s"):
            assert key in m, key
        assert m["learning_rate"] == pytest.approx(1e-5)
    assert "tokens_per_s" in metrics[1] and metrics[1]["tokens_per_s"] > 0
    samples = _lines(out / "completions.jsonl")
    assert {s["step"] for s in samples} == {1, 2, 3}
    assert all(s["reward"] in (-0.5, 0.0) or 0.5 <= s["reward"] <= 1.0 for s in samples)
    assert all(s["id"] in {"t1", "t2", "t3", "t4"} and "completion" in s for s in samples)
    assert sorted(p.name for p in (out / "completions").glob("*.parquet"))  # TRL's tables
    assert last_checkpoint(out) == out / "checkpoint-3"
    before, after = _weights(tiny_model), _weights(out / "final")
    assert any(not before[k].equal(after[k]) for k in before if k in after)
    assert seen[-1]["step"] == 3 and seen[-1]["total"] == 3
    # The live audit (the rule judge auditing the rule reward) ran on every step and agrees.
    audited = read_metrics(out)
    assert [m["step"] for m in audited if "audit/disagreement" in m] == [1, 2, 3]
    assert all(m["audit/disagreement"] == 0.0 for m in audited)


def _wait(db: Path, job_id: str, states: tuple[str, ...], timeout_s: float = 240,
          progress_status: str | None = None) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with store.connect(db, read_only=True) as con:
            job = jobs.get_job(con, job_id)
        if progress_status is not None:
            if job["progress"].get("status") == progress_status:
                return job
        elif job["state"] in states:
            return job
        time.sleep(0.2)
    raise TimeoutError(f"job {job_id} is {job['state']}; log:\n{jobs.log_tail(job['run_dir'], 60)}")


def test_a_grpo_job_stopped_then_resumed_reaches_the_same_final_step(
    db_path: Path, tiny_model: Path, questions_file: Path
) -> None:
    from genreason.jobs.grpo import start_grpo_job

    job = start_grpo_job(db_path, preset="tiny-cpu", model=str(tiny_model),
                         questions_file=str(questions_file), overrides={"max_steps": "3"})
    # progress says "running" once the runner is up and turns SIGTERM into a stop request.
    _wait(db_path, job.id, (), progress_status="running")
    assert jobs.stop_job(db_path, job.id) is True
    stopped = _wait(db_path, job.id, ("stopped", "failed", "done"))
    assert stopped["state"] == "stopped", jobs.log_tail(job.run_dir, 60)
    first = stopped["progress"]["step"]
    assert 1 <= first < 3 and last_checkpoint(job.run_dir) == job.run_dir / f"checkpoint-{first}"

    jobs.resume_job(db_path, job.id)
    done = _wait(db_path, job.id, ("done", "failed"))
    assert done["state"] == "done", jobs.log_tail(job.run_dir, 60)
    assert done["progress"]["step"] == 3 and done["progress"]["attempt"] == 2
    assert done["progress"]["resumed_from"].endswith(f"checkpoint-{first}")
    # Each step trained once: the resumed attempt continued, it did not start over.
    assert [m["step"] for m in _lines(job.run_dir / "metrics.jsonl")] == [1, 2, 3]
    state = json.loads((job.run_dir / "checkpoint-3" / "trainer_state.json").read_text())
    assert state["global_step"] == 3
    assert (job.run_dir / "final" / "model.safetensors").exists()


def test_a_bad_setting_is_refused_before_a_job_is_recorded(db_path: Path, tiny_model: Path,
                                                           questions_file: Path) -> None:
    from genreason.jobs.grpo import start_grpo_job

    with pytest.raises(ValueError, match="--set max_stpes"):
        start_grpo_job(db_path, preset="tiny-cpu", model=str(tiny_model),
                       questions_file=str(questions_file), overrides={"max_stpes": "3"})
    assert not jobs.runs_root(db_path).exists()
