"""Symbolic answers: safe parsing to sympy and equivalence (expressions, equations, assignments).

Stage: verify (comparison half for "Expression"). Nothing here evaluates Python: LaTeX and
plain math go through latex2sympy2_extended's grammar (the parser math-verify itself uses),
plain-text function names ("sqrt(2)", "e^(-x)", "x**2") are first rewritten to LaTeX by a
small tokenizer, and sympy's `sympify`/`parse_expr`/`lambdify` are never called on answer text.
Inputs that would make sympy compute forever (power towers, huge factorials) are refused
before parsing; the per-item process timeout in `genreason.verify.rules.pool` is the backstop.

Equivalence: exact structural/simplify check, numeric agreement at random points for free
symbols, equations compared as (lhs - rhs) up to a constant factor, and `x = 3` read as 3
when the other side is no equation. math-verify's `verify` is one more tool at the end
(called with its signal timeout disabled, so it works off the main thread).
"""

from __future__ import annotations

import logging
import random
import re
from functools import lru_cache
from typing import Any

from genreason.verify.rules.numbers import SCI_LITERAL, odd_notation

logger = logging.getLogger(__name__)

MAX_EXPR_CHARS = 600
MAX_BRACE_DEPTH = 40

# Numeric power towers ("9^9^9^9", "2^{3^{4}}", "9**9**9") would make sympy build huge integers.
_TOWER = re.compile(
    r"\d[\s)}]*(?:\^|\*\*)[\s{(]*[\d.]+[\s)}]*(?:\^|\*\*)"
    r"|(?:\^|\*\*)\s*[{(]\s*[\d.]+\s*(?:\^|\*\*)"
)
# Binomials of huge numbers: \binom{999999}{499999} is a 300,000-digit integer (a minute of CPU).
_BIG_BINOM = re.compile(r"\\[dt]?binom\s*\{\s*\d{6,}|\\choose\s*\d{6,}|\{\s*\d{6,}\s*\\choose")
_BIG_EXP = re.compile(r"(?:\^|\*\*)\s*\{?\s*\(?\s*-?\s*\d{4,}")
_BIG_FACT = re.compile(r"\d{4,}\s*!|\}\s*!|\)\s*!")
_FUNCS = {
    "sqrt": "\\sqrt", "sin": "\\sin", "cos": "\\cos", "tan": "\\tan", "cot": "\\cot",
    "sec": "\\sec", "csc": "\\csc", "arcsin": "\\arcsin", "arccos": "\\arccos",
    "arctan": "\\arctan", "sinh": "\\sinh", "cosh": "\\cosh", "tanh": "\\tanh",
    "ln": "\\ln", "log": "\\log", "exp": "\\exp", "abs": "abs",
}
_GREEK = {"pi", "alpha", "beta", "gamma", "delta", "theta", "lambda", "mu", "sigma", "omega", "phi", "epsilon", "rho", "tau"}


def refuse_reason(text: str) -> str | None:
    """Why `text` is too dangerous or too large to hand to sympy, or None."""
    if len(text) > MAX_EXPR_CHARS:
        return f"longer than {MAX_EXPR_CHARS} characters"
    odd = odd_notation(text)
    if odd:
        return odd
    if SCI_LITERAL.search(text):
        # LaTeX parsers read "1e5" as e x 5; plain numbers in this notation are read by
        # `parse_number`, so inside a formula it is refused rather than reinterpreted.
        return "scientific e-notation inside a formula"
    depth = best = 0
    for c in text:
        if c in "{([":
            depth += 1
            best = max(best, depth)
        elif c in "})]":
            depth -= 1
    if best > MAX_BRACE_DEPTH:
        return "nested too deeply"
    if _TOWER.search(text):
        return "power tower"
    if _BIG_EXP.search(text):
        return "exponent too large"
    if _BIG_FACT.search(text):
        return "factorial too large"
    if _BIG_BINOM.search(text):
        return "binomial too large"
    return None


def _matching_paren(s: str, i: int) -> int | None:
    depth = 0
    for j in range(i, len(s)):
        if s[j] == "(":
            depth += 1
        elif s[j] == ")":
            depth -= 1
            if depth == 0:
                return j
    return None


