"""GRPO step time with our reward and logging vs TRL with a trivial reward (tiny model, CPU).

    .venv/bin/python bench/bench_grpo.py                         # prints a markdown report
    .venv/bin/python bench/bench_grpo.py --out bench/results/bench_grpo.md --steps 10 --repeats 2

Same model, data, preset (tiny-cpu, made longer: `--steps`), seed and torch thread count in
both arms, in one process, alternating arms (A B A B ...) so machine load drifts evenly:

- **trl**: `GRPOTrainer` with a trivial reward (`zero_reward`: 0 for every completion), no
  callbacks of ours, `log_completions=False`;
- **ours**: `genreason.train.grpo.train_grpo`: the paper's reward through the rule verifier
  (in-process), per-sample components to completions.jsonl, TRL's completion parquet tables,
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
            cfg = preset("tiny-cpu", model=str(model), output_dir=str(work / f"{arm}-{r}"),
                         questions_file=str(qfile), max_steps=args.steps, save_steps=args.steps)
            if arm == "trl":
                from genreason.train.data import load_questions

                rows, _ = build_prompt_rows(load_questions(questions_file=str(qfile)),
                                            AutoTokenizer.from_pretrained(str(model)), cfg.max_prompt_tokens)
                times[arm] += run_trl(cfg, rows)[1:]
            else:
                times[arm] += run_ours(cfg)[1:]
    med = {k: statistics.median(v) for k, v in times.items()}
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
        "(2 prompts x 4 rollouts per step, 24-token completions, checkpoint only at the end), "
        f"{args.steps} steps per run, {args.repeats} runs per arm, alternating.",
        "",
        "| arm | steps timed | median step (s) | mean step (s) |",
        "|---|---:|---:|---:|",
        *[f"| {k} | {len(v)} | {med[k]:.4f} | {statistics.mean(v):.4f} |" for k, v in times.items()],
        "",
        f"Overhead of ours over TRL: **{overhead * 100:+.1f}%** (target <= +10%).",
    ])
    print(report)
    if args.out:
        args.out.write_text(report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
