"""Local transformers backend: batched generation on CPU or GPU from a model directory.

    backend = HFBackend("data/models/tiny", batch_size=16)
    gens = backend.generate(["User: 2+2? Assistant:"], SamplingParams(max_new_tokens=32))

Prompts are tokenized one by one and LEFT-padded into batches (decoder-only models continue
from the last position, so padding must go before the prompt), sorted by length so a batch
wastes little padding. The model loads on the first `generate` call. A message list, or any
prompt when `chat=True`, is rendered with the tokenizer's chat template.

Stop strings end generation early (transformers' `stop_strings` criterion) and the text is
cut before the first stop string, as an OpenAI-compatible server would. With temperature > 0,
`n` samples per prompt come from `num_return_sequences`; greedy `n > 1` decodes once and
repeats the text (greedy decoding has one answer). A seed seeds torch's generator once per
call, so the same call with the same batch size repeats its samples.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from genreason.llm.base import (
    BackendError,
    Generation,
    Prompt,
    SamplingParams,
    apply_stop,
    as_messages,
)

log = logging.getLogger(__name__)


class HFBackend:
    """Generate with a local transformers causal LM (`AutoModelForCausalLM`)."""

    name = "hf"

    def __init__(
        self,
        model: str,
        *,
        device: str = "auto",
        dtype: str = "auto",
        batch_size: int = 16,
        trust_remote_code: bool = False,
    ) -> None:
        """model: a local model directory. device: "auto" (cuda if present, else cpu), "cpu",
        "cuda", "cuda:1", ... dtype: "auto" (bfloat16 on GPU, float32 on CPU), "float32",
        "bfloat16", "float16". batch_size: sequences per forward batch (prompts x n)."""
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        if dtype not in ("auto", "float32", "bfloat16", "float16"):
            raise ValueError(f"dtype must be auto, float32, bfloat16 or float16, got {dtype!r}")
        self.model = str(model)
        self.device = device
        self.dtype = dtype
        self.batch_size = batch_size
        self.trust_remote_code = trust_remote_code
        self._lock = threading.Lock()
        self._model: Any = None
        self._tokenizer: Any = None

    # ----- loading -----

    def _load(self) -> None:
        if self._model is not None:
            return
        path = Path(self.model).expanduser()
        if not path.is_dir():
            raise FileNotFoundError(
                f"model directory {self.model!r} does not exist. Pass the folder of a saved "
                "transformers model (config.json, weights, tokenizer); for a small offline one "
                "run `genreason tiny-model --out data/models/tiny`."
            )
        if not (path / "config.json").exists():
            raise BackendError(
                f"{self.model!r} has no config.json: not a transformers model folder"
            )
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        device = self.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        dtype = self.dtype
        if dtype == "auto":
            dtype = "bfloat16" if device.startswith("cuda") else "float32"
        started = time.perf_counter()
        tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=self.trust_remote_code)
        if tokenizer.pad_token_id is None:
            # Padding positions are masked out, so any id works; eos is the usual choice.
            tokenizer.pad_token = tokenizer.eos_token
        model = AutoModelForCausalLM.from_pretrained(
            path, dtype=getattr(torch, dtype), trust_remote_code=self.trust_remote_code
        )
        model.to(device).eval()
        self._tokenizer, self._model = tokenizer, model
        log.info(
            "loaded %s on %s (%s) in %.1fs",
            self.model,
            device,
            dtype,
            time.perf_counter() - started,
        )

    # ----- generation -----

    def _prompt_ids(self, prompt: Prompt, chat: bool) -> list[int]:
        tok = self._tokenizer
        if chat or not isinstance(prompt, str):
            if not tok.chat_template:
                raise BackendError(
                    f"the tokenizer of {self.model!r} has no chat template; send raw string "
                    "prompts with chat=False"
                )
            text = tok.apply_chat_template(
                as_messages(prompt), tokenize=False, add_generation_prompt=True
            )
            # The template already holds the special tokens.
            return tok(text, add_special_tokens=False)["input_ids"]
        return tok(prompt)["input_ids"]

    def generate(
        self, prompts: Sequence[Prompt], params: SamplingParams, *, chat: bool = False
    ) -> list[Generation]:
        """Generate `params.n` completions for each prompt, in the order given."""
        if not prompts:
            return []
        with self._lock:
            self._load()
            import torch

            if params.seed is not None:
                torch.manual_seed(params.seed)
            ids = [self._prompt_ids(p, chat) for p in prompts]
            sampling = params.temperature > 0
            per_batch = max(1, self.batch_size // params.n) if sampling else self.batch_size
            # Longest first: similar lengths share a batch, and an out-of-memory shows early.
            order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
            results: list[Generation | None] = [None] * len(ids)
            for start in range(0, len(order), per_batch):
                chunk = order[start : start + per_batch]
                for i, gen in zip(
                    chunk, self._generate_batch([ids[i] for i in chunk], params), strict=True
                ):
                    results[i] = gen
        return [g for g in results if g is not None]

    def _generate_batch(self, batch: list[list[int]], params: SamplingParams) -> list[Generation]:
        import torch

        tok, model = self._tokenizer, self._model
        started = time.perf_counter()
        width = max(len(x) for x in batch)
        pad = tok.pad_token_id
        input_ids = torch.tensor([[pad] * (width - len(x)) + x for x in batch], device=model.device)
        mask = torch.tensor(
            [[0] * (width - len(x)) + [1] * len(x) for x in batch], device=model.device
        )

        sampling = params.temperature > 0
        n_seq = params.n if sampling else 1
        config = model.generation_config
        eos = config.eos_token_id if config.eos_token_id is not None else tok.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [eos]) - {None}
        kwargs: dict[str, Any] = {
            "max_new_tokens": params.max_new_tokens,
            "do_sample": sampling,
            "num_return_sequences": n_seq,
            "pad_token_id": pad,
            "eos_token_id": sorted(eos_ids) or None,
        }
        if sampling:
            kwargs.update(temperature=params.temperature, top_p=params.top_p, top_k=0)
        else:
            # The model's saved generation config may carry sampling knobs; greedy ignores them.
            kwargs.update(temperature=None, top_p=None, top_k=None)
        if params.stop:
            kwargs.update(stop_strings=list(params.stop), tokenizer=tok)
        with torch.inference_mode():
            out = model.generate(input_ids=input_ids, attention_mask=mask, **kwargs)
        new_tokens = out[:, width:].tolist()
        seconds = (time.perf_counter() - started) / len(batch)

        gens = []
        for b, prompt in enumerate(batch):
            texts, reasons, used = [], [], 0
            for row in new_tokens[b * n_seq : (b + 1) * n_seq]:
                count, ended = _generated_length(row, eos_ids, pad)
                text = tok.decode(row[:count], skip_special_tokens=True)
                text, stopped = apply_stop(text, params.stop)
                texts.append(text)
                reasons.append("stop" if ended or stopped else "length")
                used += count
            if not sampling and params.n > 1:
                texts, reasons, used = texts * params.n, reasons * params.n, used * params.n
            gens.append(Generation(texts, len(prompt), used, seconds, reasons))
        return gens


def _generated_length(row: list[int], eos_ids: set[int], pad: int) -> tuple[int, bool]:
    """Tokens the model produced in `row` (through the first eos) and whether it hit eos.

    transformers fills a sequence that finished early (eos or stop string) with pad ids, so
    trailing pads after the real tokens are not counted.
    """
    for i, token in enumerate(row):
        if token in eos_ids:
            return i + 1, True
    end = len(row)
    while end > 0 and row[end - 1] == pad:
        end -= 1
    return end, False
