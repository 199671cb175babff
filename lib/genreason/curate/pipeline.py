"""Stage names, their configs, and building stages from command-line style settings.

    stages = build_stages(["annotate", "difficulty", "pass_rate"],
                          settings=parse_settings(["pass_rate.low=0.1", "difficulty.keep_levels=University,PhD"]),
                          llm=LLMConfig(backend="openai", model="m", base_url="http://h:8000/v1"))
    run_pipeline(stages, db=db)

A setting is `stage.key=value`; the key is a field of the stage's config or of a config nested
in it (`dedup.threshold=0.8` sets DedupStageConfig.dedup.threshold). Values are read by the
field's type: numbers, true/false, comma-separated tuples, `none`.
"""

from __future__ import annotations

import dataclasses
import importlib
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from genreason.curate.backend import LLMConfig

# name -> ("module:StageClass", "module:ConfigClass"), in pipeline order.
STAGES: dict[str, tuple[str, str]] = {
    "extract": ("genreason.curate.extract:ExtractStage", "genreason.curate.extract:ExtractConfig"),
    "annotate": ("genreason.curate.annotate:AnnotateStage", "genreason.curate.annotate:AnnotateConfig"),
    "difficulty": ("genreason.curate.difficulty:DifficultyStage", "genreason.curate.difficulty:DifficultyConfig"),
    "candidates": ("genreason.curate.candidates:CandidatesStage", "genreason.curate.candidates:CandidatesConfig"),
    "pass_rate": ("genreason.curate.pass_rate:PassRateStage", "genreason.curate.pass_rate:PassRateConfig"),
    "dedup": ("genreason.curate.overlap:DedupStage", "genreason.curate.overlap:DedupStageConfig"),
    "decontaminate": ("genreason.curate.overlap:DecontaminateStage", "genreason.curate.overlap:DecontaminateStageConfig"),
}
LLM_STAGES = ("extract", "annotate", "candidates")


def _load(ref: str) -> Any:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def parse_settings(pairs: Sequence[str]) -> dict[str, dict[str, str]]:
    """["stage.key=value", ...] -> {stage: {key: value}}; ValueError naming a bad one."""
    out: dict[str, dict[str, str]] = {}
    for pair in pairs:
        target, sep, value = pair.partition("=")
        stage, dot, key = target.strip().partition(".")
        if not sep or not dot or not key:
            raise ValueError(f"bad setting {pair!r}: write stage.key=value (e.g. pass_rate.low=0.1)")
        if stage not in STAGES:
            raise ValueError(f"bad setting {pair!r}: no stage {stage!r}; stages: {', '.join(STAGES)}")
        out.setdefault(stage, {})[key] = value.strip()
    return out


def _convert(text: str, kind: Any, where: str) -> Any:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if text.lower() in ("none", "null") and (type(None) in args or kind is type(None)):
        return None
    if args and type(None) in args:  # X | None
        kind = next(a for a in args if a is not type(None))
        origin, args = typing.get_origin(kind), typing.get_args(kind)
    try:
        if kind is bool:
            if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(text)
            return text.lower() in ("true", "1", "yes")
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if origin is tuple:
            inner = args[0] if args else str
            return tuple(_convert(p.strip(), inner, where) for p in text.split(",") if p.strip())
    except ValueError:
        raise ValueError(f"{where}: cannot read {text!r} as {getattr(kind, '__name__', kind)}") from None
    return text


def _apply(config_cls: type, values: Mapping[str, str], stage: str) -> Any:
    hints = typing.get_type_hints(config_cls)
    top: dict[str, Any] = {}
    nested: dict[str, dict[str, str]] = {}
    fields = {f.name: f for f in dataclasses.fields(config_cls)}
    for key, text in values.items():
        if key in fields and not dataclasses.is_dataclass(hints[key]):
            top[key] = _convert(text, hints[key], f"{stage}.{key}")
            continue
        owner = next((name for name, f in fields.items() if dataclasses.is_dataclass(hints[name])
                      and key in {g.name for g in dataclasses.fields(hints[name])}), None)
        if owner is None:
            raise ValueError(f"setting {stage}.{key}: {config_cls.__name__} has no field {key!r}; "
                             f"fields: {', '.join(fields)}")
        nested.setdefault(owner, {})[key] = text
    for owner, vals in nested.items():
        top[owner] = hints[owner](**_apply(hints[owner], vals, stage))
    return top


def build_config(name: str, values: Mapping[str, str] | None = None, llm: LLMConfig | None = None) -> Any:
    """The config of stage `name` from settings (and the shared LLM for LLM stages)."""
    if name not in STAGES:
        raise ValueError(f"unknown stage {name!r}; stages: {', '.join(STAGES)}")
    config_cls = _load(STAGES[name][1])
    kwargs = _apply(config_cls, values or {}, name)
    if llm is not None and name in LLM_STAGES and "llm" not in kwargs:
        kwargs["llm"] = llm
    return config_cls(**kwargs)


def build_stages(names: Sequence[str], settings: Mapping[str, Mapping[str, str]] | None = None,
                 llm: LLMConfig | None = None, **resources: Any) -> list[Any]:
    """Stages in the order named; `resources` (backend=, verifier=) go to stages that take them."""
    settings = settings or {}
    unknown = [n for n in names if n not in STAGES]
    if unknown:
        raise ValueError(f"unknown stage(s) {', '.join(unknown)}; stages: {', '.join(STAGES)}")
    extra = set(settings) - set(names)
    if extra:
        raise ValueError(f"settings for stage(s) not run: {', '.join(sorted(extra))}")
    stages = []
    for name in names:
        cls = _load(STAGES[name][0])
        config = build_config(name, settings.get(name), llm)
        accepted = set(typing.get_type_hints(cls.__init__)) | set(cls.__init__.__code__.co_varnames)
        stages.append(cls(config, **{k: v for k, v in resources.items() if k in accepted and v is not None}))
    return stages


# Settings whose values name files or folders (a prompt file, benchmark files, a local model).
_PATH_KEYS = {"prompt", "benchmarks"}
_LOCAL_BACKENDS = ("hf", "vllm")


def setting_paths(settings: Mapping[str, Mapping[str, str]]) -> list[str]:
    """The file and folder paths a set of settings names (what a front end must confine to
    its allowed folders before it starts a job with them)."""
    found: list[str] = []
    for values in settings.values():
        for key, text in values.items():
            if key in _PATH_KEYS:
                found += [p.strip() for p in text.split(",") if p.strip()]
        if values.get("backend") in _LOCAL_BACKENDS and values.get("model"):
            found.append(values["model"])
    return found
