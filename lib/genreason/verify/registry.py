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


def make_verifier(kind: str, /, **options: Any) -> Verifier:
    """Build the verifier registered under `kind` with its options (`name=` names the judge)."""
    return verifier_class(kind)(**options)


def judge_config(verifier: Verifier) -> tuple[str, dict[str, Any]]:
    """(kind, config) that identify a verifier as a stored judge (genreason.store.judges).

    The config holds what changes verdicts: the rule verifier's per-item time limit; the model
    verifier's backend, model, decoding budget and temperature; both for a hybrid, with
    send_rejected. Worker counts and server URLs are left out (they change speed, not verdicts).
    """
    kind = _kind(verifier)
    if kind == "rule":
        return kind, {"timeout_s": float(getattr(verifier, "timeout_s", 0.0))}
    if kind == "model":
        desc = dict(verifier.describe())  # type: ignore[attr-defined]
        desc.pop("judge", None)
        return kind, desc
    if kind == "hybrid":
        _, rule = judge_config(verifier.rule)  # type: ignore[attr-defined]
        _, model = judge_config(verifier.model)  # type: ignore[attr-defined]
        return kind, {"rule": rule, "model": model, "send_rejected": bool(verifier.send_rejected)}  # type: ignore[attr-defined]
    describe = getattr(verifier, "describe", None)
    return "other", dict(describe()) if callable(describe) else {"class": type(verifier).__qualname__}


def _kind(verifier: Verifier) -> str:
    module = type(verifier).__module__
    for kind, path in VERIFIERS.items():
        if path.partition(":")[0] == module and path.partition(":")[2] == type(verifier).__name__:
            return kind
    if hasattr(verifier, "rule") and hasattr(verifier, "model") and hasattr(verifier, "send_rejected"):
        return "hybrid"
    if callable(getattr(verifier, "describe", None)) and hasattr(verifier, "backend"):
        return "model"
    return "other"
