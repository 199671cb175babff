"""Structured answers: lists (element-wise typed, order-insensitive for sets of values),
matrices and vectors (same shape, a row vector may be written as a column).

Stage: verify (comparison half for List, Matrix and vector answers). Each element is compared
by the rule for its own kind through the `compare_value` function the caller passes in
(`genreason.verify.rules.dispatch.compare_value`), so this module needs no dispatch of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from genreason.verify.rules.kinds import Reference, list_elements, matrix_rows
from genreason.verify.rules.math.answers import compare_expressions
from genreason.verify.rules.math.expression import expressions_equivalent, to_sympy
from genreason.verify.rules.numbers import Number, numbers_match, parse_number
from genreason.verify.rules.numeric_answers import Outcome

# compare_value(element reference text, element answer text, question) -> Outcome
CompareValue = Callable[[str, str, str], Outcome]

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


def compare_lists(ref: Reference, answer: str, compare_value: CompareValue) -> Outcome:
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


_MATRIX_BEGIN = re.compile(r"\\begin\{[a-zA-Z]*matrix\}")


def compare_matrices(ref: Reference, answer: str, compare_value: CompareValue) -> Outcome:
    """Matrices and vectors: same shape (a row vector may be written as a column), element-wise."""
    r_rows = ref.cache.setdefault("rows", matrix_rows(ref.text))
    if len(_MATRIX_BEGIN.findall(answer)) > max(1, len(_MATRIX_BEGIN.findall(ref.text))):
        return None, "matrix", "the answer writes more matrices than the reference: which one is meant is unclear", {"kind": "several"}
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
