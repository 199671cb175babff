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
from genreason.verify.parse import (
    Reference,
    infer_kind,
    list_elements,
    matrix_rows,
    parse_reference,
)
from genreason.verify.text import compare_text, hedge_alternatives, junk_reason, parse_boolean
from genreason.verify.units import convert, parse_quantity, same_dimension, split_number_unit

logger = logging.getLogger(__name__)

Outcome = tuple[bool | None, str, str, dict[str, Any]]  # verdict, rule, reason, answer parse

_PERCENT_WORDS = re.compile(r"percent|%|percentage", re.IGNORECASE)
# A question that fixes the format ("as a percentage", "in %") makes 0.28 mean 0.28%, not 28%.
_PERCENT_FORMAT = re.compile(
    r"\b(?:as|in|into|to)\s+(?:a\s+)?(?:percent(?:age)?s?|%)(?!\s*(?:change|increase|decrease|point))|in\s+percent(?:age)?\s+form",
    re.IGNORECASE,
)
_ORDER_WORDS = re.compile(
    r"\brespectively\b|\bin order\b|\border(?:ed)?\b|\bsequence\b|\brank|\bsort|\barrange|"
    r"\bcoordinates?\b|\bvector\b|\bpoint\b|\bfirst\b.*\bthen\b|\btuple\b|\bpair\b|\bcomponents?\b|"
    r"\(\s*[A-Za-z][\w{}]*\s*(?:,\s*[A-Za-z][\w{}]*\s*)+\)",
    re.IGNORECASE,
)
# Questions about a set of values: order does not matter even when written in brackets.
_SET_WORDS = re.compile(
    r"\b(?:all|roots?|solutions?|zeros?|eigenvalues|factors|divisors|list|name)\b", re.IGNORECASE
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
        product = re.fullmatch(r"\s*(?:[a-zA-Z]|\\pi|π)\s*", parts[1])  # "100e", "2\pi": a product
        if n is not None and not product and (not parts[1] or not re.match(r"^[-+*/^(!\\0-9]", parts[1])):
            return n, "leading number" + (f" (followed by {parts[1][:20]!r})" if parts[1] else "")
    if not _PROSE_WORDS.search(s) and re.search(r"[-+*/^]|\\|\d[a-zA-Z]|\b(?:e|pi)\b", s):
        n = _number_from_sympy(s)  # "e - 1", "100e", "\\frac{\\pi}{4}"
        if n is not None:
            return n, "closed form"
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


_PROSE_WORDS = re.compile(r"[A-Za-z]{3,}[\s,;:]+[A-Za-z]{3,}")
_SCALE_WORD = re.compile(r"\\?(?:text|mathrm)?\s*\{?\s*(thousand|million|billion|trillion)\s*\}?", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])|\n+")


def buried_number(text: str) -> tuple[Number | None, str]:
    """The concluding number of prose with no answer marker: the last number of its last
    sentence ("... so a typical adult has 206."), the way GSM8K-style graders read answers."""
    sentences = [x for x in _SENTENCE_END.split(text.strip()) if x.strip()]
    if not sentences:
        return None, "no sentence"
    last = sentences[-1]
    found = numbers_in_text(last)
    if not found:
        return None, "no number in the last sentence"
    return found[-1], "last number of the last sentence"


