"""GRPO step time with our reward and logging vs TRL with a trivial reward (tiny model, CPU).

    .venv/bin/python bench/bench_grpo.py                         # prints a markdown report
    .venv/bin/python bench/bench_grpo.py --out bench/results/bench_grpo.md --steps 10 --repeats 2

Same model, data, preset (tiny-cpu, made longer: `--steps`), seed and torch thread count in
both arms, in one process, alternating arms (A B A B ...) so machine load drifts evenly:

- **trl**: `GRPOTrainer` with a trivial reward (`zero_reward`: 0 for every completion), no
  callbacks of ours, `log_completions=False`;
- **ours**: `genreason.train.grpo.train_grpo`: the paper's reward through the rule verifier
  (in-process; last lines read as answers, so nearly every completion is judged), per-sample components to completions.jsonl, TRL's completion parquet tables,
  metrics.jsonl, progress and the stop check after every step.

Step time is wall time from on_step_begin to on_step_end (generation, reward, loss, update),
median over steps 2..N of every run of the arm (step 1 warms up). Target: ours at most 10% over.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

QUESTIONS = [
    ("What is 6 times 7?", "42"), ("What is the chemical symbol of sodium?", "Na"),
    ("How many sides does a hexagon have?", "6"), ("What is 1/4 written as a decimal?", "0.25"),
    ("What is 15 + 27?", "42"), ("What is the square root of 81?", "9"),
    ("How many minutes are in 2 hours?", "120"), ("What gas do plants absorb for photosynthesis?", "CO2"),
]


def zero_reward(completions: list, **kwargs: object) -> list[float]:
    """The trivial reward of the baseline arm."""
    return [0.0] * len(completions)


def _timer():  # noqa: ANN202
    from transformers import TrainerCallback

    class StepTimer(TrainerCallback):
        def __init__(self) -> None:
            self.times: list[float] = []

        def on_step_begin(self, args, state, control, **kw):  # noqa: ANN001, ANN003, ANN201
            self._t = time.perf_counter()

        def on_step_end(self, args, state, control, **kw):  # noqa: ANN001, ANN003, ANN201
            self.times.append(time.perf_counter() - self._t)

    return StepTimer()


def run_trl(cfg, rows) -> list[float]:  # noqa: ANN001
    from dataclasses import replace

    from transformers import AutoTokenizer
    from trl import GRPOTrainer

    from genreason.train.config import to_grpo_config
    from genreason.train.data import to_dataset

    timer = _timer()
    args = to_grpo_config(replace(cfg, log_completions=False))
    trainer = GRPOTrainer(model=cfg.model, reward_funcs=[zero_reward], args=args,
                          train_dataset=to_dataset(rows), processing_class=AutoTokenizer.from_pretrained(cfg.model),
                          callbacks=[timer])
    trainer.train()
    return timer.times


def run_ours(cfg) -> list[float]:  # noqa: ANN001
    from genreason.train.grpo import train_grpo

    timer = _timer()
    train_grpo(cfg, should_stop=lambda: False, progress=lambda **kw: None, extra_callbacks=[timer])
    return timer.times


def time_reward(model: Path, calls: int = 50) -> float:
    """Mean seconds of one reward call on 8 varied completions (the tiny-cpu step's batch)."""
    from genreason.rewards import VerifiedReward

    reward = VerifiedReward("rule", tokenizer=str(model), judge_options={"workers": 0},
                            log_path=Path(tempfile.mkdtemp()) / "c.jsonl", paper_extraction=False)
    completions = [f"We add the numbers step by step.\nSo the result is {i * 7}" for i in range(6)]
    completions += ["The answer is \\boxed{42}.", "Final Answer: Na\n"]
    refs = ["42", "Na", "6", "0.25", "42", "9", "42", "Na"]
    reward(["q"] * 8, completions, reference=refs)  # warm-up: tokenizer and verifier built
    started = time.perf_counter()
    for _ in range(calls):
        reward(["q"] * 8, completions, reference=refs)
    return (time.perf_counter() - started) / calls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    import torch
    from transformers import AutoTokenizer

    from genreason.llm.tiny import tiny_model_dir
    from genreason.train.config import preset
    from genreason.train.data import build_prompt_rows

    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    model = tiny_model_dir()
    work = Path(tempfile.mkdtemp(prefix="bench-grpo-"))
    qfile = work / "q.jsonl"
    qfile.write_text("".join(json.dumps({"id": f"b{i}", "question": q, "answer": a}) + "\n"
                             for i, (q, a) in enumerate(QUESTIONS)))
    load = os.getloadavg()[0]
    times: dict[str, list[float]] = {"trl": [], "ours": []}
    for r in range(args.repeats):
        for arm in ("trl", "ours"):
            # paper_extraction=False: the random tiny model never writes a box, so under the
            # paper's reading nothing would reach the judge; reading last lines as answers makes
            # the rule verifier judge (nearly) every completion, the costlier case.
            cfg = preset("tiny-cpu", model=str(model), output_dir=str(work / f"{arm}-{r}"),
                         questions_file=str(qfile), max_steps=args.steps, save_steps=args.steps,
                         paper_extraction=False)
            if arm == "trl":
                from genreason.train.data import load_questions

                rows, _ = build_prompt_rows(load_questions(questions_file=str(qfile)),
                                            AutoTokenizer.from_pretrained(str(model)), cfg.max_prompt_tokens)
                times[arm] += run_trl(cfg, rows)[1:]
            else:
                times[arm] += run_ours(cfg)[1:]
    med = {k: statistics.median(v) for k, v in times.items()}
    reward_s = time_reward(model)
    overhead = med["ours"] / med["trl"] - 1
    report = "\n".join([
        "# GRPO step time: our reward and logging vs TRL with a trivial reward",
        "",
        f"Command: `python bench/bench_grpo.py --steps {args.steps} --repeats {args.repeats}"
        + (f" --out {args.out}`" if args.out else "`"),
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch "
        f"{torch.__version__} ({torch.get_num_threads()} threads), Python {platform.python_version()}; "
        f"1-min load average at start {load:.2f}",
        "Model: tiny random-weight Qwen2 (hidden 64, 2 layers), float32, CPU; preset tiny-cpu "
        "(2 prompts x 4 rollouts per step, 24-token completions, checkpoint only at the end; "
        "ours judges every answered completion with the rule verifier), "
        f"{args.steps} steps per run, {args.repeats} runs per arm, alternating.",
        "",
        "| arm | steps timed | median step (s) | mean step (s) |",
        "|---|---:|---:|---:|",
        *[f"| {k} | {len(v)} | {med[k]:.4f} | {statistics.mean(v):.4f} |" for k, v in times.items()],
        "",
        f"Overhead of ours over TRL: **{overhead * 100:+.1f}%** (target <= +10%).",
        "",
        f"The reward alone (8 completions, rule judge in-process, per-sample log): {reward_s * 1000:.1f} ms "
        f"per call, {reward_s / med['trl'] * 100:.1f}% of TRL's median step; the step-time difference above "
        "is machine noise when it is smaller than that.",
    ])
    print(report)
    if args.out:
        args.out.write_text(report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
