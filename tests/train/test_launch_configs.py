"""configs/accelerate: the shipped DeepSpeed launch configs parse and say what their names say."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from genreason.train.config import batch_plan, preset

CONFIGS = Path(__file__).resolve().parents[2] / "configs" / "accelerate"


@pytest.mark.parametrize("name,stage,machines,processes", [
    ("deepspeed_zero2.yaml", 2, 1, 8), ("deepspeed_zero3.yaml", 3, 1, 8),
    ("deepspeed_zero3_multinode.yaml", 3, 4, 32)])
def test_launch_configs(name: str, stage: int, machines: int, processes: int) -> None:
    cfg = yaml.safe_load((CONFIGS / name).read_text())
    assert cfg["distributed_type"] == "DEEPSPEED" and cfg["deepspeed_config"]["zero_stage"] == stage
    assert (cfg["num_machines"], cfg["num_processes"]) == (machines, processes)
    assert cfg["mixed_precision"] == "bf16"
    # Every paper preset divides into this many processes.
    for model in ("qwen2.5-7b-base", "qwen2.5-14b-base", "qwen3-4b-base", "qwen3-14b-base"):
        plan = batch_plan(preset(model, model="m", output_dir="o", snapshot="s", bf16=False), processes)
        assert plan["per_device_train_batch_size"] * processes * plan["gradient_accumulation_steps"] == 2048