def compare_numbers(ref: Reference, answer: str, *, integer: bool, prose: bool = False) -> Outcome:
    """Numeric answers: Integer, Float, Fraction, Percentage (percent only where unambiguous)."""
    rnum = ref.number
    assert rnum is not None
    if prose:
        sentences = [x for x in _SENTENCE_END.split(answer.strip()) if x.strip()]
        last = sentences[-1] if sentences else answer
        if "=" in last:
            pnum, how = answer_number(last)
        else:
            pnum, how = buried_number(last)
        if pnum is None:
            return None, "number", how, {"kind": "unparsed"}
        outcome = _compare_number_values(ref, rnum, pnum, how, integer)
        if outcome[0] is not True:
            # The reference's value elsewhere in that sentence: the prose is ambiguous.
            for other in numbers_in_text(last):
                if _compare_number_values(ref, rnum, other, how, integer)[0]:
                    return None, outcome[1], "the reference value appears, but not as the concluding number", outcome[3]
        return outcome
    pq = parse_quantity(answer)
    if pq is not None:
        pnum, how = pq.number, f"number with unit {pq.units} (reference has none)"
    else:
        pnum, how = answer_number(answer)
    scale = _SCALE_WORD.search(answer)
    if scale and not _SCALE_WORD.search(ref.text) and re.search(rf"\b{scale.group(1)}s?\b", ref.question, re.IGNORECASE):
        # "$50 billion" where the question asks in billions and the reference says 50
        bare, _ = answer_number(_SCALE_WORD.sub(" ", answer))
        if bare is not None and numbers_match(rnum, bare, integer=integer)[0]:
            return True, "number", "equal once the scale word is read as the question's unit", bare.describe()
    if pnum is None:
        if ref.kind == "number" or integer:
            outcome = compare_expressions(ref, answer)
            if outcome[0] is not None:
                return outcome
        return None, "number", how, {"kind": "unparsed"}
    return _compare_number_values(ref, rnum, pnum, how, integer)


def _compare_number_values(ref: Reference, rnum: Number, pnum: Number, how: str, integer: bool) -> Outcome:
    detail = pnum.describe() | {"read_as": how}
    rule = "integer" if integer else "percentage" if (rnum.percent or pnum.percent) else "number"
    asks_percent = bool(_PERCENT_WORDS.search(ref.question))
    percent_format = bool(_PERCENT_FORMAT.search(ref.question))
    candidates: list[tuple[Number, str]] = []
    if rnum.percent == pnum.percent:
        candidates.append((pnum, ""))
    elif rnum.percent:  # reference 28%, answer without a sign
        candidates.append((pnum, " (answer as percent value)"))
        # 0.28 for 28% reads one way only unless the question asked for the percent form.
        if (not percent_format or pnum.last_digit is None) and abs(pnum.value) <= 1:
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


def _last_sentences(text: str) -> str:
    return text.strip()[-600:]


def _quantity_after(text: str, num: Number) -> Any:
    """The quantity that starts at the last occurrence of `num` in `text` ("19.6 newtons acting")."""
    at = text.rfind(num.text)
    if at < 0:
        return None
    rest = text[at:]
    for n_words in (3, 2, 1):
        m = re.match(r"\S+(?:\s+\S+){0," + str(n_words) + "}", rest)
        if m:
            q = parse_quantity(m.group(0).rstrip(".,;"))
            if q is not None:
                return q
    return None


def compare_quantities(ref: Reference, answer: str, *, prose: bool = False) -> Outcome:
    """Physical quantities: convert the answer to the reference's unit, then compare numbers."""
    rq = ref.quantity
    assert rq is not None
    pq = parse_quantity(answer)
    if pq is None and prose:
        pnum, how = buried_number(answer)
        pq = _quantity_after(answer, pnum) if pnum is not None else None
        if pq is None:
            if pnum is None:
                return None, "units", how, {"kind": "unparsed"}
            ok, why = numbers_match(rq.number, pnum)
            return ok, "units", why + f" ({how}; no unit read)", pnum.describe()
    if pq is None:
        pnum, how = answer_number(answer)
        if pnum is None:
            return None, "units", how, {"kind": "unparsed"}
        ok, why = numbers_match(rq.number, pnum)
        if not ok and rq.units == "degree" and re.search(r"\\pi|π|rad", answer):
            deg = Number(pnum.value * Fraction(180) / Fraction(3.141592653589793), answer, None, None)
            ok, why = numbers_match(rq.number, deg)
            why += " (radians converted to degrees)"
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
_CUE = re.compile(r"(?:=|\bis\b|\bto\b|\bof\b|\bgives\b|\bequals\b|\bbe\b)\s*", re.IGNORECASE)


