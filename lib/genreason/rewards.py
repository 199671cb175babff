"""Rewards for GRPO: the General-Reasoner reward over any judge, in TRL's reward-function shape.

The paper's reward (Ma et al., 2025, arXiv:2505.14652, as DESIGN.md sums it up; the released
reward worker, verifier.py of the General-Reasoner repository, computes the same, except that it
still sends a missing answer to the verifier as "No Answer", whose "Yes" would lift the -0.5;
here a missing answer is -0.5, never judged):

    no answer extracted          -> -0.5
    the verifier accepts         -> 1 - 0.05 * min(10, |tokens(answer) - tokens(reference)|)
    otherwise (rejected, or the judge is undecided)   -> 0

tokens() counts the policy's tokenizer's ids of the text without special tokens (the worker
calls `tokenizer.encode` on the extracted answer and on the ground truth). So an accepted
answer earns 0.5..1.0, shorter the closer its length is to the reference's: the penalty
discourages answers padded with extra material.

`VerifiedReward` is a callable object in TRL's convention, `reward(prompts, completions,
**kwargs) -> list[float | None]`, where the dataset's columns arrive in kwargs: `reference`
(required), `answer_type`, `options`, `question`, `id`. Completions may be plain strings or
conversations (lists of messages; the last assistant message is read). The judge is any
registered verifier (genreason.verify.registry: "rule", "model", "hybrid", or a model
verifier pointed at a trained compact verifier) or a built `Verifier`. All completions of a
call go to the judge in one `verify_batch` (a model verifier sees the whole group at once).

Each sample's components (extracted answer, verdict, length difference and penalty, the path
that decided, the judge's reason) are kept in `last_components`, appended to a JSONL log when
`log_path` is set, and handed to TRL's `log_extra` / `log_metric` hooks when TRL passes them
(they land in the completions parquet files and the logged metrics).

The object pickles (the judge and tokenizer are rebuilt lazily from their names after
unpickling) and is safe to call from several threads (calls are serialised around the judge,
which may hold a model or worker processes).

    reward = VerifiedReward(judge="rule", tokenizer="path/to/policy")
    GRPOTrainer(..., reward_funcs=[reward])
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from genreason.judging import NO_ANSWER, Item, Judgment, Verifier
from genreason.verify.extract import extract_answer

log = logging.getLogger(__name__)

NO_ANSWER_REWARD = -0.5  # paper: "score -= 0.5" when no answer is extracted
# What counts as an extracted answer for the reward: the paper's worker reads the last
# \boxed{...}, else the last "Final Answer:" / "The answer is:" line (DESIGN.md adds
# "Answer:"-style lines). The workbench's extractor also reads a bare last line or a written
# choice letter; under the paper's reading those are no answer (-0.5), which keeps the
# format signal that the -0.5 exists for.
PAPER_ANSWER_METHODS = frozenset({"boxed", "boxed_multi", "final_answer_line", "answer_is", "answer_line"})
LENGTH_PENALTY_PER_TOKEN = 0.05
LENGTH_PENALTY_MAX_TOKENS = 10


def paper_reward(answer_tokens: int | None, reference_tokens: int, accepted: bool) -> float:
    """The paper's reward from the token counts and the verdict (answer_tokens None = no answer)."""
    if answer_tokens is None:
        return NO_ANSWER_REWARD
    if not accepted:
        return 0.0
    diff = min(LENGTH_PENALTY_MAX_TOKENS, abs(answer_tokens - reference_tokens))
    return 1.0 - LENGTH_PENALTY_PER_TOKEN * diff


def completion_text(completion: Any) -> str:
    """The text of a completion: a string, or the last assistant message of a conversation."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Mapping):
        return _content_text(completion.get("content"))
    if isinstance(completion, Sequence):
        messages = [m for m in completion if isinstance(m, Mapping)]
        assistant = [m for m in messages if m.get("role", "assistant") == "assistant"]
        chosen = assistant or messages
        return _content_text(chosen[-1].get("content")) if chosen else ""
    return "" if completion is None else str(completion)


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):  # content parts: [{"type": "text", "text": ...}, ...]
        return "".join(p.get("text", "") for p in content if isinstance(p, Mapping))
    return "" if content is None else str(content)


def _question_text(prompt: Any) -> str:
    """The question when the dataset has no `question` column: the prompt's last user turn."""
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, Sequence):
        users = [m for m in prompt if isinstance(m, Mapping) and m.get("role") == "user"]
        return _content_text(users[-1].get("content")) if users else ""
    return ""


