"""The candidates stage: N sampled solutions per question, judged, stored with their verdicts.

General-Reasoner (arXiv:2505.14652, section 2.1) had an LLM write 8 candidate solutions per
question, prompted with the question and the suffix "Please reason step by step, and put
your final answer within \\boxed{}." (PAPER_SUFFIX); the pass-rate stage then reads their
verdicts. Each question is one request asking for `n` completions (the OpenAI-compatible
`n`, vLLM's and transformers' num_return_sequences), sampled at `temperature`.

Candidate ids are derived from the question, the model, the stage config and the sample
index, so a resumed or repeated run writes the same ids (an upsert, never a duplicate).
Each candidate is judged by the configured judge (any name in genreason.verify.registry),
and candidates plus judgments are stored in the runner's one transaction at the end.
A backend error fails the run (nothing half-stored); the next run resumes after the last
finished batch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from genreason.curate.backend import LLMConfig, build_backend
from genreason.curate.stage import BaseStage, Outcome, Row, config_hash
from genreason.judging import Item, Judgment
from genreason.llm.base import SamplingParams

# The paper's prompt suffix (General-Reasoner, arXiv:2505.14652; DESIGN.md, "Reward for GRPO").
PAPER_SUFFIX = "Please reason step by step, and put your final answer within \\boxed{}."
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class CandidatesConfig:
    """How to sample and judge candidate solutions."""

    llm: LLMConfig = field(default_factory=LLMConfig)  # the model that writes the solutions
    n: int = 8  # solutions per question (the paper: 8)
    temperature: float = 1.0  # sampling temperature (the paper's rollouts: 1.0 for Qwen2.5)
    top_p: float = 1.0  # nucleus sampling
    max_new_tokens: int = 4096  # per solution (the paper's response limit: 4096)
    suffix: str = PAPER_SUFFIX  # appended to every question
    seed: int | None = 0  # sampling seed (None: unseeded)
    judge: str = "rule"  # who judges the candidates (genreason.verify.registry)
    judge_options: Mapping[str, Any] = field(default_factory=dict)  # the judge's keyword arguments
    batch_size: int = 8  # questions per request batch (and per flush of the run folder)

    def __post_init__(self) -> None:
        from genreason.verify.registry import VERIFIERS

        if self.n < 1:
            raise ValueError(f"CandidatesConfig.n must be >= 1, got {self.n}")
        if self.temperature < 0:
            raise ValueError(f"CandidatesConfig.temperature must be >= 0, got {self.temperature}")
        if self.max_new_tokens < 1:
            raise ValueError(f"CandidatesConfig.max_new_tokens must be >= 1, got {self.max_new_tokens}")
        if self.judge not in VERIFIERS:
            raise ValueError(f"CandidatesConfig.judge: unknown judge {self.judge!r}; choose one of {', '.join(VERIFIERS)}")
        if self.batch_size < 1:
            raise ValueError(f"CandidatesConfig.batch_size must be >= 1, got {self.batch_size}")


def solution_prompt(row: Mapping[str, Any], suffix: str = PAPER_SUFFIX) -> str:
    """The question, its options lettered A., B., ... when it has any, then the suffix."""
    text = str(row["question"]).rstrip()
    options = row.get("options") or []
    if options:
        text += "\n\n" + "\n".join(f"{LETTERS[i]}. {o}" for i, o in enumerate(options))
    return f"{text}\n\n{suffix}" if suffix else text


def candidate_id(question_id: str, model: str, digest: str, index: int) -> str:
    """Stable across resumes and reruns of the same config."""
    tag = hashlib.sha1(f"{question_id}\x1f{model}\x1f{digest}".encode()).hexdigest()[:10]
    return f"{question_id}:gen-{tag}-{index}"


class CandidatesStage(BaseStage):
    """Sample and judge solutions; see the module docstring."""

    name = "candidates"

    def __init__(self, config: CandidatesConfig, backend: Any = None, verifier: Any = None) -> None:
        super().__init__(config)
        if backend is None and not config.llm.configured:
            raise ValueError("the candidates stage needs a model: set --backend and --model "
                             "(or use the sample's stored candidates with the pass_rate stage)")
        self.batch_size = config.batch_size
        self._backend = backend
        self._verifier = verifier
        self.digest = config_hash(self.name, config)

    @property
    def backend(self) -> Any:
        if self._backend is None:
            self._backend = build_backend(self.config.llm)
        return self._backend

    @property
    def verifier(self) -> Any:
        if self._verifier is None:
            from genreason.verify.registry import make_verifier

            self._verifier = make_verifier(self.config.judge, **dict(self.config.judge_options))
        return self._verifier

    @property
    def model_name(self) -> str:
        return str(self.config.llm.model or getattr(self._backend, "model", "unknown"))

    def process(self, rows: Sequence[Row]) -> list[Outcome]:
        c = self.config
        params = SamplingParams(max_new_tokens=c.max_new_tokens, temperature=c.temperature,
                                top_p=c.top_p if c.temperature > 0 else 1.0, n=c.n, seed=c.seed)
        gens = self.backend.generate([solution_prompt(r, c.suffix) for r in rows], params, chat=True)
        cands: list[tuple[Row, dict[str, Any]]] = []
        for row, gen in zip(rows, gens, strict=True):
            for k, text in enumerate(gen.texts[: c.n]):
                finish = gen.finish_reasons[k] if k < len(gen.finish_reasons) else None
                cands.append((row, {"id": candidate_id(str(row["id"]), self.model_name, self.digest, k),
                                    "question_id": str(row["id"]), "model": self.model_name,
                                    "response": text, "finish_reason": finish}))
        items = [Item(question=r["question"], reference=r["answer"], response=cand["response"],
                      answer_type=r.get("answer_type"),
                      options=tuple(r["options"]) if r.get("options") else None, item_id=cand["id"])
                 for r, cand in cands]
        judgments = self.verifier.verify_batch(items) if items else []
        by_question: dict[str, list[dict[str, Any]]] = {}
        for (_, cand), j in zip(cands, judgments, strict=True):
            by_question.setdefault(cand["question_id"], []).append({**cand, "judgment": j.to_row()})
        outcomes = []
        for row in rows:
            found = by_question.get(str(row["id"]), [])
            passed = sum(1 for x in found if x["judgment"]["verdict"] is True)
            evidence = {"n": len(found), "passed": passed, "judge": self.verifier.name,
                        "candidates": [{"id": x["id"], "verdict": x["judgment"]["verdict"],
                                        "extracted": x["judgment"]["extracted"]} for x in found]}
            if not found:
                outcomes.append(Outcome(str(row["id"]), False, "no candidates generated", evidence))
            else:
                outcomes.append(Outcome(str(row["id"]), True, "candidates generated", evidence, rows=found))
        return outcomes

    def save(self, con: duckdb.DuckDBPyConnection, run_id: str, outcomes: Sequence[Outcome]) -> None:
        from genreason import store

        cands = [r for o in outcomes for r in o.rows]
        if not cands:
            return
        con.executemany(
            "INSERT OR REPLACE INTO candidates (id, question_id, model, response, content_hash, run_id, extra) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r["id"], r["question_id"], r["model"], r["response"],
              hashlib.md5(r["response"].encode()).hexdigest()[:24], run_id,
              json.dumps({"finish_reason": r.get("finish_reason"), "stage_config": self.digest}))
             for r in cands],
        )
        store.save_judgments(con, [Judgment(**r["judgment"]) for r in cands], run_id=run_id)

    def close(self) -> None:
        close = getattr(self._verifier, "close", None)
        if callable(close):
            close()