def compare_expression_in_prose(ref: Reference, text: str) -> Outcome:
    """An expression stated in the last sentence of prose ("... the inverse is f(x) = (x-3)/2.").

    Candidates are the stretches after "=", "is", "to", "of", "gives" up to a comma or the
    end; True when exactly the last such candidate that parses is equivalent.
    """
    sentences = [x for x in _SENTENCE_END.split(text.strip()) if x.strip()]
    last = sentences[-1] if sentences else text
    spans = []
    for m in _CUE.finditer(last):
        seg = re.split(r",\s|;|\.\s|\.$|\s(?:for|where|when|and|so|which|independent|as)\s", last[m.end():])[0]
        seg = seg.strip().strip(".")
        if seg and len(seg) <= 80:
            spans.append(seg)
    for seg in reversed(spans):
        expr, _ = to_sympy(seg.replace("−", "-"))
        if expr is None:
            continue
        outcome = compare_expressions(ref, seg.replace("−", "-"))
        if outcome[0] is not None:
            return outcome[0], "expression", outcome[2] + " (concluding expression of the prose)", outcome[3]
    return None, "expression", "no expression read from the prose", {"kind": "unparsed"}


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
    return _dispatch(ref, answer)


def compare_lists(ref: Reference, answer: str) -> Outcome:
    """Lists: element-wise typed; order-insensitive unless the reference is ordered."""
    r_items, r_br = list_elements(ref.text)
    p_items, _ = list_elements(answer)
    detail: dict[str, Any] = {"kind": "list", "items": p_items[:50]}
    if len(r_items) != len(p_items):
        return False, "list", f"{len(p_items)} items, reference has {len(r_items)}", detail
    ordered = bool(_ORDER_WORDS.search(ref.question)) or (
        r_br in ("(", "\\langle", "<", "⟨") and not _SET_WORDS.search(ref.question)
    )
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
    if re.search(r"\S\s*\\begin\{|\\end\{[a-zA-Z]*\}\s*[^\s.$]", answer.strip().strip("$")):
        # a factor outside the matrix ("\frac{1}{10}\begin{pmatrix}..."): let sympy multiply it out
        return _compare_sympy_matrices(ref, answer)
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


def _choice_by_value(ref: Reference, answer: str) -> Outcome:
    """An answer that writes an option's value differently ("cos(x)" for "\\cos x", "3e8 m/s")."""
    assert ref.options is not None and ref.letter is not None
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    hits = []
    for i, option in enumerate(ref.options):
        opt = str(option).strip()
        if not opt or infer_kind(opt) in ("string", "choice", "boolean"):
            continue
        if compare_value(opt, answer, ref.question)[0] is True:
            hits.append(letters[i])
    detail = {"kind": "choice", "matched_options": hits}
    if len(hits) == 1:
        ok = hits[0] == ref.letter
        return ok, "choice", f"answer equals option {hits[0]}'s value" + ("" if ok else f", reference is {ref.letter}"), detail
    if len(hits) > 1:
        return None, "choice", f"answer equals several options ({', '.join(hits)})", detail
    return None, "choice", "the answer names no single option", detail


def _as_matrix(expr: Any) -> Any:
    """An explicit Matrix for a matrix expression ("\\frac{1}{10}\\begin{pmatrix}..")."""
    if expr is None or not hasattr(expr, "shape"):
        return expr
    try:
        from sympy import Matrix

        return Matrix(expr.doit())
    except Exception:
        return expr


