"""Compact verifier training: supervised fine-tuning on a teacher judge's stored verdicts.

The paper's 1.5B verifier (General-Reasoner, arXiv:2505.14652, section 3.2) reads the raw
prompt `genreason.verify.model.render_prompt(question, ground truth, student answer)` and
writes a short justification ending in "Final Decision: Yes" or "Final Decision: No". This
module trains a model to do that on the user's own data, from the judgments of any stored
judge (a strong model judge's raw outputs, human labels, imported labels, the rule verifier):

- each decided judgment of the teacher on a candidate with an extracted answer becomes one
  example: prompt = the paper's verifier prompt, completion = " <reasoning> Final Decision:
  Yes|No" where the reasoning is the teacher's own output up to its decision when it has one
  (model judges) or its stated reason otherwise (labels, rules); undecided verdicts and
  responses without an answer are left out;
- examples are split by question (a held-out fraction of question ids, chosen by a seeded hash),
  so no question of the held-out split is seen in training;
- TRL's SFTTrainer trains on prompt-completion pairs (loss on the completion only), with the
  same metrics/stop/resume callbacks as GRPO;
- the trained model is registered as judge `model:<run name>` (genreason.store.judges), judges
  the held-out candidates through `ModelVerifier` (stored, so `genreason compare` and the
  Verifiers page put it beside its teacher), and the comparison with the teacher on the
  held-out split is written to `heldout_comparison.json`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerifierSFTConfig:
    """Fine-tune a compact verifier on a teacher judge's stored judgments."""

    base_model: str  # the model to fine-tune: a local folder (e.g. Qwen2.5-Math-1.5B)
    teacher: str  # the stored judge whose verdicts are the labels ("model:big", "human", ...)
    output_dir: str  # checkpoints, metrics, the trained model (model/)
    run_name: str  # the trained judge is registered as model:<run_name>
    db: str | None = None  # the store with the judgments (default: $GENREASON_DB)
    held_out: float = 0.2  # fraction of questions held out for the comparison
    seed: int = 0  # the split and the data order
    limit: int | None = None  # use at most this many examples (smoke runs)
    learning_rate: float = 1e-5  # AdamW learning rate
    epochs: float = 2.0  # passes over the training split
    max_steps: int = -1  # stop after this many optimizer steps (-1: run the epochs)
    batch_size: int = 8  # examples per device per step
    gradient_accumulation: int = 1  # steps accumulated per update
    max_length: int = 2048  # prompt + completion tokens; longer examples are truncated
    save_steps: int = 50  # checkpoint every N steps (and on stop)
    max_new_tokens: int = 256  # decoding budget of the trained judge on the held-out split
    bf16: bool = False  # bfloat16 training (GPUs)
    use_cpu: bool = False  # train on the CPU
    report_to: tuple[str, ...] = ()  # trackio, wandb, tensorboard
    evaluate: bool = True  # judge the held-out split and compare with the teacher

    def __post_init__(self) -> None:
        for name in ("base_model", "teacher", "output_dir", "run_name"):
            if not getattr(self, name):
                raise ValueError(f"{name} is required")
        if any(c in self.run_name for c in " /:"):
            raise ValueError(f"run_name {self.run_name!r}: use letters, digits, '-', '_' or '.'")
        if not 0 < self.held_out < 1:
            raise ValueError(f"held_out must be in (0, 1), got {self.held_out}")
        for name in ("batch_size", "gradient_accumulation", "max_length", "save_steps", "max_new_tokens"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.epochs <= 0 and self.max_steps < 1:
            raise ValueError("give epochs > 0 or max_steps >= 1")
        if self.use_cpu and self.bf16:
            raise ValueError("use_cpu=True needs bf16=False")

    @property
    def judge_name(self) -> str:
        return f"model:{self.run_name}"

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "report_to": list(self.report_to)}

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> VerifierSFTConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown verifier-SFT setting(s) {unknown}; known: {', '.join(sorted(known))}")
        values = dict(values)
        if "report_to" in values:
            values["report_to"] = tuple(values["report_to"] or ())
        return cls(**values)


