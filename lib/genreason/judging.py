"""The verifier seam: what a verifier is given (`Item`), what it returns (`Judgment`).

Every judge of an answer, rule-based, model-based, hybrid, a human or an imported label,
produces `Judgment`s, so any two judges can be compared over the same items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

# Marker stored in `Judgment.extracted` when nothing could be extracted from the response.
NO_ANSWER = "<no answer>"


@dataclass(frozen=True)
class Item:
    """One response to judge against a reference answer."""

    question: str
    reference: str
    response: str
    answer_type: str | None = None  # WebInstruct answer_type ("Float", "List", ...) if known
    options: tuple[str, ...] | None = None  # multiple-choice option texts, lettered A, B, ...
    item_id: str | None = None  # candidate id in the store, when there is one


@dataclass
class Judgment:
    """A verdict with the record needed to explain it.

    verdict: True (equivalent), False (not), None (undecided: the judge could not tell).
    extracted: the student answer the judge compared (NO_ANSWER when none was found).
    reason: one line a person can read ("numeric match within rel. tol 1e-3").
    rule: which rule or path decided ("float", "units", "model", "hybrid:model", ...).
    detail: how each side was parsed, prompt and raw output for model judges, etc.
    cost: seconds, tokens, calls; whatever the judge spent.
    """

    judge: str
    verdict: bool | None
    extracted: str | None
    reason: str
    rule: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    cost: dict[str, float] = field(default_factory=dict)
    item_id: str | None = None

    def to_row(self) -> dict[str, Any]:
        """A flat dict for JSONL output and the store."""
        return {
            "judge": self.judge,
            "verdict": self.verdict,
            "extracted": self.extracted,
            "reason": self.reason,
            "rule": self.rule,
            "detail": self.detail,
            "cost": self.cost,
            "item_id": self.item_id,
        }


@runtime_checkable
class Verifier(Protocol):
    """Anything that judges a batch of items. Total over model output: never raises on it."""

    name: str

    def verify_batch(self, items: Sequence[Item]) -> list[Judgment]: ...
