"""GPU readiness for training: vLLM generation throughput and a few GRPO steps with vLLM colocated.

    python scripts/gpu_grpo_check.py --out /tmp/grpo_check.jsonl        # on one GPU
    python scripts/gpu_grpo_check.py --smoke                            # CPU, tiny model: checks the script

Builds a random-weight model with the shape of Qwen2.5-0.5B (hidden 896, 24 layers, 14 heads,
2 KV heads, MLP 4864, vocab 151,936) and a tokenizer trained on the spot, on the GPU, then
1. vLLM generation: `--prompts` paper-style prompts x 8 samples, `--max-new-tokens`, tokens/s;
2. GRPO: `--steps` optimizer steps of the tiny-cpu preset scaled to the GPU (bf16, vllm
   colocate, 8 prompts x 8 rollouts per step, 256-token responses) through
   `genreason.train.grpo.train_grpo` (our reward and logging included): median step time,
   completion tokens/s, peak GPU memory.
Each part prints one JSON row (and appends it to --out). Random weights rarely stop early, so
completions run to their limit: the numbers are for that length. Exits 2 without a GPU.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

QWEN25_05B_SHAPE = dict(vocab_size=151936, hidden_size=896, layers=24, heads=14, kv_heads=2,
                        intermediate_size=4864, max_positions=32768, init_std=0.02)
QUESTIONS = ["What is 6 times 7?", "How many sides does a hexagon have?", "What is 1/4 as a decimal?",
             "What is the chemical symbol of sodium?", "What is 15 + 27?", "What is the square root of 81?",
             "How many minutes are in 2 hours?", "What gas do plants absorb in photosynthesis?"]
ANSWERS = ["42", "6", "0.25", "Na", "42", "9", "120", "CO2"]


def emit(row: dict, out: str | None) -> None:
    print(json.dumps(row), flush=True)
    if out:
        with open(out, "a") as f:
            f.write(json.dumps(row) + "\n")


def build_model(folder: Path, smoke: bool) -> Path:
    from genreason.llm.tiny import TinyModelConfig, build_tiny_model, tiny_model_dir

    if smoke:
        return tiny_model_dir()
    if not (folder / "config.json").exists():
        build_tiny_model(folder, TinyModelConfig(**QWEN25_05B_SHAPE, tokenizer_vocab=8192),
                         dtype="bfloat16", device="cuda")
    return folder


def vllm_generation(model: Path, args: argparse.Namespace) -> dict:
    from vllm import LLM, SamplingParams

    from genreason.train.data import paper_prompt

    llm = LLM(model=str(model), gpu_memory_utilization=0.5, max_model_len=2048, seed=0)
    prompts = [[m for m in paper_prompt(QUESTIONS[i % len(QUESTIONS)])] for i in range(args.prompts)]
    params = SamplingParams(n=8, temperature=1.0, max_tokens=args.max_new_tokens, ignore_eos=True)
    llm.chat(prompts[:4], params)  # warm-up
    started = time.perf_counter()
    outputs = llm.chat(prompts, params)
    seconds = time.perf_counter() - started
    tokens = sum(len(c.token_ids) for o in outputs for c in o.outputs)
    del llm
    return {"check": "vllm_generation", "prompts": args.prompts, "samples": 8 * args.prompts,
            "completion_tokens": tokens, "seconds": round(seconds, 2), "tokens_per_s": round(tokens / seconds, 1)}


def grpo_steps(model: Path, work: Path, args: argparse.Namespace) -> dict:
    import torch

    from genreason.train.config import preset
    from genreason.train.grpo import train_grpo
    from genreason.train.runs import read_metrics

    qfile = work / "q.jsonl"
    qfile.write_text("".join(json.dumps({"id": f"g{i}", "question": q, "answer": a}) + "\n"
                             for i, (q, a) in enumerate(zip(QUESTIONS, ANSWERS, strict=True))))
    gpu = {} if args.smoke else {
        "bf16": True, "use_cpu": False, "vllm": "colocate" if args.vllm else "", "vllm_gpu_memory_utilization": 0.3,
        "prompts_per_step": 8, "mini_batch_prompts": 8, "micro_batch": 16, "rollouts": 8,
        "max_response_tokens": args.max_new_tokens, "gradient_checkpointing": True}
    cfg = preset("tiny-cpu", model=str(model), output_dir=str(work / "grpo"), questions_file=str(qfile),
                 max_steps=args.steps, save_steps=args.steps, **gpu)
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    started = time.perf_counter()
    result = train_grpo(cfg)
    seconds = time.perf_counter() - started
    rows = read_metrics(work / "grpo")
    times = [r["step_time_s"] for r in rows[1:] if r.get("step_time_s")] or [r["step_time_s"] for r in rows]
    tps = [r["tokens_per_s"] for r in rows if r.get("tokens_per_s")]
    return {"check": "grpo_vllm_colocate" if cfg.vllm else "grpo_transformers_generate", "steps": result["step"],
            "completions_per_step": cfg.prompts_per_step * cfg.rollouts,
            "max_response_tokens": cfg.max_response_tokens, "median_step_s": round(statistics.median(times), 3),
            "tokens_per_s": round(statistics.median(tps), 1) if tps else None,
            "peak_gpu_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if torch.cuda.is_available() else None,
            "wall_s": round(seconds, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=64, help="vLLM check: prompts (8 samples each)")
    parser.add_argument("--max-new-tokens", type=int, default=256)
    parser.add_argument("--steps", type=int, default=4, help="GRPO optimizer steps")
    parser.add_argument("--no-vllm", dest="vllm", action="store_false", help="GRPO without vLLM")
    parser.add_argument("--model-dir", type=Path, help="where to build (or reuse) the model")
    parser.add_argument("--out", help="append result rows (JSON lines) here")
    parser.add_argument("--only", choices=["generation", "grpo"], help="run one check (each in its own "
                        "process frees the GPU memory vLLM holds)")
    parser.add_argument("--smoke", action="store_true", help="CPU, tiny model, no vLLM: check the script")
    args = parser.parse_args(argv)
    import torch

    if not args.smoke and not torch.cuda.is_available():
        print("gpu_grpo_check: no CUDA device here (use --smoke to check the script on CPU)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="grpo-check-"))
    model = build_model(args.model_dir or work / "qwen2.5-0.5b-shape", args.smoke)
    if args.vllm and not args.smoke and args.only != "grpo":
        try:
            emit(vllm_generation(model, args), args.out)
        except ImportError:
            emit({"check": "vllm_generation", "skipped": "vllm is not installed"}, args.out)
            args.vllm = False
    if args.smoke:
        args.vllm = False
    if args.only != "generation":
        emit(grpo_steps(model, work, args), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
