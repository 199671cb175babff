"""A small, fast, safe parser for the common run of math answers, straight to sympy.

Stage: verify (parsing half, a fast path in front of latex2sympy). Polynomials, fractions,
roots, powers and the elementary functions ("3x^2 \\sin x"-style answers with parentheses,
"\\frac{\\sqrt{3}}{2}", "2\\pi r^2", "e^{-x}") make up most Expression answers; the ANTLR
grammar behind latex2sympy takes ~40 ms on each, this recursive-descent parser well under
1 ms. Anything outside its small whitelist of tokens raises `Unsupported`, and the caller
falls back to latex2sympy. It never evaluates text: tokens map to sympy constructors only.

It follows latex2sympy's readings so both paths agree: symbols are lower-cased, `e` is
Euler's number, `\\log` is base 10 and `\\ln` base e, subscripts name symbols ("x_1",
"x_{12}"), and juxtaposition binds tighter than "/" ("1/2x" is 1/(2x)).
"""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(
    r"\s+|\\[A-Za-z]+|\\[,;:! ]|\d+\.\d*|\.\d+|\d+|[A-Za-z]|[-+*/^_(){}\[\]|=]"
)
_FUNCS = {
    "sin": "sin", "cos": "cos", "tan": "tan", "cot": "cot", "sec": "sec", "csc": "csc",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "sinh": "sinh", "cosh": "cosh",
    "tanh": "tanh", "exp": "exp",
}
_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
    "vartheta", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "varphi",
    "chi", "psi", "omega", "Delta", "Gamma", "Theta", "Lambda", "Sigma", "Phi", "Psi", "Omega",
}
_SPACING = {"\\,", "\\;", "\\:", "\\!", "\\ ", "\\left", "\\right", "\\displaystyle"}
MAX_TOKENS = 400


class Unsupported(ValueError):
    """The text uses something this fast parser does not handle; use latex2sympy."""


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise Unsupported(f"character {text[pos]!r}")
        tok = m.group(0)
        pos = m.end()
        if tok.isspace() or tok in _SPACING:
            continue
        out.append(tok)
        if len(out) > MAX_TOKENS:
            raise Unsupported("too long")
    return out


