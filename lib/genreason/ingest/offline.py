"""Read a source file's questions or labelled responses without a store, with ingest's readers.

The one reader of every input format: the same container readers (`readers.read_records`),
format detection and mappers (`formats`) and validation (`normalize`) that `genreason ingest`
uses, returning plain rows instead of writing tables. Benchmarks, tests, the probe and the
verifier assessment read the shared labelled sets through these two functions, so a format is
read one way everywhere.

    rows = read_question_rows(Path("../shared/realdata/gsm8k/test.jsonl"), limit=50)
    labelled = read_labelled_rows([Path("../shared/realdata/evouna/evouna_pairs.jsonl")])
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genreason.ingest.formats import FORMATS, Format, RowError, detect_format
from genreason.ingest.normalize import normalize_candidate, normalize_question
from genreason.ingest.readers import read_records

log = logging.getLogger(__name__)

MAX_CHARS = 200_000  # the ingest default


@dataclass(frozen=True)
class LabelledRow:
    """One labelled response with its question row (the store's question fields)."""

    question: dict[str, Any]  # id, question, answer, answer_type, category, difficulty, options
    response: str
    label: bool
    candidate_id: str
    model: str | None = None
    fmt: str = ""  # the detected format's name ("evouna_pairs", "gsm8k_pairs", ...)
    record: dict[str, Any] = field(default_factory=dict)  # the source record's other fields


def _mapped(path: Path, fmt: Format | None = None) -> Iterable[tuple[Format, dict[str, Any], Any]]:
    """(format, record, mapped) for each usable record of `path` (`fmt`, else detected from
    its first record); unusable rows are skipped (ingest would quarantine them) and counted
    in the log."""
    skipped = 0
    for _line, record, _raw in read_records(path):
        if not isinstance(record, dict):
            skipped += 1
            continue
        if fmt is None:
            fmt = detect_format(record)
            if fmt is None:
                raise ValueError(
                    f"{path}: cannot tell the format from its fields {sorted(record)}; "
                    f"known formats: {', '.join(FORMATS)}; for another layout, name its columns "
                    "(the CLI's --map question=COLUMN,answer=COLUMN[,id=...,answer_type=...])"
                )
        try:
            yield fmt, record, fmt.mapper(record)
        except RowError:
            skipped += 1
    if skipped:
        log.info("%s: %d rows skipped (ingest would quarantine them)", path, skipped)


def read_question_rows(path: Path, *, limit: int | None = None, fmt: Format | None = None) -> list[dict[str, Any]]:
    """The distinct questions of any file `genreason ingest` reads, as store question rows
    (a question repeated across label rows is taken once), in file order. `fmt`: the format
    to read it with (`generic_format(mapping)` for `--map`); detected when None."""
    rows: dict[str, dict[str, Any]] = {}
    for fmt_read, _record, mapped in _mapped(Path(path), fmt):
        for q in mapped.questions:
            try:
                row = normalize_question(q, fmt_read.name, MAX_CHARS)
            except RowError:
                continue
            rows.setdefault(row["id"], row)
        if limit is not None and len(rows) >= limit:
            break
    return list(rows.values())[:limit] if limit is not None else list(rows.values())


def read_labelled_rows(
    paths: Sequence[Path], *, limit: int | None = None, seed: int = 0
) -> list[LabelledRow]:
    """Labelled responses from label files (EVOUNA pairs, GSM8K solutions, MMLU-Pro outputs,
    sampled MATH responses, generic label files); question files among `paths` supply the
    questions that `candidates` files (question_id, response, label) refer to, as ingest does.
    Unlabelled responses are skipped. limit: a seeded random sample of that many rows."""
    questions: dict[str, dict[str, Any]] = {}
    out: list[LabelledRow] = []
    pending: list[tuple[Format, dict[str, Any], Any]] = []
    for path in paths:
        for fmt, record, mapped in _mapped(Path(path)):
            rows = []
            for q in mapped.questions:
                try:
                    rows.append(normalize_question(q, fmt.name, MAX_CHARS))
                except RowError:
                    rows.append(None)
            for row in rows:
                if row is not None:
                    questions.setdefault(row["id"], row)
            if fmt.kind != "labels":
                continue
            for index, cand in mapped.candidates:
                if index >= 0:
                    if rows[index] is not None:
                        _add(out, fmt, record, rows[index], cand)
                else:
                    pending.append((fmt, record, cand))
    for fmt, record, cand in pending:  # responses to questions given in another file
        question = questions.get(str(cand.question_id))
        if question is not None:
            _add(out, fmt, record, question, cand)
    if limit is not None and limit < len(out):
        out = random.Random(seed).sample(out, limit)
    return out


def _add(out: list[LabelledRow], fmt: Format, record: dict[str, Any], question: dict[str, Any], cand: Any) -> None:
    try:
        row = normalize_candidate(cand, question["id"], MAX_CHARS)
    except RowError:
        return
    if row["label"] is None:
        return
    other = {k: v for k, v in record.items() if k in ("case", "system", "model", "category", "level", "idx")}
    out.append(LabelledRow(question=question, response=row["response"], label=row["label"],
                           candidate_id=row["id"], model=row["model"], fmt=fmt.name, record=other))


# The labelled sets shipped in ../shared/realdata (files relative to it) and the sample
# (relative to the repository's data/sample). `read_labelled_set` reads them by name.
LABELLED_SETS: dict[str, tuple[str, ...]] = {
    "gsm8k": ("gsm8k/model_solution_pairs.jsonl",),
    "evouna_nq": ("evouna/evouna_pairs.jsonl",),
    "mmlu_pro": ("mmlu_pro/model_outputs_Meta-Llama-3_1-8B-Instruct_sample.jsonl",),
    "math_maj8": ("qwen25math_rm_maj_example/math_cot_100.jsonl",),
    "sample": ("questions.jsonl", "candidates.jsonl"),
}


def read_labelled_set(
    name: str, folder: Path, *, limit: int | None = None, seed: int = 0
) -> list[LabelledRow]:
    """One of `LABELLED_SETS` from `folder` (the realdata folder, or data/sample for "sample");
    FileNotFoundError naming the missing file."""
    if name not in LABELLED_SETS:
        raise ValueError(f"unknown labelled set {name!r}; choose one of {', '.join(LABELLED_SETS)}")
    paths = [Path(folder) / p for p in LABELLED_SETS[name]]
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"{path}: not found (labelled set {name!r})")
    return read_labelled_rows(paths, limit=limit, seed=seed)
