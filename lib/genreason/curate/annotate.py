"""The annotate stage: answer type, subject and difficulty of each question.

General-Reasoner (arXiv:2505.14652, section 2.1) had an LLM tag every question with its
answer type (ten types), subject and difficulty. Here the LLM does the same through a
prompt file (genreason/prompts/annotate.md, overridable), with JSON validated against a
schema whose labels are the paper's ten answer types and the difficulty values found in
the data; and a rule guesses the answer type from the reference itself (`guess_answer_type`,
built on the rule verifier's parser), used when no LLM is configured or the LLM fails, and as
a cross-check that is recorded with every decision.

Stored labels win unless `overwrite`: annotate fills what is missing. A question is dropped
only when the LLM failed (after retries) and the question still lacks a subject or a
difficulty; the raw outputs are the evidence.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb
from pydantic import BaseModel, create_model

from genreason.curate.backend import LLMConfig, build_backend
from genreason.curate.prompts import check_placeholders, load_prompt, render
from genreason.curate.stage import BaseStage, Outcome, Row
from genreason.curate.structured import generate_structured
from genreason.llm.base import SamplingParams

log = logging.getLogger(__name__)

# The paper's ten answer types (table 1), in its order of frequency.
ANSWER_TYPES = ("Float", "Expression", "Multiple Choice", "Integer", "String", "List", "Boolean",
                "Percentage", "Fraction", "Matrix")
LABELS = ("answer_type", "category", "difficulty")


def guess_answer_type(answer: str, options: Sequence[str] | None = None) -> str:
    """The paper's answer type that a reference answer looks like ("12 N" -> Float)."""
    from genreason.verify.rules.kinds import infer_kind
    from genreason.verify.rules.numbers import parse_number

    kind = infer_kind(answer, tuple(options) if options else None)
    if kind == "number":
        num = parse_number(answer)
        if num is not None and num.percent:
            return "Percentage"
        if "/" in answer or "frac" in answer:
            return "Fraction"
        return "Float"
    return {"choice": "Multiple Choice", "boolean": "Boolean", "integer": "Integer",
            "quantity": "Percentage" if answer.strip().endswith("%") else "Float",
            "matrix": "Matrix", "list": "List", "expression": "Expression"}.get(kind, "String")


@dataclass(frozen=True)
class AnnotateConfig:
    """How to label questions."""

    llm: LLMConfig = field(default_factory=LLMConfig)  # no backend: rule answer types only
    prompt: str | None = None  # a prompt file of your own instead of genreason/prompts/annotate.md
    overwrite: bool = False  # replace stored labels (default: fill only what is missing)
    retries: int = 2  # extra attempts after an invalid reply
    max_new_tokens: int = 256  # reply budget per question
    categories: tuple[str, ...] = ()  # subjects to suggest; empty: those already in the data
    difficulties: tuple[str, ...] = ()  # allowed difficulty labels; empty: those in the data
    batch_size: int = 32  # questions per LLM call

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError(f"AnnotateConfig.retries must be >= 0, got {self.retries}")
        if self.max_new_tokens < 16:
            raise ValueError(f"AnnotateConfig.max_new_tokens must be >= 16, got {self.max_new_tokens}")
        if self.batch_size < 1:
            raise ValueError(f"AnnotateConfig.batch_size must be >= 1, got {self.batch_size}")


def label_values(con: duckdb.DuckDBPyConnection, column: str) -> list[str]:
    """Distinct stored values of a label column, most common first (never hard-coded)."""
    if column not in LABELS:
        raise ValueError(f"not a label column: {column!r}")
    return [r[0] for r in con.execute(
        f"SELECT {column} FROM questions WHERE {column} IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1"
    ).fetchall()]


def annotation_schema(difficulties: Sequence[str]) -> type[BaseModel]:
    """The reply schema: answer_type one of the ten; difficulty one of `difficulties` (any
    text when none are known); category free text."""
    difficulty: Any = Literal[tuple(difficulties)] if difficulties else str  # type: ignore[valid-type]
    return create_model("Annotation", answer_type=(Literal[ANSWER_TYPES], ...),  # type: ignore[valid-type]
                        category=(str, ...), difficulty=(difficulty, ...))