class _Parser:
    def __init__(self, toks: list[str]):
        import sympy

        self.sp = sympy
        self.toks = toks
        self.i = 0

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            raise Unsupported(f"expected {expected!r}, got {tok!r}")
        self.i += 1
        return tok

    def parse(self) -> Any:
        lhs = self.expr()
        if self.peek() == "=":
            self.take("=")
            rhs = self.expr()
            if self.peek() is not None:
                raise Unsupported("more than one '='")
            return self.sp.Eq(lhs, rhs, evaluate=False)
        if self.peek() is not None:
            raise Unsupported(f"unexpected {self.peek()!r}")
        return lhs

    def expr(self) -> Any:
        value = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            rhs = self.term()
            value = value + rhs if op == "+" else value - rhs
        return value

    def term(self) -> Any:
        value = self.implicit()
        while self.peek() in ("*", "/", "\\cdot", "\\times", "\\div"):
            op = self.take()
            rhs = self.implicit()
            value = value / rhs if op in ("/", "\\div") else value * rhs
        return value

    def implicit(self) -> Any:
        if self.peek() in ("-", "+"):
            sign = self.take()
            inner = self.implicit()
            return -inner if sign == "-" else inner
        value = self.power()
        while self._starts_atom(self.peek()):
            if re.match(r"[\d.]", self.peek() or ""):
                raise Unsupported("two numbers side by side")
            value = value * self.power()
        return value

    def _starts_atom(self, tok: str | None) -> bool:
        if tok is None:
            return False
        return bool(re.match(r"[\dA-Za-z.(]", tok)) or tok in ("\\frac", "\\dfrac", "\\tfrac", "\\sqrt", "\\pi", "\\ln", "\\log", "{") or tok[1:] in _FUNCS or tok[1:] in _GREEK

    def power(self) -> Any:
        base = self.atom()
        if self.peek() == "^":
            self.take("^")
            exponent = self.group_or_token()
            if self.peek() == "^":
                raise Unsupported("stacked powers")
            if base == self.sp.E:
                return self.sp.exp(exponent)
            return self.sp.Pow(base, exponent, evaluate=False)
        return base

    def group_or_token(self) -> Any:
        tok = self.peek()
        if tok == "{":
            self.take("{")
            value = self.expr()
            self.take("}")
            return value
        if tok == "(":
            return self.atom()
        if tok == "-":
            self.take("-")
            return -self.group_or_token()
        if tok is not None and (tok.isdigit() or (len(tok) == 1 and tok.isalpha())):
            return self.atom_token(self.take())
        raise Unsupported(f"exponent {tok!r}")

    def braced(self) -> Any:
        self.take("{")
        value = self.expr()
        self.take("}")
        return value

    def atom(self) -> Any:
        tok = self.peek()
        if tok is None:
            raise Unsupported("unexpected end")
        if tok == "(":
            self.take("(")
            value = self.expr()
            self.take(")")
            return value
        if tok == "{":
            return self.braced()
        if tok == "|":
            self.take("|")
            value = self.expr()
            self.take("|")
            return self.sp.Abs(value)
        if tok in ("\\frac", "\\dfrac", "\\tfrac"):
            self.take()
            num = self.braced()
            den = self.braced()
            return num / den
        if tok == "\\sqrt":
            self.take()
            if self.peek() == "[":
                self.take("[")
                index = self.expr()
                self.take("]")
                return self.sp.Pow(self.braced(), 1 / index, evaluate=False)
            return self.sp.sqrt(self.braced())
        if tok in ("\\ln", "\\log"):
            self.take()
            base = self.sp.E if tok == "\\ln" else self.sp.Integer(10)
            if tok == "\\log" and self.peek() == "_":
                self.take("_")
                base = self.group_or_token()
            power = self._function_power()
            value = self.sp.log(self.call_argument(), base)
            return value if power is None else value**power
        if tok.startswith("\\") and tok[1:] in _FUNCS:
            self.take()
            power = self._function_power()
            value = getattr(self.sp, _FUNCS[tok[1:]])(self.call_argument())
            return value if power is None else value**power
        if tok == "\\pi":
            self.take()
            return self.sp.pi
        if tok.startswith("\\") and tok[1:] in _GREEK:
            self.take()
            return self.subscripted(tok[1:].lower())
        return self.atom_token(self.take())

    def call_argument(self) -> Any:
        """A function's argument. Without parentheses latex2sympy reads the product (and
        quotient) that follows, up to "+"/"-" or the next function: "\\sin 2x \\cos x" is
        sin(2x)cos(x), "\\sin x / 2" is sin(x/2)."""
        if self.peek() == "(":
            return self.atom()
        if self.peek() == "{":
            return self.braced()
        if self.peek() in ("-", "+"):
            sign = self.take()
            inner = self.call_argument()
            return -inner if sign == "-" else inner
        value = self._bare_product()
        while self.peek() in ("*", "/", "\\cdot", "\\times"):
            op = self.take()
            rhs = self._bare_product()
            value = value / rhs if op == "/" else value * rhs
        return value

    def _bare_product(self) -> Any:
        value = self.power()
        while self._starts_atom(self.peek()) and not self._is_function(self.peek()):
            if re.match(r"[\d.]", self.peek() or ""):
                raise Unsupported("two numbers side by side")
            value = value * self.power()
        return value

    def _is_function(self, tok: str | None) -> bool:
        return bool(tok) and tok.startswith("\\") and (tok[1:] in _FUNCS or tok in ("\\ln", "\\log", "\\sqrt"))

    def _function_power(self) -> Any:
        """The n of "\\sin^n x" (applied to the function's value), or None."""
        if self.peek() != "^":
            return None
        self.take("^")
        return self.group_or_token()

    def subscripted(self, name: str) -> Any:
        if self.peek() == "_":
            self.take("_")
            tok = self.take()
            if tok == "{":
                parts = []
                while self.peek() not in ("}", None):
                    part = self.take()
                    if not re.fullmatch(r"[A-Za-z0-9]+", part):
                        raise Unsupported("subscript")
                    parts.append(part)
                self.take("}")
                name = f"{name}_{{{''.join(parts)}}}".lower()
            elif re.fullmatch(r"[A-Za-z0-9]", tok):
                name = f"{name}_{tok}".lower()
            else:
                raise Unsupported("subscript")
        if self.peek() == "(" and self._single_token_in_parens():
            # "f(x)", "y(t)", "x(2)": latex2sympy reads a function application
            raise Unsupported("a name applied to one token: latex2sympy decides")
        return self.sp.Symbol(name)

    def _single_token_in_parens(self) -> bool:
        return self.i + 2 < len(self.toks) and self.toks[self.i + 2] == ")"

    def atom_token(self, tok: str) -> Any:
        if re.fullmatch(r"\d+", tok):
            return self.sp.Integer(int(tok))
        if re.fullmatch(r"\d+\.\d*|\.\d+", tok):
            return self.sp.Float(tok)
        if len(tok) == 1 and tok.isalpha():
            if tok == "e" and self.peek() != "_":
                return self.sp.E
            return self.subscripted(tok.lower())
        raise Unsupported(f"token {tok!r}")


def fast_parse(text: str) -> Any:
    """Parse `text` to sympy, or raise Unsupported (the caller then uses latex2sympy)."""
    toks = _tokens(text)
    if not toks:
        raise Unsupported("empty")
    return _Parser(toks).parse()
