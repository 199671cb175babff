"""Which LLM a curation stage talks to: one small frozen config, built into a backend once.

Extract, annotate and candidates share it. `backend=None` means no LLM is configured:
annotate then labels by rule alone; extract and candidates refuse with a message saying
which option to set.

    llm = LLMConfig(backend="openai", model="Qwen/Qwen3-8B",
                    base_url="http://gpu1:8000/v1,http://gpu2:8000/v1")
    backend = build_backend(llm)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genreason.llm.base import ModelBackend

BACKEND_NAMES = ("hf", "vllm", "openai")


@dataclass(frozen=True)
class LLMConfig:
    """An LLM for a stage."""

    backend: str | None = None  # "hf" (local transformers), "vllm" (local engine), "openai" (servers); None: no LLM
    model: str | None = None  # a local model folder (hf, vllm) or the served model name (openai)
    base_url: str | None = None  # openai: the server(s), comma-separated to spread requests over several
    concurrency: int = 8  # openai: requests in flight per server
    cache: bool = True  # reuse replies to identical requests (data/cache/llm)

    def __post_init__(self) -> None:
        if self.backend is not None and self.backend not in BACKEND_NAMES:
            raise ValueError(f"LLMConfig.backend: unknown backend {self.backend!r}; choose one of {', '.join(BACKEND_NAMES)}")
        if self.backend is not None and not self.model:
            raise ValueError(f"LLMConfig.model: backend {self.backend!r} needs a model (a folder or a served name)")
        if self.backend == "openai" and not self.base_url:
            raise ValueError("LLMConfig.base_url: the openai backend needs the server URL(s), e.g. http://127.0.0.1:8000/v1")
        if self.concurrency < 1:
            raise ValueError(f"LLMConfig.concurrency must be >= 1, got {self.concurrency}")

    @property
    def configured(self) -> bool:
        return self.backend is not None


def build_backend(config: LLMConfig) -> ModelBackend:
    """The backend the config names (wrapped in the response cache when `cache`)."""
    from genreason.llm import make_backend

    if config.backend is None or config.model is None:
        raise ValueError("no LLM configured: set backend and model (CLI: --backend, --model, --base-url)")
    options: dict[str, Any] = {}
    if config.backend == "openai":
        options.update(base_url=config.base_url, concurrency=config.concurrency)
    backend = make_backend(config.backend, config.model, **options)
    if config.cache:
        from genreason.llm.cache import CachedBackend

        backend = CachedBackend(backend)
    return backend
