"""Tiny random-weight models for offline tests, the demo and benchmarks.

No model hub is reachable from the machines this project runs on, so tests build their own
model: a Qwen2-style decoder (transformers `Qwen2Config` / `Qwen2ForCausalLM`) with random
weights and a byte-level BPE tokenizer trained on the spot with `tokenizers` over a small
built-in corpus (numbers, LaTeX, boxed answers, the verifier's "Final Decision: Yes/No").
The tokenizer is wrapped as a fast tokenizer with pad/eos tokens and a ChatML chat template,
and everything is written with `save_pretrained`, so `AutoModelForCausalLM` and
`AutoTokenizer` load the folder offline like any other checkpoint.

    genreason tiny-model --out data/models/tiny          # CLI
    build_tiny_model("data/models/tiny")                 # library
    tiny_model_dir(TinyModelConfig(), root)              # build once, reuse (tests)

Building is deterministic given the seed and takes about a second on one CPU core.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Bump when the build changes what it writes, so cached builds (tiny_model_dir) are redone.
BUILD_RECIPE = 3

# Qwen/ChatML special tokens. `<|endoftext|>` pads, `<|im_end|>` ends an assistant turn.
PAD_TOKEN = "<|endoftext|>"
EOS_TOKEN = "<|im_end|>"
SPECIAL_TOKENS = (PAD_TOKEN, "<|im_start|>", EOS_TOKEN)

# Pre-tokenizer split of Qwen2's tokenizer (one digit per piece, letters with their leading
# mark, runs of punctuation, whitespace), from its published tokenizer configuration.
QWEN2_SPLIT_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

# ChatML: <|im_start|>{role}\n{content}<|im_end|>\n per message, then the assistant header.
CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}"
)


@dataclass(frozen=True)
class TinyModelConfig:
    """Shape of a tiny Qwen2-style model and its tokenizer."""

    vocab_size: int = 1024  # model vocabulary (>= the trained tokenizer's size)
    hidden_size: int = 64  # width of the residual stream
    layers: int = 2  # decoder layers
    heads: int = 4  # attention heads
    kv_heads: int = 2  # key/value heads (grouped-query attention, as in Qwen2)
    intermediate_size: int = 128  # MLP width
    max_positions: int = 4096  # longest sequence the rotary embedding is set up for
    tokenizer_vocab: int | None = None  # BPE target size; None = vocab_size
    # Weight init std. Larger than Qwen2's 0.02 so greedy output depends on the prompt
    # instead of collapsing to one repeated token (tests compare outputs across prompts).
    init_std: float = 0.2
    seed: int = 0  # seeds the weights and the generated part of the corpus

    def __post_init__(self) -> None:
        if self.vocab_size < 300:
            raise ValueError(
                f"vocab_size must be >= 300 (256 bytes + specials), got {self.vocab_size}"
            )
        for name in ("hidden_size", "layers", "heads", "kv_heads", "intermediate_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.hidden_size % self.heads:
            raise ValueError(
                f"hidden_size {self.hidden_size} is not divisible by heads {self.heads}"
            )
        if (self.hidden_size // self.heads) % 2:
            raise ValueError("hidden_size / heads must be even (rotary embeddings)")
        if self.heads % self.kv_heads:
            raise ValueError(f"heads {self.heads} is not divisible by kv_heads {self.kv_heads}")
        if self.init_std <= 0:
            raise ValueError(f"init_std must be > 0, got {self.init_std}")
        if self.tokenizer_vocab is not None and not 300 <= self.tokenizer_vocab <= self.vocab_size:
            raise ValueError("tokenizer_vocab must be in [300, vocab_size]")

    def key(self) -> str:
        """A short stable hash of this config and the build recipe (names a cached build)."""
        blob = json.dumps({**asdict(self), "recipe": BUILD_RECIPE}, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:12]


def training_corpus(seed: int = 0) -> list[str]:
    """The built-in text the tokenizer is trained on: prose, numbers, LaTeX, verdicts."""
    rng = random.Random(seed)
    fixed = [
        "Please reason step by step, and put your final answer within \\boxed{}.",
        "For the above question, please verify if the student's answer is equivalent to the "
        "ground truth answer.",
        "Do not solve the question by yourself; just check if the student's answer is "
        "equivalent to the ground truth answer.",
        "If the student's answer is correct, output \"Final Decision: Yes\". If the student's "
        'answer is incorrect, output "Final Decision: No".',
        "### Question: ### Ground Truth Answer: ### Student Answer: User: Assistant:",
        "Final Decision: Yes",
        "Final Decision: No",
        "Final Answer:",
        "The answer is:",
        "\\frac{1}{2} \\sqrt{2} \\pi \\alpha \\beta \\theta \\int_0^1 x^2 \\, dx \\sum_{k=1}^{n} k",
        "\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix} \\left( x + y \\right) \\cdot \\times",
        "The force is 4.9 N and the work is 4.9 J, or 4.9 N·m. The speed is 3.0 m/s.",
        "Which of the following is correct? (A) water (B) iron (C) copper (D) none of these",
        "The derivative of x^3 is 3x^2, so the slope at x = 2 is 12.",
        "Photosynthesis converts light energy into chemical energy stored in glucose.",
        "Net present value discounts each cash flow at the cost of capital.",
        "In 1789 the French Revolution began; the Bastille fell on 14 July.",
        "The equilibrium constant K depends on temperature, not on concentration.",
    ]
    subjects = ["mass", "energy", "price", "rate", "angle", "area", "volume", "probability"]
    # Pseudo-words from syllables give the BPE trainer enough distinct pairs to fill a
    # vocabulary of a few thousand tokens.
    syllables = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ou", "ai")]
    lines = list(fixed)
    for _ in range(1500):
        words = ["".join(rng.choices(syllables, k=rng.randint(1, 4))) for _ in range(8)]
        lines.append(" ".join(words).capitalize() + rng.choice([".", "?", ",", ";", ":"]))
    for _ in range(600):
        a, b = rng.randint(0, 999), rng.randint(1, 99)
        x = round(rng.uniform(-100, 100), rng.randint(0, 4))
        s = rng.choice(subjects)
        lines.append(
            f"The {s} is {x}, so {a} + {b} = {a + b} and the answer is \\boxed{{{a + b}}}."
        )
        lines.append(
            f"\\boxed{{\\frac{{{a}}}{{{b}}}}} = {a / b:.4f}; {rng.randint(1, 100)}% of {a}."
        )
        lines.append(
            f"Student Answer: {x} Ground Truth Answer: {a}. Final Decision: "
            f"{rng.choice(['Yes', 'No'])}"
        )
    return lines


def build_tokenizer(vocab_size: int, seed: int = 0) -> Any:
    """Train a byte-level BPE tokenizer and wrap it as a transformers fast tokenizer."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.BPE())
    # The same pipeline as Qwen2's tokenizer (NFC, split, byte level), so a loader that
    # rebuilds it from the model type (transformers 5 does for qwen2) tokenizes identically.
    core.normalizer = normalizers.NFC()
    core.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(QWEN2_SPLIT_PATTERN), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    core.train_from_iterator(training_corpus(seed), trainer=trainer)
    if core.get_vocab_size() < vocab_size:
        core = _fill_vocabulary(core, vocab_size)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core,
        pad_token=PAD_TOKEN,
        eos_token=EOS_TOKEN,
        unk_token=None,
        additional_special_tokens=["<|im_start|>"],
        model_max_length=1 << 20,
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def _fill_vocabulary(core: Any, vocab_size: int) -> Any:
    """Extend a trained BPE vocabulary with filler tokens up to `vocab_size`.

    A small corpus runs out of merges long before a real model's vocabulary (151,936 for
    Qwen2.5), but a model of that shape samples every id, and some engines (vLLM) fail to
    detokenize ids the tokenizer does not know. Fillers are pseudo-words with a leading space
    in byte-level spelling ("Ġbako"): they decode to text, and no merge ever produces them, so
    encoding is unchanged.
    """
    from itertools import count, product

    from tokenizers import Tokenizer

    spec = json.loads(core.to_str())
    vocab: dict[str, int] = spec["model"]["vocab"]
    syllables = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ou", "ai")]
    next_id = max(vocab.values()) + 1
    for length in count(1):
        for parts in product(syllables, repeat=length):
            if next_id >= vocab_size:
                return Tokenizer.from_str(json.dumps(spec))
            word = "Ġ" + "".join(parts)
            if word not in vocab:
                vocab[word] = next_id
                next_id += 1
    raise AssertionError("unreachable")


