"""Benchmark loaders: each benchmark's public file format to `BenchQuestion`s.

Stage: evaluate (input). Reads a benchmark file, returns its questions with their answer
type, options and category kept, in file order. MMLU-Pro, TheoremQA, MATH-500, GSM8K and BBEH
go through the ingest mappers (`genreason.ingest.formats`), so a question evaluated here is
the same question the workbench ingests; GPQA (its CSV) and SuperGPQA (its JSONL) are read
here from files the user supplies (neither is in shared/realdata).

GPQA's CSV lists the correct answer first ("Correct Answer", "Incorrect Answer 1..3"), so
options must be shuffled or "A" is always right. The shuffle is seeded per question from
(seed, Record ID): the same seed gives the same letters on every machine and in every run,
and the seed is recorded in each question's `extra` and in the run's config.

    questions = load_benchmark("mmlu_pro")                      # the shared copy
    questions = load_benchmark("gpqa", "gpqa_diamond.csv", seed=0)
"""

from __future__ import annotations

import hashlib
import os
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genreason.ingest import formats
from genreason.ingest.normalize import answer_text
from genreason.ingest.readers import read_records
from genreason.verify.rules.choice import LETTERS

REALDATA_ENV = "GENREASON_REALDATA"


@dataclass(frozen=True)
class BenchQuestion:
    """One benchmark question: what is asked, the reference, and how it is typed.

    answer: the reference as text (TheoremQA's typed values become their text form; for
        multiple choice the reference letter).
    options: option texts lettered A, B, ... (None when not multiple choice).
    """

    id: str
    benchmark: str
    question: str
    answer: str
    answer_type: str | None = None
    options: tuple[str, ...] | None = None
    category: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


class BenchmarkFileError(ValueError):
    """A benchmark file that cannot be used: says which file, which row and why."""


