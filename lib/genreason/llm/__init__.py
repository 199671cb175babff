"""Model backends behind one interface (`genreason.llm.base.ModelBackend`).

BACKENDS maps a backend name to "module:Class"; the module is imported only when that
backend is built, so torch, transformers and vllm stay optional.
"""

from __future__ import annotations

import importlib
from typing import Any

from genreason.llm.base import BackendError, Generation, ModelBackend, SamplingParams

BACKENDS: dict[str, str] = {
    "hf": "genreason.llm.hf:HFBackend",
    "vllm": "genreason.llm.vllm:VLLMBackend",
    "openai": "genreason.llm.openai:OpenAIBackend",
}


def make_backend(name: str, model: str, **options: Any) -> ModelBackend:
    """Build backend `name` ("hf", "vllm", "openai") for `model` (a path or served name)."""
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
    module_name, _, cls_name = BACKENDS[name].partition(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    return cls(model, **options)


__all__ = ["BACKENDS", "BackendError", "Generation", "ModelBackend", "SamplingParams", "make_backend"]