def plain_to_latex(text: str) -> str:
    """Rewrite plain-text math ("sqrt(2)/2", "e^(-x)", "x**2", "ln(x)") into LaTeX."""
    s = text.replace("**", "^").replace("×", "\\cdot ").replace("·", "\\cdot ").replace("−", "-")
    s = s.replace("π", "\\pi ").replace("√", "\\sqrt")
    out: list[str] = []
    i = 0
    while i < len(s):
        m = re.match(r"[A-Za-z]+", s[i:])
        if m and (i == 0 or s[i - 1] != "\\"):
            word = m.group(0)
            j = i + len(word)
            if word in _FUNCS and j < len(s) and s[j] == "(":
                end = _matching_paren(s, j)
                if end is not None:
                    inner = plain_to_latex(s[j + 1 : end])
                    if word == "sqrt":
                        out.append(f"\\sqrt{{{inner}}}")
                    elif word == "abs":
                        out.append(f"\\left|{inner}\\right|")
                    else:
                        out.append(f"{_FUNCS[word]}\\left({inner}\\right)")
                    i = end + 1
                    continue
            if word in _GREEK:
                out.append(f"\\{word} ")
                i = j
                continue
            out.append(word)
            i = j
            continue
        if s[i] == "^" and i + 1 < len(s) and s[i + 1] == "(":
            end = _matching_paren(s, i + 1)
            if end is not None:
                out.append("^{" + plain_to_latex(s[i + 2 : end]) + "}")
                i = end + 1
                continue
        out.append(s[i])
        i += 1
    return "".join(out)


# Two plain words in a row (not LaTeX commands, not function names) are prose, not math:
# the grammar would spend long on it and read it as a product of letters.
_FN = r"(?:sin|cos|tan|cot|sec|csc|log|ln|exp|sqrt|arcsin|arccos|arctan|sinh|cosh|tanh|abs|det|max|min)\b"
_PROSE = re.compile(rf"(?<![\\A-Za-z])(?!{_FN})[A-Za-z]{{3,}}[\s,;:]+(?!{_FN})[A-Za-z]{{3,}}\b")


@lru_cache(maxsize=1024)
def to_sympy(text: str) -> tuple[Any | None, str]:
    """(sympy object, how) for an answer, or (None, why not). Never evaluates Python.

    Cached per process: the 8 responses to one question often repeat an answer.
    """
    s = text.strip().strip("$").strip()
    s = re.sub(r"^\\\[|\\\]$|^\\\(|\\\)$", "", s).strip()
    if not s:
        return None, "empty"
    why = refuse_reason(s)
    if why:
        return None, f"refused: {why}"
    if _PROSE.search(re.sub(r"\\[A-Za-z]+\s*(?:\{[^{}]*\})?", " ", s)):
        return None, "prose, not an expression"
    from latex2sympy2_extended import latex2sympy

    candidates = [s]
    if "\\" not in s and re.search(r"[A-Za-z]{2,}|\*\*|\^\(|[π√×·]", s):
        candidates.insert(0, plain_to_latex(s))
    from genreason.verify.rules.math.fastparse import Unsupported, fast_parse

    for cand in candidates:
        try:
            return fast_parse(cand), "fast parser"
        except Unsupported:
            pass
        except Exception as exc:  # sympy refused a construct (e.g. 1/0): let latex2sympy try
            logger.debug("fast parser: %s on %r", type(exc).__name__, cand)
    for cand in candidates:
        try:
            return latex2sympy(cand), "latex2sympy"
        except Exception as exc:  # the grammar rejects it: not an expression
            err = type(exc).__name__
            continue
    return None, f"unparsed ({err})"


def _free(expr: Any) -> set:
    return set(getattr(expr, "free_symbols", set()))


def _value_at(expr: Any, subs: dict) -> Any:
    """`expr` at a rational point: an exact Rational where the expression allows, else a
    30-digit complex number; None where undefined."""
    from sympy import Rational

    try:
        val = expr.xreplace(subs)
        if isinstance(val, Rational):
            return val
        num = complex(val.evalf(30))
    except Exception:
        return None
    if num != num or abs(num) == float("inf"):
        return None
    return num


def _has_float(expr: Any) -> bool:
    from sympy import Float

    try:
        return bool(expr.atoms(Float))
    except Exception:
        return False


def _close(va: Any, vb: Any, rel: float) -> bool:
    from sympy import Rational

    if isinstance(va, Rational) and isinstance(vb, Rational):
        return va == vb  # exact: (x+y)^30 + 1 is not (x+y)^30, however large
    a, b = complex(va), complex(vb)
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def _same_at_points(a: Any, b: Any, *, ratio: bool = False) -> bool | None:
    """Agreement at random rational points (or a constant ratio when `ratio`); None if unknown.

    Polynomials and rational functions are compared exactly; others to 1e-12 relative at 30
    digits, or 1e-9 when a side holds a decimal constant (its binary rounding).
    """
    from sympy import Rational

    symbols = sorted(_free(a) | _free(b), key=lambda s: s.name)
    rel = 1e-9 if _has_float(a) or _has_float(b) else 1e-12
    rng = random.Random(12345)
    checked, ratios = 0, []
    for _ in range(8):
        subs = {sym: Rational(rng.randint(30, 270), rng.choice([97, 101, 103])) for sym in symbols}
        va, vb = _value_at(a, subs), _value_at(b, subs)
        if va is None or vb is None:
            continue
        checked += 1
        if ratio:
            if abs(complex(vb)) < 1e-12:
                if abs(complex(va)) > 1e-9:
                    return False
                continue
            ratios.append(va / vb if isinstance(va, Rational) and isinstance(vb, Rational) else complex(va) / complex(vb))
        elif not _close(va, vb, rel):
            return False
    if checked < 3:
        return None
    if ratio:
        if not ratios:
            return None
        r0 = ratios[0]
        return abs(complex(r0)) > 1e-12 and all(_close(r, r0, rel) for r in ratios)
    return True