def realdata_dir() -> Path:
    """The shared real data: $GENREASON_REALDATA, else ../shared/realdata beside the repo."""
    env = os.environ.get(REALDATA_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared" / "realdata"


def file_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, record) of a JSONL/JSON/CSV/Parquet file (the ingest readers); a row that cannot be
    decoded is a BenchmarkFileError naming the file and line."""
    for line, record, _raw in read_records(path):
        if isinstance(record, formats.RowError):
            raise BenchmarkFileError(f"{path}:{line}: {record}")
        yield line, record


def _text(value: Any, what: str, where: str) -> str:
    try:
        text = answer_text(value)
    except formats.RowError as exc:
        raise BenchmarkFileError(f"{where}: {exc}") from None
    if not isinstance(text, str) or not text.strip():
        raise BenchmarkFileError(f"{where}: {what} is missing or empty")
    return text.strip()


def _from_mapper(
    benchmark: str,
    mapper: Callable[[Mapping[str, Any]], formats.Mapped],
    id_field: str | None,
    category_field: str | None = None,
) -> Callable[[Path], list[BenchQuestion]]:
    """A loader that maps each record with an ingest mapper (one question per record).

    category_field: the record field to break results down by, where the mapper's category
    is too coarse (MATH-500's `subject`, where ingest files every question under Mathematics).
    """

    def load(path: Path) -> list[BenchQuestion]:
        out = []
        for line, record in file_records(path):
            where = f"{path}:{line}"
            try:
                row = mapper(record).questions[0]
            except formats.RowError as exc:
                raise BenchmarkFileError(f"{where}: {exc}") from None
            qid = row.id if row.id is not None else f"{benchmark}:{line}"
            if id_field is None and record.get("task"):
                qid = f"{benchmark}:{record['task']}:{line}"
            options = tuple(row.options) if row.options else None
            category = record.get(category_field) if category_field else row.category
            out.append(BenchQuestion(
                id=str(qid), benchmark=benchmark, question=_text(row.question, "question", where),
                answer=_text(row.answer, "answer", where), answer_type=row.answer_type,
                options=options, category=None if category is None else str(category),
                extra={k: v for k, v in row.extra.items() if k in ("src", "subject", "level", "Picture", "subfield")},
            ))
        return out

    return load


def load_gpqa(path: Path, seed: int = 0) -> list[BenchQuestion]:
    """GPQA's CSV (gpqa_diamond.csv and its siblings): options shuffled by (seed, Record ID)."""
    need = ("Question", "Correct Answer", "Incorrect Answer 1", "Incorrect Answer 2", "Incorrect Answer 3")
    out = []
    for line, record in file_records(path):
        where = f"{path}:{line}"
        missing = [c for c in need if not str(record.get(c) or "").strip()]
        if missing:
            raise BenchmarkFileError(f"{where}: GPQA row lacks {', '.join(missing)}")
        correct = str(record["Correct Answer"]).strip()
        options = [correct] + [str(record[f"Incorrect Answer {i}"]).strip() for i in (1, 2, 3)]
        record_id = str(record.get("Record ID") or line)
        # A string seed: Python's random seeds it by its SHA-512, the same on every platform.
        rng = random.Random(f"gpqa:{seed}:{record_id}")
        rng.shuffle(options)
        out.append(BenchQuestion(
            id=f"gpqa:{record_id}", benchmark="gpqa", question=str(record["Question"]).strip(),
            answer=LETTERS[options.index(correct)], answer_type="Multiple Choice",
            options=tuple(options), category=record.get("High-level domain") or record.get("Subdomain"),
            extra={"shuffle_seed": seed, "subdomain": record.get("Subdomain")},
        ))
    return out


def load_supergpqa(path: Path) -> list[BenchQuestion]:
    """SuperGPQA's JSONL: uuid, question, options, answer (text), answer_letter, discipline, ..."""
    out = []
    for line, record in file_records(path):
        where = f"{path}:{line}"
        options = record.get("options")
        if not isinstance(options, list) or len(options) < 2:
            raise BenchmarkFileError(f"{where}: SuperGPQA options must be a list of at least 2 texts")
        if len(options) > len(LETTERS):
            raise BenchmarkFileError(f"{where}: {len(options)} options, more than {len(LETTERS)} letters")
        letter = str(record.get("answer_letter") or "").strip().upper()
        if not letter and record.get("answer") in options:
            letter = LETTERS[options.index(record["answer"])]
        if len(letter) != 1 or letter not in LETTERS[: len(options)]:
            raise BenchmarkFileError(f"{where}: answer_letter {letter!r} names none of the {len(options)} options")
        text = record.get("answer")
        if text is not None and str(text).strip() != str(options[LETTERS.index(letter)]).strip():
            raise BenchmarkFileError(f"{where}: answer text and answer_letter {letter} disagree")
        out.append(BenchQuestion(
            id=f"supergpqa:{record.get('uuid') or line}", benchmark="supergpqa",
            question=_text(record.get("question"), "question", where), answer=letter,
            answer_type="Multiple Choice", options=tuple(str(o) for o in options),
            category=record.get("discipline"),
            extra={k: record.get(k) for k in ("field", "subfield", "difficulty", "is_calculation") if k in record},
        ))
    return out


@dataclass(frozen=True)
class BenchmarkSpec:
    """Where a benchmark's file usually is and how to read it."""

    name: str
    title: str
    default_file: str | None  # relative to the shared real data; None: the user supplies it
    load: Callable[..., list[BenchQuestion]]
    paper_score: float | None = None  # General-Reasoner-Qw3-14B (DESIGN.md, from arXiv:2505.14652)
    note: str = ""  # what to keep in mind when comparing with the paper


BENCHMARKS: dict[str, BenchmarkSpec] = {s.name: s for s in [
    BenchmarkSpec("mmlu_pro", "MMLU-Pro", "mmlu_pro/test.jsonl",
                  _from_mapper("mmlu_pro", formats.map_mmlu_pro, "question_id"), 70.3),
    BenchmarkSpec("gpqa", "GPQA-Diamond", None, load_gpqa, 56.1,
                  note="options are shuffled by the recorded seed; scores under other shuffles differ slightly"),
    BenchmarkSpec("supergpqa", "SuperGPQA", None, load_supergpqa, 39.9),
    BenchmarkSpec("theoremqa", "TheoremQA", "theoremqa/theoremqa_test.jsonl",
                  _from_mapper("theoremqa", formats.map_theoremqa, "id"), 54.4),
    BenchmarkSpec("bbeh", "BBEH", "bbeh/bbeh_mini.jsonl", _from_mapper("bbeh", formats.map_bbeh, None), 17.3,
                  note="the shared copy is BBEH mini (460 questions, 20 per task); the paper's number is on the "
                       "full benchmark: pass its file with --data for a comparable score"),
    BenchmarkSpec("math500", "MATH-500", "math500/test.jsonl",
                  _from_mapper("math500", formats.map_math500, "unique_id", "subject")),
    BenchmarkSpec("gsm8k", "GSM8K", "gsm8k/test.jsonl", _from_mapper("gsm8k", formats.map_gsm8k, None)),
]}


def benchmark_spec(name: str) -> BenchmarkSpec:
    """The spec of benchmark `name`; ValueError naming the choices otherwise."""
    if name not in BENCHMARKS:
        raise ValueError(f"unknown benchmark {name!r}; choose one of {', '.join(BENCHMARKS)}")
    return BENCHMARKS[name]


def benchmark_file(name: str, path: str | os.PathLike[str] | None = None) -> Path:
    """The file to read for `name`: `path`, else its copy in the shared real data."""
    spec = benchmark_spec(name)
    if path is not None:
        found = Path(path)
    elif spec.default_file is None:
        raise BenchmarkFileError(
            f"{spec.title} is not in the shared real data; pass its file (--data PATH), e.g. "
            + ("gpqa_diamond.csv from the GPQA release" if name == "gpqa" else "SuperGPQA-all.jsonl")
        )
    else:
        found = realdata_dir() / spec.default_file
    if not found.exists():
        raise BenchmarkFileError(f"{spec.title} file {found} does not exist")
    return found


def offline_benchmarks() -> list[str]:
    """The benchmarks whose file is in the shared real data here: evaluable with no file to supply."""
    root = realdata_dir()
    return [name for name, spec in BENCHMARKS.items() if spec.default_file and (root / spec.default_file).is_file()]


def load_benchmark(
    name: str, path: str | os.PathLike[str] | None = None, *, seed: int = 0, limit: int | None = None
) -> list[BenchQuestion]:
    """The questions of benchmark `name` (first `limit` in file order). seed: GPQA's shuffle."""
    spec = benchmark_spec(name)
    file = benchmark_file(name, path)
    questions = spec.load(file, seed=seed) if name == "gpqa" else spec.load(file)
    if not questions:
        raise BenchmarkFileError(f"{file} holds no {spec.title} questions")
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            raise BenchmarkFileError(f"{file}: question id {q.id!r} appears twice")
        seen.add(q.id)
    return questions[:limit] if limit else questions


def questions_digest(questions: list[BenchQuestion]) -> str:
    """A short hash of the questions' ids, references and options (names the exact question set)."""
    h = hashlib.sha256()
    for q in questions:
        h.update(f"{q.id}\x1f{q.answer}\x1f{q.options}\x1e".encode())
    return h.hexdigest()[:12]
