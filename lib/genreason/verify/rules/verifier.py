"""Rule-based verifier: exact, cheap, typed comparison of an extracted answer with the reference.

Stage: verify. Reads `Item`s (question, reference, response, optional answer_type/options),
returns `Judgment`s: verdict True/False/None (undecided), what was extracted, how both sides
were parsed (`detail`), which rule decided (`rule`) and why (`reason`).

The General-Reasoner paper (arXiv:2505.14652, section 4) found rule-based checking (math-verify)
agreed with Gemini on only 22.2% of answers Gemini judged correct, missing lists, strings,
multiple choice written as option text and units. This verifier routes by answer type
(declared, else inferred from the reference) to a comparison for that type, and says
"undecided" where rules cannot tell, so a hybrid verifier can ask a model only there.

Judging runs in worker processes with a per-item time limit (`genreason.verify.rules.pool`), so
it works from any thread and pathological answers end as undecided.

    from genreason.verify.rules.verifier import RuleVerifier
    judgments = RuleVerifier(timeout_s=5).verify_batch(items)
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from typing import Any

from genreason.judging import NO_ANSWER, Item, Judgment
from genreason.verify.extract import extract_answer, strip_thinking
from genreason.verify.rules.dispatch import compare_answer
from genreason.verify.rules.guards.hedges import restates_question
from genreason.verify.rules.kinds import Reference, parse_reference
from genreason.verify.rules.text import junk_reason

logger = logging.getLogger(__name__)


def judge_with_reference(ref: Reference, item: Item, judge: str = "rule") -> Judgment:
    """Judge one item against its already parsed reference. Never raises on model output."""
    t0 = time.perf_counter()
    try:
        verdict, rule, reason, extracted, detail = _judge(ref, item)
    except Exception as exc:  # a comparison bug must not sink the batch: undecided, logged
        logger.debug("rule verifier error on %r", item.item_id, exc_info=True)
        verdict, rule, reason, extracted, detail = None, "error", f"internal error: {type(exc).__name__}", None, {}
    detail["reference"] = ref.describe()
    return Judgment(
        judge=judge,
        verdict=verdict,
        extracted=extracted if extracted is not None else NO_ANSWER,
        reason=reason,
        rule=rule,
        detail=detail,
        cost={"seconds": round(time.perf_counter() - t0, 6)},
        item_id=item.item_id,
    )


def _judge(ref: Reference, item: Item) -> tuple[bool | None, str, str, str | None, dict[str, Any]]:
    ex = extract_answer(item.response)
    detail: dict[str, Any] = {"extraction": ex.method}
    if ex.answer is None and ex.method == "unreadable":
        return None, "unreadable", "the answer could not be read (over-long or unbalanced response)", None, detail
    if ex.answer is None:
        why = "empty \\boxed{}" if ex.method == "boxed_empty" else "no answer found in the response"
        return False, "no_answer", why, None, detail
    answer = ex.answer
    junk = junk_reason(answer, item.question, ref.text)
    if junk:
        return False, "junk", junk, answer, detail
    context = None
    if ex.method == "last_line":
        # No marker: the whole (tail of the) response is the answer; a buried string answer
        # is looked for there, numbers stay with the last line.
        context = strip_thinking(item.response)[-4000:]
        if item.question and restates_question(context, item.question) and not _is_reference_text(context, ref.text):
            return False, "junk", "restates the question (whole response)", answer, detail
    verdict, rule, reason, parse = compare_answer(ref, answer, context)
    detail["answer"] = parse
    return verdict, rule, reason, answer, detail


def _is_reference_text(text: str, reference: str) -> bool:
    return re.sub(r"\s+", "", text) == re.sub(r"\s+", "", reference)


def judge_items(items: Sequence[Item], judge: str = "rule") -> list[Judgment]:
    """Judge items in this process, parsing each distinct reference once (no time limit)."""
    refs: dict[tuple, Reference] = {}
    out = []
    for item in items:
        key = (item.reference, item.answer_type, item.options, item.question)
        if key not in refs:
            refs[key] = reference_for(item)
        out.append(judge_with_reference(refs[key], item, judge))
    return out


def reference_for(item: Item) -> Reference:
    """Parse an item's reference (raises ValueError on an empty reference: a data error)."""
    if not isinstance(item.reference, str) or not item.reference.strip():
        raise ValueError(f"item {item.item_id!r} has an empty reference answer; fix the input data")
    return parse_reference(
        item.reference, answer_type=item.answer_type, options=item.options, question=item.question or ""
    )


class RuleVerifier:
    """Typed rule-based verifier (see module docstring); registered as "rule".

    timeout_s: per-item time limit; an item over it is judged undecided.
    workers: worker processes (None = one per CPU core; 0 = judge in the calling process
        without a time limit, for debugging only).
    """

    def __init__(self, name: str = "rule", timeout_s: float = 5.0, workers: int | None = None):
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        if workers is not None and workers < 0:
            raise ValueError("workers must be >= 0 (0 = in-process)")
        self.name = name
        self.timeout_s = float(timeout_s)
        self.workers = workers
        self._pool = None

    def verify(self, item: Item) -> Judgment:
        """Judge one item."""
        return self.verify_batch([item])[0]

    def verify_batch(self, items: Sequence[Item]) -> list[Judgment]:
        """Judge items in parallel worker processes, each with the per-item time limit."""
        items = list(items)
        if not items:
            return []
        for item in items:
            if not isinstance(item.reference, str) or not item.reference.strip():
                raise ValueError(f"item {item.item_id!r} has an empty reference answer; fix the input data")
        if self.workers == 0:
            return judge_items(items, self.name)
        from genreason.verify.rules.pool import WorkerPool

        if self._pool is None:
            self._pool = WorkerPool(workers=self.workers, timeout_s=self.timeout_s)
        return self._pool.run(items, self.name)

    def close(self) -> None:
        """Stop the worker processes (also done at interpreter exit)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def __enter__(self) -> RuleVerifier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