def verifier_target(verdict: bool, reason: str | None, output: str | None) -> str:
    """The completion to learn: ' <reasoning> Final Decision: Yes|No'.

    The teacher's own output up to its first decision when that decision is the verdict (a
    model judge's reasoning), else its reason (labels and rules give a short one), else none.
    """
    from genreason.verify.model import FAIL_TAG, PASS_TAG, parse_decision

    tag = PASS_TAG if verdict else FAIL_TAG
    if output:
        first, _, decisions = parse_decision(output)
        if decisions and first is verdict:
            cut = output.find(tag)
            reasoning = output[:cut].strip()
            return f" {reasoning} {tag}" if reasoning else f" {tag}"
    reasoning = (reason or "").strip()
    return f" {reasoning}. {tag}" if reasoning and not reasoning.endswith(".") else (
        f" {reasoning} {tag}" if reasoning else f" {tag}")


_EXAMPLES_SQL = """
SELECT j.candidate_id, j.question_id, q.question, q.answer, c.response, q.answer_type, q.options,
       j.verdict, j.extracted, j.reason, j.detail
FROM judgments j JOIN candidates c ON c.id = j.candidate_id JOIN questions q ON q.id = c.question_id
WHERE j.judge = ? AND j.verdict IS NOT NULL
ORDER BY j.candidate_id
"""


