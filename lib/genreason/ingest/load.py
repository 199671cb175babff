"""The ingest stage: read sources, validate rows, store questions, candidates and labels.

    genreason ingest data/sample/questions.jsonl --db data/genreason.duckdb

One call is one stage run and one transaction: the good rows land, bad rows go to the
quarantine table with file, line and reason, and a failure leaves the store as it was.
Ids are stable (given, or a hash of the content), so re-ingesting a file adds nothing.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from tqdm import tqdm

from genreason.ingest import columnar
from genreason.ingest.formats import (
    FORMATS,
    Format,
    RowError,
    detect_format,
    generic_format,
    to_json,
)
from genreason.ingest.normalize import normalize_candidate, normalize_question
from genreason.ingest.readers import SourceError, container_of, named_errors, read_records
from genreason.store import QuarantinedRow, add_quarantine, new_run_id, record_run, transaction
from genreason.store.judges import ensure_judges
from genreason.store.runs import reason_kind

log = logging.getLogger(__name__)

_Q_COLUMNS = ["id", "source", "question", "answer", "answer_type", "category", "difficulty",
              "options", "extra", "content_hash", "id_given"]
_C_COLUMNS = ["id", "question_id", "model", "response", "label", "content_hash"]


class IngestError(RuntimeError):
    """The ingest could not run; nothing was stored."""


@dataclass(frozen=True)
class IngestConfig:
    """How to read the inputs."""

    format: str | None = None  # a name from FORMATS or "generic"; None detects it per file
    mapping: Mapping[str, str] | None = None  # generic format: our field -> source column
    source: str | None = None  # source name stored with each question; default: the format's
    judge: str | None = None  # judge name for labels; default: the format's (e.g. "human")
    max_chars: int = 200_000  # longest question, answer or response accepted
    progress: bool = True  # show a progress bar on large inputs

    def __post_init__(self) -> None:
        if self.format is not None and self.format not in FORMATS and self.format != "generic":
            raise ValueError(f"unknown format {self.format!r}; choose one of {', '.join([*FORMATS, 'generic'])}")
        if self.format == "generic" and not self.mapping:
            raise ValueError("format 'generic' needs a mapping (--map question=COL,answer=COL)")
        if self.max_chars < 1:
            raise ValueError(f"max_chars must be positive, got {self.max_chars}")


@dataclass
class IngestResult:
    run_id: str
    files: list[str]
    counts: dict[str, int]
    reasons: Counter[str] = field(default_factory=Counter)
    quarantined: list[QuarantinedRow] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def clean(self) -> bool:
        return self.counts.get("quarantined", 0) == 0


Q_SCHEMA = pa.schema([
    ("id", pa.string()), ("source", pa.string()), ("question", pa.string()), ("answer", pa.string()),
    ("answer_type", pa.string()), ("category", pa.string()), ("difficulty", pa.string()),
    ("options", pa.list_(pa.string())), ("extra", pa.string()), ("content_hash", pa.string()),
    ("id_given", pa.bool_()), ("ord", pa.int64()), ("file", pa.string()), ("line", pa.int64()),
])
C_SCHEMA = pa.schema([
    ("id", pa.string()), ("question_id", pa.string()), ("model", pa.string()), ("response", pa.string()),
    ("label", pa.bool_()), ("content_hash", pa.string()), ("q_ord", pa.int64()), ("judge", pa.string()),
    ("file", pa.string()), ("line", pa.int64()),
])


class _Staging:
    """Validated rows in input order (column lists, plus tables from the columnar fast path),
    and the rows that failed."""

    def __init__(self) -> None:
        self.q: dict[str, list[Any]] = {c: [] for c in [*_Q_COLUMNS, "ord", "file", "line"]}
        self.q_tables: list[pa.Table] = []
        self.next_ord = 0
        self.c: dict[str, list[Any]] = {c: [] for c in [*_C_COLUMNS, "q_ord", "judge", "file", "line"]}
        self.bad: list[QuarantinedRow] = []
        self.rows_read = 0

    def add_question(self, row: dict[str, Any], file: str, line: int) -> int:
        ordinal = self.next_ord
        self.next_ord += 1
        for key in _Q_COLUMNS:
            self.q[key].append(row[key])
        self.q["ord"].append(ordinal)
        self.q["file"].append(file)
        self.q["line"].append(line)
        return ordinal

    def add_question_table(self, table: pa.Table, file: str) -> None:
        """Rows from the columnar fast path (with `_row`, their 1-based row number)."""
        n = table.num_rows
        table = table.append_column("ord", pa.array(range(self.next_ord, self.next_ord + n), pa.int64()))
        table = table.append_column("file", pa.array([file] * n, pa.string()))
        table = table.rename_columns([("line" if c == "_row" else c) for c in table.column_names])
        self.next_ord += n
        self.q_tables.append(table.select(Q_SCHEMA.names).cast(Q_SCHEMA))

    def question_table(self) -> pa.Table:
        rows = pa.table(self.q, schema=Q_SCHEMA)
        return pa.concat_tables([rows, *self.q_tables]) if self.q_tables else rows

    def add_candidate(self, row: dict[str, Any], q_ord: int | None, judge: str | None, file: str, line: int) -> None:
        for key in _C_COLUMNS:
            self.c[key].append(row[key])
        self.c["q_ord"].append(q_ord)
        self.c["judge"].append(judge)
        self.c["file"].append(file)
        self.c["line"].append(line)


def _format_for(path: Path, first: Mapping[str, Any] | None, config: IngestConfig,
                first_error: tuple[int, str] | None = None) -> Format:
    if config.mapping:
        missing = [config.mapping[f] for f in ("question", "answer")
                   if first is not None and config.mapping[f] not in first]
        if missing:  # a typo in --map would otherwise quarantine every row as "missing question"
            raise SourceError(f"{path}: --map names columns {missing} that its first record lacks; "
                              f"its fields are {sorted(first)}")
        return generic_format(config.mapping)
    if config.format:
        return FORMATS[config.format]
    if first is None:
        raise SourceError(f"{path}: no readable records to tell the format from"
                          + (f" (line {first_error[0]}: {first_error[1]})" if first_error else ""))
    fmt = detect_format(first)
    if fmt is None:
        raise SourceError(
            f"{path}: cannot tell the format from its fields {sorted(first)}; pass --format NAME "
            f"(one of {', '.join(FORMATS)}) or --map question=COLUMN,answer=COLUMN"
        )
    return fmt


def _stage_columnar(path: Path, container: str, mapping: Mapping[str, str] | None, source: str,
                    config: IngestConfig, staging: _Staging) -> bool:
    """Validate a columnar file in DuckDB batches; False when its columns need the row path."""
    schema, total, batches = columnar.arrow_batches(path, container)
    mapping = dict(mapping) if mapping else columnar.webinstruct_mapping(schema)
    if not {"question", "answer"} <= set(mapping) or not columnar.usable(schema, mapping):
        return False
    file = str(path)
    sql = columnar.validation_sql(mapping, [*schema.names, "_row"], source, config.max_chars)
    con = duckdb.connect()  # in-memory, separate from the store: nothing here is written
    try:
        with tqdm(total=total, unit=" rows", desc=path.name, disable=None if config.progress else True,
                  mininterval=1.0, leave=False) as bar:
            first_row = 1
            for batch in named_errors(path, batches):
                good, bad = columnar.validate_batch(con, batch, first_row, sql)
                staging.add_question_table(good, file)
                staging.bad.extend(QuarantinedRow(file, row, reason, raw) for row, reason, raw in bad)
                staging.rows_read += batch.num_rows
                first_row += batch.num_rows
                bar.update(batch.num_rows)
    finally:
        con.close()
    return True


def _stage_file(path: Path, config: IngestConfig, staging: _Staging) -> str:
    container = container_of(path)
    records = read_records(path, container)
    buffered: list[Any] = []
    first = None
    first_error = None
    for rec in records:  # find the first decodable record to detect the format
        buffered.append(rec)
        if isinstance(rec[1], dict):
            first = rec[1]
            break
        first_error = first_error or (rec[0], str(rec[1]))
    fmt = _format_for(path, first, config, first_error)
    source = config.source or (path.stem if fmt.name == "generic" else fmt.name)
    judge = config.judge or fmt.default_judge or "imported"
    file = str(path)
    log.info("%s: format %s, source %s", path, fmt.name, source)
    if container in ("parquet", "hf_dir") and fmt.name in ("webinstruct", "generic"):
        if _stage_columnar(path, container, config.mapping, source, config, staging):
            return fmt.name

    stream = tqdm(chain(buffered, records), unit=" rows", desc=path.name, disable=None if config.progress else True,
                  mininterval=1.0, leave=False)
    for line, record, raw in stream:
        staging.rows_read += 1
        try:
            if isinstance(record, RowError):
                raise record
            mapped = fmt.mapper(record)
            questions = [normalize_question(q, source, config.max_chars) for q in mapped.questions]
            candidates = []
            for index, cand in mapped.candidates:
                if index >= 0:
                    qid = questions[index]["id"]
                elif isinstance(cand.question_id, str | int) and str(cand.question_id).strip():
                    qid = str(cand.question_id)
                else:
                    raise RowError("missing question_id")
                candidates.append((index, normalize_candidate(cand, qid, config.max_chars)))
        except RowError as exc:
            if raw is None and isinstance(record, dict):
                raw = to_json(record)
            staging.bad.append(QuarantinedRow(file, line, str(exc), raw))
            continue
        ords = [staging.add_question(q, file, line) for q in questions]
        for index, cand in candidates:
            staging.add_candidate(cand, ords[index] if index >= 0 else None, judge, file, line)
    return fmt.name


def _write(con: duckdb.DuckDBPyConnection, staging: _Staging, run_id: str) -> tuple[dict[str, int], list[QuarantinedRow]]:
    """Dedupe against the batch and the store, insert, and return counts and conflicts."""
    con.register("_staged_q", staging.question_table())
    con.register("_staged_c", pa.table(staging.c, schema=C_SCHEMA))
    # Questions: the first occurrence of each id wins; a later one with other content, or
    # one whose id is stored with other content, is a conflict.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _q AS
        SELECT *, id_given AND content_hash <> coalesce(stored_hash, first_hash) AS conflict
        FROM (
            SELECT s.*,
                   first_value(s.content_hash) OVER w AS first_hash,
                   first_value(s.ord) OVER w AS first_ord,
                   row_number() OVER w AS rn,
                   q.content_hash AS stored_hash
            FROM _staged_q s LEFT JOIN questions q ON q.id = s.id
            WINDOW w AS (PARTITION BY s.id ORDER BY s.ord)
        )
    """)
    # Each conflict keeps the row as staged (its id and texts), so the record shows what was refused.
    conflicts = [QuarantinedRow(f, ln, reason, raw) for f, ln, reason, raw in con.execute("""
        SELECT c.file, c.line, CASE
            WHEN c.stored_hash IS NOT NULL THEN 'id ' || c.id || ' is already stored with different content'
            ELSE 'duplicate id ' || c.id || ' with different content (first at '
                 || f.file || ':' || f.line || ')' END,
            json_object('id', c.id, 'question', c.question, 'answer', c.answer)::VARCHAR
        FROM _q c JOIN _q f ON f.ord = c.first_ord WHERE c.conflict ORDER BY c.ord
    """).fetchall()]
    bad_ords = "(SELECT ord FROM _q WHERE conflict)"
    questions_added = con.execute(f"""
        INSERT INTO questions (id, source, question, answer, answer_type, category, difficulty,
                               options, extra, content_hash, ingest_run)
        SELECT id, source, question, answer, answer_type, category, difficulty, options,
               extra::JSON, content_hash, '{run_id}'
        FROM _q WHERE rn = 1 AND stored_hash IS NULL AND NOT conflict
    """).fetchone()[0]
    questions_seen = con.execute("SELECT count(DISTINCT id) FROM _q").fetchone()[0]

    # Candidates: dropped with their question row; must point at a stored question.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _c AS
        SELECT s.*,
               row_number() OVER (PARTITION BY s.id ORDER BY s.file, s.line) AS rn,
               first_value(s.content_hash) OVER (PARTITION BY s.id ORDER BY s.file, s.line) AS first_hash,
               c.content_hash AS stored_hash,
               EXISTS (SELECT 1 FROM questions q WHERE q.id = s.question_id) AS has_question
        FROM _staged_c s LEFT JOIN candidates c ON c.id = s.id
        WHERE s.q_ord IS NULL OR s.q_ord NOT IN {bad_ords}
    """)
    conflicts += [QuarantinedRow(f, ln, reason, raw) for f, ln, reason, raw in con.execute("""
        SELECT file, line, CASE
            WHEN NOT has_question THEN 'question_id ' || question_id || ' is not stored (ingest its questions first)'
            WHEN rn > 1 THEN 'duplicate candidate id ' || id || ' with different content'
            ELSE 'candidate id ' || id || ' is already stored with different content' END,
            json_object('id', id, 'question_id', question_id, 'model', model,
                        'response', response)::VARCHAR
        FROM _c
        WHERE NOT has_question OR (rn > 1 AND content_hash <> first_hash)
           OR (rn = 1 AND stored_hash IS NOT NULL AND stored_hash <> content_hash)
        ORDER BY file, line
    """).fetchall()]
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _c_ok AS SELECT * FROM _c
        WHERE has_question AND rn = 1 AND (stored_hash IS NULL OR stored_hash = content_hash)
    """)
    candidates_added = con.execute(f"""
        INSERT INTO candidates (id, question_id, model, response, content_hash, run_id)
        SELECT id, question_id, model, response, content_hash, '{run_id}' FROM _c_ok WHERE stored_hash IS NULL
        ORDER BY file, line
    """).fetchone()[0]
    # Labels become judgments of the named judge; a changed label replaces the old one.
    judgments_added = con.execute(f"""
        INSERT OR REPLACE INTO judgments (candidate_id, question_id, judge, verdict, reason, rule, run_id)
        SELECT o.id, o.question_id, o.judge, o.label, 'imported label', 'label', '{run_id}'
        FROM _c_ok o LEFT JOIN judgments j ON j.candidate_id = o.id AND j.judge = o.judge
        WHERE o.label IS NOT NULL AND (j.candidate_id IS NULL OR j.verdict IS DISTINCT FROM o.label)
    """).fetchone()[0]
    # Each label judge ("human", "reference", ...) gets its row in `judges` (judge identity).
    label_judges = [r[0] for r in con.execute(
        "SELECT DISTINCT judge FROM _c_ok WHERE label IS NOT NULL AND judge IS NOT NULL").fetchall()]
    for name in ("_staged_q", "_staged_c"):
        con.unregister(name)
    for table in ("_q", "_c", "_c_ok"):
        con.execute(f"DROP TABLE {table}")
    # After the unregisters: DuckDB 2 refuses unregister() while a statement's result is
    # unfinished, and ensure_judges leaves its last fetchone() result open.
    ensure_judges(con, label_judges)
    counts = {
        "questions_added": int(questions_added),
        "questions_already_stored": int(questions_seen) - int(questions_added) - sum(
            1 for c in conflicts if c.reason.startswith("id ")),
        "candidates_added": int(candidates_added),
        "judgments_added": int(judgments_added),
    }
    return counts, conflicts


