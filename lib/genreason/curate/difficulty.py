"""The difficulty filter: drop mathematics easier than university level.

General-Reasoner (arXiv:2505.14652, section 2.1) removed mathematics questions below
university level, since easy math is plentiful elsewhere and teaches a reasoner little.
Which levels count as "university or above" is configuration (`keep_levels`), and which
subjects the rule applies to (`subjects`); the difficulty values themselves are read from
the data (`difficulty_values`), never assumed, and a level the config names but the data
lacks is reported. A question of another subject passes untouched; a math question without
a difficulty passes or drops as `missing` says.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from genreason.curate.stage import BaseStage, Outcome, Row

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DifficultyConfig:
    """Which questions are too easy."""

    subjects: tuple[str, ...] = ("Mathematics",)  # categories the filter applies to (case-insensitive)
    keep_levels: tuple[str, ...] = ("University", "PhD")  # difficulty values that pass (case-insensitive)
    missing: str = "keep"  # a filtered subject without difficulty: "keep" or "drop"

    def __post_init__(self) -> None:
        if not self.subjects:
            raise ValueError("DifficultyConfig.subjects: name at least one category to filter")
        if not self.keep_levels:
            raise ValueError("DifficultyConfig.keep_levels: name at least one difficulty that passes")
        if self.missing not in ("keep", "drop"):
            raise ValueError(f"DifficultyConfig.missing must be 'keep' or 'drop', got {self.missing!r}")


def difficulty_values(con: duckdb.DuckDBPyConnection) -> list[tuple[str | None, int]]:
    """(difficulty, questions) as stored, most common first."""
    return [(v, int(n)) for v, n in con.execute(
        "SELECT difficulty, count(*) FROM questions GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()]


class DifficultyStage(BaseStage):
    """Drop questions of the filtered subjects whose difficulty is not a kept level."""

    name = "difficulty"
    batch_size = 10_000

    def __init__(self, config: DifficultyConfig) -> None:
        super().__init__(config)
        self._subjects = {s.casefold() for s in config.subjects}
        self._keep = {s.casefold() for s in config.keep_levels}

    def prepare(self, con: duckdb.DuckDBPyConnection, db: Any) -> None:
        present = {str(v).casefold() for v, _ in difficulty_values(con) if v is not None}
        absent = [lvl for lvl in self.config.keep_levels if lvl.casefold() not in present]
        if absent:
            log.warning("difficulty filter: kept level(s) %s do not occur in the data (values: %s)",
                        ", ".join(absent), ", ".join(sorted(present)) or "none")

    def process(self, rows: Sequence[Row]) -> list[Outcome]:
        out = []
        for row in rows:
            category, difficulty = row.get("category"), row.get("difficulty")
            evidence = {"category": category, "difficulty": difficulty,
                        "keep_levels": list(self.config.keep_levels)}
            qid = str(row["id"])
            if category is None or str(category).casefold() not in self._subjects:
                out.append(Outcome(qid, True, "subject not filtered", evidence))
            elif difficulty is None:
                keep = self.config.missing == "keep"
                out.append(Outcome(qid, keep, "no difficulty" if keep else "no difficulty (dropped)", evidence))
            elif str(difficulty).casefold() in self._keep:
                out.append(Outcome(qid, True, "difficult enough", evidence))
            else:
                out.append(Outcome(qid, False, "below kept difficulty", evidence))
        return out
