"""Rule-based verifier: exact, cheap, typed comparison of an extracted answer with the reference.

Stage: verify. Reads `Item`s, returns `Judgment`s (verdict True/False/None=undecided).
(First cut: numbers and normalised strings; typed rules follow.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from genreason.verify.extract import extract_answer
from genreason.verify.judgment import NO_ANSWER, Item, Judgment


def _num(s: str) -> float | None:
    s = s.replace(",", "").replace("$", "").strip()
    try:
        return float(s)
    except ValueError:
        return None


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


class RuleVerifier:
    """Typed rule-based verifier; see the module docstring."""

    def __init__(self, name: str = "rule", timeout_s: float = 5.0, workers: int | None = None):
        self.name = name
        self.timeout_s = timeout_s
        self.workers = workers

    def verify(self, item: Item) -> Judgment:
        return self.verify_batch([item])[0]

    def verify_batch(self, items: Sequence[Item]) -> list[Judgment]:
        out = []
        for item in items:
            ex = extract_answer(item.response)
            if ex.answer is None:
                out.append(Judgment(self.name, False, NO_ANSWER, "no answer found", "no_answer",
                                    {"method": ex.method}, item_id=item.item_id))
                continue
            a, r = _num(ex.answer), _num(item.reference)
            if a is not None and r is not None:
                ok = abs(a - r) <= 1e-6 * max(1.0, abs(r))
                rule = "number"
            else:
                ok = _norm(ex.answer) == _norm(item.reference)
                rule = "string"
            out.append(Judgment(self.name, ok, ex.answer, f"{rule} {'match' if ok else 'mismatch'}",
                                rule, {"method": ex.method}, item_id=item.item_id))
        return out
