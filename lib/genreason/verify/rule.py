"""Rule-based verifier: exact, cheap, typed comparison of an extracted answer with the reference.

Stage: verify. Reads `Item`s (question, reference, response, optional answer_type/options),
returns `Judgment`s: verdict True/False/None (undecided), what was extracted, how both sides
were parsed (`detail`), which rule decided (`rule`) and why (`reason`).

The General-Reasoner paper (arXiv:2505.14652, section 4) found rule-based checking (math-verify)
agreed with Gemini on only 22.2% of answers Gemini judged correct, missing lists, strings,
multiple choice written as option text and units. This verifier routes by answer type
(declared, else inferred from the reference) to a comparison for that type, and says
"undecided" where rules cannot tell, so a hybrid verifier can ask a model only there.

Judging runs in worker processes with a per-item time limit (`genreason.verify.batch`), so
it works from any thread and pathological answers end as undecided.

    from genreason.verify.rule import RuleVerifier
    judgments = RuleVerifier(timeout_s=5).verify_batch(items)
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from genreason.verify.choice import compare_choice
from genreason.verify.expression import expressions_equivalent, to_sympy
from genreason.verify.extract import extract_answer, strip_thinking
from genreason.verify.judgment import NO_ANSWER, Item, Judgment
from genreason.verify.numbers import Number, numbers_in_text, numbers_match, parse_number
from genreason.verify.parse import Reference, infer_kind, list_elements, matrix_rows, parse_reference
from genreason.verify.text import compare_text, hedge_alternatives, junk_reason, parse_boolean
from genreason.verify.units import convert, parse_quantity, same_dimension, split_number_unit

logger = logging.getLogger(__name__)

Outcome = tuple[bool | None, str, str, dict[str, Any]]  # verdict, rule, reason, answer parse

_PERCENT_WORDS = re.compile(r"percent|%|percentage", re.IGNORECASE)
_ORDER_WORDS = re.compile(
    r"\brespectively\b|\bin order\b|\border(?:ed)?\b|\bsequence\b|\brank|\bsort|\barrange|"
    r"\bcoordinates?\b|\bvector\b|\bpoint\b|\bfirst\b.*\bthen\b|\btuple\b|\bpair\b",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- numbers
def _number_from_sympy(text: str) -> Number | None:
    """A closed-form constant ("\\frac{\\sqrt{2}}{2}", "2\\pi") as an exact-valued Number."""
    expr, _ = to_sympy(text)
    if expr is None or getattr(expr, "free_symbols", None) or not hasattr(expr, "evalf"):
        return None
    try:
        value = complex(expr.evalf(20))
    except Exception:
        return None
    if abs(value.imag) > 1e-12 or value.real != value.real or abs(value.real) == float("inf"):
        return None
    return Number(Fraction(value.real).limit_denominator(10**15), text, None, None)


def answer_number(answer: str) -> tuple[Number | None, str]:
    """The one number an answer gives, and how it was read; (None, why) when it is unclear."""
    n = parse_number(answer)
    if n is not None:
        return n, "number"
    s = answer.strip()
    if "=" in s:  # "x = 5", "9 * 2 = 18"
        last = s.rsplit("=", 1)[1].strip()
        n = parse_number(last)
        if n is not None:
            return n, "right side of ="
        s = last
    parts = split_number_unit(s)
    if parts is not None:
        n = parse_number(parts[0])
        if n is not None and (not parts[1] or not re.match(r"^[-+*/^(!\\0-9]", parts[1])):
            return n, "leading number" + (f" (followed by {parts[1][:20]!r})" if parts[1] else "")
    found = numbers_in_text(s)
    values = {f.value for f in found}
    # One number in words ("18 dollars a day") is the answer; one inside a formula is not.
    if len(values) == 1 and not re.search(r"[\^!*/=<>]|\\[A-Za-z]|\d\s*[A-Za-z]\b", s):
        return found[-1], "the only number in the answer"
    n = _number_from_sympy(s)
    if n is not None:
        return n, "closed form"
    if len(values) > 1:
        return None, f"{len(values)} different numbers in the answer"
    return None, "no number in the answer"


def compare_numbers(ref: Reference, answer: str, *, integer: bool) -> Outcome:
    """Numeric answers: Integer, Float, Fraction, Percentage (percent only where unambiguous)."""
    rnum = ref.number
    assert rnum is not None
    pq = parse_quantity(answer)
    if pq is not None:
        pnum, how = pq.number, f"number with unit {pq.units} (reference has none)"
    else:
        pnum, how = answer_number(answer)
    if pnum is None:
        if ref.kind == "number" or integer:
            outcome = compare_expressions(ref, answer)
            if outcome[0] is not None:
                return outcome
        return None, "number", how, {"kind": "unparsed"}
    detail = pnum.describe() | {"read_as": how}
    rule = "integer" if integer else "percentage" if (rnum.percent or pnum.percent) else "number"
    asks_percent = bool(_PERCENT_WORDS.search(ref.question))
    candidates: list[tuple[Number, str]] = []
    if rnum.percent == pnum.percent:
        candidates.append((pnum, ""))
    elif rnum.percent:  # reference 28%, answer without a sign
        candidates.append((pnum, " (answer as percent value)"))
        if not asks_percent:
            candidates.append((pnum.shifted(2), " (answer as a fraction of 1)"))
    else:  # answer 28%, reference without a sign
        candidates.append((pnum.shifted(-2), " (answer's percent as a fraction)"))
        if asks_percent:
            candidates.append((Number(pnum.value, pnum.text, pnum.last_digit, pnum.sig_figs), " (percent value)"))
    reasons = []
    for cand, note in candidates:
        ok, why = numbers_match(rnum, cand, integer=integer)
        if ok:
            return True, rule, why + note, detail
        reasons.append(why + note)
    return False, rule, "; ".join(reasons), detail


def compare_quantities(ref: Reference, answer: str) -> Outcome:
    """Physical quantities: convert the answer to the reference's unit, then compare numbers."""
    rq = ref.quantity
    assert rq is not None
    pq = parse_quantity(answer)
    if pq is None:
        pnum, how = answer_number(answer)
        if pnum is None:
            return None, "units", how, {"kind": "unparsed"}
        ok, why = numbers_match(rq.number, pnum)
        detail = pnum.describe() | {"read_as": how}
        return ok, "units", why + f" (no unit given; reference in {rq.units})", detail
    detail = pq.describe()
    if not same_dimension(rq, pq):
        return False, "units", f"{pq.units} does not measure the same thing as {rq.units}", detail
    conv = convert(pq, rq)
    if conv is None:
        return None, "units", f"could not convert {pq.units} to {rq.units}", detail
    ok, why = numbers_match(rq.number, conv)
    detail["converted"] = float(conv.value)
    return ok, "units", f"{why} after converting {pq.units} to {rq.units}", detail