def teacher_examples(con: Any, teacher: str, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Training examples from the teacher's decided judgments (read-only query)."""
    from genreason.judging import NO_ANSWER
    from genreason.verify.extract import extract_answer
    from genreason.verify.model import render_prompt

    rows = con.execute(_EXAMPLES_SQL, [teacher]).fetchall()
    if not rows:
        raise ValueError(f"judge {teacher!r} has no decided judgments in this store; "
                         "judge some candidates with it first (genreason judge --db ...)")
    examples = []
    for cid, qid, question, reference, response, answer_type, options, verdict, extracted, reason, detail in rows:
        answer = extracted if extracted and extracted != NO_ANSWER else extract_answer(response).answer
        if not answer or not answer.strip():
            continue  # nothing for a verifier to judge: the reward gives -0.5 without asking
        detail = json.loads(detail) if isinstance(detail, str) and detail else (detail or {})
        output = detail.get("output") if isinstance(detail, dict) else None
        examples.append({
            "candidate_id": cid, "question_id": qid, "question": question, "reference": reference,
            "response": response, "answer_type": answer_type, "options": list(options) if options else None,
            "student_answer": answer, "verdict": bool(verdict),
            "prompt": render_prompt(question, reference, answer),
            "completion": verifier_target(bool(verdict), reason, output),
        })
        if limit is not None and len(examples) >= limit:
            break
    return examples


def split_by_question(examples: Sequence[dict[str, Any]], held_out: float, seed: int = 0
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(train, held-out): every example of a question lands on the same side."""
    def side(qid: str) -> bool:
        digest = hashlib.sha256(f"{seed}:{qid}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64 < held_out

    test = [e for e in examples if side(e["question_id"])]
    train = [e for e in examples if not side(e["question_id"])]
    if not train or not test:
        raise ValueError(f"{len(examples)} examples over {len({e['question_id'] for e in examples})} "
                         f"questions leave an empty {'training' if not train else 'held-out'} split "
                         f"at held_out={held_out}; judge more questions or change held_out")
    return train, test


def to_sft_config(cfg: VerifierSFTConfig) -> Any:
    """TRL's SFTConfig for this run."""
    import sys

    from trl import SFTConfig

    return SFTConfig(
        output_dir=cfg.output_dir, learning_rate=cfg.learning_rate, num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps, per_device_train_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.gradient_accumulation, max_length=cfg.max_length,
        completion_only_loss=True, packing=False, save_strategy="steps", save_steps=cfg.save_steps,
        logging_steps=1, seed=cfg.seed, bf16=cfg.bf16, use_cpu=cfg.use_cpu,
        report_to=list(cfg.report_to) or "none", dataloader_num_workers=0,
        disable_tqdm=not sys.stderr.isatty(),
    )


def train_verifier(
    cfg: VerifierSFTConfig,
    *,
    should_stop: Callable[[], bool] | None = None,
    progress: Callable[..., Any] | None = None,
) -> dict[str, Any]:
    """Train, register `model:<run>`, judge the held-out split and compare with the teacher."""
    from datasets import Dataset
    from transformers import AutoTokenizer
    from trl import SFTTrainer

    from genreason import store
    from genreason.train.callbacks import MetricsCallback, StopCallback
    from genreason.train.grpo import last_checkpoint

    out = Path(cfg.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "verifier_sft_config.json").write_text(json.dumps(cfg.to_dict(), indent=1))
    with store.connect(cfg.db, read_only=True) as con:
        examples = teacher_examples(con, cfg.teacher, limit=cfg.limit)
    train, test = split_by_question(examples, cfg.held_out, cfg.seed)
    (out / "split.json").write_text(json.dumps({
        "train_questions": sorted({e["question_id"] for e in train}),
        "held_out_questions": sorted({e["question_id"] for e in test}),
        "train_examples": len(train), "held_out_examples": len(test)}, indent=1))
    tokenizer = AutoTokenizer.from_pretrained(cfg.base_model)
    stop = StopCallback(should_stop or (lambda: False))
    trainer = SFTTrainer(
        model=cfg.base_model, args=to_sft_config(cfg), processing_class=tokenizer,
        train_dataset=Dataset.from_list([{"prompt": e["prompt"], "completion": e["completion"]} for e in train]),
        callbacks=[MetricsCallback(out / "metrics.jsonl", progress), stop],
    )
    checkpoint = last_checkpoint(out)
    trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
    result: dict[str, Any] = {"step": trainer.state.global_step, "train_examples": len(train),
                              "held_out_examples": len(test), "judge": cfg.judge_name,
                              "resumed_from": str(checkpoint) if checkpoint else None}
    if stop.stopped_at is not None and trainer.state.global_step < trainer.state.max_steps:
        return {**result, "stopped": True}
    model_dir = out / "model"
    trainer.save_model(str(model_dir))
    tokenizer.save_pretrained(str(model_dir))
    result["model"] = str(model_dir)
    del trainer
    if cfg.evaluate:
        result["comparison"] = evaluate_against_teacher(cfg, model_dir, test)
    return result


def build_trained_verifier(cfg: VerifierSFTConfig, model_dir: str | os.PathLike[str]) -> Any:
    """The trained model as a ModelVerifier named model:<run> (transformers backend)."""
    from genreason.verify.model import ModelVerifier

    return ModelVerifier(backend_name="hf", model=str(model_dir), name=cfg.judge_name,
                         max_new_tokens=cfg.max_new_tokens)


def evaluate_against_teacher(cfg: VerifierSFTConfig, model_dir: Path, test: Sequence[dict[str, Any]]
                             ) -> dict[str, Any]:
    """Register the judge, judge the held-out candidates, store them, compare with the teacher."""
    from genreason import store
    from genreason.judging import Item
    from genreason.verify.assess.compare import compare_pairs, pair_judgments
    from genreason.verify.registry import judge_config

    verifier = build_trained_verifier(cfg, model_dir)
    items = [Item(question=e["question"], reference=e["reference"], response=e["response"],
                  answer_type=e["answer_type"], options=tuple(e["options"]) if e["options"] else None,
                  item_id=e["candidate_id"]) for e in test]
    judgments = verifier.verify_batch(items)
    kind, config = judge_config(verifier)
    config = {**config, "trained_from": cfg.base_model, "teacher": cfg.teacher, "run": cfg.run_name}
    with store.connect(cfg.db) as con:
        store.register_judge(con, cfg.judge_name, kind, config)
        store.save_judgments(con, judgments, run_id=f"verifier-sft-{cfg.run_name}")
    teacher = [{"item_id": e["candidate_id"], "verdict": e["verdict"], "question_id": e["question_id"]}
               for e in test]
    comparison = compare_pairs(pair_judgments(judgments, teacher, {e["candidate_id"]: e for e in test}),
                               cfg.judge_name, cfg.teacher, max_disagreements=10)
    summary = {"judge": cfg.judge_name, "teacher": cfg.teacher, "n": comparison.metrics["n"],
               "metrics": comparison.metrics, "matrix": comparison.matrix}
    (Path(cfg.output_dir) / "heldout_comparison.json").write_text(json.dumps(summary, indent=1, default=str))
    verifier.close()
    return summary
