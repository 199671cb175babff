"""The extract stage: raw documents (web pages, Q/A threads) to single-turn verifiable questions.

General-Reasoner (arXiv:2505.14652, section 2.1) traced WebInstruct's instructions back to
their pages, kept those with a human-written answer, and had an LLM extract questions with
short verifiable answers. Here an LLM reads each document through a prompt file
(genreason/prompts/extract.md, overridable) and replies with JSON validated against
`Extraction`: zero or more {question, answer} pairs, or one rejection reason from
REJECTIONS. A document that yields questions is kept (its questions are stored in
`questions`, source `config.source`, id `<document id>#<n>`, the document id in `extra`);
one that is rejected, or whose reply stays invalid after the retries, is dropped with that
reason and the raw replies as evidence.

Documents are JSONL rows with an `id` and the text in `text` (or `document`, or a
`question` and `answer` pair of a thread); `read_documents` validates them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb
from pydantic import BaseModel, Field, field_validator, model_validator

from genreason.curate.backend import LLMConfig, build_backend
from genreason.curate.prompts import check_placeholders, load_prompt, render
from genreason.curate.stage import BaseStage, Outcome, Row
from genreason.curate.structured import generate_structured
from genreason.llm.base import SamplingParams

REJECTIONS = ("no verifiable answer", "needs a figure", "multi-part", "opinion",
              "answer not given by a human")
MAX_ANSWER_CHARS = 300  # "short verifiable answers": longer replies are explanations


class ExtractedQuestion(BaseModel):
    question: str = Field(min_length=10)
    answer: str = Field(min_length=1, max_length=MAX_ANSWER_CHARS)

    @field_validator("question", "answer")
    @classmethod
    def _strip(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("empty text")
        return value.strip()


class Extraction(BaseModel):
    """The reply: questions, or a rejection (exactly one of the two)."""

    questions: list[ExtractedQuestion] = Field(default_factory=list, max_length=20)
    rejected: Literal[REJECTIONS] | None = None  # type: ignore[valid-type]

    @field_validator("rejected", mode="before")
    @classmethod
    def _null(cls, value: Any) -> Any:
        return None if value in ("", "null", "none", "None") else value

    @model_validator(mode="after")
    def _one_of(self) -> Extraction:
        if not self.questions and self.rejected is None:
            raise ValueError("no questions and no rejection reason")
        return self


@dataclass(frozen=True)
class ExtractConfig:
    """How to extract questions from documents."""

    llm: LLMConfig = field(default_factory=LLMConfig)  # the extracting model
    prompt: str | None = None  # a prompt file of your own instead of genreason/prompts/extract.md
    source: str = "extract"  # the `source` of the questions it stores
    retries: int = 2  # extra attempts after an invalid reply
    max_new_tokens: int = 1024  # reply budget per document
    max_document_chars: int = 20_000  # longer documents are cut (and say so in the evidence)
    batch_size: int = 16  # documents per LLM call

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError(f"ExtractConfig.retries must be >= 0, got {self.retries}")
        if self.max_new_tokens < 16:
            raise ValueError(f"ExtractConfig.max_new_tokens must be >= 16, got {self.max_new_tokens}")
        if not self.source.strip():
            raise ValueError("ExtractConfig.source must not be empty")
        if self.batch_size < 1:
            raise ValueError(f"ExtractConfig.batch_size must be >= 1, got {self.batch_size}")


def document_text(row: Row) -> str:
    """The text of a document row: `text`, `document`, or a thread's question and answer."""
    for key in ("text", "document"):
        if isinstance(row.get(key), str) and row[key].strip():
            return row[key]
    if isinstance(row.get("question"), str):
        parts = [f"Question: {row['question']}"]
        if isinstance(row.get("answer"), str) and row["answer"].strip():
            parts.append(f"Answer ({row.get('answered_by', 'unknown')}): {row['answer']}")
        return "\n\n".join(parts)
    raise ValueError(f"document {row.get('id')!r} has no text (fields text, document, or question/answer)")


def read_documents(path: str | Path) -> list[Row]:
    """Document rows from a JSONL file; ValueError naming the file and line of a bad row."""
    path = Path(path)
    rows, seen = [], set()
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read ({exc.strerror})") from exc
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{where}: not valid JSON ({exc})") from exc
        if not isinstance(row, dict) or not str(row.get("id", "")).strip():
            raise ValueError(f"{where}: a document needs an 'id'")
        row["id"] = str(row["id"])
        if row["id"] in seen:
            raise ValueError(f"{where}: document id {row['id']!r} appears twice")
        seen.add(row["id"])
        try:
            document_text(row)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from exc
        rows.append(row)
    return rows


class ExtractStage(BaseStage):
    """Extract questions from documents; see the module docstring."""

    name = "extract"

    def __init__(self, config: ExtractConfig, backend: Any = None) -> None:
        super().__init__(config)
        if backend is None and not config.llm.configured:
            raise ValueError("the extract stage needs a model: set --backend and --model")
        self.batch_size = config.batch_size
        self._backend = backend
        self.template = load_prompt("extract", config.prompt)
        check_placeholders(self.template, ("document",), config.prompt or "extract prompt")

    def select(self, con: duckdb.DuckDBPyConnection) -> list[Row]:
        raise ValueError("the extract stage reads documents, not stored questions: pass them "
                         "(CLI: --documents FILE.jsonl)")

    def process(self, rows: Sequence[Row]) -> list[Outcome]:
        if self._backend is None:
            self._backend = build_backend(self.config.llm)
        limit = self.config.max_document_chars
        texts = [document_text(r) for r in rows]
        prompts = [render(self.template, document=t[:limit]) for t in texts]
        results = generate_structured(self._backend, prompts, Extraction,
                                      SamplingParams(max_new_tokens=self.config.max_new_tokens),
                                      retries=self.config.retries)
        outcomes = []
        for row, text, result in zip(rows, texts, results, strict=True):
            doc = str(row["id"])
            evidence: dict[str, Any] = {"attempts": result.attempts, "cut": len(text) > limit}
            if result.value is None:
                evidence.update(result.evidence())
                outcomes.append(Outcome(doc, False, f"invalid reply: {result.error}", evidence))
                continue
            value: Extraction = result.value  # type: ignore[assignment]
            if not value.questions:
                evidence["raw"] = result.raw[-1][:4000]
                outcomes.append(Outcome(doc, False, str(value.rejected), evidence, outputs=[]))
                continue
            made = [{"id": f"{doc}#{i + 1}", "question": q.question, "answer": q.answer, "document_id": doc}
                    for i, q in enumerate(value.questions)]
            evidence["questions"] = made
            outcomes.append(Outcome(doc, True, "extracted", evidence, rows=made, outputs=[m["id"] for m in made]))
        return outcomes

    def save(self, con: duckdb.DuckDBPyConnection, run_id: str, outcomes: Sequence[Outcome]) -> None:
        from genreason.ingest.normalize import digest

        batch = [(r["id"], self.config.source, r["question"], r["answer"],
                  json.dumps({"document_id": r["document_id"], "extract_run": run_id}),
                  digest(r["question"], r["answer"], None, None, None, ""), run_id)
                 for o in outcomes for r in o.rows]
        if batch:
            con.executemany(
                "INSERT OR REPLACE INTO questions (id, source, question, answer, extra, content_hash, ingest_run) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", batch)
