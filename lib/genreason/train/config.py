"""Training configuration: one frozen GRPO config, the paper's presets, and the map to TRL.

`GRPORunConfig` holds what a run is (model, data, judge, the paper's hyper-parameters in the
paper's terms: prompts per step, rollouts per prompt, mini-batch of prompts); `to_grpo_config`
is the one function that turns it into TRL's `GRPOConfig` (TRL 1.16), so nothing else mirrors
TRL's fields. Presets follow General-Reasoner (arXiv:2505.14652, as DESIGN.md sums it up) and its released
verl script (train_general_reasoner.sh: lr 5e-7, rollout.n 8, kl_loss_coef 1e-4 with
kl_loss_type low_var_kl, clip_ratio 0.3, entropy_coeff 0.001, temperature 1.0, prompt 1024,
response 8192, train_batch_size 1024, ppo_mini_batch_size 256, micro-batch 8 per GPU).

    cfg = preset("qwen2.5-7b-base", model="/models/Qwen2.5-7B", output_dir="runs/x")
    cfg = cfg.with_overrides({"max_steps": "40"})       # --set max_steps=40
    trl_args = to_grpo_config(cfg, world_size=8)

Batch arithmetic. The paper's step is one rollout batch: `prompts_per_step` prompts times
`rollouts` completions, consumed in `prompts_per_step / mini_batch_prompts` optimizer updates
(one PPO epoch). TRL counts optimizer steps, so `max_steps` and `save_steps` here are optimizer
steps: one paper step is (prompts_per_step / mini_batch_prompts) of them (4 with the presets).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PAPER_SUFFIX = "Please reason step by step, and put your final answer within \\boxed{}."
VLLM_MODES = ("", "colocate", "server")
REPORT_TO = ("trackio", "wandb", "tensorboard")

# What verl does that TRL 1.16 expresses differently (shared by the paper presets).
_COMMON_NOTE = (
    "KL: TRL's k3 estimator exp(r)-r-1 is verl's low_var_kl without its clamp to [-10, 10]. "
    "Loss aggregation: loss_type='bnpo' (token mean over the local micro-batch, as verl's "
    "masked_mean of that era); TRL's default 'dapo' normalises over the accumulated batch. "
    "Prompt limit: TRL 1.16 has no max_prompt_length; prompts over max_prompt_tokens are "
    "dropped (and recorded) when the dataset is built, as verl's filter_overlong_prompts did. "
    "Steps: TRL counts optimizer steps; one paper step (1024 prompts) = 4 of them. "
    "verl's dual-clip (clip_ratio_c) for negative advantages has no TRL counterpart; "
    "the reference model is not offloaded (verl: ref param_offload=True) unless DeepSpeed does it."
)


@dataclass(frozen=True)
class GRPORunConfig:
    """A GRPO run on TRL: model, data, judge and the paper's hyper-parameters."""

    model: str  # the policy: a local model folder (no hub access)
    output_dir: str  # where checkpoints, metrics and completions go (the job's run folder)
    snapshot: str | None = None  # the dataset snapshot to train on (read from the store)
    questions_file: str | None = None  # or a JSONL/Parquet file of questions (question, answer, ...)
    db: str | None = None  # the store holding the snapshot (default: $GENREASON_DB)
    limit_questions: int | None = None  # use only the first N questions (smoke runs)
    judge: str = "rule"  # the reward's judge: a registry name (rule, model, hybrid)
    judge_options: Mapping[str, Any] = field(default_factory=dict)  # its options (model=PATH, ...)
    paper_extraction: bool = True  # only boxed / answer-line answers count (else -0.5), as the paper
    audit_judge: str | None = None  # a second judge re-judging a sample of completions (live audit)
    audit_judge_options: Mapping[str, Any] = field(default_factory=dict)  # its options
    audit_fraction: float = 0.1  # fraction of each step's answered completions audited
    learning_rate: float = 5e-7  # paper: 5e-7, constant
    weight_decay: float = 0.01  # verl's actor optimizer default
    rollouts: int = 8  # completions per prompt (verl rollout.n)
    prompts_per_step: int = 1024  # prompts per rollout batch (verl train_batch_size)
    mini_batch_prompts: int = 256  # prompts per optimizer update (verl ppo_mini_batch_size)
    micro_batch: int = 8  # completions per device per forward pass (verl micro-batch per GPU)
    kl_coef: float = 1e-4  # KL loss coefficient (TRL beta)
    clip_ratio: float = 0.3  # PPO clip epsilon, both sides
    entropy_coef: float = 0.001  # entropy bonus coefficient
    temperature: float = 1.0  # rollout temperature (1.0 Qwen2.5, 0.7 Qwen3)
    max_prompt_tokens: int = 1024  # prompts longer than this (chat template included) are dropped
    max_response_tokens: int = 8192  # completion budget
    max_steps: int = 400  # optimizer steps
    save_steps: int = 20  # checkpoint every N optimizer steps (and on stop)
    logging_steps: int = 1  # metrics every N optimizer steps
    seed: int = 0  # sampling and data order
    bf16: bool = True  # bfloat16 training (GPUs); off on CPU
    use_cpu: bool = False  # train on the CPU (smoke tests)
    gradient_checkpointing: bool = True  # trade compute for memory (verl enabled it)
    vllm: str = ""  # "" (transformers generate), "colocate" or "server"
    vllm_server_url: str | None = None  # server mode: base URL of `trl vllm-serve`
    vllm_gpu_memory_utilization: float = 0.6  # colocate mode (verl: 0.6)
    report_to: tuple[str, ...] = ()  # trackio, wandb, tensorboard: passed to TRL
    log_completions: bool = True  # TRL writes completions/completions_<step>.parquet
    completions_per_step: int = 16  # sampled completions written per step to completions.jsonl
    note: str = ""  # what this preset cannot express exactly in TRL

    def __post_init__(self) -> None:
        if not self.model:
            raise ValueError("model: give the policy's local folder (--model PATH)")
        if not self.output_dir:
            raise ValueError("output_dir is required")
        for name in ("rollouts", "prompts_per_step", "mini_batch_prompts", "micro_batch", "max_prompt_tokens",
                     "max_response_tokens", "max_steps", "save_steps", "logging_steps"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.rollouts < 2:
            raise ValueError("rollouts must be >= 2: GRPO normalises rewards within each prompt's group")
        if self.prompts_per_step % self.mini_batch_prompts:
            raise ValueError(f"prompts_per_step ({self.prompts_per_step}) must be a multiple of "
                             f"mini_batch_prompts ({self.mini_batch_prompts})")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be > 0, got {self.learning_rate}")
        for name in ("kl_coef", "entropy_coef", "weight_decay"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        if not 0 < self.clip_ratio < 1:
            raise ValueError(f"clip_ratio must be in (0, 1), got {self.clip_ratio}")
        if not self.temperature > 0:
            raise ValueError(f"temperature must be > 0, got {self.temperature}")
        if self.vllm not in VLLM_MODES:
            raise ValueError(f"vllm must be one of {VLLM_MODES}, got {self.vllm!r}")
        if self.vllm == "server" and not self.vllm_server_url:
            raise ValueError("vllm='server' needs vllm_server_url (the `trl vllm-serve` address)")
        bad = [r for r in self.report_to if r not in REPORT_TO]
        if bad:
            raise ValueError(f"report_to: unknown tracker(s) {bad}; choose from {REPORT_TO}")
        if self.use_cpu and self.bf16:
            raise ValueError("use_cpu=True needs bf16=False (TRL on CPU trains in float32)")
        if self.use_cpu and self.vllm:
            raise ValueError("vLLM generation needs a GPU; set vllm='' with use_cpu=True")
        if self.snapshot is None and self.questions_file is None:
            raise ValueError("give the data: snapshot=NAME (--snapshot) or questions_file=PATH")
        if self.limit_questions is not None and self.limit_questions < 1:
            raise ValueError("limit_questions must be >= 1")
        from genreason.verify.registry import VERIFIERS

        if self.judge not in VERIFIERS:
            raise ValueError(f"judge: unknown {self.judge!r}; choose one of {', '.join(VERIFIERS)}")
        if self.audit_judge is not None and self.audit_judge not in VERIFIERS:
            raise ValueError(f"audit_judge: unknown {self.audit_judge!r}; choose one of {', '.join(VERIFIERS)}")
        if not 0 < self.audit_fraction <= 1:
            raise ValueError(f"audit_fraction must be in (0, 1], got {self.audit_fraction}")

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["judge_options"] = dict(self.judge_options)
        out["audit_judge_options"] = dict(self.audit_judge_options)
        out["report_to"] = list(self.report_to)
        return out

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> GRPORunConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown GRPO setting(s) {unknown}; known: {', '.join(sorted(known))}")
        values = dict(values)
        if "report_to" in values:
            values["report_to"] = tuple(values["report_to"] or ())
        return cls(**values)

    def with_overrides(self, overrides: Mapping[str, Any]) -> GRPORunConfig:
        """A copy with fields replaced; string values (from --set key=value) are parsed by type."""
        return type(self).from_dict({**self.to_dict(), **parse_overrides(type(self), overrides)})


def parse_overrides(cls: type, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Turn {"max_steps": "40", "bf16": "false", "report_to": "wandb,trackio"} into typed values."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        if key not in fields:
            raise ValueError(f"--set {key}: unknown setting; known: {', '.join(sorted(fields))}")
        if not isinstance(value, str):
            out[key] = value
            continue
        default = fields[key].default if fields[key].default is not dataclasses.MISSING else None
        out[key] = _parse_value(key, value, fields[key].type, default)
    return out


def _parse_value(key: str, text: str, annotation: Any, default: Any) -> Any:
    kind = str(annotation)
    try:
        if text.lower() in ("none", "null") and "None" in kind:
            return None
        if kind.startswith("bool"):
            if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(text)
            return text.lower() in ("true", "1", "yes")
        if kind.startswith("int"):
            return int(text)
        if kind.startswith("float"):
            return float(text)
        if kind.startswith("tuple"):
            return tuple(p.strip() for p in text.split(",") if p.strip())
        if kind.startswith("Mapping"):
            value = json.loads(text)
            if not isinstance(value, dict):
                raise ValueError(text)
            return value
        if isinstance(default, int) and not isinstance(default, bool):
            return int(text)
    except ValueError as exc:
        raise ValueError(f"--set {key}={text}: not a valid {kind}") from exc
    return text


# name -> (field values, note). The paper's four base models, and a CPU smoke preset.
PRESETS: dict[str, tuple[dict[str, Any], str]] = {
    "qwen2.5-7b-base": (
        {"temperature": 1.0, "max_response_tokens": 4096},
        "General-Reasoner-Qwen2.5-7B: temperature 1.0; response 4096 (DESIGN.md's summary of the paper) "
        "(the released script's default is 8192: --set max_response_tokens=8192). " + _COMMON_NOTE,
    ),
    "qwen2.5-14b-base": (
        {"temperature": 1.0, "max_response_tokens": 4096, "micro_batch": 4},
        "General-Reasoner-Qwen2.5-14B: as the 7B preset; micro-batch 4 per GPU to fit 14B "
        "activations (changes memory, not the update). " + _COMMON_NOTE,
    ),
    "qwen3-4b-base": (
        {"temperature": 0.7, "max_response_tokens": 8192},
        "General-Reasoner-Qwen3-4B: temperature 0.7 for Qwen3; response 8192. " + _COMMON_NOTE,
    ),
    "qwen3-14b-base": (
        {"temperature": 0.7, "max_response_tokens": 8192, "micro_batch": 4},
        "General-Reasoner-Qwen3-14B: temperature 0.7, response 8192, micro-batch 4 per GPU. "
        + _COMMON_NOTE,
    ),
    "tiny-cpu": (
        {"learning_rate": 1e-5, "rollouts": 4, "prompts_per_step": 2, "mini_batch_prompts": 2,
         "micro_batch": 4, "max_prompt_tokens": 256, "max_response_tokens": 24, "max_steps": 3,
         "save_steps": 1, "bf16": False, "use_cpu": True, "gradient_checkpointing": False,
         "judge_options": {"workers": 0}, "completions_per_step": 8},
        "Smoke runs on one CPU with the tiny model: 2 prompts x 4 rollouts per step, 24-token "
        "responses, a checkpoint every step, lr 1e-5 so a few steps move the weights. Not the paper.",
    ),
}


def preset(name: str, **fields: Any) -> GRPORunConfig:
    """The named preset with `fields` set (model, output_dir and the data at least)."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    values, note = PRESETS[name]
    return GRPORunConfig.from_dict({**values, "note": note, **fields})


def world_size_from_env() -> int:
    """Processes taking part (accelerate/torchrun set WORLD_SIZE); 1 for a plain run."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def batch_plan(cfg: GRPORunConfig, world_size: int) -> dict[str, int]:
    """TRL's batch settings that reproduce the paper's step (ValueError when they cannot)."""
    per_update = cfg.mini_batch_prompts * cfg.rollouts  # completions per optimizer update
    per_forward = cfg.micro_batch * world_size
    if per_update % per_forward:
        raise ValueError(
            f"mini_batch_prompts x rollouts = {per_update} completions per update is not a multiple "
            f"of micro_batch x processes = {cfg.micro_batch} x {world_size}; change micro_batch")
    accumulation = per_update // per_forward
    updates = cfg.prompts_per_step // cfg.mini_batch_prompts
    return {"per_device_train_batch_size": cfg.micro_batch,
            "gradient_accumulation_steps": accumulation,
            "steps_per_generation": updates * accumulation,
            "updates_per_paper_step": updates}


def to_grpo_config(cfg: GRPORunConfig, *, world_size: int | None = None) -> Any:
    """TRL's GRPOConfig for this run: the one place our settings become TRL's."""
    from trl import GRPOConfig

    plan = batch_plan(cfg, world_size or world_size_from_env())
    vllm: dict[str, Any] = {"use_vllm": bool(cfg.vllm)}
    if cfg.vllm:
        vllm["vllm_mode"] = cfg.vllm
        if cfg.vllm == "server":
            vllm["vllm_server_base_url"] = cfg.vllm_server_url
        else:
            vllm["vllm_gpu_memory_utilization"] = cfg.vllm_gpu_memory_utilization
    return GRPOConfig(
        output_dir=cfg.output_dir,
        learning_rate=cfg.learning_rate,
        lr_scheduler_type="constant",  # verl's actor default: constant, no warm-up
        warmup_steps=0,
        weight_decay=cfg.weight_decay,
        max_grad_norm=1.0,  # verl's actor grad_clip
        per_device_train_batch_size=plan["per_device_train_batch_size"],
        gradient_accumulation_steps=plan["gradient_accumulation_steps"],
        steps_per_generation=plan["steps_per_generation"],
        num_generations=cfg.rollouts,
        num_iterations=1,  # one PPO epoch over each rollout batch
        max_completion_length=cfg.max_response_tokens,
        temperature=cfg.temperature,
        top_p=1.0,
        top_k=0,
        beta=cfg.kl_coef,
        epsilon=cfg.clip_ratio,
        entropy_coef=cfg.entropy_coef,
        loss_type="bnpo",
        scale_rewards="group",  # GRPO: (r - mean) / std within each prompt's group
        max_steps=cfg.max_steps,
        save_strategy="steps",
        save_steps=cfg.save_steps,
        logging_steps=cfg.logging_steps,
        seed=cfg.seed,
        bf16=cfg.bf16,
        use_cpu=cfg.use_cpu,
        activation_checkpointing=cfg.gradient_checkpointing,
        report_to=list(cfg.report_to) or "none",
        log_completions=cfg.log_completions,
        num_completions_to_print=0,
        remove_unused_columns=False,  # the reward reads reference, answer_type, options, question
        dataloader_num_workers=0,
        disable_tqdm=not sys.stderr.isatty(),  # a job's log.txt gets metrics, not bar redraws
        **vllm,
    )
