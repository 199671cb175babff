"""genreason.train.config: the paper's presets and their one mapping to TRL's GRPOConfig."""

from __future__ import annotations

import pytest

from genreason.train.config import PRESETS, GRPORunConfig, batch_plan, preset, to_grpo_config

BASE = {"model": "/models/m", "output_dir": "/tmp/out", "snapshot": "s"}


@pytest.mark.parametrize("name,temperature", [("qwen2.5-7b-base", 1.0), ("qwen2.5-14b-base", 1.0),
                                              ("qwen3-4b-base", 0.7), ("qwen3-14b-base", 0.7)])
def test_paper_presets_map_to_trl_with_the_papers_numbers(name: str, temperature: float) -> None:
    cfg = preset(name, **BASE, bf16=False)  # bf16 needs a GPU to build TRL's config here
    args = to_grpo_config(cfg, world_size=32)  # 4 nodes x 8 GPUs, as the paper trained
    assert args.learning_rate == 5e-7 and args.lr_scheduler_type == "constant"
    assert args.num_generations == 8 and args.beta == 1e-4 and args.epsilon == 0.3
    assert args.entropy_coef == 0.001 and args.temperature == temperature
    assert args.loss_type == "bnpo" and args.scale_rewards == "group" and args.num_iterations == 1
    # 256 prompts x 8 rollouts per optimizer update, 1024 prompts per generation batch.
    per_update = args.per_device_train_batch_size * 32 * args.gradient_accumulation_steps
    assert per_update == 256 * 8
    # TRL derives generation_batch_size from the processes it runs in; under 32 it is this:
    assert args.per_device_train_batch_size * 32 * args.steps_per_generation == 1024 * 8
    assert args.steps_per_generation == 4 * args.gradient_accumulation_steps
    assert args.max_completion_length in (4096, 8192)
    assert "TRL" in cfg.note or "verl" in cfg.note


def test_tiny_cpu_trains_on_the_cpu_in_float32() -> None:
    args = to_grpo_config(preset("tiny-cpu", **BASE), world_size=1)
    assert args.use_cpu is True and args.bf16 is False
    assert args.generation_batch_size == 2 * 4 and args.num_generations == 4
    assert args.report_to == [] and args.use_vllm is False


def test_vllm_and_trackers_pass_through() -> None:
    cfg = preset("qwen3-4b-base", **BASE, bf16=False, vllm="server",
                 vllm_server_url="http://10.0.0.2:8000", report_to=("wandb", "trackio"))
    args = to_grpo_config(cfg, world_size=8)
    assert args.use_vllm and args.vllm_mode == "server"
    assert args.vllm_server_base_url == "http://10.0.0.2:8000"
    assert args.report_to == ["wandb", "trackio"]
    colocate = to_grpo_config(preset("qwen3-4b-base", **BASE, bf16=False, vllm="colocate"), world_size=8)
    assert colocate.vllm_mode == "colocate" and colocate.vllm_gpu_memory_utilization == 0.6


def test_overrides_are_parsed_by_type_and_unknown_keys_named() -> None:
    cfg = preset("tiny-cpu", **BASE).with_overrides(
        {"max_steps": "7", "learning_rate": "2e-6", "report_to": "tensorboard",
         "judge_options": '{"workers": 1}', "limit_questions": "none"})
    assert (cfg.max_steps, cfg.learning_rate, cfg.report_to) == (7, 2e-6, ("tensorboard",))
    assert cfg.judge_options == {"workers": 1} and cfg.limit_questions is None
    with pytest.raises(ValueError, match="--set max_stpes: unknown setting"):
        cfg.with_overrides({"max_stpes": "3"})
    with pytest.raises(ValueError, match="--set max_steps=lots"):
        cfg.with_overrides({"max_steps": "lots"})


@pytest.mark.parametrize("bad,message", [
    ({"prompts_per_step": 1000}, "multiple of mini_batch_prompts"),
    ({"rollouts": 1}, "rollouts must be >= 2"),
    ({"vllm": "server"}, "needs vllm_server_url"),
    ({"report_to": ("mlflow",)}, "unknown tracker"),
    ({"judge": "oracle"}, "unknown 'oracle'"),
    ({"snapshot": None}, "give the data"),
    ({"model": ""}, "--model PATH"),
])
def test_bad_settings_say_what_is_wrong(bad: dict, message: str) -> None:
    values = {**PRESETS["qwen3-4b-base"][0], **BASE, "bf16": False, **bad}
    with pytest.raises(ValueError, match=message):
        GRPORunConfig.from_dict(values)


def test_a_batch_that_does_not_divide_says_which_field_to_change() -> None:
    cfg = preset("qwen3-4b-base", **BASE, bf16=False, micro_batch=24)
    with pytest.raises(ValueError, match="change micro_batch"):
        batch_plan(cfg, world_size=8)