def build_tiny_model(
    out_dir: str | os.PathLike[str],
    config: TinyModelConfig | None = None,
    *,
    tokenizer_path: str | os.PathLike[str] | None = None,
    dtype: str = "float32",
    device: str = "cpu",
) -> Path:
    """Build a random-weight Qwen2-style model and its tokenizer into `out_dir`; return it.

    tokenizer_path: use this saved tokenizer instead of training one (its vocabulary must fit
    `config.vocab_size`). device: where to initialise the weights ("cuda" is much faster for
    billion-parameter shapes; the weights then differ from a CPU build with the same seed).
    The folder loads with AutoModelForCausalLM / AutoTokenizer offline.
    """
    import torch
    from transformers import AutoTokenizer, GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    config = config or TinyModelConfig()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if tokenizer_path is not None:
        tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_path))
    else:
        tokenizer = build_tokenizer(config.tokenizer_vocab or config.vocab_size, config.seed)
    if len(tokenizer) > config.vocab_size:
        raise ValueError(
            f"tokenizer has {len(tokenizer)} tokens but the model vocabulary is "
            f"{config.vocab_size}; raise vocab_size"
        )
    pad_id = tokenizer.pad_token_id
    eos_id = tokenizer.eos_token_id
    model_config = Qwen2Config(
        vocab_size=config.vocab_size,
        hidden_size=config.hidden_size,
        intermediate_size=config.intermediate_size,
        num_hidden_layers=config.layers,
        num_attention_heads=config.heads,
        num_key_value_heads=config.kv_heads,
        max_position_embeddings=config.max_positions,
        tie_word_embeddings=True,
        initializer_range=config.init_std,
        pad_token_id=pad_id,
        eos_token_id=eos_id,
        bos_token_id=None,
    )
    torch.manual_seed(config.seed)
    with torch.device(device):
        model = Qwen2ForCausalLM(model_config).to(getattr(torch, dtype))
    model.eval()
    # Stop at the end of an assistant turn and at end-of-text, and sample by default, as
    # Qwen2.5's instruct models do. Sampling by default matters to `transformers serve`: it
    # maps temperature 0 to greedy but never turns sampling on for temperature > 0.
    model.generation_config = GenerationConfig(
        eos_token_id=[eos_id, pad_id],
        pad_token_id=pad_id,
        do_sample=True,
        temperature=1.0,
        top_p=1.0,
        top_k=0,
    )
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    if tokenizer_path is None:
        # Name the class real Qwen2 checkpoints name, which transformers 4.x (as pinned by
        # vLLM) and 5.x both resolve; 5.x would otherwise write its own "TokenizersBackend".
        tok_config = out / "tokenizer_config.json"
        tok_config.write_text(
            json.dumps(
                {**json.loads(tok_config.read_text()), "tokenizer_class": "Qwen2Tokenizer"},
                indent=2,
            )
            + "\n"
        )
    (out / "genreason_tiny.json").write_text(json.dumps(asdict(config), indent=2) + "\n")
    n_params = sum(p.numel() for p in model.parameters())
    log.info(
        "built tiny model in %s: %d parameters, %d-token vocabulary", out, n_params, len(tokenizer)
    )
    return out


def tiny_model_dir(
    config: TinyModelConfig | None = None, root: str | os.PathLike[str] | None = None
) -> Path:
    """The folder of a tiny model with `config`, built under `root` the first time it is asked for.

    Builds into a temporary sibling and renames it into place, so parallel test workers that
    race for the same config never see a half-written folder. root defaults to
    $GENREASON_TINY_CACHE or the system temp dir.
    """
    config = config or TinyModelConfig()
    base = Path(
        root
        or os.environ.get("GENREASON_TINY_CACHE")
        or Path(tempfile.gettempdir()) / "genreason-tiny"
    )
    target = base / f"tiny-{config.key()}"
    if (target / "genreason_tiny.json").exists():
        return target
    base.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".tiny-{config.key()}-", dir=base))
    try:
        build_tiny_model(staging, config)
        try:
            staging.rename(target)
        except OSError:
            # Another process finished first; its build is identical (deterministic).
            if not (target / "genreason_tiny.json").exists():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target
