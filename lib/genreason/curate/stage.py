"""What a stage is: a function of (input rows, frozen config) to (output rows, per-row decisions).

Every curation step (extract, annotate, difficulty, candidates, pass rate, dedup,
decontaminate) and every judging run is a `Stage`; `genreason.curate.runner.run_stage` runs
any of them the same way (batches, progress, run folder, resume, one stored record).

A stage says, for each input row, one `Outcome`: kept or dropped, a short reason that can be
counted ("risky", "too easy", "needs a figure"), the evidence a person needs to check it,
and the rows it produces (extracted questions, candidate answers, judgments). Reasons are
short fixed labels; numbers and ids go into the evidence.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

import duckdb

Row = dict[str, Any]


@dataclass
class Outcome:
    """What a stage decided about one input row.

    kept: True (passes on), False (dropped, with `reason`), None (not a filter: a judging
        stage produces output without deciding anything about the row).
    outputs: ids of the questions this row passes on, when they are not the row itself
        (extract: the questions it wrote); None means [row_id] when kept, [] when not.
    rows: the records the stage writes (candidates, judgments, questions, annotations).
    """

    row_id: str
    kept: bool | None
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    outputs: list[str] | None = None

    def passed_on(self) -> list[str]:
        """The question ids this row hands to the next stage."""
        if self.outputs is not None:
            return list(self.outputs)
        return [self.row_id] if self.kept else []

    def to_json(self) -> Row:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, row: Mapping[str, Any]) -> Outcome:
        return cls(**{f.name: row.get(f.name) for f in dataclasses.fields(cls)
                      if f.name in row or f.default is not dataclasses.MISSING})


@runtime_checkable
class Stage(Protocol):
    """One curation or judging step. The runner calls, in order:

    select(con) -> rows        (only when the caller passes no rows: what this stage reads)
    process(rows) -> outcomes  (the work; one outcome per input row, same order)
    save(con, run_id, outcomes) (inside the runner's one write transaction at the end)
    """

    name: str
    config: Any  # a frozen dataclass; its fields (and `name`) make the stage's identity
    batch_size: int  # rows per call of `process`; 0 means all rows at once (dedup)
    records_decisions: bool  # False for judging stages: nothing is kept or dropped

    def select(self, con: duckdb.DuckDBPyConnection) -> list[Row]: ...

    def process(self, rows: Sequence[Row]) -> list[Outcome]: ...

    def save(self, con: duckdb.DuckDBPyConnection, run_id: str, outcomes: Sequence[Outcome]) -> None: ...


class BaseStage:
    """Defaults for stages over stored questions: rows are questions, decisions are recorded,
    nothing extra is saved. Subclasses set `name` and implement `process`."""

    name: ClassVar[str] = "stage"
    batch_size: int = 64
    records_decisions: bool = True

    def __init__(self, config: Any) -> None:
        self.config = config
        # Stages whose drops this stage looks past when it selects its own rows (a pipeline
        # run re-decides them: its first stage starts from every question they dropped too).
        self.ignore_drops_by: tuple[str, ...] = ()
        self.source: str | None = None  # only questions of this source

    def select(self, con: duckdb.DuckDBPyConnection) -> list[Row]:
        from genreason.curate.rows import live_questions

        return live_questions(con, exclude_stages=(self.name, *self.ignore_drops_by), source=self.source)

    def process(self, rows: Sequence[Row]) -> list[Outcome]:  # pragma: no cover - abstract
        raise NotImplementedError

    def save(self, con: duckdb.DuckDBPyConnection, run_id: str, outcomes: Sequence[Outcome]) -> None:
        return None

    def done_ids(self, con: duckdb.DuckDBPyConnection, config_hash: str) -> set[str] | None:
        """Rows already done by a finished run of this stage and config; None: use decisions."""
        return None

    def close(self) -> None:
        """Release backends and verifier workers."""


def config_dict(config: Any) -> dict[str, Any]:
    """A stage config as plain JSON-able data (tuples become lists)."""
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        data = dataclasses.asdict(config)
    elif isinstance(config, Mapping):
        data = dict(config)
    else:
        raise TypeError(f"a stage config must be a dataclass, got {type(config).__name__}")
    return json.loads(json.dumps(data, default=str))


def config_hash(stage: str, config: Any) -> str:
    """The identity of a stage run's work: same stage and config, same hash (a rerun skips
    rows this identity already decided)."""
    blob = json.dumps({"stage": stage, "config": config_dict(config)}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
