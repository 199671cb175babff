"""Name -> verifier class, the one registry of judges (TRL resolves reward names the same way).

Classes are named as "module:Class" strings and imported on first use, so naming the model
verifier does not import torch until it is built.
"""

from __future__ import annotations

import importlib
from typing import Any

from genreason.judging import Verifier

VERIFIERS: dict[str, str] = {
    "rule": "genreason.verify.rules.verifier:RuleVerifier",
    "model": "genreason.verify.model:ModelVerifier",
    "hybrid": "genreason.verify.hybrid:HybridVerifier",
}


def verifier_class(name: str) -> type:
    """The class registered under `name`; ValueError naming the choices otherwise."""
    if name not in VERIFIERS:
        raise ValueError(f"unknown judge {name!r}; choose one of {', '.join(VERIFIERS)}")
    module_name, _, cls_name = VERIFIERS[name].partition(":")
    return getattr(importlib.import_module(module_name), cls_name)


def make_verifier(name: str, **options: Any) -> Verifier:
    """Build the verifier registered under `name` with its options."""
    return verifier_class(name)(**options)