# --------------------------------------------------------------------------- expressions
def compare_expressions(ref: Reference, answer: str) -> Outcome:
    """Symbolic equivalence; a decimal answer is compared numerically to a closed form."""
    if "expr" not in ref.cache:
        ref.cache["expr"] = to_sympy(ref.text)
    rexpr, rhow = ref.cache["expr"]
    if _squash(ref.text) == _squash(answer):
        return True, "expression", "same text", {"kind": "text"}
    pnum = parse_number(answer)
    if rexpr is not None and pnum is not None and pnum.last_digit is not None:
        rnum = _number_from_sympy(ref.text)
        if rnum is not None:
            ok, why = numbers_match(rnum, pnum)
            return ok, "expression", f"decimal against closed form: {why}", pnum.describe()
    pexpr, phow = to_sympy(answer)
    detail: dict[str, Any] = {"kind": "expression", "parsed": str(pexpr)[:200] if pexpr is not None else None, "how": phow}
    if rexpr is None:
        return None, "expression", f"reference not parsed ({rhow})", detail
    if pexpr is None:
        return None, "expression", f"answer not parsed ({phow})", detail
    verdict, why = expressions_equivalent(rexpr, pexpr)
    return verdict, "expression", why, detail


def _squash(s: str) -> str:
    s = re.sub(r"\\[,;!: ]|\\left|\\right|\s+|\$", "", s)
    return s.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").rstrip(".").lower()


# --------------------------------------------------------------------------- structures
def compare_value(ref_text: str, answer: str, question: str, kind: str | None = None) -> Outcome:
    """Compare one element (of a list or matrix) by the kind its reference looks like."""
    ref = parse_reference(ref_text, answer_type=None, question=question)
    if kind is not None and ref.kind == "string" and kind != "string":
        ref.kind = kind
    return _dispatch(ref, answer, answer)


