"""The model seam: one interface for every LLM call in the workbench.

Extraction, annotation, candidate generation, the model verifier and evaluation all send a
batch of prompts (raw text or chat messages) with sampling parameters and get texts back.
Backends live beside this module (hf, vllm, openai); heavy libraries are imported there only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

# A chat conversation: [{"role": "user", "content": "..."}, ...]
Messages = list[dict[str, str]]
Prompt = str | Messages


@dataclass(frozen=True)
class SamplingParams:
    """How to sample. temperature 0 means greedy."""

    max_new_tokens: int = 1024
    temperature: float = 0.0
    top_p: float = 1.0
    n: int = 1  # completions per prompt
    stop: tuple[str, ...] = ()
    seed: int | None = None
    # A JSON schema the reply must follow: sent as the OpenAI-compatible `response_format`
    # and as vLLM guided decoding; callers still validate the reply (genreason.curate.structured).
    json_schema: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be >= 1, got {self.max_new_tokens}")
        if self.temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise ValueError(f"top_p must be in (0, 1], got {self.top_p}")
        if self.n < 1:
            raise ValueError(f"n must be >= 1, got {self.n}")


@dataclass
class Generation:
    """The completions for one prompt (n of them), with usage and timing."""

    texts: list[str]
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    finish_reasons: list[str] = field(default_factory=list)
    cached: bool = False

    @property
    def text(self) -> str:
        return self.texts[0] if self.texts else ""


class BackendError(RuntimeError):
    """A backend could not produce generations (server unreachable, model missing, key refused).

    The message says what failed and what to do; it never contains an API key.
    """


def apply_stop(text: str, stop: Sequence[str]) -> tuple[str, bool]:
    """Cut `text` before the earliest occurrence of any stop string (OpenAI semantics: the
    stop string itself is not returned). Returns the text and whether a stop string was found."""
    cut = min((i for i in (text.find(s) for s in stop if s) if i >= 0), default=-1)
    return (text[:cut], True) if cut >= 0 else (text, False)


def as_messages(prompt: Prompt) -> Messages:
    """A chat conversation for `prompt`: a raw string becomes one user message."""
    return [{"role": "user", "content": prompt}] if isinstance(prompt, str) else list(prompt)


@runtime_checkable
class ModelBackend(Protocol):
    """Batch in, texts out. `chat=True` applies the model's chat template (or chat endpoint)."""

    name: str  # backend name: "hf", "vllm", "openai"
    model: str  # model path or served name

    def generate(
        self, prompts: Sequence[Prompt], params: SamplingParams, *, chat: bool = False
    ) -> list[Generation]: ...
