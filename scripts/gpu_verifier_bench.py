"""Model-verifier throughput on a GPU: judgments per second at the paper's verifier size.

    python scripts/gpu_verifier_bench.py                      # transformers, and vLLM if installed
    python scripts/gpu_verifier_bench.py --judgments 1000 --max-new-tokens 128 --backends hf,vllm
    python scripts/gpu_verifier_bench.py --tokenizer /models/Qwen2.5-Math-1.5B   # a real tokenizer

Builds a random-weight model with the shape of Qwen2.5-1.5B (the base of the paper's 1.5B
general-verifier: hidden 1536, 28 layers, 12 heads, 2 KV heads, MLP 8960, vocab 151,936) and a
tokenizer trained on the spot (or the one given), then judges synthetic items with the paper's
verifier prompt through `genreason.verify.model.ModelVerifier` (a formatted prompt if that
module is missing), greedy. Random weights rarely emit end-of-sequence, so nearly every
judgment runs to --max-new-tokens: the numbers are for that decode length. The first few
judgments warm the backend up and are not timed.

Needs a CUDA GPU; exits with status 2 and a message where there is none (CI has none).
`--smoke` runs the same code on CPU with the tiny test model instead, to check the script
itself (tests/llm/test_gpu_verifier_bench.py does); its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

log = logging.getLogger("gpu_verifier_bench")

QWEN25_15B_SHAPE = dict(
    vocab_size=151936,
    hidden_size=1536,
    layers=28,
    heads=12,
    kv_heads=2,
    intermediate_size=8960,
    max_positions=32768,
    init_std=0.02,
)


def synthetic_items(count: int) -> list:
    """Items whose responses end in a boxed answer, half right and half wrong."""
    from genreason.judging import Item

    items = []
    for i in range(count):
        a, b = 17 + i, 3 + (i % 11)
        right = a * b
        answer = right if i % 2 == 0 else right + 1
        items.append(
            Item(
                question=f"A crate holds {b} boxes of {a} bolts each. How many bolts are in the crate?",
                reference=str(right),
                response=f"Each box has {a} bolts and there are {b} boxes, so {a} x {b} = {answer}. "
                f"The answer is \\boxed{{{answer}}}.",
                answer_type="Integer",
                item_id=f"bench-{i}",
            )
        )
    return items


def make_judge(backend, max_new_tokens: int):
    """ModelVerifier when the verify module exists; else a minimal stand-in with the same prompt."""
    try:
        from genreason.verify.model import ModelVerifier
    except ImportError:
        ModelVerifier = None  # noqa: N806
    if ModelVerifier is not None:
        verifier = ModelVerifier(backend, max_new_tokens=max_new_tokens)
        return verifier.verify_batch, "genreason.verify.model.ModelVerifier"

    from genreason.llm.base import SamplingParams

    template = (
        "User: ### Question: {q}\n\n### Ground Truth Answer: {a}\n\n### Student Answer: {s}\n\n"
        "For the above question, please verify if the student's answer is equivalent to the ground truth answer.\n"
        "Do not solve the question by yourself; just check if the student's answer is equivalent to the ground truth answer.\n"
        "If the student's answer is correct, output \"Final Decision: Yes\". If the student's answer is incorrect, "
        'output "Final Decision: No". Assistant:'
    )
    params = SamplingParams(max_new_tokens=max_new_tokens)

    def judge(items):
        prompts = [
            template.format(
                q=it.question, a=it.reference, s=it.response.rsplit("{", 1)[-1].rstrip("}.")
            )
            for it in items
        ]
        return backend.generate(prompts, params)

    return judge, "formatted prompt (genreason.verify.model not found)"


def run_backend(name: str, model_dir: Path, args: argparse.Namespace) -> dict:
    import torch

    from genreason.llm import make_backend

    device = "cpu" if args.smoke else "cuda"
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    options: dict = {}
    if name == "hf":
        dtype = "float32" if args.smoke else "bfloat16"
        options = {"device": device, "dtype": dtype, "batch_size": args.batch_size}
    elif name == "vllm":
        options = {
            "dtype": "bfloat16",
            "max_model_len": 4096,
            "gpu_memory_utilization": args.gpu_memory_utilization,
        }
    started = time.perf_counter()
    backend = make_backend(name, str(model_dir), **options)
    judge, how = make_judge(backend, args.max_new_tokens)
    items = synthetic_items(args.judgments + args.warmup)
    judge(items[: args.warmup])  # load the model, compile kernels, size caches
    ready = time.perf_counter() - started

    sync()
    t0 = time.perf_counter()
    results = judge(items[args.warmup :])
    sync()
    seconds = time.perf_counter() - t0
    tokens = 0
    for r in results:
        cost = getattr(r, "cost", None)
        tokens += (
            int(cost.get("completion_tokens", 0))
            if cost
            else int(getattr(r, "completion_tokens", 0))
        )
    row = {
        "backend": name,
        "judge": how,
        "judgments": len(results),
        "seconds": round(seconds, 2),
        "judgments_per_s": round(len(results) / seconds, 2),
        "completion_tokens_per_s": round(tokens / seconds, 1),
        "load_and_warmup_s": round(ready, 1),
        "max_new_tokens": args.max_new_tokens,
        "batch_size": args.batch_size if name == "hf" else None,
    }
    print(json.dumps(row), flush=True)
    del backend
    if device == "cuda":
        torch.cuda.empty_cache()
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--judgments", type=int, default=1000, help="timed judgments per backend")
    parser.add_argument("--warmup", type=int, default=16, help="untimed judgments first")
    parser.add_argument(
        "--max-new-tokens", type=int, default=128, help="decode budget per judgment"
    )
    parser.add_argument("--batch-size", type=int, default=128, help="HFBackend sequences per batch")
    parser.add_argument("--backends", default="hf,vllm", help="comma list of hf, vllm")
    parser.add_argument(
        "--gpu-memory-utilization", type=float, default=0.85, help="vLLM's share of GPU memory"
    )
    parser.add_argument("--tokenizer", help="a saved tokenizer to use instead of training one")
    parser.add_argument("--model-dir", help="where to build (or reuse) the random-weight model")
    parser.add_argument("--out", help="append result rows (JSON lines) here")
    parser.add_argument(
        "--smoke", action="store_true", help="tiny model on CPU, to test the script"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    try:
        import torch
    except ImportError:
        print(
            "gpu_verifier_bench: torch is not installed; pip install 'genreason[models]'",
            file=sys.stderr,
        )
        return 2
    if not torch.cuda.is_available() and not args.smoke:
        print(
            "gpu_verifier_bench: no CUDA device here; this benchmark needs a GPU (it is not part "
            "of the CPU test suite). Nothing was run.",
            file=sys.stderr,
        )
        return 2

    from genreason.llm.tiny import TinyModelConfig, build_tiny_model

    config = TinyModelConfig() if args.smoke else TinyModelConfig(**QWEN25_15B_SHAPE)
    model_dir = Path(
        args.model_dir or Path(tempfile.gettempdir()) / f"genreason-verifier-bench-{config.key()}"
    )
    if not (model_dir / "config.json").exists():
        t0 = time.perf_counter()
        build_tiny_model(
            model_dir,
            config,
            tokenizer_path=args.tokenizer,
            dtype="float32" if args.smoke else "bfloat16",
            device="cpu" if args.smoke else "cuda",
        )
        log.info(
            "built the random-weight model in %.0fs at %s", time.perf_counter() - t0, model_dir
        )
    device_name = "cpu (smoke test)" if args.smoke else torch.cuda.get_device_name(0)
    print(
        json.dumps(
            {"device": device_name, "torch": torch.__version__, "model_dir": str(model_dir)}
        ),
        flush=True,
    )

    rows = []
    backends = ["hf"] if args.smoke else [b.strip() for b in args.backends.split(",") if b.strip()]
    for name in backends:
        if name == "vllm":
            try:
                import vllm  # noqa: F401
            except ImportError:
                print(
                    json.dumps({"backend": "vllm", "skipped": "vllm is not installed"}), flush=True
                )
                continue
        rows.append(run_backend(name, model_dir, args))
    if args.out:
        with open(args.out, "a") as fh:
            for row in rows:
                fh.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