# Names people give arbitrary constants (latex2sympy lower-cases symbols: C -> c, C_1 -> c_1).
_CONSTANT_NAME = re.compile(r"^(?:[a-dkA-DK]|[cCkK]_?\{?\d\}?)$")


def _rename_constants(ref: Any, pred: Any) -> Any | None:
    """`pred` with its arbitrary constants renamed to the reference's (y = Ae^{3x} vs Ce^{3x})."""
    from itertools import permutations

    only_ref = sorted(_free(ref) - _free(pred), key=lambda s: s.name)
    only_pred = sorted(_free(pred) - _free(ref), key=lambda s: s.name)
    if not only_pred or len(only_ref) != len(only_pred) or len(only_pred) > 3:
        return None
    if not all(_CONSTANT_NAME.match(s.name) for s in only_ref + only_pred):
        return None
    for perm in permutations(only_ref):
        candidate = pred.xreplace(dict(zip(only_pred, perm, strict=True)))
        a = ref.lhs - ref.rhs if _is_eq(ref) else ref
        b = candidate.lhs - candidate.rhs if _is_eq(candidate) else candidate
        if _same_at_points(a, b):
            return candidate
    return None


def _same_solutions(ref: Any, pred: Any) -> bool | None:
    """Solve both equations for a symbol they share (the one on a side by itself first)."""
    from sympy import solve

    shared = _free(ref) & _free(pred)
    order = sorted(shared, key=lambda s: (s not in (ref.lhs, ref.rhs, pred.lhs, pred.rhs), s.name))
    for sym in order[:3]:
        try:
            a = solve(ref, sym, dict=False)
            b = solve(pred, sym, dict=False)
        except Exception:
            continue
        if len(a) == 1 and len(b) == 1:
            return bool(_same_at_points(a[0], b[0]))
    return None


def _is_eq(expr: Any) -> bool:
    from sympy import Eq

    return isinstance(expr, Eq)


def _assigned_value(expr: Any) -> Any:
    """`3` for `x = 3` (or `f(x) = x^2` -> x^2): the right side of a symbol assignment."""
    from sympy import Symbol
    from sympy.core.function import AppliedUndef

    if _is_eq(expr) and isinstance(expr.lhs, (Symbol, AppliedUndef)):
        return expr.rhs
    return expr


def expressions_equivalent(ref: Any, pred: Any) -> tuple[bool | None, str]:
    """Whether two parsed answers are mathematically the same, and why."""
    from sympy import simplify

    if _is_eq(ref) and _is_eq(pred):
        if ref == pred:
            return True, "identical equations"
        r_val, p_val = _assigned_value(ref), _assigned_value(pred)
        if r_val is not ref and p_val is not pred and ref.lhs == pred.lhs:
            return expressions_equivalent(r_val, p_val)
        same = _same_at_points(ref.lhs - ref.rhs, pred.lhs - pred.rhs, ratio=True)
        if same:
            return True, "equations agree up to a constant factor"
        solved = _same_solutions(ref, pred)
        if solved is not None:
            return solved, "same solution for a shared symbol" if solved else "different solutions"
        if same is not None:
            return False, "equations differ"
    elif _is_eq(ref) or _is_eq(pred):
        ref, pred = _assigned_value(ref), _assigned_value(pred)
        if _is_eq(ref) or _is_eq(pred):
            return False, "an equation against a value"
    try:
        if ref == pred:
            return True, "identical expressions"
    except Exception:
        pass
    renamed = _rename_constants(ref, pred)
    if renamed is not None:
        pred = renamed
    same = _same_at_points(ref, pred)  # cheap and decisive for scalar expressions
    if same is not None and _free(pred) - _free(ref) and _free(ref) and not same:
        extra = sorted(str(s) for s in _free(pred) - _free(ref))
        return False, f"answer uses symbols the reference does not ({', '.join(extra)})"
    if same is not None:
        return same, "agree at random rational points" if same else "differ at random rational points"
    try:
        diff = simplify(ref - pred)
        if diff == 0:
            return True, "difference simplifies to 0"
        if diff.is_number and not _has_float(diff) and diff.is_zero is False:
            return False, f"difference simplifies to the constant {str(diff)[:40]}"
    except Exception:
        pass
    return _math_verify(ref, pred)


def _math_verify(ref: Any, pred: Any) -> tuple[bool | None, str]:
    try:
        from math_verify import verify

        ok = verify([ref], [pred], timeout_seconds=None)
    except Exception as exc:
        return None, f"could not compare ({type(exc).__name__})"
    return (True, "math-verify: equivalent") if ok else (False, "math-verify: not equivalent")
