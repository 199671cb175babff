"""Typed comparison: route an answer by the reference's kind to the rule for that kind.

Stage: verify (comparison half). Kinds come from `genreason.verify.rules.kinds` (declared answer
type, else inferred). Numbers and quantities are compared in `genreason.verify.rules.numeric_answers`,
multiple choice in `genreason.verify.rules.choice`, free text in `genreason.verify.rules.text`; this module
holds the dispatch and the structured kinds: expressions (also stated inside prose), lists
(element-wise typed, order-insensitive for sets of values), matrices and vectors.

Every comparison returns an `Outcome`: (verdict True/False/None, rule, reason, answer parse).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from genreason.verify.rules.choice import compare_choice
from genreason.verify.rules.guards.hedges import offers_several
from genreason.verify.rules.guards.negation import (
    INEQUATION,
    PROSE_SHORT_ANSWER_WORDS,
    SHORT_ANSWER_WORDS,
    read_negation,
)
from genreason.verify.rules.kinds import (
    Reference,
    infer_kind,
    list_elements,
    matrix_rows,
    parse_reference,
)
from genreason.verify.rules.math.expression import expressions_equivalent, to_sympy
from genreason.verify.rules.numbers import Number, numbers_match, parse_number
from genreason.verify.rules.numeric_answers import (
    SENTENCE_END,
    Outcome,
    compare_numbers,
    compare_quantities,
    last_sentences,
    number_from_sympy,
)
from genreason.verify.rules.text import (
    STOPWORDS,
    compare_text,
    may_hold,
    names_reference,
    parse_boolean,
    tokens,
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


# --------------------------------------------------------------------------- expressions
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
    if _squash(ref.text) == _squash(answer):
        return True, "expression", "same text", {"kind": "text"}
    pnum = parse_number(answer)
    if rexpr is not None and pnum is not None and pnum.last_digit is not None:
        rnum = number_from_sympy(ref.text)
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
    return compare_answer(ref, answer)


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


# --------------------------------------------------------------------------- guards
def _is_reference_item(ref: Reference, item: str) -> bool:
    """Whether one listed item is the reference, or one element of a list reference."""
    if _squash(item) == _squash(ref.text):
        return True
    if ref.kind == "string":
        return names_reference(ref.text, item)
    elements = ref.cache.get("elements")
    if elements is None:
        found, _ = list_elements(ref.text)
        elements = ref.cache["elements"] = found if len(found) >= 2 else []
    if any(_squash(item) == _squash(e) for e in elements):
        return True
    if _dispatch_typed(ref, item, None)[0] is True:
        return True
    return any(compare_value(e, item, ref.question)[0] is True for e in elements)


def guard_answer(ref: Reference, answer: str, *, prose: bool = False) -> Outcome | str:
    """An answer that asserts no single answer ends here: negated ("not 18", "x \\neq 18"),
    or offering the reference among other candidates ("3, 4 or 5"). Returns that outcome, or
    the text to compare (the answer, or the affirmed part of a correction: "not 18 but 20").
    `prose`: the answer is the last line of a response without an answer marker."""
    if _squash(answer) == _squash(ref.text):
        return answer
    neg = read_negation(answer, short_words=PROSE_SHORT_ANSWER_WORDS if prose else SHORT_ANSWER_WORDS)
    # A reference that holds the negating words itself ("not guilty") is compared as it stands.
    if neg.status != "none" and not _cue_in_reference(neg.cue, ref.text):
        if ref.kind == "boolean":
            # "not true" is False, "Yes is wrong" is No: a negated yes/no inverts it.
            if neg.status == "negated":
                value = parse_boolean(neg.denied) if neg.denied else None
                if value is None:
                    return None, "boolean", f"{neg.reason}; the denied value is not yes/no", {"kind": "negated"}
                ok = (not value) == ref.boolean
                return ok, "boolean", f"{neg.reason}: answer {not value}, reference {ref.boolean}", {"kind": "boolean", "value": not value}
            if neg.status == "corrected":
                answer = neg.text
        elif neg.status == "negated":
            return False, "negation", neg.reason, {"kind": "negated"}
        elif neg.status == "bound":
            return None, "negation", neg.reason, {"kind": "bound"}
        elif neg.status == "inequation":
            verdict = None if ref.kind in ("expression", "list", "matrix") else False
            return verdict, "negation", neg.reason, {"kind": "inequation"}
        elif neg.status == "corrected":
            answer = neg.text
    several = offers_several(answer, lambda item: _is_reference_item(ref, item), only_with=_mention_test(ref))
    if several is not None:
        return several.verdict, "hedge", several.reason, {"kind": "several", "items": list(several.items[:20])}
    return answer


def _mention_test(ref: Reference) -> Callable[[str], bool] | None:
    """A cheap test that a sentence may state the reference, so long prose is not parsed for
    lists in every sentence: numbers need a digit, words the reference's words."""
    if ref.kind in ("integer", "number", "quantity"):
        return lambda sentence: any(c.isdigit() for c in sentence)
    if ref.kind == "string":
        if "mention_words" not in ref.cache:
            ref.cache["mention_words"] = {t for t in tokens(ref.text) if t not in STOPWORDS}
        need = ref.cache["mention_words"]
        return (lambda sentence: may_hold(sentence, need)) if need else None
    return None


def _cue_in_reference(cue: str, reference: str) -> bool:
    """Whether the reference itself says what negates the answer ("not" in "not guilty")."""
    if INEQUATION.search(cue):
        return bool(INEQUATION.search(reference))
    words = [w for w in re.findall(r"[a-z]+", cue.lower()) if w not in ("n", "t")] or ["not"]
    ref_low = reference.lower()
    return any(re.search(rf"\b{re.escape(w)}\b", ref_low) for w in words)


# --------------------------------------------------------------------------- dispatch
def compare_answer(ref: Reference, answer: str, context: str | None = None) -> Outcome:
    """Compare `answer` with the parsed reference. `context` is the whole response when it
    has no answer marker (prose), else None. Negated and hedged answers are refused first
    (`guard_answer`)."""
    guarded = guard_answer(ref, answer, prose=context is not None)
    if not isinstance(guarded, str):
        return guarded
    answer = guarded
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
            if verdict is None and ref.cache.get("choice_text"):
                # the reference names its option's text ("(B) 42"): the answer may give that text
                by_text = compare_value(ref.cache["choice_text"], answer, ref.question)
                if by_text[0] is not None:
                    return by_text[0], "choice", f"against the reference option's text: {by_text[2]}", by_text[3]
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
            return compare_numbers(ref, last_sentences(context), integer=kind == "integer", prose=True)
        outcome = compare_numbers(ref, answer, integer=kind == "integer")
        if outcome[0] is None and outcome[3].get("kind") == "unparsed":
            # not one plain number: maybe a closed form or an expression ("2\\sqrt{2}")
            by_expression = compare_expressions(ref, answer)
            if by_expression[0] is not None:
                return by_expression
        return outcome
    if kind == "quantity":
        if context is not None:
            return compare_quantities(ref, last_sentences(context), prose=True)
        return compare_quantities(ref, answer)
    if kind == "matrix":
        return compare_matrices(ref, answer)
    if kind == "list":
        return compare_lists(ref, answer)
    if kind == "expression":
        outcome = compare_expressions(ref, answer)
        if outcome[0] is None and context is not None:
            return compare_expression_in_prose(ref, last_sentences(context))
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
