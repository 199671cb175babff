"""Batched local generation vs one prompt at a time, through HFBackend on the tiny model.

    .venv/bin/python bench/bench_generation.py                       # prints a markdown report
    .venv/bin/python bench/bench_generation.py --out bench/results/bench_generation.md

Same prompts, same greedy decoding, same max_new_tokens, same torch thread count (1 by
default: on a shared 2-core machine, torch's spinning OpenMP threads slow small ops down
erratically when other processes compete); the only difference is the batch size (16 vs 1). One warm-up call loads the model first; each mode then runs once. The texts
of both runs are compared, since batching must not change greedy output. Target: >= 4x.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

TEMPLATE = (
    "User: ### Question: {q}\n\n### Ground Truth Answer: {a}\n\n### Student Answer: {s}\n\n"
    "For the above question, please verify if the student's answer is equivalent to the ground "
    'truth answer.\nIf the student\'s answer is correct, output "Final Decision: Yes". If the '
    'student\'s answer is incorrect, output "Final Decision: No". Assistant:'
)


def bench_prompts(count: int) -> list[str]:
    """Verifier-style prompts of varied length (so batches carry real left padding)."""
    out = []
    for i in range(count):
        q = f"What is {i} + {i * 7}?" + " Show the steps." * (i % 4)
        out.append(TEMPLATE.format(q=q, a=str(8 * i), s=f"\\boxed{{{8 * i + (i % 3 == 0)}}}"))
    return out


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import torch

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu}, {os.cpu_count()} cores, torch {torch.__version__} ({torch.get_num_threads()} threads), "
        f"Python {platform.python_version()}, {platform.system()}; 1-min load average at start {load:.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prompts", type=int, default=32, help="prompts per run")
    parser.add_argument("--batch-size", type=int, default=16, help="batch size of the batched run")
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--model", help="model folder (default: build the tiny model)")
    parser.add_argument(
        "--threads", type=int, default=1, help="torch CPU threads (0 = torch's default)"
    )
    parser.add_argument("--out", help="also write the markdown report here")
    args = parser.parse_args(argv)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)

    from genreason.llm.base import SamplingParams
    from genreason.llm.hf import HFBackend
    from genreason.llm.tiny import TinyModelConfig, tiny_model_dir

    model = args.model or str(
        tiny_model_dir(TinyModelConfig(), Path(tempfile.gettempdir()) / "genreason-bench")
    )
    prompts = bench_prompts(args.prompts)
    params = SamplingParams(max_new_tokens=args.max_new_tokens)
    batched = HFBackend(model, device="cpu", batch_size=args.batch_size)
    single = HFBackend(model, device="cpu", batch_size=1)
    batched.generate(prompts[:2], params)  # load + warm up both
    single.generate(prompts[:1], params)

    t0 = time.perf_counter()
    gens_b = batched.generate(prompts, params)
    t_batched = time.perf_counter() - t0
    t0 = time.perf_counter()
    gens_s = single.generate(prompts, params)
    t_single = time.perf_counter() - t0

    tokens = sum(g.completion_tokens for g in gens_b)
    same = sum(a.text == b.text for a, b in zip(gens_b, gens_s, strict=True))
    ratio = t_single / t_batched
    command = "python bench/bench_generation.py " + " ".join(sys.argv[1:] if argv is None else argv)
    report = f"""# Batched vs one-at-a-time generation (HFBackend, tiny model)

Command: `{command.strip()}`
Machine: {machine()}
Model: {model if args.model else "tiny random-weight Qwen2 (hidden 64, 2 layers, 4 heads, vocab 1024), float32, CPU"}
Prompts: {len(prompts)} verifier-style prompts, greedy, max_new_tokens={args.max_new_tokens}; one run per mode after a warm-up.

| mode | batch size | seconds | completion tokens/s |
|---|---:|---:|---:|
| one prompt at a time | 1 | {t_single:.2f} | {tokens / t_single:.0f} |
| batched | {args.batch_size} | {t_batched:.2f} | {tokens / t_batched:.0f} |

Speed-up: **{ratio:.1f}x** (target >= 4x). Greedy texts identical in both modes: {same}/{len(prompts)}.
"""
    print(report)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
