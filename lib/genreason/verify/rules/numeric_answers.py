"""Numeric answers: the one number an answer gives, and its comparison with the reference.

Stage: verify (comparison half for Integer, Float, Fraction, Percentage and quantities with
units). Reads the number an answer states ("x = 5", "18 dollars", "\\frac{\\sqrt 2}{2}", the
concluding number of prose) and compares it with the precision-following tolerance of
`genreason.verify.rules.numbers`; quantities are converted to the reference's unit first
(`genreason.verify.rules.units`). Percent readings follow the question: 0.28 for 28% unless the
question asks for the percent form, where 0.28 would mean 0.28%.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from genreason.verify.rules.guards.negation import negated_before
from genreason.verify.rules.kinds import Reference
from genreason.verify.rules.latex import unwrap_text
from genreason.verify.rules.math.expression import to_sympy
from genreason.verify.rules.numbers import (
    NUMBER_IN_TEXT,
    Number,
    finite_float,
    numbers_in_text,
    numbers_match,
    odd_notation,
    parse_number,
    special_value,
)
from genreason.verify.rules.units import convert, parse_quantity, same_dimension, split_number_unit

Outcome = tuple[bool | None, str, str, dict[str, Any]]  # verdict, rule, reason, answer parse

_PERCENT_WORDS = re.compile(r"percent|%|percentage", re.IGNORECASE)
# A question that fixes the format ("as a percentage", "in %") makes 0.28 mean 0.28%, not 28%.
_PERCENT_FORMAT = re.compile(
    r"\b(?:as|in|into|to)\s+(?:a\s+)?(?:percent(?:age)?s?|%)(?!\s*(?:change|increase|decrease|point))|in\s+percent(?:age)?\s+form",
    re.IGNORECASE,
)
def number_from_sympy(text: str) -> Number | None:
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
    odd = odd_notation(answer)
    if odd:
        return None, f"refused: {odd}"  # never handed to a reader that would reinterpret it
    s = answer.strip()
    if re.match(r"^\s*[\[({]", s) and re.search(r"\d\s*[,;]\s*[-+]?\d", s):
        return None, "a list of values, not one number"
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
        # not "4.1e-08e5", "16_000", "212, it was opened, 150": a scale or a list follows
        follows = re.match(r"^(?:[-+*/^(!\\0-9,;_]|[eE][-+]?\d)", parts[1]) if parts[1] else None
        # "5% 4%", "19.47° 18.47 °": a second number after the unit is a second answer
        another = re.search(r"(?:^|\s)[-+]?\.?\d", parts[1]) if parts[1] else None
        if n is not None and not product and not follows and another:
            return None, f"a second number after the first ({parts[1][:20]!r})"
        if n is not None and not product and not follows:
            return n, "leading number" + (f" (followed by {parts[1][:20]!r})" if parts[1] else "")
    if not _PROSE_WORDS.search(s) and re.search(r"[-+*/^]|\\|\d[a-zA-Z]|\b(?:e|pi)\b", s):
        n = number_from_sympy(s)  # "e - 1", "100e", "\\frac{\\pi}{4}"
        if n is not None:
            return n, "closed form"
    found = numbers_in_text(s)
    values = {f.value for f in found}
    # One number in words ("18 dollars a day") is the answer; one inside a formula is not.
    if len(values) == 1 and not re.search(r"[\^!*/=<>]|\\[A-Za-z]|\d\s*[A-Za-z]\b", s):
        return found[-1], "the only number in the answer"
    n = number_from_sympy(s)
    if n is not None:
        return n, "closed form"
    if len(values) > 1:
        return None, f"{len(values)} different numbers in the answer"
    return None, "no number in the answer"


_PROSE_WORDS = re.compile(r"[A-Za-z]{3,}[\s,;:]+[A-Za-z]{3,}")
_SCALE_WORD = re.compile(r"\b(thousand|million|billion|trillion)\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])|\n+")


def buried_number(text: str) -> tuple[Number | None, str]:
    """The concluding number of prose with no answer marker: the last number of its last
    sentence ("... so a typical adult has 206."), the way GSM8K-style graders read answers."""
    sentences = [x for x in SENTENCE_END.split(text.strip()) if x.strip()]
    if not sentences:
        return None, "no sentence"
    last = sentences[-1]
    found = affirmed_numbers(last)
    if not found:
        if numbers_in_text(last):
            return None, "the last sentence only denies numbers ('not 18')"
        return None, "no number in the last sentence"
    return found[-1], "last number of the last sentence"


def affirmed_numbers(text: str) -> list[Number]:
    """The numbers of `text` that no negation denies ("20, not 18" -> [20])."""
    found = []
    for m in NUMBER_IN_TEXT.finditer(text[:5000]):
        if negated_before(text, m.start()):
            continue
        n = parse_number(m.group(0))
        if n is not None:
            found.append(n)
    return found


def compare_numbers(ref: Reference, answer: str, *, integer: bool, prose: bool = False) -> Outcome:
    """Numeric answers: Integer, Float, Fraction, Percentage (percent only where unambiguous)."""
    rnum = ref.number
    assert rnum is not None
    if prose:
        sentences = [x for x in SENTENCE_END.split(answer.strip()) if x.strip()]
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
            for other in affirmed_numbers(last):
                if _compare_number_values(ref, rnum, other, how, integer)[0]:
                    return None, outcome[1], "the reference value appears, but not as the concluding number", outcome[3]
        return outcome
    refused = _special_or_odd(ref, answer)
    if refused is not None:
        return refused
    pq = parse_quantity(answer)
    if pq is not None:
        pnum, how = pq.number, f"number with unit {pq.units} (reference has none)"
    else:
        pnum, how = answer_number(answer)
    plain = unwrap_text(answer, pad=True)
    scale = _SCALE_WORD.search(plain)
    if scale and not _SCALE_WORD.search(unwrap_text(ref.text, pad=True)) and re.search(rf"\b{scale.group(1)}s?\b", ref.question, re.IGNORECASE):
        # "$50 billion" where the question asks in billions and the reference says 50
        bare, _ = answer_number(_SCALE_WORD.sub(" ", plain))
        if bare is not None and numbers_match(rnum, bare, integer=integer)[0]:
            return True, "number", "equal once the scale word is read as the question's unit", bare.describe()
    if pnum is None:
        if how.startswith("a list"):
            return False, "number", f"{how} (the reference is one number)", {"kind": "list"}
        return None, "number", how, {"kind": "unparsed"}
    return _compare_number_values(ref, rnum, pnum, how, integer)


def _special_or_odd(ref: Reference, answer: str) -> Outcome | None:
    """Infinity or NaN for a finite reference (False), or a notation `odd_notation` refuses
    that the reference does not share (undecided); None for an ordinary answer."""
    special = special_value(answer)
    if special is not None:
        return False, "number", f"the answer is {special}, the reference the finite number {ref.text}", {"kind": special}
    odd = odd_notation(answer)
    if odd and not odd_notation(ref.text):
        return None, "number", f"refused: {odd}", {"kind": "odd_notation"}
    return None


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


def last_sentences(text: str) -> str:
    return text.strip()[-600:]


_NUMBER_PART = re.compile(r"^[\s$]*[-+]?\d[\d,]*(?:\.\d+)?(?:\s*(?:\\times|×)\s*10\^\{?-?\d+\}?)?")


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


def _question_names_unit(ref: Reference) -> bool:
    """Whether the question says the unit the answer is in ("in joules", "(in J)"), so that a
    bare number answers it: the reference's unit as written, or a word of its name."""
    question = ref.question or ""
    written = _NUMBER_PART.sub("", ref.text).strip(" \xa0{}\\$")
    names = {written, *(w for w in ref.quantity.units.replace("_", " ").split() if len(w) > 2)} if ref.quantity else {written}
    for name in filter(None, names):
        flags = re.IGNORECASE if len(name) > 2 else 0  # "J" and "m" are case-sensitive symbols
        unit = rf"{re.escape(name)}s?(?![\w'’.])"
        # said as a unit: "in joules", "in degrees Celsius", "(in J)", "[m]", "how many seconds";
        # not "A current flows", "the second ball", "I'm"
        if re.search(rf"(?:\b(?:in|per|many)\s+(?:(?!the\b)\w+\s+)?|[(\[]\s*){unit}|(?<![\w'’]){unit}\s*[)\]]", question, flags):
            return True
    return False


