"""Answer types: map a declared `answer_type` to a comparison kind, infer it when unknown,
and split structured answers (lists, vectors, matrices) into their elements.

Stage: verify (parsing half). WebInstruct-verified's answer types (General-Reasoner,
arXiv:2505.14652, table 1: Float, Expression, Multiple Choice, Integer, String, List,
Boolean, Percentage, Fraction, Matrix) and TheoremQA's ("integer", "float", "bool",
"list of integer", "option") map onto the kinds below. A reference that does not fit its
declared type (a "Float" written "4.9 J") is routed by what it actually is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from genreason.verify.rules.choice import options_from_question, parse_choice
from genreason.verify.rules.latex import unwrap_text
from genreason.verify.rules.numbers import Number, parse_number
from genreason.verify.rules.text.booleans import parse_boolean
from genreason.verify.rules.units import Quantity, parse_quantity

KINDS = ("choice", "boolean", "integer", "number", "quantity", "matrix", "list", "expression", "string")

_DECLARED = {
    "integer": "integer",
    "int": "integer",
    "float": "number",
    "fraction": "number",
    "percentage": "number",
    "percent": "number",
    "number": "number",
    "numerical": "number",
    "expression": "expression",
    "equation": "expression",
    "multiple choice": "choice",
    "multiple-choice": "choice",
    "option": "choice",
    "choice": "choice",
    "mcq": "choice",
    "boolean": "boolean",
    "bool": "boolean",
    "true/false": "boolean",
    "list": "list",
    "list of integer": "list",
    "list of float": "list",
    "matrix": "matrix",
    "vector": "matrix",
    "string": "string",
    "text": "string",
}

_MATRIX_ENV = re.compile(r"\\begin\{(?:[pbBvV]?matrix|array|smallmatrix)\}")
_MATHY = re.compile(r"\\[A-Za-z]+|[\^_=<>≤≥+*/]|\d\s*[A-Za-z]|[A-Za-z]\s*\(|^\s*-?[A-Za-z]\s*$")


def declared_kind(answer_type: str | None) -> str | None:
    """The comparison kind a declared answer type asks for (None when unknown)."""
    if not answer_type:
        return None
    return _DECLARED.get(answer_type.strip().lower())


def split_top_level(text: str, seps: str = ",;") -> list[str]:
    """Split at separators outside brackets; "1,234" stays one number."""
    parts: list[str] = []
    depth = 0
    cur: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c in "([{" or text.startswith("\\left", i):
            depth += 1
        elif c in ")]}" or text.startswith("\\right", i):
            depth = max(0, depth - 1)
        if c in seps and depth == 0:
            # thousands separator: digit,ddd not followed by a digit, no space after the comma
            if (
                c == ","
                and i > 0
                and text[i - 1].isdigit()
                and re.match(r",\d{3}(?!\d)", text[i:])
                and not re.search(r"\d,\d{1,2}(?!\d)|\d,\d{4,}", text)
            ):
                cur.append(c)
            else:
                parts.append("".join(cur).strip())
                cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur).strip())
    return [p for p in parts if p]


_OUTER = re.compile(
    r"^\s*(?:\\left\s*)?(?P<open>\(|\[|\\\{|\{|\\langle|<|⟨)(?P<body>.*?)(?:\\right\s*)?(?P<close>\)|\]|\\\}|\}|\\rangle|>|⟩)\s*$",
    re.DOTALL,
)


def unwrap_brackets(text: str) -> tuple[str, str | None]:
    """("1, 2", "(") for "(1, 2)": the body and the opening bracket, when one pair encloses all."""
    s = text.strip().strip("$").strip()
    m = _OUTER.match(s)
    if not m:
        return s, None
    body = m.group("body")
    # "(1, 2) + (3, 4)" is not one enclosed group
    depth = 0
    for c in body:
        depth += c in "([{"
        depth -= c in ")]}"
        if depth < 0:
            return s, None
    return body, m.group("open")


def list_elements(text: str) -> tuple[list[str], str | None]:
    """Elements of a list answer and its bracket ("[1, 2]" -> ["1", "2"], "[")."""
    s = text.strip().strip("$").strip()
    s = unwrap_text(s, pad=True)  # "\text{blue, green, red}" and "x = 8 \text{ or } x = -2"
    body, bracket = unwrap_brackets(s.strip())
    parts = split_top_level(body)
    out: list[str] = []
    for p in parts:
        p = re.sub(r"^(?:and|or)\s+", "", p.strip())
        out += [q.strip() for q in re.split(r"\s+(?:and|or)\s+", p) if q.strip()]
    return out, bracket


def matrix_rows(text: str) -> list[list[str]] | None:
    """Rows of element texts for a LaTeX matrix, "[[1, 2], [3, 4]]" or a vector; else None."""
    s = text.strip().strip("$").strip()
    s = re.sub(r"\\left|\\right", "", s)
    m = re.search(r"\\begin\{([a-zA-Z]*matrix|array)\}(?:\{[^{}]*\})?(.*?)\\end\{\1\}", s, re.DOTALL)
    if m:
        rows = [r for r in re.split(r"\\\\(?:\[[^\]]*\])?", m.group(2)) if r.strip() and r.strip() != "\\hline"]
        return [[c.strip() for c in r.replace("\\hline", "").split("&")] for r in rows]
    body, bracket = unwrap_brackets(s)
    if bracket in ("[", "("):
        inner = split_top_level(body, ",;")
        if inner and all(unwrap_brackets(p)[1] in ("[", "(") for p in inner):
            return [split_top_level(unwrap_brackets(p)[0], ",") for p in inner]
        if len(inner) >= 2:
            return [inner]
    if bracket in ("\\langle", "<", "⟨"):
        return [split_top_level(body, ",")]
    return None


@dataclass
class Reference:
    """A reference answer parsed once and reused across all responses to its question."""

    text: str
    kind: str
    question: str = ""
    options: tuple[str, ...] | None = None
    declared: str | None = None
    number: Number | None = None
    quantity: Quantity | None = None
    letter: str | None = None
    boolean: bool | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "declared": self.declared}
        if self.number is not None:
            d.update(self.number.describe())
            d["kind"] = self.kind
        if self.quantity is not None:
            d["units"] = self.quantity.units
        if self.letter is not None:
            d["letter"] = self.letter
        if self.boolean is not None:
            d["boolean"] = self.boolean
        return d


_DECADE = re.compile(r"(?:the\s+)?(?:\d{2})?\d0['’]?s", re.IGNORECASE)


def infer_kind(reference: str, options: tuple[str, ...] | None = None) -> str:
    """The kind a reference looks like when no answer type is declared."""
    s = reference.strip()
    if options and parse_choice(s, options) is not None:
        return "choice"
    if re.fullmatch(r"\(?[A-J]\)?", s) or (re.match(r"^\(?[A-J][).:]\s", s) and parse_choice(s) is not None):
        return "choice"  # "B", "(B)", "(B) 42"
    if parse_boolean(s) is not None and len(s.split()) <= 2:
        return "boolean"
    num = parse_number(s)
    if num is not None:
        return "integer" if num.is_integer and not num.has_point and not num.percent and "/" not in s and "frac" not in s else "number"
    if _DECADE.fullmatch(s):
        return "string"  # "1980s" is a decade, not 1980 seconds or 1980·s
    if parse_quantity(s) is not None:
        return "quantity"
    if _MATRIX_ENV.search(s) or s.replace(" ", "").startswith("[["):
        return "matrix"
    body, bracket = unwrap_brackets(s)
    if bracket in ("\\langle", "⟨"):
        return "matrix"
    parts = split_top_level(body)
    if bracket is None and looks_like_words(s):
        return "string"  # "Tulsa, Oklahoma", "November 27, 2013", "Paul Hogan/Paul Hogan, AM"
    if len(parts) >= 2 and not re.search(r"[<>≤≥]|\\[lg]eq?|\\cup|\\cap", s):
        # "Tulsa, Oklahoma" is one place; "[red, green, blue]" and "1, 2, 3" are lists.
        if bracket is not None or not all(looks_like_words(p) for p in parts):
            return "list"
        return "string"
    if looks_like_words(s):
        return "string"
    if _MATHY.search(s):
        return "expression"
    return "string"


FUNCTION_NAMES = {"sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp", "sqrt", "det", "lim", "max", "min", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh"}


def looks_like_words(text: str) -> bool:
    """Plain words ("Lithium/lithium", "291 episodes", "NaCl"), not a formula."""
    s = text.strip()
    if re.search(r"\\[A-Za-z]+(?<!\\text)(?<!\\mathrm)\b|[\^_=<>{}*+]", s):
        return False
    if _SHORT_WORD.search(s):
        return True  # "in 1966", "by 2026": an English word, not the product i*n
    words = re.findall(r"[A-Za-z]{3,}", s)
    return any(w.lower() not in FUNCTION_NAMES for w in words)


_SHORT_WORD = re.compile(r"(?:^|\s)(?:in|on|at|by|of|to|or|an|is|as|and|the)\s+\S", re.IGNORECASE)


def _variable_of_question(reference: str, question: str) -> bool:
    """Whether a reference read as a number and a one-letter unit ("4t", "3x") is a term in a
    variable the question's mathematics uses ("Simplify $3t+4-6t$"): an expression, not 4 tonnes."""
    m = re.fullmatch(r"\s*-?\d+(?:\.\d+)?\s*([A-Za-z])\s*", reference)
    if not m or "$" not in question and "\\(" not in question:
        return False
    letter = re.escape(m.group(1))
    return re.search(rf"(?<![A-Za-z\\]){letter}(?![A-Za-z])", " ".join(re.findall(r"\$[^$]*\$|\\\(.*?\\\)", question))) is not None