class VerifiedReward:
    """The paper's reward with any judge; a picklable, thread-safe TRL reward function.

    judge: a registry name ("rule", "model", "hybrid") or a built Verifier.
    judge_options: keyword arguments for the registry's verifier (model=..., backend_name=...).
    tokenizer: the policy's tokenizer, or the path it loads from (AutoTokenizer); it counts
        tokens for the length penalty.
    log_path: a JSONL file each sample's components are appended to, with its prompt id,
        reference and completion text (None: not written).
    log_samples: write only the first N samples of each call to log_path (None: all).
    paper_extraction: count only the paper's answer forms (boxed, answer lines) as an answer;
        False also accepts the extractor's last-line and choice-letter readings.
    audit: a `genreason.train.audit.RewardAudit` that re-judges a sample of each call's
        answered completions with a second judge in the background (None: no audit).
    name: the reward's name in TRL's logs (`rewards/<name>/mean`).
    """

    def __init__(
        self,
        judge: str | Verifier = "rule",
        *,
        tokenizer: Any,
        judge_options: Mapping[str, Any] | None = None,
        log_path: str | Path | None = None,
        log_samples: int | None = None,
        audit: Any = None,
        paper_extraction: bool = True,
        name: str = "verified_reward",
    ) -> None:
        if isinstance(judge, str):
            from genreason.verify.registry import VERIFIERS

            if judge not in VERIFIERS:
                raise ValueError(f"unknown judge {judge!r}; choose one of {', '.join(VERIFIERS)}")
            self._judge_kind: str | None = judge
            self._verifier: Verifier | None = None
        else:
            if not callable(getattr(judge, "verify_batch", None)):
                raise TypeError(f"judge must be a registry name or a Verifier, got {type(judge).__name__}")
            self._judge_kind, self._verifier = None, judge
        if tokenizer is None or (isinstance(tokenizer, str) and not tokenizer.strip()):
            raise ValueError("the reward needs the policy's tokenizer (or its path) for the length penalty")
        self._tokenizer_path = str(tokenizer) if isinstance(tokenizer, (str, Path)) else None
        self._tokenizer = None if self._tokenizer_path else tokenizer
        self.judge_options = dict(judge_options or {})
        self.log_path = Path(log_path) if log_path else None
        if log_samples is not None and log_samples < 0:
            raise ValueError(f"log_samples must be >= 0, got {log_samples}")
        self.log_samples = log_samples
        self.audit = audit
        self.paper_extraction = paper_extraction
        self.__name__ = name
        self.last_components: list[dict[str, Any]] = []
        self.calls = 0
        self._lock = threading.RLock()

    # --- pickling: names travel, built objects are rebuilt -------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_lock", None)
        if self._judge_kind is not None:
            state["_verifier"] = None
        if self._tokenizer_path is not None:
            state["_tokenizer"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    # --- lazily built parts --------------------------------------------------------------------

    @property
    def verifier(self) -> Verifier:
        with self._lock:
            if self._verifier is None:
                from genreason.verify.registry import make_verifier

                self._verifier = make_verifier(self._judge_kind or "rule", **self.judge_options)
            return self._verifier

    @property
    def tokenizer(self) -> Any:
        with self._lock:
            if self._tokenizer is None:
                from transformers import AutoTokenizer

                self._tokenizer = AutoTokenizer.from_pretrained(self._tokenizer_path)
            return self._tokenizer

    def count_tokens(self, text: str) -> int:
        """Token ids of `text` under the policy's tokenizer, without special tokens."""
        return len(self.tokenizer.encode(text, add_special_tokens=False))

    def close(self) -> None:
        """Finish the audit and release the judges' resources (worker processes, clients)."""
        if self.audit is not None:
            self.audit.close()
        with self._lock:
            close = getattr(self._verifier, "close", None)
            if callable(close):
                close()

    # --- the reward ----------------------------------------------------------------------------

    def __call__(self, prompts: Sequence[Any], completions: Sequence[Any], **kwargs: Any) -> list[float | None]:
        n = len(completions)
        references = _column(kwargs, "reference", n, required=True)
        questions = _column(kwargs, "question", n) or [_question_text(p) for p in prompts]
        answer_types = _column(kwargs, "answer_type", n) or [None] * n
        options = _column(kwargs, "options", n) or [None] * n
        ids = _column(kwargs, "id", n) or [None] * n
        texts = [completion_text(c) for c in completions]
        extractions = [extract_answer(t) for t in texts]
        answered = [i for i, e in enumerate(extractions) if e.answer is not None and e.answer.strip()
                    and (not self.paper_extraction or e.method in PAPER_ANSWER_METHODS)]
        items = [
            Item(question=str(questions[i] or ""), reference=str(references[i]), response=texts[i],
                 answer_type=answer_types[i] or None, options=tuple(options[i]) if options[i] else None,
                 item_id=None if ids[i] is None else str(ids[i]))
            for i in answered
        ]
        with self._lock:
            judgments = self.verifier.verify_batch(items) if items else []
            if len(judgments) != len(items):
                raise RuntimeError(f"judge returned {len(judgments)} judgments for {len(items)} items")
            by_index = dict(zip(answered, judgments, strict=True))
            rewards, components = [], []
            for i in range(n):
                reward, parts = self._score(str(references[i]), extractions[i].answer, by_index.get(i))
                parts["extraction"] = extractions[i].method
                if parts["path"] == "no-answer" and extractions[i].answer:
                    parts["reason"] = (f"no boxed or answer-line answer (a {extractions[i].method} "
                                       "reading is not an answer to the paper's reward)")
                rewards.append(reward)
                components.append(parts)
            self.calls += 1
            self.last_components = components
            state = kwargs.get("trainer_state")
            self._write_log(components, state, ids, references, texts)
            step = state.global_step + 1 if getattr(state, "global_step", None) is not None else self.calls
            if self.audit is not None:
                self.audit.submit(step, items, judgments)
        _report(kwargs, components, rewards)
        if self.audit is not None and callable(kwargs.get("log_metric")):
            rate = self.audit.pop_rate()
            if rate is not None:
                kwargs["log_metric"]("audit/disagreement_recent", rate)
        return rewards

    def _score(self, reference: str, answer: str | None, judgment: Judgment | None) -> tuple[float, dict[str, Any]]:
        ref_tokens = self.count_tokens(reference)
        if judgment is None or answer is None:
            return NO_ANSWER_REWARD, {"extracted": None, "verdict": None, "path": "no-answer",
                                      "reason": "no answer extracted", "length_diff": None,
                                      "length_penalty": 0.0, "reward": NO_ANSWER_REWARD}
        # The judge's own reading of the answer, unless it found none where we found one.
        extracted = judgment.extracted if judgment.extracted not in (None, "", NO_ANSWER) else answer
        ans_tokens = self.count_tokens(extracted)
        accepted = judgment.verdict is True  # undecided counts as not accepted
        reward = paper_reward(ans_tokens, ref_tokens, accepted)
        diff = abs(ans_tokens - ref_tokens)
        penalty = LENGTH_PENALTY_PER_TOKEN * min(LENGTH_PENALTY_MAX_TOKENS, diff) if accepted else 0.0
        return reward, {"extracted": extracted, "verdict": judgment.verdict,
                        "path": judgment.rule or judgment.judge, "reason": judgment.reason,
                        "length_diff": diff, "length_penalty": round(penalty, 6), "reward": reward}

    def _write_log(self, components: list[dict[str, Any]], state: Any, ids: Sequence[Any],
                   references: Sequence[Any], texts: Sequence[str]) -> None:
        if self.log_path is None or self.log_samples == 0:
            return
        if os.environ.get("RANK", "0") != "0":  # under accelerate launch, rank 0 writes the sample
            return
        # Completions are scored before the optimizer step they train: name them by that step,
        # the number the metrics of the same step carry.
        step = state.global_step + 1 if getattr(state, "global_step", None) is not None else None
        n = len(components) if self.log_samples is None else min(self.log_samples, len(components))
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("a") as f:
            for i in range(n):
                row = {"step": step, "call": self.calls, "id": ids[i], "reference": references[i],
                       **components[i], "completion": texts[i]}
                f.write(json.dumps(row, default=str, ensure_ascii=False) + "\n")


def _column(kwargs: Mapping[str, Any], name: str, n: int, *, required: bool = False) -> list[Any] | None:
    values = kwargs.get(name)
    if values is None:
        if required:
            raise ValueError(f"the reward needs a `{name}` column in the training dataset "
                             f"(got columns: {', '.join(sorted(kwargs)) or 'none'})")
        return None
    values = list(values)
    if len(values) != n:
        raise ValueError(f"column `{name}` has {len(values)} values for {n} completions")
    return values


def _report(kwargs: Mapping[str, Any], components: list[dict[str, Any]], rewards: list[float]) -> None:
    """Hand the per-sample components to TRL's completion table and metrics, when it asks."""
    log_extra, log_metric = kwargs.get("log_extra"), kwargs.get("log_metric")
    if callable(log_extra):
        for key in ("extracted", "verdict", "path", "length_penalty"):
            log_extra(key, [c[key] for c in components])
    if callable(log_metric) and components:
        n = len(components)
        log_metric("reward_parts/no_answer", sum(c["path"] == "no-answer" for c in components) / n)
        log_metric("reward_parts/accepted", sum(c["verdict"] is True for c in components) / n)
        log_metric("reward_parts/undecided", sum(c["path"] != "no-answer" and c["verdict"] is None
                                                 for c in components) / n)
        accepted = [c["length_penalty"] for c in components if c["verdict"] is True]
        log_metric("reward_parts/length_penalty", sum(accepted) / len(accepted) if accepted else math.nan)
