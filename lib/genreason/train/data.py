"""Training data: questions from a snapshot or a file, as chat prompts with the paper's suffix.

Reads a dataset snapshot from the store (`genreason.store.snapshots.load_snapshot`, one short
read-only connection) or a JSONL/Parquet file of questions (fields `question` and `answer`
or `reference`, optionally `id`, `answer_type`, `options`). Each question becomes one
conversational prompt, as the paper's data preparation wrote it: a single user turn
`question + " " + PAPER_SUFFIX` (General-Reasoner data_preprocess.py), rendered by TRL with
the policy's own chat template. The reward's columns travel with it: `reference`,
`answer_type`, `options`, `question`, `id`.

Prompts longer than `max_prompt_tokens` (chat template and generation prompt included) are
dropped, each with its reason, as verl's `filter_overlong_prompts` did: TRL 1.16 has no prompt
limit of its own, and a cut prompt would lose its question.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from genreason.train.config import PAPER_SUFFIX

log = logging.getLogger(__name__)


def load_questions(
    *,
    snapshot: str | None = None,
    questions_file: str | os.PathLike[str] | None = None,
    db: str | os.PathLike[str] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Question rows (id, question, reference, answer_type, options) from a snapshot or a file."""
    if (snapshot is None) == (questions_file is None):
        raise ValueError("give exactly one of snapshot=NAME or questions_file=PATH")
    if snapshot is not None:
        from genreason import store
        from genreason.store.snapshots import load_snapshot

        with store.connect(db, read_only=True) as con:
            rows = load_snapshot(con, snapshot)
        source = f"snapshot {snapshot!r}"
    else:
        rows = _read_file(Path(questions_file))
        source = str(questions_file)
    out = []
    for n, row in enumerate(rows, 1):
        question, reference = row.get("question"), row.get("reference", row.get("answer"))
        if not isinstance(question, str) or not question.strip():
            raise ValueError(f"{source}, row {n}: no question text")
        if reference is None or not str(reference).strip():
            raise ValueError(f"{source}, row {n}: no reference answer (field `answer` or `reference`)")
        options = row.get("options")
        out.append({"id": str(row.get("id") or f"row-{n}"), "question": question,
                    "reference": str(reference), "answer_type": row.get("answer_type"),
                    "options": [str(o) for o in options] if options is not None and len(options) else None})
        if limit is not None and len(out) >= limit:
            break
    if not out:
        raise ValueError(f"{source} holds no questions")
    return out


def _read_file(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise ValueError(f"questions file {path} does not exist")
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{path}, line {n}: not JSON ({exc})") from exc
        if not isinstance(row, dict):
            raise ValueError(f"{path}, line {n}: expected a JSON object")
        rows.append(row)
    return rows


def paper_prompt(question: str) -> list[dict[str, str]]:
    """The conversational prompt for one question: a user turn with the paper's suffix."""
    return [{"role": "user", "content": f"{question} {PAPER_SUFFIX}"}]


def prompt_tokens(tokenizer: Any, prompt: list[dict[str, str]]) -> int:
    """Tokens of the prompt as the policy sees it: chat template with the generation prompt."""
    ids = tokenizer.apply_chat_template(prompt, add_generation_prompt=True, tokenize=True)
    if isinstance(ids, dict) or hasattr(ids, "keys"):
        ids = ids["input_ids"]
    return len(ids)


def build_prompt_rows(
    questions: Sequence[dict[str, Any]], tokenizer: Any, max_prompt_tokens: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(training rows, dropped rows with their reason) for TRL's GRPOTrainer."""
    kept, dropped = [], []
    for q in questions:
        prompt = paper_prompt(q["question"])
        n = prompt_tokens(tokenizer, prompt)
        if n > max_prompt_tokens:
            dropped.append({"id": q["id"], "reason": f"prompt of {n} tokens > max_prompt_tokens {max_prompt_tokens}"})
            continue
        kept.append({"prompt": prompt, **q})
    if dropped:
        log.info("dropped %d of %d prompts over %d tokens", len(dropped), len(questions), max_prompt_tokens)
    if not kept:
        raise ValueError(f"every prompt is longer than max_prompt_tokens={max_prompt_tokens}")
    return kept, dropped


def to_dataset(rows: Sequence[dict[str, Any]]) -> Any:
    """A datasets.Dataset of prompt rows (options as lists, empty when none)."""
    from datasets import Dataset

    return Dataset.from_list([{**r, "options": r["options"] or [],
                               "answer_type": r["answer_type"] or ""} for r in rows])