class AnnotateStage(BaseStage):
    """Label questions; see the module docstring."""

    name = "annotate"
    # It writes the labels it reads: a rerun compares only what it annotates from, so its own
    # labels do not make a question look changed (and the stored labels a question had are kept
    # in each decision's evidence).
    row_fields = ("question", "answer", "options")

    def __init__(self, config: AnnotateConfig, backend: Any = None) -> None:
        super().__init__(config)
        self.batch_size = config.batch_size
        self._backend = backend
        self.categories: tuple[str, ...] = config.categories
        self.difficulties: tuple[str, ...] = config.difficulties
        self.template = load_prompt("annotate", config.prompt)
        check_placeholders(self.template, ("question", "answer"), config.prompt or "annotate prompt")

    @property
    def uses_llm(self) -> bool:
        return self._backend is not None or self.config.llm.configured

    def prepare(self, con: duckdb.DuckDBPyConnection, db: Any) -> None:
        """Enumerate subject and difficulty labels from the data when the config names none."""
        if not self.categories:
            self.categories = tuple(label_values(con, "category"))
        if not self.difficulties:
            self.difficulties = tuple(label_values(con, "difficulty"))

    def prompt_for(self, row: Row) -> str:
        return render(self.template, question=row["question"], answer=row["answer"],
                      answer_types=", ".join(ANSWER_TYPES),
                      categories=", ".join(self.categories[:20]) or "Mathematics, Physics, Chemistry",
                      difficulties=", ".join(self.difficulties) or "the level you judge right")

    def process(self, rows: Sequence[Row]) -> list[Outcome]:
        llm_results: list[Any] = [None] * len(rows)
        if self.uses_llm:
            if self._backend is None:
                self._backend = build_backend(self.config.llm)
            llm_results = generate_structured(
                self._backend, [self.prompt_for(r) for r in rows], annotation_schema(self.difficulties),
                SamplingParams(max_new_tokens=self.config.max_new_tokens), retries=self.config.retries)
        return [self._decide(row, result) for row, result in zip(rows, llm_results, strict=True)]

    def _decide(self, row: Row, result: Any) -> Outcome:
        rule_type = guess_answer_type(row["answer"], row.get("options"))
        stored = {k: row.get(k) for k in LABELS}
        llm = result.value.model_dump() if result is not None and result.value is not None else None
        final = {}
        for key in LABELS:
            keep = stored[key] is not None and not self.config.overwrite
            proposed = llm[key] if llm else (rule_type if key == "answer_type" else None)
            final[key] = stored[key] if keep or proposed is None else proposed
        evidence: dict[str, Any] = {"rule_answer_type": rule_type, "stored": stored, "llm": llm,
                                    "labels": final,
                                    "answer_type_agrees_with_rule": final["answer_type"] == rule_type}
        if result is not None and result.value is None:
            evidence["llm_failure"] = result.evidence()
            if final["category"] is None or final["difficulty"] is None:
                return Outcome(str(row["id"]), False, f"annotation failed: {result.error}", evidence)
        changed = {k: v for k, v in final.items() if v != stored[k]}
        evidence["changed"] = changed
        if llm and changed:
            reason = "labelled by LLM"
        elif changed:
            reason = "answer type by rule"
        else:
            reason = "stored labels kept"
        return Outcome(str(row["id"]), True, reason, evidence, rows=[{"id": row["id"], **changed}] if changed else [])

    def save(self, con: duckdb.DuckDBPyConnection, run_id: str, outcomes: Sequence[Outcome]) -> None:
        for key in LABELS:
            batch = [(r[key], r["id"]) for o in outcomes for r in o.rows if key in r]
            if batch:
                con.executemany(f"UPDATE questions SET {key} = ? WHERE id = ?", batch)
