"""Expression answers: symbolic equivalence with the reference, also for an expression stated
inside prose ("... so the inverse is f(x) = (x-3)/2.").

Stage: verify (comparison half for Expression answers; also closed forms against decimals).
Parsing and equivalence live in `genreason.verify.rules.math.expression`.
"""

from __future__ import annotations

import re
from typing import Any

from genreason.verify.rules.kinds import Reference
from genreason.verify.rules.math.expression import expressions_equivalent, to_sympy
from genreason.verify.rules.numbers import numbers_match, odd_notation, parse_number, special_value
from genreason.verify.rules.numeric_answers import SENTENCE_END, Outcome, number_from_sympy

_CUE = re.compile(r"(?:=|\bis\b|\bto\b|\bof\b|\bgives\b|\bequals\b|\bbe\b)\s*", re.IGNORECASE)


def compare_expression_in_prose(ref: Reference, text: str) -> Outcome:
    """An expression stated in the last sentence of prose ("... the inverse is f(x) = (x-3)/2.").

    Candidates are the stretches after "=", "is", "to", "of", "gives" up to a comma or the
    end; True when exactly the last such candidate that parses is equivalent.
    """
    sentences = [x for x in SENTENCE_END.split(text.strip()) if x.strip()]
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
    if squash_latex(ref.text) == squash_latex(answer):
        return True, "expression", "same text", {"kind": "text"}
    special = special_value(answer)
    if special == "nan":
        return False, "expression", "the answer is NaN (not a number)", {"kind": "nan"}
    if special is not None:
        answer = "-\\infty" if special.startswith("-") else "\\infty"  # "inf" as written in code
    odd = odd_notation(answer)
    if odd and not odd_notation(ref.text):
        return None, "expression", f"refused: {odd}", {"kind": "odd_notation"}
    pnum = parse_number(answer)
    if rexpr is not None and pnum is not None and pnum.last_digit is not None:
        rnum = number_from_sympy(ref.text)
        if rnum is not None:
            ok, why = numbers_match(rnum, pnum)
            return ok, "expression", f"decimal against closed form: {why}", pnum.describe()
    pexpr, phow = to_sympy(answer)
    detail: dict[str, Any] = {"kind": "expression", "parsed": _shown(pexpr), "how": phow}
    if rexpr is None:
        return None, "expression", f"reference not parsed ({rhow})", detail
    if pexpr is None:
        return None, "expression", f"answer not parsed ({phow})", detail
    verdict, why = expressions_equivalent(rexpr, pexpr)
    return verdict, "expression", why, detail


def _shown(expr: Any) -> str | None:
    """At most 200 characters of a parsed expression for the record; an integer too long for
    Python's int-to-text limit (4,300 digits, e.g. binom(99999, 49999)) is described instead."""
    if expr is None:
        return None
    try:
        return str(expr)[:200]
    except ValueError:
        return "(a number too long to print)"


def squash_latex(s: str) -> str:
    """LaTeX without spacing, sizing and dollar signs, lower case: for "same text" checks."""
    s = re.sub(r"\\[,;!: ]|\\left|\\right|\s+|\$", "", s)
    return s.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").rstrip(".").lower()