def _not_yet_quarantined(con: duckdb.DuckDBPyConnection, rows: list[QuarantinedRow],
                         raw_limit: int = 2000) -> list[QuarantinedRow]:
    """The rows not already in quarantine from an earlier ingest of the same file: same file,
    line and raw text (or reason, without raw text). Re-ingesting a file adds nothing twice."""
    files = sorted({r.source_file for r in rows})
    if not files:
        return rows
    stored = con.execute(
        "SELECT source_file, line, coalesce(raw, reason) FROM quarantine "
        "WHERE source_file IN (SELECT unnest(?::VARCHAR[]))", [files]).fetchall()
    seen = set(stored)

    def key(r: QuarantinedRow) -> tuple:
        return (r.source_file, r.line, r.raw[:raw_limit] if r.raw is not None else r.reason)

    fresh = [r for r in rows if key(r) not in seen]
    if len(fresh) < len(rows):
        log.info("%d rejected rows were already in quarantine from an earlier ingest",
                 len(rows) - len(fresh))
    return fresh


@dataclass
class StagedInput:
    """Validated rows of one ingest, read before any connection to the store is opened."""

    files: list[str]
    formats: list[str]
    config: IngestConfig
    staging: _Staging
    started: datetime
    clock: float


def stage_inputs(paths: Sequence[str | Path], config: IngestConfig) -> StagedInput:
    """Read and validate every path (no store needed); IngestError if a file cannot be read."""
    started, clock = datetime.now(UTC), time.perf_counter()
    staging = _Staging()
    formats = []
    try:
        for raw_path in paths:
            formats.append(_stage_file(Path(raw_path), config, staging))
    except (SourceError, ValueError, OSError) as exc:
        raise IngestError(str(exc)) from exc
    return StagedInput([str(p) for p in paths], formats, config, staging, started, clock)


