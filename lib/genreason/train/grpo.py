"""GRPO training on TRL's GRPOTrainer with the paper's reward, from a snapshot or a file.

Reads questions (`genreason.train.data`), builds chat prompts with the paper's suffix, scores
completions with `genreason.rewards.VerifiedReward` (any registered judge), and trains with
TRL's `GRPOTrainer` under the `GRPOConfig` that `genreason.train.config.to_grpo_config` maps
from our frozen `GRPORunConfig`. Everything goes to `output_dir` (a job's run folder):

    metrics.jsonl            one line per logged optimizer step (TRL's metrics + ours)
    completions.jsonl        sampled completions per step: prompt id, reference, completion,
                             extracted answer, verdict, length penalty, reward, deciding path
    audit.jsonl              with audit_judge: a second judge's verdicts on a sample (live audit)
    completions/*.parquet    TRL's own completion tables (log_completions)
    dropped_prompts.jsonl    prompts over max_prompt_tokens, with the reason
    checkpoint-<step>/       TRL checkpoints (model, optimizer, trainer_state.json)
    final/                   the trained model, when the run reaches max_steps

A run resumes from its last checkpoint in `output_dir` with the right step count (TRL needs
`resume_from_checkpoint` passed to `train()`, which restores global_step, optimizer,
scheduler and RNG state). Multi-GPU / multi-node: the same entry under `accelerate launch`
with a shipped DeepSpeed config (configs/accelerate/), see configs/README.md.

    python -m genreason.train.grpo --preset tiny-cpu --model PATH --questions FILE --out DIR
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from genreason.train.config import GRPORunConfig, to_grpo_config

log = logging.getLogger(__name__)

_CHECKPOINT = re.compile(r"^checkpoint-(\d+)$")


def last_checkpoint(output_dir: str | os.PathLike[str]) -> Path | None:
    """The newest complete checkpoint folder in `output_dir` (one with trainer_state.json)."""
    folder = Path(output_dir)
    if not folder.is_dir():
        return None
    found = [(int(m.group(1)), p) for p in folder.iterdir()
             if (m := _CHECKPOINT.match(p.name)) and (p / "trainer_state.json").exists()]
    return max(found)[1] if found else None


def build_reward(cfg: GRPORunConfig) -> Any:
    """The run's reward: the paper's, with the configured judge and the policy's tokenizer."""
    from genreason.rewards import VerifiedReward

    audit = None
    if cfg.audit_judge:
        from genreason.train.audit import RewardAudit

        audit = RewardAudit(cfg.audit_judge, judge_options=cfg.audit_judge_options,
                            fraction=cfg.audit_fraction, log_path=Path(cfg.output_dir) / "audit.jsonl",
                            seed=cfg.seed)
    return VerifiedReward(cfg.judge, tokenizer=cfg.model, judge_options=cfg.judge_options,
                          log_path=Path(cfg.output_dir) / "completions.jsonl",
                          log_samples=cfg.completions_per_step, audit=audit,
                          paper_extraction=cfg.paper_extraction)


def _check_vllm(cfg: GRPORunConfig) -> None:
    if not cfg.vllm:
        return
    try:
        import vllm  # noqa: F401 -- only to say clearly that it is missing
    except ImportError as exc:
        raise ValueError(f"vllm={cfg.vllm!r} needs the vllm package installed (pip install vllm); "
                         "or set vllm='' to generate with transformers") from exc


def train_grpo(
    cfg: GRPORunConfig,
    *,
    should_stop: Callable[[], bool] | None = None,
    progress: Callable[..., Any] | None = None,
    resume: bool = True,
    extra_callbacks: list[Any] | None = None,
) -> dict[str, Any]:
    """Train; return {"step", "max_steps", "stopped", "checkpoint", "resumed_from", ...}.

    should_stop: polled after every optimizer step; True saves a checkpoint and ends the run.
    progress: called with step/total/eta_s as the run goes (a job's ctx.progress).
    resume: continue from the last checkpoint in output_dir when there is one.
    """
    from transformers import AutoTokenizer
    from trl import GRPOTrainer

    from genreason.train.callbacks import MetricsCallback, StopCallback
    from genreason.train.data import build_prompt_rows, load_questions, to_dataset

    _check_vllm(cfg)
    out = Path(cfg.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "completions").mkdir(exist_ok=True)  # TRL writes its parquet tables here
    (out / "grpo_config.json").write_text(json.dumps(cfg.to_dict(), indent=1, default=str))
    # The data first: a missing snapshot or file is named before a model is loaded.
    questions = load_questions(snapshot=cfg.snapshot, questions_file=cfg.questions_file, db=cfg.db,
                               limit=cfg.limit_questions)
    tokenizer = AutoTokenizer.from_pretrained(cfg.model)
    rows, dropped = build_prompt_rows(questions, tokenizer, cfg.max_prompt_tokens)
    with (out / "dropped_prompts.jsonl").open("w") as f:
        f.writelines(json.dumps(d) + "\n" for d in dropped)
    args = to_grpo_config(cfg)
    stop = StopCallback(should_stop or (lambda: False))
    trainer = GRPOTrainer(
        model=cfg.model,
        reward_funcs=[build_reward(cfg)],
        args=args,
        train_dataset=to_dataset(rows),
        processing_class=tokenizer,
        callbacks=[MetricsCallback(out / "metrics.jsonl", progress), stop, *(extra_callbacks or [])],
    )
    checkpoint = last_checkpoint(out) if resume else None
    if checkpoint is not None:
        log.info("resuming from %s", checkpoint)
    if progress:
        progress(questions=len(questions), prompts=len(rows), dropped=len(dropped),
                 total=cfg.max_steps, resumed_from=str(checkpoint) if checkpoint else None)
    trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
    step = trainer.state.global_step
    stopped = stop.stopped_at is not None and step < cfg.max_steps
    final = None
    if not stopped:
        final = out / "final"
        trainer.save_model(str(final))
        tokenizer.save_pretrained(str(final))
    reward = trainer.reward_funcs[0]
    close = getattr(reward, "close", None)
    if callable(close):
        close()
    return {"step": step, "max_steps": cfg.max_steps, "stopped": stopped,
            "checkpoint": str(last_checkpoint(out) or ""), "final_model": str(final) if final else None,
            "resumed_from": str(checkpoint) if checkpoint else None, "prompts": len(rows),
            "dropped_prompts": len(dropped)}


def main(argv: list[str] | None = None) -> int:
    """Entry for `accelerate launch -m genreason.train.grpo ...` (every process runs it)."""
    import argparse

    from genreason.train.config import preset

    parser = argparse.ArgumentParser(prog="python -m genreason.train.grpo", description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="tiny-cpu")
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", required=True, help="output folder (checkpoints, metrics)")
    data = parser.add_mutually_exclusive_group(required=True)
    data.add_argument("--snapshot")
    data.add_argument("--questions", help="JSONL/Parquet file of questions")
    parser.add_argument("--db")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    overrides = dict(kv.split("=", 1) for kv in args.set)
    cfg = preset(args.preset, model=args.model, output_dir=args.out, snapshot=args.snapshot,
                 questions_file=args.questions, db=args.db).with_overrides(overrides)
    result = train_grpo(cfg)
    log.info("finished: %s", json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