def parse_reference(
    reference: str,
    *,
    answer_type: str | None = None,
    options: tuple[str, ...] | None = None,
    question: str = "",
) -> Reference:
    """Parse a reference answer once: its kind and the typed values comparisons need."""
    declared = declared_kind(answer_type)
    if declared == "choice" and not options:
        options = options_from_question(question)  # "A. 12  B. 14 ..." written in the question
    inferred = infer_kind(reference, options)
    kind = declared or inferred
    # A declared type the reference does not fit: follow what the reference is.
    if kind in ("integer", "number"):
        num = parse_number(reference)
        if num is None:
            kind = "quantity" if parse_quantity(reference) is not None else inferred
            if kind in ("integer", "number"):
                kind = "expression"
        elif kind == "integer" and not num.is_integer:
            kind = "number"
    if kind == "choice" and inferred != "choice" and not options and parse_choice(reference) is None:
        kind = inferred if inferred != "string" else "string"
    if kind == "matrix" and matrix_rows(reference) is None:
        kind = inferred if inferred != "matrix" else "expression"
    if kind == "boolean" and parse_boolean(reference) is None:
        kind = inferred
    ref = Reference(reference, kind, question, options, answer_type)
    if kind in ("integer", "number"):
        ref.number = parse_number(reference)
    elif kind == "quantity":
        ref.quantity = parse_quantity(reference)
        if ref.quantity is None or _variable_of_question(reference, question):
            ref.kind = "expression"
    elif kind == "choice":
        choice = parse_choice(reference, options)
        ref.letter = choice.letter if choice else None
        if choice is not None and choice.text:
            ref.cache["choice_text"] = choice.text  # "(B) 42" without options: compare 42 too
    elif kind == "boolean":
        ref.boolean = parse_boolean(reference)
    return ref
