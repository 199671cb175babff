"""The pass-rate filter: keep questions some but not all candidate solutions get right.

General-Reasoner (arXiv:2505.14652, section 2.1) generated 8 candidates per question and
dropped questions where all 8 failed ("risky": the reference may be wrong, or the question
unanswerable) and where all 8 passed ("too easy": no learning signal for GRPO, whose
advantages are normalised within a group). Here the band is configuration: a question is
kept when `low < pass rate < high` (default 0 < p < 1, the paper's rule), and every
decision carries the candidates and their verdicts as evidence.

The verdicts are the stored judgments of `judge` (the candidates stage stores them; the
shipped sample's candidates are judged by `rule` in the demo, or carry `reference` labels).
Candidates that judge has not judged are judged here when `judge` names a registered
verifier, and those judgments are stored with the decisions. An undecided verdict counts
as not passed, as in the paper's reward (only "Final Decision: Yes" passes).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from genreason.curate.stage import BaseStage, Outcome, Row
from genreason.judging import Item, Judgment


@dataclass(frozen=True)
class PassRateConfig:
    """Which questions have a useful pass rate."""

    judge: str = "rule"  # whose stored verdicts count (a judge name in the store)
    low: float = 0.0  # keep when pass rate > low (0: drop "risky" 0/N)
    high: float = 1.0  # keep when pass rate < high (1: drop "too easy" N/N)
    min_candidates: int = 1  # fewer candidates than this: dropped as "too few candidates"
    model: str | None = None  # only candidates from this model (None: every stored candidate)
    judge_missing: bool = True  # judge unjudged candidates when `judge` is a registered verifier
    judge_options: dict[str, Any] = field(default_factory=dict)  # its keyword arguments
    batch_size: int = 256  # questions per batch

    def __post_init__(self) -> None:
        if not 0.0 <= self.low < self.high <= 1.0:
            raise ValueError(f"PassRateConfig: need 0 <= low < high <= 1, got low={self.low}, high={self.high}")
        if self.min_candidates < 1:
            raise ValueError(f"PassRateConfig.min_candidates must be >= 1, got {self.min_candidates}")
        if self.batch_size < 1:
            raise ValueError(f"PassRateConfig.batch_size must be >= 1, got {self.batch_size}")


def band_reason(passed: int, n: int, low: float, high: float) -> tuple[bool, str]:
    """(kept, reason) for `passed` of `n` under the band low < p < high."""
    rate = passed / n
    if low < rate < high:
        return True, "kept"
    if passed == 0:
        return False, "risky"
    if passed == n:
        return False, "too easy"
    return False, "below band" if rate <= low else "above band"


class PassRateStage(BaseStage):
    """Filter by pass rate; see the module docstring."""

    name = "pass_rate"

    def __init__(self, config: PassRateConfig, verifier: Any = None) -> None:
        super().__init__(config)
        self.batch_size = config.batch_size
        self._verifier = verifier
        self.db: str | os.PathLike[str] | None = None

    def prepare(self, con: duckdb.DuckDBPyConnection, db: Any) -> None:
        self.db = db

    def _verifier_for_missing(self) -> Any:
        from genreason.verify.registry import VERIFIERS, make_verifier

        if self._verifier is None and self.config.judge in VERIFIERS:
            self._verifier = make_verifier(self.config.judge, **self.config.judge_options)
        return self._verifier

    def _read(self, ids: list[str]) -> list[tuple]:
        from genreason import store

        sql = ("SELECT c.id, c.question_id, c.response, j.verdict, j.extracted, j.candidate_id IS NOT NULL "
               "FROM candidates c LEFT JOIN judgments j ON j.candidate_id = c.id AND j.judge = ? "
               "WHERE c.question_id IN (SELECT unnest(?))")
        params: list[Any] = [self.config.judge, ids]
        if self.config.model is not None:
            sql += " AND c.model = ?"
            params.append(self.config.model)
        with store.connect(self.db, read_only=True) as con:
            return con.execute(sql + " ORDER BY c.id", params).fetchall()

    def process(self, rows: Sequence[Row]) -> list[Outcome]:
        by_id = {str(r["id"]): r for r in rows}
        found: dict[str, list[dict[str, Any]]] = {}
        unjudged: list[tuple[str, dict[str, Any], str]] = []  # (question id, candidate, response)
        for cid, qid, response, verdict, extracted, judged in self._read(list(by_id)):
            cand = {"id": cid, "verdict": verdict, "extracted": extracted, "judged": bool(judged)}
            found.setdefault(qid, []).append(cand)
            if not judged:
                unjudged.append((qid, cand, response))
        new_judgments: dict[str, dict[str, Any]] = {}
        verifier = self._verifier_for_missing() if unjudged and self.config.judge_missing else None
        if verifier is not None:
            items = [Item(question=by_id[qid]["question"], reference=by_id[qid]["answer"], response=resp,
                          answer_type=by_id[qid].get("answer_type"),
                          options=tuple(by_id[qid]["options"]) if by_id[qid].get("options") else None,
                          item_id=cand["id"]) for qid, cand, resp in unjudged]
            for (_, cand, _), j in zip(unjudged, verifier.verify_batch(items), strict=True):
                cand.update(verdict=j.verdict, extracted=j.extracted, judged=True)
                new_judgments[cand["id"]] = j.to_row()
        outcomes = []
        for qid in by_id:
            cands = [c for c in found.get(qid, []) if c.pop("judged")]  # unjudged ones do not count
            n, passed = len(cands), sum(1 for c in cands if c["verdict"] is True)
            evidence = {"judge": self.config.judge, "n": n, "passed": passed,
                        "pass_rate": round(passed / n, 4) if n else None,
                        "undecided": sum(1 for c in cands if c["verdict"] is None),
                        "unjudged": len(found.get(qid, [])) - n, "candidates": cands}
            mine = [new_judgments[c["id"]] for c in cands if c["id"] in new_judgments]
            if n == 0:
                outcomes.append(Outcome(qid, False, "no candidates", evidence, rows=mine))
            elif n < self.config.min_candidates:
                outcomes.append(Outcome(qid, False, "too few candidates", evidence, rows=mine))
            else:
                kept, reason = band_reason(passed, n, self.config.low, self.config.high)
                outcomes.append(Outcome(qid, kept, reason, evidence, rows=mine))
        return outcomes

    def save(self, con: duckdb.DuckDBPyConnection, run_id: str, outcomes: Sequence[Outcome]) -> None:
        from genreason import store

        judgments = [Judgment(**r) for o in outcomes for r in o.rows]
        if judgments:
            store.save_judgments(con, judgments, run_id=run_id)

    def close(self) -> None:
        close = getattr(self._verifier, "close", None)
        if callable(close):
            close()