def _compare_sympy_matrices(ref: Reference, answer: str) -> Outcome:
    from sympy import MatrixBase

    rexpr, _ = to_sympy(ref.text)
    pexpr, how = to_sympy(answer)
    rexpr, pexpr = _as_matrix(rexpr), _as_matrix(pexpr)
    detail: dict[str, Any] = {"kind": "matrix", "parsed": str(pexpr)[:200] if pexpr is not None else None}
    if not isinstance(rexpr, MatrixBase) or not isinstance(pexpr, MatrixBase):
        return None, "matrix", f"answer not read as a matrix ({how})", detail
    if rexpr.shape != pexpr.shape:
        return False, "matrix", f"shape {pexpr.shape} against {rexpr.shape}", detail
    for i, (r, p) in enumerate(zip(rexpr, pexpr, strict=True)):
        verdict, why = expressions_equivalent(r, p)
        if verdict is not True and r.is_number and p.is_number:
            rn = parse_number(str(ref.cache.get("rows", [[]])[i // rexpr.shape[1]][i % rexpr.shape[1]])) if ref.cache.get("rows") else None
            try:
                pn = Number(Fraction(complex(p.evalf(20)).real).limit_denominator(10**12), str(p))
            except Exception:
                pn = None
            if rn is not None and pn is not None:
                verdict, why = numbers_match(rn, pn)
        if verdict is not True:
            return verdict, "matrix", f"entry {i + 1}: {why}", detail
    return True, "matrix", f"all {len(rexpr)} entries match", detail


# --------------------------------------------------------------------------- dispatch
def _dispatch(ref: Reference, answer: str, context: str | None = None) -> Outcome:
    """Compare `answer` with the parsed reference. `context` is the whole response when it
    has no answer marker (prose), else None."""
    outcome = _dispatch_typed(ref, answer, context)
    distinctive = re.search(r"[A-Za-z]{3,}|\d{3,}", ref.text)  # not "x" or "3": those are everywhere
    if outcome[0] is not True and context is not None and ref.declared is None and distinctive and ref.kind not in ("string", "choice", "boolean"):
        # Untyped reference, prose response (no answer marker): open-domain QA answers name
        # the reference in a sentence ("... released in theaters on June 22, 1984.").
        verdict, why = compare_text(ref.text, context)
        if verdict is True:
            return True, "string", why + " (whole response)", {"kind": "text"}
    return outcome


def _dispatch_typed(ref: Reference, answer: str, context: str | None) -> Outcome:
    kind = ref.kind
    if kind == "choice":
        if ref.letter is not None:
            verdict, why, detail = compare_choice(ref.letter, answer, ref.options)
            if verdict is None and ref.options:
                return _choice_by_value(ref, answer)
            return verdict, "choice", why, detail
        kind = "string"
    if kind == "boolean":
        p = parse_boolean(answer)
        if p is None:
            return None, "boolean", "the answer is not yes/no or true/false", {"kind": "unparsed"}
        ok = p == ref.boolean
        return ok, "boolean", f"answer {p}, reference {ref.boolean}", {"kind": "boolean", "value": p}
    if kind in ("integer", "number"):
        if context is not None:
            return compare_numbers(ref, _last_sentences(context), integer=kind == "integer", prose=True)
        return compare_numbers(ref, answer, integer=kind == "integer")
    if kind == "quantity":
        if context is not None:
            return compare_quantities(ref, _last_sentences(context), prose=True)
        return compare_quantities(ref, answer)
    if kind == "matrix":
        return compare_matrices(ref, answer)
    if kind == "list":
        return compare_lists(ref, answer)
    if kind == "expression":
        outcome = compare_expressions(ref, answer)
        if outcome[0] is None and context is not None:
            return compare_expression_in_prose(ref, _last_sentences(context))
        return outcome
    verdict, why = compare_text(ref.text, answer)
    if verdict is not True and context is not None:
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
    if ex.answer is None and ex.method == "unreadable":
        return None, "unreadable", "the answer could not be read (over-long or unbalanced response)", None, detail
    if ex.answer is None:
        why = "empty \\boxed{}" if ex.method == "boxed_empty" else "no answer found in the response"
        return False, "no_answer", why, None, detail
    answer = ex.answer
    junk = junk_reason(answer, item.question, ref.text)
    if junk:
        return False, "junk", junk, answer, detail
    hedge = hedge_alternatives(answer)
    if hedge and not re.search(r"\bor\b|\beither\b", ref.text, re.IGNORECASE) and ref.kind not in ("expression", "list"):
        if len({h.lower() for h in hedge}) > 1:
            return False, "hedge", f"offers {len(hedge)} answers: {', '.join(hedge[:5])}", answer, detail
    context = None
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
