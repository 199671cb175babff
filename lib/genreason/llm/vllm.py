"""vLLM offline-engine backend (GPU machines): `vllm.LLM` with `vllm.SamplingParams`.

    backend = VLLMBackend("/models/verifier-1.5b", gpu_memory_utilization=0.85)
    gens = backend.generate(prompts, SamplingParams(max_new_tokens=1024))

The whole batch goes to the engine in one call and vLLM schedules it (continuous batching,
paged KV cache). Raw string prompts use `LLM.generate`; message lists, or any prompt with
`chat=True`, use `LLM.chat`, which applies the tokenizer's chat template. vLLM leaves stop
strings out of the text by default, as an OpenAI server does. Install with
`pip install genreason[vllm]` on a machine with a CUDA GPU; `import genreason` never needs it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

from genreason.llm.base import Generation, Prompt, SamplingParams, as_messages

log = logging.getLogger(__name__)


class VLLMBackend:
    """Generate with vLLM's offline engine in this process."""

    name = "vllm"

    def __init__(
        self,
        model: str,
        *,
        dtype: str = "auto",
        tensor_parallel_size: int = 1,
        gpu_memory_utilization: float = 0.9,
        max_model_len: int | None = None,
        seed: int = 0,
        **engine_options: Any,
    ) -> None:
        """model: a model directory or name vLLM can load. engine_options go to `vllm.LLM`
        unchanged (e.g. enforce_eager=True). The engine starts on the first `generate`."""
        try:
            import vllm  # noqa: F401
        except ImportError as exc:
            raise ImportError(
                "the vllm backend needs the vllm package: `pip install genreason[vllm]` on a "
                "machine with a CUDA GPU (there is no CPU wheel that fits this project). Use "
                "the 'hf' backend locally, or the 'openai' backend against a `vllm serve` server."
            ) from exc
        self.model = str(model)
        self._engine_options: dict[str, Any] = {
            "dtype": dtype,
            "tensor_parallel_size": tensor_parallel_size,
            "gpu_memory_utilization": gpu_memory_utilization,
            "seed": seed,
            **engine_options,
        }
        if max_model_len is not None:
            self._engine_options["max_model_len"] = max_model_len
        self._llm: Any = None
        self._lock = threading.Lock()

    def _engine(self) -> Any:
        if self._llm is None:
            from vllm import LLM

            started = time.perf_counter()
            self._llm = LLM(model=self.model, **self._engine_options)
            log.info("vLLM engine for %s ready in %.1fs", self.model, time.perf_counter() - started)
        return self._llm

    def generate(
        self, prompts: Sequence[Prompt], params: SamplingParams, *, chat: bool = False
    ) -> list[Generation]:
        """All prompts in one engine call; results in the order given."""
        if not prompts:
            return []
        from vllm import SamplingParams as VLLMSamplingParams

        sampling = VLLMSamplingParams(
            n=params.n,
            temperature=params.temperature,
            top_p=params.top_p,
            max_tokens=params.max_new_tokens,
            stop=list(params.stop) or None,
            seed=params.seed,
            **_guided(params.json_schema),
        )
        chat_idx = [i for i, p in enumerate(prompts) if chat or not isinstance(p, str)]
        raw_idx = [i for i, p in enumerate(prompts) if not (chat or not isinstance(p, str))]
        outputs: dict[int, Any] = {}
        with self._lock:
            llm = self._engine()
            started = time.perf_counter()
            if raw_idx:
                raw = llm.generate([prompts[i] for i in raw_idx], sampling, use_tqdm=False)
                outputs.update(zip(raw_idx, raw, strict=True))
            if chat_idx:
                conversations = [as_messages(prompts[i]) for i in chat_idx]
                chats = llm.chat(conversations, sampling, use_tqdm=False)
                outputs.update(zip(chat_idx, chats, strict=True))
            seconds = (time.perf_counter() - started) / len(prompts)
        gens = []
        for i in range(len(prompts)):
            out = outputs[i]
            completions = sorted(out.outputs, key=lambda c: c.index)
            gens.append(
                Generation(
                    texts=[c.text for c in completions],
                    prompt_tokens=len(out.prompt_token_ids or []),
                    completion_tokens=sum(len(c.token_ids) for c in completions),
                    seconds=seconds,
                    finish_reasons=[str(c.finish_reason or "stop") for c in completions],
                )
            )
        return gens


def _guided(json_schema: dict[str, Any] | None) -> dict[str, Any]:
    """vLLM's guided decoding for a JSON schema: `structured_outputs` in newer releases,
    `guided_decoding` in 0.8-0.10; nothing when no schema is asked for."""
    if json_schema is None:
        return {}
    try:
        from vllm.sampling_params import StructuredOutputsParams

        return {"structured_outputs": StructuredOutputsParams(json=json_schema)}
    except ImportError:
        from vllm.sampling_params import GuidedDecodingParams

        return {"guided_decoding": GuidedDecodingParams(json=json_schema)}
