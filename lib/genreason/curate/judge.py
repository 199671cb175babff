"""The judge stage: judge stored candidate answers with any registered verifier and store the
judgments. The one "judge stored candidates in batches and save" loop, used by
`genreason judge --db`, the verify job, the demo and notebook 03b through the stage runner.

    stage = JudgeStage(JudgeConfig(judge="rule"))
    run_stage(stage, db=db)                       # every candidate the rule judge has not judged
    run_stage(stage, candidate_rows(con, ids), db=db)  # these candidates

Rows are candidates (id = candidate id); it keeps and drops nothing (Outcome.kept is None),
so it records no decisions: its output is one judgment per candidate, stored in `judgments`.
A rerun skips candidates this judge already judged (unless redo).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from genreason.curate.stage import Outcome, Row
from genreason.judging import Item, Judgment, Verifier


@dataclass(frozen=True)
class JudgeConfig:
    """Which verifier judges, and how."""

    judge: str = "rule"  # a name in genreason.verify.registry.VERIFIERS
    options: Mapping[str, Any] = field(default_factory=dict)  # the verifier's keyword arguments
    batch_size: int = 512  # candidates per verify_batch call (and per flush of the run folder)
    limit: int | None = None  # judge at most this many (default select only)
    identity: Mapping[str, Any] = field(default_factory=dict)  # the judge's recorded config (a built verifier's)

    def __post_init__(self) -> None:
        from genreason.verify.registry import VERIFIERS

        if self.judge not in VERIFIERS:
            raise ValueError(f"JudgeConfig.judge: unknown judge {self.judge!r}; choose one of {', '.join(VERIFIERS)}")
        if self.batch_size < 1:
            raise ValueError(f"JudgeConfig.batch_size must be >= 1, got {self.batch_size}")
        if self.limit is not None and self.limit < 0:
            raise ValueError(f"JudgeConfig.limit must be >= 0, got {self.limit}")


def item_row(item: Item) -> Row:
    """A verifier item as a stage row."""
    return {"id": item.item_id, "question": item.question, "reference": item.reference,
            "response": item.response, "answer_type": item.answer_type,
            "options": list(item.options) if item.options else None}


def row_item(row: Mapping[str, Any]) -> Item:
    return Item(question=row["question"], reference=row["reference"], response=row["response"],
                answer_type=row.get("answer_type"),
                options=tuple(row["options"]) if row.get("options") else None, item_id=str(row["id"]))


def candidate_rows(con: duckdb.DuckDBPyConnection, candidate_ids: Sequence[str] | None = None, *,
                   judge_missing: str | None = None, limit: int | None = None) -> list[Row]:
    """Stored candidates as judge-stage rows."""
    from genreason import store

    return [item_row(i) for i in store.candidate_items(
        con, candidate_ids=candidate_ids, judge_missing=judge_missing, limit=limit)]


def verdict_label(verdict: bool | None) -> str:
    return {True: "true", False: "false", None: "undecided"}[verdict]


class JudgeStage:
    """Judge candidates; see the module docstring."""

    name = "judge"
    records_decisions = False

    def __init__(self, config: JudgeConfig, verifier: Verifier | None = None) -> None:
        self.config = config
        self.batch_size = config.batch_size
        self._verifier = verifier

    @property
    def verifier(self) -> Verifier:
        if self._verifier is None:
            from genreason.verify.registry import make_verifier

            self._verifier = make_verifier(self.config.judge, **dict(self.config.options))
        return self._verifier

    @property
    def judge_name(self) -> str:
        return self.verifier.name

    def select(self, con: duckdb.DuckDBPyConnection) -> list[Row]:
        return candidate_rows(con, judge_missing=self.judge_name, limit=self.config.limit)

    def done_ids(self, con: duckdb.DuckDBPyConnection, config_hash: str) -> set[str]:
        return {r[0] for r in con.execute(
            "SELECT candidate_id FROM judgments WHERE judge = ?", [self.judge_name]).fetchall()}

    def process(self, rows: Sequence[Row]) -> list[Outcome]:
        judgments = self.verifier.verify_batch([row_item(r) for r in rows])
        return [Outcome(row_id=str(r["id"]), kept=None, reason=verdict_label(j.verdict),
                        rows=[j.to_row()]) for r, j in zip(rows, judgments, strict=True)]

    def save(self, con: duckdb.DuckDBPyConnection, run_id: str, outcomes: Sequence[Outcome]) -> None:
        from genreason import store

        store.save_judgments(con, [Judgment(**row) for o in outcomes for row in o.rows], run_id=run_id)

    def close(self) -> None:
        close = getattr(self._verifier, "close", None)
        if callable(close):
            close()


def judgments_of(outcomes: Sequence[Outcome]) -> list[Judgment]:
    """The judgments a judge stage produced (for summaries)."""
    return [Judgment(**row) for o in outcomes for row in o.rows]
