"""`genreason tiny-model`: build a small random-weight Qwen2-style model for offline use.

    genreason tiny-model --out data/models/tiny
    genreason tiny-model --out data/models/tiny-wide --hidden 128 --layers 4 --vocab-size 2048

The folder loads with transformers' AutoModelForCausalLM / AutoTokenizer, `HFBackend`, and
`transformers serve`. See genreason.llm.tiny.
"""

from __future__ import annotations

import argparse
import logging
import time

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from genreason.llm.tiny import TinyModelConfig

    d = TinyModelConfig()
    parser.add_argument("--out", required=True, help="folder to write the model into")
    parser.add_argument(
        "--vocab-size", type=int, default=d.vocab_size, help="model vocabulary size"
    )
    parser.add_argument("--hidden", type=int, default=d.hidden_size, help="hidden size")
    parser.add_argument("--layers", type=int, default=d.layers, help="decoder layers")
    parser.add_argument("--heads", type=int, default=d.heads, help="attention heads")
    parser.add_argument("--kv-heads", type=int, default=d.kv_heads, help="key/value heads")
    parser.add_argument("--intermediate", type=int, default=d.intermediate_size, help="MLP width")
    parser.add_argument("--seed", type=int, default=d.seed, help="seed for weights and corpus")


def run(args: argparse.Namespace) -> int:
    from genreason.llm.tiny import TinyModelConfig, build_tiny_model

    try:
        config = TinyModelConfig(
            vocab_size=args.vocab_size,
            hidden_size=args.hidden,
            layers=args.layers,
            heads=args.heads,
            kv_heads=args.kv_heads,
            intermediate_size=args.intermediate,
            seed=args.seed,
        )
    except ValueError as exc:
        log.error("%s", exc)
        return 2
    started = time.perf_counter()
    out = build_tiny_model(args.out, config)
    print(f"wrote {out} in {time.perf_counter() - started:.1f}s")
    return 0