def compare_quantities(ref: Reference, answer: str, *, prose: bool = False) -> Outcome:
    """Physical quantities: convert the answer to the reference's unit, then compare numbers."""
    rq = ref.quantity
    assert rq is not None
    refused = None if prose else _special_or_odd(ref, answer)
    if refused is not None:
        return refused[0], "units", refused[2], refused[3]
    pq = parse_quantity(answer)
    if pq is None and prose:
        pnum, how = buried_number(answer)
        pq = _quantity_after(answer, pnum) if pnum is not None else None
        if pq is None:
            if pnum is None:
                return None, "units", how, {"kind": "unparsed"}
            ok, why = numbers_match(rq.number, pnum)
            if ok and not _question_names_unit(ref):
                return None, "units", f"{why} ({how}), but no unit is read and the question names none", pnum.describe()
            return ok, "units", why + f" ({how}; no unit read)", pnum.describe()
    if pq is None:
        pnum, how = answer_number(answer)
        if pnum is None:
            return None, "units", how, {"kind": "unparsed"}
        ok, why = numbers_match(rq.number, pnum)
        radians = False
        if not ok and rq.units == "degree" and re.search(r"\\pi|π|rad", answer):
            deg = Number(pnum.value * Fraction(180) / Fraction(3.141592653589793), answer, None, None)
            ok, why = numbers_match(rq.number, deg)
            why, radians = why + " (radians converted to degrees)", True
        detail = pnum.describe() | {"read_as": how}
        if ok and not radians and not _question_names_unit(ref):
            # "1" for "1 J": right in joules, wrong in kJ; a reward must not pay on that guess
            return None, "units", f"{why}, but no unit is given and the question names none (reference in {rq.units})", detail
        return ok, "units", why + f" (no unit given; reference in {rq.units})", detail
    detail = pq.describe()
    if not same_dimension(rq, pq):
        return False, "units", f"{pq.units} does not measure the same thing as {rq.units}", detail
    conv = convert(pq, rq)
    if conv is None:
        return None, "units", f"could not convert {pq.units} to {rq.units}", detail
    ok, why = numbers_match(rq.number, conv)
    detail["converted"] = finite_float(conv.value)
    return ok, "units", f"{why} after converting {pq.units} to {rq.units}", detail
