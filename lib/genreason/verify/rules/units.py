"""Physical quantities: a number with a unit, converted before comparison (pint does the units).

Stage: verify (parsing half). "200 cm" equals "2 m", "4.9 J" equals "4.9 N·m", "5 kg" is not
"5 g", "25 °C" equals "298.15 K". Unit text written in LaTeX (`\\text{m/s}^2`,
`\\mathrm{kg\\,m^{2}}`, `^{\\circ}C`, `\\Omega`) is rewritten to pint's syntax first; pint
parses unit expressions with its own tokenizer, never Python's `eval`.

The registry is built once per process (about 0.3 s) on first use.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from genreason.verify.rules.latex import unwrap_text
from genreason.verify.rules.numbers import Number, finite_float, parse_number

_REGISTRY: Any = None
_LOCK = threading.Lock()

# Extra definitions: "AU" is the astronomical unit in physics answers, not pint's absorbance unit.
_EXTRA_DEFINITIONS = (
    "astronomical_unit_ = astronomical_unit = AU_",
)

# Unit words that are also ordinary words or letters: never read as units on their own.
_AMBIGUOUS_UNITS = {"a", "in", "at", "are", "b", "pi", "E", "e", "i", "j", "k", "x", "y", "z"}


def unit_registry() -> Any:
    """The process-wide pint UnitRegistry (lazily built; pint imported here only)."""
    global _REGISTRY
    with _LOCK:
        if _REGISTRY is None:
            import pint

            reg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
            for line in _EXTRA_DEFINITIONS:
                try:
                    reg.define(line)
                except Exception:  # already defined in this pint version
                    pass
            _REGISTRY = reg
        return _REGISTRY


@dataclass(frozen=True)
class Quantity:
    """A number with a unit; `units` is pint's canonical spelling of `unit_text`."""

    number: Number
    unit_text: str
    units: str

    def describe(self) -> dict[str, object]:
        return {"kind": "quantity", "value": finite_float(self.number.value), "units": self.units}


_UNIT_LATEX = (
    (re.compile(r"\\(?:,|;|:|!| |quad|qquad)"), " "),
    (re.compile(r"\^\s*\{?\s*\\circ\s*\}?\s*([CF])\b"), r" deg\1"),
    (re.compile(r"°\s*([CF])\b"), r" deg\1"),
    (re.compile(r"\\degree\s*([CF])\b"), r" deg\1"),
    (re.compile(r"\^\s*\{?\s*\\circ\s*\}?|°|\\degree"), " degree"),
    (re.compile(r"\\(?:cdot|times)|[·⋅×∙]"), "*"),
    (re.compile(r"\\Omega|Ω"), "ohm"),
    (re.compile(r"\\mu\s*|μ|µ"), "u"),
    (re.compile(r"\\AA|Å"), "angstrom"),
    (re.compile(r"\^\s*\{([^{}]*)\}"), r"**(\1)"),
    (re.compile(r"\^\s*(-?\d+)"), r"**\1"),
    (re.compile(r"\bper\b"), "/"),
    (re.compile(r"\bsq\.?\s+(\w+)"), r"\1**2"),
    (re.compile(r"\bAU\b"), "AU_"),
)


def normalize_unit_text(text: str) -> str:
    """LaTeX and typographic unit text rewritten to pint's syntax."""
    s = text.strip().strip("$").strip()
    s = _UNIT_LATEX[0][0].sub(" ", s)  # LaTeX spacing
    s = re.sub(r"\^\s*\{\s*(-?\s*\d+)\s*\}", r"**(\1)", s)  # m^{2} before unwrapping \text{..}
    s = unwrap_text(s)
    for pattern, repl in _UNIT_LATEX[1:]:
        s = pattern.sub(repl, s)
    s = s.replace("{", "(").replace("}", ")").replace("\\", "")
    s = re.sub(r"\s+", " ", s).strip().rstrip(".").strip()
    return s


def parse_units(text: str) -> tuple[Any, str] | None:
    """(pint Unit, canonical text) for a unit expression, or None when it is not one."""
    s = normalize_unit_text(text)
    if not s or len(s) > 80 or s in _AMBIGUOUS_UNITS:
        return None
    if not re.fullmatch(r"[A-Za-z_0-9 */()\-.+]+", s) or not re.search(r"[A-Za-z]", s):
        return None
    if any(tok in _AMBIGUOUS_UNITS for tok in re.split(r"[\s*/()]+", s) if tok):
        return None  # "km in that": "in" is a word here, not inches
    reg = unit_registry()
    for candidate in (s, _lower_names(s)):
        try:
            unit = reg.parse_units(candidate)
        except Exception:
            continue
        return unit, str(unit)
    return None


def _lower_names(s: str) -> str:
    # "Newtons", "Joules": lower-case whole words longer than 3 letters (symbols keep case).
    return re.sub(r"[A-Za-z]{4,}", lambda m: m.group(0).lower(), s)


_LEADING_NUMBER = re.compile(
    r"^\s*(?P<num>[-+−]?\s*(?:\\[dt]?frac\s*\{\s*\d+\s*\}\s*\{\s*\d+\s*\}|\d+\s*/\s*\d+(?![\d.])|"
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d*)?|\.\d+)"
    r"(?:\s*[eE][-+−]?\d+|\s*(?:\\times|\\cdot|×|·|\*)\s*10\s*\^\s*\{?\s*[-+−]?\d+\s*\}?)?)"
    r"\s*(?P<unit>.*)$",
    re.DOTALL,
)


def split_number_unit(text: str) -> tuple[str, str] | None:
    """("3.2", "m/s") for "3.2 m/s"; None when the text does not start with a number."""
    s = text.strip().strip("$").strip()
    if s.startswith("\\"):
        s = unwrap_text(s)  # "\text{5 m}": the whole answer wrapped
    m = _LEADING_NUMBER.match(s)
    if not m:
        return None
    unit = m.group("unit").strip().strip("$").strip()
    return m.group("num"), unit


def parse_quantity(text: str) -> Quantity | None:
    """A number followed by a recognised unit ("9.8 m/s^2"); None otherwise."""
    parts = split_number_unit(text)
    if parts is None or not parts[1]:
        return None
    number = parse_number(parts[0])
    if number is None:
        return None
    parsed = parse_units(parts[1])
    if parsed is None:
        return None
    unit, canonical = parsed
    if canonical == "dimensionless":
        return None
    return Quantity(number, parts[1], canonical)


def convert(pred: Quantity, ref: Quantity) -> Number | None:
    """`pred` expressed in `ref`'s units, with its significant figures; None if incompatible."""
    reg = unit_registry()
    try:
        q = reg.Quantity(float(pred.number.value), pred.units).to(ref.units)
        value = float(q.magnitude)
    except Exception:
        return None
    if not math.isfinite(value):
        return None
    frac = Fraction(value)
    if pred.units == ref.units:
        return pred.number
    sig = pred.number.sig_figs
    last = None
    if sig is not None and value != 0:
        last = math.floor(math.log10(abs(value))) - (sig - 1)
    return Number(frac, f"{value:.10g} {ref.units}", last, sig, False, True)


def same_dimension(a: Quantity, b: Quantity) -> bool:
    """Whether the two quantities measure the same kind of thing."""
    reg = unit_registry()
    try:
        return reg.parse_units(a.units).dimensionality == reg.parse_units(b.units).dimensionality
    except Exception:
        return False