def write_staged(con: duckdb.DuckDBPyConnection, staged: StagedInput) -> IngestResult:
    """Store staged rows, their quarantine and the stage run in one transaction."""
    run_id = new_run_id("ingest")
    config, staging = staged.config, staged.staging
    with transaction(con):
        counts, conflicts = _write(con, staging, run_id)
        quarantined = staging.bad + conflicts
        counts = {"rows_read": staging.rows_read, **counts, "quarantined": len(quarantined)}
        add_quarantine(con, run_id, _not_yet_quarantined(con, quarantined))
        record_run(
            con, run_id, "ingest",
            config={"files": staged.files, "formats": staged.formats, "format": config.format,
                    "mapping": dict(config.mapping or {}), "source": config.source,
                    "judge": config.judge, "max_chars": config.max_chars},
            status="ok" if not quarantined else "partial", started_at=staged.started,
            seconds=time.perf_counter() - staged.clock, counts=counts,
        )
    reasons = Counter(reason_kind(q.reason) for q in quarantined)
    return IngestResult(run_id, staged.files, counts, reasons, quarantined, time.perf_counter() - staged.clock)


def ingest(con: duckdb.DuckDBPyConnection, paths: Sequence[str | Path], config: IngestConfig) -> IngestResult:
    """Ingest every path in one transaction; raise IngestError (store unchanged) on failure.

    Callers that open their own connection should prefer `stage_inputs` then `write_staged`
    inside the connection, so the database is locked only while rows are written.
    """
    return write_staged(con, stage_inputs(paths, config))