def compare_lists(ref: Reference, answer: str) -> Outcome:
    """Lists: element-wise typed; order-insensitive unless the reference is ordered."""
    r_items, r_br = list_elements(ref.text)
    p_items, _ = list_elements(answer)
    detail: dict[str, Any] = {"kind": "list", "items": p_items[:50]}
    if len(r_items) != len(p_items):
        return False, "list", f"{len(p_items)} items, reference has {len(r_items)}", detail
    ordered = r_br in ("(", "\\langle", "<", "⟨") or bool(_ORDER_WORDS.search(ref.question))
    if ordered:
        for i, (r, p) in enumerate(zip(r_items, p_items, strict=True)):
            v = compare_value(r, p, ref.question)
            if v[0] is not True:
                return v[0], "list", f"item {i + 1}: {v[2]}", detail
        return True, "list", f"all {len(r_items)} items match in order", detail
    unmatched = list(range(len(p_items)))
    undecided = False
    for r in r_items:
        hit = None
        for j in unmatched:
            v = compare_value(r, p_items[j], ref.question)
            if v[0] is True:
                hit = j
                break
            undecided = undecided or v[0] is None
        if hit is None:
            return (None if undecided else False), "list", f"no answer item matches {r!r}", detail
        unmatched.remove(hit)
    return True, "list", f"all {len(r_items)} items match (order ignored)", detail


def compare_matrices(ref: Reference, answer: str) -> Outcome:
    """Matrices and vectors: same shape (a row vector may be written as a column), element-wise."""
    r_rows = ref.cache.setdefault("rows", matrix_rows(ref.text))
    p_rows = matrix_rows(answer)
    if p_rows is None:
        p_items, _ = list_elements(answer)
        p_rows = [p_items] if len(p_items) > 1 else None
    if r_rows is None or p_rows is None:
        return compare_expressions(ref, answer)
    detail = {"kind": "matrix", "shape": [len(p_rows), max(len(r) for r in p_rows)]}
    r_flat = [c for row in r_rows for c in row]
    p_flat = [c for row in p_rows for c in row]
    r_shape = (len(r_rows), len(r_rows[0]))
    p_shape = (len(p_rows), len(p_rows[0]))
    is_vector = 1 in r_shape and 1 in p_shape
    if len(r_flat) != len(p_flat) or (r_shape != p_shape and not is_vector):
        return False, "matrix", f"shape {p_shape} against {r_shape}", detail
    for i, (r, p) in enumerate(zip(r_flat, p_flat, strict=True)):
        v = compare_value(r, p, ref.question)
        if v[0] is not True:
            return v[0], "matrix", f"entry {i + 1}: {v[2]}", detail
    return True, "matrix", f"all {len(r_flat)} entries match", detail


# --------------------------------------------------------------------------- dispatch
def _dispatch(ref: Reference, answer: str, context: str) -> Outcome:
    kind = ref.kind
    if kind == "choice":
        if ref.letter is not None:
            verdict, why, detail = compare_choice(ref.letter, answer, ref.options)
            return verdict, "choice", why, detail
        kind = "string"
    if kind == "boolean":
        p = parse_boolean(answer)
        if p is None:
            return None, "boolean", "the answer is not yes/no or true/false", {"kind": "unparsed"}
        ok = p == ref.boolean
        return ok, "boolean", f"answer {p}, reference {ref.boolean}", {"kind": "boolean", "value": p}
    if kind in ("integer", "number"):
        return compare_numbers(ref, answer, integer=kind == "integer")
    if kind == "quantity":
        return compare_quantities(ref, answer)
    if kind == "matrix":
        return compare_matrices(ref, answer)
    if kind == "list":
        return compare_lists(ref, answer)
    if kind == "expression":
        return compare_expressions(ref, answer)
    verdict, why = compare_text(ref.text, answer)
    if verdict is not True and context is not answer:
        v2, why2 = compare_text(ref.text, context)
        if v2 is True:
            return True, "string", why2 + " (whole response)", {"kind": "text"}
    if verdict is not True and infer_kind(ref.text) == "expression":
        v3 = compare_expressions(ref, answer)
        if v3[0] is True:
            return v3
    return verdict, "string", why, {"kind": "text"}


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
    if ex.answer is None:
        why = "empty \\boxed{}" if ex.method == "boxed_empty" else "no answer found in the response"
        return False, "no_answer", why, None, detail
    answer = ex.answer
    junk = junk_reason(answer, item.question, ref.text)
    if junk:
        return False, "junk", junk, answer, detail
    hedge = hedge_alternatives(answer)
    if hedge and not re.search(r"\bor\b|\beither\b", ref.text, re.IGNORECASE) and ref.kind not in ("expression",):
        if len({h.lower() for h in hedge}) > 1:
            return False, "hedge", f"offers {len(hedge)} answers: {', '.join(hedge[:5])}", answer, detail
    context = answer
    if ex.method == "last_line":
        # No marker: the whole (tail of the) response is the answer; a buried string answer
        # is looked for there, numbers stay with the last line.
        context = strip_thinking(item.response)[-4000:]
    verdict, rule, reason, parse = _dispatch(ref, answer, context)
    detail["answer"] = parse
    return verdict, rule, reason, answer, detail


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
        from genreason.verify.batch import WorkerPool

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
