"""Existing model outputs in their own formats, matched to benchmark questions for rescoring.

Stage: evaluate (input for `rescore`). Reads a JSONL/JSON/CSV/Parquet file of outputs and
returns `OutputRow`s naming the question each answers. Recognised, by field names:

- MMLU-Pro's result files (TIGER-AI-Lab/MMLU-Pro eval_results): `question_id`,
  `generated_text`, and `pred`, the letter its harness extracted (kept as `harness_pred` so
  our verdicts can be compared with it);
- TheoremQA's output files: `question`, `solution`, `pred` (matched to questions by text);
- generic rows: a question id (`question_id` or `id`) and the output (`output`, `response`,
  `completion`, `generated_text` or `solution`), optionally `sample`; or `outputs`/`responses`,
  a list of several samples of one question.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genreason.evaluate.loaders import BenchmarkFileError, BenchQuestion, file_records

OUTPUT_FIELDS = ("output", "response", "completion", "generated_text", "solution")
LABEL_FIELDS = ("is_correct", "label", "correct")  # a correctness label the file carries
LIST_FIELDS = ("outputs", "responses", "completions")
ID_FIELDS = ("question_id", "id")


@dataclass(frozen=True)
class OutputRow:
    """One output to score. harness_pred: the answer the outputs' own harness extracted, if
    the file records one (None where it did not, or did not say)."""

    question_id: str
    sample: int
    output: str
    prompt: str | None = None
    harness_pred: str | None = None
    line: int = 0
    label: bool | None = None


def _question_key(benchmark: str, raw: Any) -> str:
    text = str(raw).strip()
    return text if text.startswith(f"{benchmark}:") else f"{benchmark}:{text}"


def _by_text(questions: Sequence[BenchQuestion]) -> dict[str, list[str]]:
    """Question text (whitespace folded) -> ids; a benchmark may ask the same text twice."""
    found: dict[str, list[str]] = {}
    for q in questions:
        found.setdefault(" ".join(q.question.split()), []).append(q.id)
    return found


def read_outputs(
    path: str | os.PathLike[str], benchmark: str, questions: Sequence[BenchQuestion],
    where: dict[str, str] | None = None,
) -> list[OutputRow]:
    """The outputs in `path`, each tied to one of `questions` (BenchmarkFileError otherwise).

    where: keep only records whose field equals the text given (e.g. {"system": "175b_verification"}
    for a file holding several systems' outputs, which would otherwise count as samples).
    A boolean `is_correct`/`label`/`correct` field is kept as the row's label.
    """
    file = Path(path)
    if not file.exists():
        raise BenchmarkFileError(f"outputs file {file} does not exist")
    ids = {q.id for q in questions}
    texts: dict[str, list[str]] | None = None
    rows: list[OutputRow] = []
    seen: dict[str, int] = {}
    for line, record in file_records(file):
        if where and any(str(record.get(k)) != v for k, v in where.items()):
            continue
        at = f"{file}:{line}"
        raw_id = next((record[f] for f in ID_FIELDS if record.get(f) is not None), None)
        if raw_id is not None:
            qid = _question_key(benchmark, raw_id)
        elif record.get("question"):
            texts = texts if texts is not None else _by_text(questions)
            same = texts.get(" ".join(str(record["question"]).split()))
            if not same:
                raise BenchmarkFileError(f"{at}: its question text matches no {benchmark} question")
            # Identical texts: outputs go to those questions in file order, one each first.
            qid = next((i for i in same if i not in seen), same[-1])
        else:
            raise BenchmarkFileError(f"{at}: no question id ({'/'.join(ID_FIELDS)}) or question text")
        if qid not in ids:
            raise BenchmarkFileError(f"{at}: question {qid!r} is not in the {benchmark} questions")
        many = next((record[f] for f in LIST_FIELDS if isinstance(record.get(f), list)), None)
        texts_here = many if many is not None else [next((record[f] for f in OUTPUT_FIELDS if f in record), None)]
        if texts_here == [None]:
            raise BenchmarkFileError(f"{at}: no output field ({'/'.join(OUTPUT_FIELDS + LIST_FIELDS)})")
        pred = record.get("pred")
        label = next((record[f] for f in LABEL_FIELDS if isinstance(record.get(f), bool)), None)
        for text in texts_here:
            sample = int(record["sample"]) if many is None and record.get("sample") is not None else seen.get(qid, 0)
            seen[qid] = max(seen.get(qid, 0), sample + 1)
            rows.append(OutputRow(
                question_id=qid, sample=sample, output=text if isinstance(text, str) else "",
                prompt=record.get("prompt") if isinstance(record.get("prompt"), str) else None,
                harness_pred=None if pred is None or many is not None else str(pred), line=line,
                label=None if many is not None else label,
            ))
    if not rows:
        raise BenchmarkFileError(f"{file} holds no outputs" + (f" where {where}" if where else ""))
    keys = [(r.question_id, r.sample) for r in rows]
    if len(set(keys)) != len(keys):
        raise BenchmarkFileError(f"{file}: some (question, sample) pair appears twice")
    return rows
