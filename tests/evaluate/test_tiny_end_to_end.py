"""Every benchmark end to end with the tiny random-weight model: load, prompt, generate, judge, store.

The tiny model's answers are noise; these tests check the path (prompts built by the protocol,
one record per question with its prompt and output, judge and protocol recorded, unanswered
outputs counted) and that the job kind stores the same kind of result.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from genreason import store
from genreason.evaluate.protocols import BOXED_SUFFIX
from genreason.evaluate.runner import EvalConfig, run_evaluation, save_result
from genreason.store.evals import eval_records, list_eval_runs

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def backend(tiny_model: Path):
    from genreason.llm.hf import HFBackend

    return HFBackend(str(tiny_model), device="cpu", batch_size=8)


def _data(name: str, gpqa_csv: Path, supergpqa_jsonl: Path) -> str | None:
    return {"gpqa": str(gpqa_csv), "supergpqa": str(supergpqa_jsonl)}.get(name)


@pytest.mark.slow
@pytest.mark.parametrize("benchmark", ["mmlu_pro", "gpqa", "supergpqa", "theoremqa", "bbeh", "math500", "gsm8k"])
def test_each_benchmark_runs_end_to_end(benchmark: str, backend, tiny_model: Path, db_path: Path,
                                        gpqa_csv: Path, supergpqa_jsonl: Path) -> None:
    data = _data(benchmark, gpqa_csv, supergpqa_jsonl)
    if data is None:
        from genreason.evaluate.loaders import benchmark_file

        try:
            benchmark_file(benchmark)
        except ValueError:
            pytest.skip("shared real data not found")
    config = EvalConfig(benchmark=benchmark, backend="hf", model=str(tiny_model), data=data, limit=3,
                        max_new_tokens=12, batch_size=3)
    result = run_evaluation(config, backend)
    assert result.run["protocol"] == "zero-shot-boxed" and result.run["judge"]
    assert result.summary["questions"] == 3 and len(result.records) == 3
    s = result.summary
    assert s["correct"] + (s["outputs"] - s["correct"]) == 3 and s["no_answer"] + s["undecided"] <= 3
    for r in result.records:
        assert r["prompt"].endswith(BOXED_SUFFIX) and isinstance(r["output"], str)
        assert r["status"] in ("correct", "wrong", "no_answer", "undecided")
    with store.connect(db_path) as con:
        run_id = save_result(con, result)
    with store.connect(db_path, read_only=True) as con:
        assert len(eval_records(con, run_id)) == 3
        assert list_eval_runs(con)[0]["model"] == str(tiny_model)


@pytest.mark.slow
def test_mmlu_pro_five_shot_prompt_and_greedy_repeatability(backend, tiny_model: Path, fewshot_jsonl: Path,
                                                            tmp_path: Path) -> None:
    from genreason.evaluate.loaders import benchmark_file

    try:
        source = benchmark_file("mmlu_pro")
    except ValueError:
        pytest.skip("shared real data not found")
    # Two of MMLU-Pro's own math questions, in its file format, so the few-shot pool matches.
    math_lines = [line for line in source.read_text().splitlines() if '"category": "math"' in line][:2]
    subset = tmp_path / "mmlu_pro_math.jsonl"
    subset.write_text("\n".join(math_lines) + "\n")
    config = EvalConfig(benchmark="mmlu_pro", backend="hf", model=str(tiny_model), protocol="5-shot-cot",
                        data=str(subset), fewshot_file=str(fewshot_jsonl), max_new_tokens=8)
    first = run_evaluation(config, backend)
    prompt = first.records[0]["prompt"]
    assert prompt.startswith("The following are multiple choice questions (with answers) about math.")
    assert prompt.count("Question:\n") == 6 and prompt.endswith("Answer: Let's think step by step.")
    assert first.run["protocol"] == "5-shot-cot"
    again = run_evaluation(config, backend)
    assert [r["output"] for r in again.records] == [r["output"] for r in first.records]
    assert again.summary == first.summary


@pytest.mark.slow
def test_eval_job_generates_resumes_and_stores(tiny_model: Path, db_path: Path, gpqa_csv: Path) -> None:
    from genreason.jobs import create_job, run_job
    from genreason.jobs.eval import prepare

    config, _ = prepare(db_path, {"eval": {"benchmark": "gpqa", "backend": "hf", "model": str(tiny_model),
                                           "data": str(gpqa_csv), "max_new_tokens": 8, "batch_size": 2,
                                           "backend_options": {"device": "cpu"}}})
    job = create_job(db_path, "eval", config)
    # An earlier attempt already answered the first question: the job must not ask it again.
    (job.run_dir / "outputs.jsonl").write_text(
        '{"question_id": "gpqa:recFix001", "sample": 0, "output": "The answer is \\\\boxed{N}", "prompt": "p"}\n')
    assert run_job(job.run_dir) == 0
    with store.connect(db_path, read_only=True) as con:
        runs = list_eval_runs(con)
        records = eval_records(con, runs[0]["id"])
    assert runs[0]["job_id"] == job.id and runs[0]["questions"] == 3
    assert [r["question_id"] for r in records] == ["gpqa:recFix001", "gpqa:recFix002", "gpqa:recFix003"]
    assert records[0]["prompt"] == "p"  # kept from the earlier attempt


@pytest.mark.slow
def test_eval_job_asks_again_a_question_whose_samples_were_cut_short(tiny_model: Path, db_path: Path,
                                                                     gpqa_csv: Path) -> None:
    from genreason.jobs import create_job, run_job
    from genreason.jobs.eval import prepare

    config, _ = prepare(db_path, {"eval": {"benchmark": "gpqa", "backend": "hf", "model": str(tiny_model),
                                           "data": str(gpqa_csv), "max_new_tokens": 4, "samples": 2, "limit": 1,
                                           "backend_options": {"device": "cpu"}}})
    job = create_job(db_path, "eval", config)
    # One of two samples written before a crash: the question is generated again, both samples.
    (job.run_dir / "outputs.jsonl").write_text(
        '{"question_id": "gpqa:recFix001", "sample": 0, "output": "cut", "prompt": "p"}\n')
    assert run_job(job.run_dir) == 0
    with store.connect(db_path, read_only=True) as con:
        records = eval_records(con, job.id)
    assert [r["sample"] for r in records] == [0, 1] and records[0]["output"] != "cut"


def test_job_config_is_checked_before_anything_is_recorded(db_path: Path, gpqa_csv: Path) -> None:
    from genreason.jobs.eval import prepare

    with pytest.raises(ValueError, match="not a folder"):
        prepare(db_path, {"eval": {"benchmark": "gpqa", "backend": "hf", "model": "/no/such/model",
                                   "data": str(gpqa_csv)}})
    with pytest.raises(ValueError, match="unknown benchmark"):
        prepare(db_path, {"eval": {"benchmark": "mmlu", "backend": "hf", "model": "x"}})
    assert not db_path.exists()


@pytest.mark.slow
def test_several_samples_give_pass_and_maj_at_k(backend, tiny_model: Path, gpqa_csv: Path) -> None:
    config = EvalConfig(benchmark="gpqa", backend="hf", model=str(tiny_model), data=str(gpqa_csv), samples=4,
                        max_new_tokens=8)
    result = run_evaluation(config, backend)
    s = result.summary
    assert (s["questions"], s["samples"], s["outputs"]) == (3, 4, 12)
    assert set(s["pass_at"]) == {"1", "2", "4"} and set(s["maj_at"]) == {"1", "2", "4"}
    assert s["pass_at"]["1"] == pytest.approx(s["accuracy"])  # pass@1 is the mean accuracy
    assert sorted({r["sample"] for r in result.records}) == [0, 1, 2, 3]
    assert result.run["config"]["protocol_settings"]["temperature"] == 1.0


@pytest.mark.slow
def test_start_eval_job_runs_a_checkpoint_in_the_background(tiny_model: Path, db_path: Path, gpqa_csv: Path) -> None:
    """What the Training page's one click does: start_eval_job on a model folder, then the result."""
    from genreason.jobs import wait_job
    from genreason.jobs.eval import start_eval_job

    job = start_eval_job(db_path, tiny_model, "gpqa", data=str(gpqa_csv), limit=2, max_new_tokens=4,
                         backend_options={"device": "cpu"})
    finished = wait_job(db_path, job.id, timeout_s=300, poll_s=0.5)
    assert finished["state"] == "done", finished.get("error")
    with store.connect(db_path, read_only=True) as con:
        run = next(r for r in list_eval_runs(con) if r["job_id"] == job.id)
    assert run["questions"] == 2 and run["model"] == str(tiny_model)
    assert finished["progress"]["eval_run"] == run["id"]
