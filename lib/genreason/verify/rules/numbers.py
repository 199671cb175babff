"""Numbers as people and models write them, and a tolerance that follows the reference's precision.

Stage: verify (parsing half). Turns answer text such as "1,234.5", "3.64e5", "3.64 \\times 10^5",
"-\\frac{3}{4}", "1\\frac{1}{2}", "28\\%" into a `Number` that keeps how precisely it was
written, so "3.14" accepts 3.1416 (it rounds to the reference) but "18" does not accept 18.4
for an Integer question. Pure string work with `fractions.Fraction`: nothing is evaluated,
and comparisons are exact, so a value beyond floating point (1e500, a 400-digit integer) is
read as what it is and never overflows.

Notations that are not a plain number are refused by `odd_notation` (the caller says
undecided or, for infinity and NaN against a finite reference, False) instead of being handed
to a more generous reader that would reinterpret them: math parsers read "1e500" as e x 500,
"0x1F" as 0 times x1F, "1_000" as 1 with a subscript.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from genreason.verify.rules.latex import unwrap_text

# Digits and powers of ten read exactly; past these a number is refused (`odd_notation`),
# which keeps Fraction arithmetic cheap (10**1000 is a 3,300-bit integer).
MAX_DIGITS = 1000
MAX_EXPONENT = 1000


@dataclass(frozen=True)
class Number:
    """A parsed number.

    value: exact rational value of what was written.
    last_digit: power of ten of the last written significant digit (3.14 -> -2, 1200 -> 0,
        3.64e5 -> 3); None for fractions, which are exact.
    sig_figs: significant figures as written (None for fractions).
    percent: written with a percent sign or the word "percent".
    has_point: written with a decimal point or in scientific notation.
    """

    value: Fraction
    text: str
    last_digit: int | None = None
    sig_figs: int | None = None
    percent: bool = False
    has_point: bool = False

    @property
    def is_integer(self) -> bool:
        return self.value.denominator == 1

    def shifted(self, power: int) -> Number:
        """This number times 10**power, keeping its precision record (28% -> 0.28)."""
        last = None if self.last_digit is None else self.last_digit + power
        return Number(self.value * Fraction(10) ** power, self.text, last, self.sig_figs, False, True)

    def describe(self) -> dict[str, object]:
        whole = self.value.denominator == 1 and abs(self.value.numerator) < 10**30
        return {
            "kind": "number",
            "value": int(self.value) if whole else _show(self.value),
            "float": finite_float(self.value),
            "sig_figs": self.sig_figs,
            "percent": self.percent,
        }


_LATEX_NOISE = re.compile(
    r"\\[,;:!> ]|\\(?:quad|qquad|displaystyle|left|right)\b|~"
)
_DECIMAL = r"(?:\d+(?:\.\d*)?|\.\d+)"
_GROUPED = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?)"
_SPACE_GROUPED = r"(?:\d{1,3}(?:[ \u2009\u202f]\d{3})+(?:\.\d+)?)"
_MANTISSA = rf"(?:{_GROUPED}|{_SPACE_GROUPED}|{_DECIMAL})"
_TIMES_TEN = r"\s*(?:\\times|\\cdot|×|·|\*|x)\s*10\s*\^\s*\{?\s*(?P<exp2>[-+−]?\d+)\s*\}?"
_NUMBER_RE = re.compile(
    rf"^(?P<sign>[-+−]?)\s*(?P<mant>{_MANTISSA})"
    rf"(?:[eE](?P<exp>[-+−]?\d+)|{_TIMES_TEN})?"
    r"\s*(?P<pct>%|\\%|\s*percent|\s*per\s*cent)?"
    r"\s*(?P<scale>thousand|million|billion|trillion)?$",
    re.IGNORECASE,
)
_SCALE_WORDS = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}
_POW_TEN = re.compile(r"^(?P<sign>[-+−]?)\s*10\s*\^\s*\{?\s*(?P<exp>[-+−]?\d+)\s*\}?$")
_FRAC = re.compile(
    r"^(?P<sign>[-+−]?)\s*(?P<whole>\d+\s*)?\\[dt]?frac\s*\{\s*(?P<num>[-+−]?\d+)\s*\}\s*\{\s*(?P<den>[-+−]?\d+)\s*\}"
    r"\s*(?P<pct>%|\\%)?$"
)
_FRAC_SHORT = re.compile(r"^(?P<sign>[-+−]?)\s*\\[dt]?frac(?P<num>\d)(?P<den>\d)$")
_SLASH = re.compile(r"^(?P<sign>[-+−]?)\s*\(?\s*(?P<num>\d+)\s*\)?\s*/\s*\(?\s*(?P<den>\d+)\s*\)?$")


def clean_number_text(text: str) -> str:
    """Remove LaTeX spacing and wrappers, currency signs and surrounding punctuation."""
    s = text.strip().strip("$").strip()
    s = _LATEX_NOISE.sub(" ", unwrap_text(s))
    s = s.replace("{,}", ",").replace("\\$", "").replace("$", "").replace("€", "").replace("£", "")
    s = s.replace("\u2212", "-").replace("−", "-")
    s = re.sub(r"^\{(.*)\}$", r"\1", s.strip())
    s = s.strip().rstrip(".").strip()
    # "{2}" left from \text{2} and the like
    if s.startswith("{") and s.endswith("}") and s.count("{") == 1:
        s = s[1:-1].strip()
    return s


def _sign(s: str | None) -> int:
    return -1 if s and s in "-−" else 1


def _exp(s: str) -> int:
    return int(s.replace("−", "-"))


_WORD_NUMBERS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100}


def parse_number(text: str) -> Number | None:
    """The number `text` is, or None when it is anything more than one number."""
    s = clean_number_text(text)
    word = s.lower().strip()
    if word in _WORD_NUMBERS:  # "five" (a whole answer written as a word)
        return Number(Fraction(_WORD_NUMBERS[word]), text.strip(), 0, len(str(_WORD_NUMBERS[word])))
    if not s or len(s) > 2 * MAX_DIGITS + 20:
        return None
    m = _NUMBER_RE.match(s)
    if m:
        mant = m.group("mant").replace(",", "").replace(" ", "").replace("\u2009", "").replace("\u202f", "")
        digits = mant.replace(".", "").lstrip("0")
        if len(digits) > MAX_DIGITS:
            return None
        exp_txt = m.group("exp") or m.group("exp2")
        exp = _exp(exp_txt) if exp_txt else 0
        if m.group("scale"):
            exp += _SCALE_WORDS[m.group("scale").lower()]
        if abs(exp) > MAX_EXPONENT:
            return None
        value = Fraction(mant if mant[0] != "." else "0" + mant) * Fraction(10) ** exp * _sign(m.group("sign"))
        decimals = len(mant.split(".", 1)[1]) if "." in mant else 0
        has_point = "." in mant or exp_txt is not None or bool(m.group("scale"))
        if has_point:
            last = exp - decimals
            sig = max(len(digits), 1)
        else:
            # Trailing zeros of an integer are not known to be significant: the last digit
            # is the units place for the precision rule, sig figs count only up to it.
            last = exp
            sig = max(len(mant.lstrip("0")), 1)
        return Number(value, text.strip(), last, sig, bool(m.group("pct")), has_point)
    m = _POW_TEN.match(s)
    if m and abs(_exp(m.group("exp"))) <= MAX_EXPONENT:
        e = _exp(m.group("exp"))
        return Number(Fraction(10) ** e * _sign(m.group("sign")), text.strip(), e, 1, False, True)
    for pattern in (_FRAC, _FRAC_SHORT, _SLASH):
        m = pattern.match(s)
        if m:
            num, den = int(m.group("num").replace("−", "-")), int(m.group("den").replace("−", "-"))
            if den == 0 or len(m.group("num")) > MAX_DIGITS or len(m.group("den")) > MAX_DIGITS:
                return None
            value = Fraction(num, den)
            whole = m.groupdict().get("whole")
            if whole:
                value = int(whole) + value  # "1\frac{1}{2}" is a mixed number
            pct = bool(m.groupdict().get("pct"))
            return Number(value * _sign(m.group("sign")), text.strip(), None, None, pct, False)
    return None


# A number somewhere inside text (for "x = 5", "5 apples", "$18 per day").
NUMBER_IN_TEXT = re.compile(
    rf"(?<![\w.^_])[-−]?\s?(?:\\?\$)?(?:{_GROUPED}|{_DECIMAL})(?:[eE][-+−]?\d+|{_TIMES_TEN})?(?:\s*(?:%|\\%))?(?![\w^])"
    r"|\\[dt]?frac\s*\{\s*\d+\s*\}\s*\{\s*\d+\s*\}"
)


def numbers_in_text(text: str) -> list[Number]:
    """Every standalone number written in `text`, in order."""
    found = []
    for m in NUMBER_IN_TEXT.finditer(text[:5000]):
        n = parse_number(m.group(0))
        if n is not None:
            found.append(n)
    return found


SCI_LITERAL = re.compile(r"(?<![\w.])[-+−]?(?:\d+\.?\d*|\.\d+)[eE]\s*[-+−]?\s*(?P<exp>\d+)(?![\w.])")
_TIMES_TEN_ANY = re.compile(r"10\s*\^\s*\{?\s*[-+−]?\s*(?P<exp>\d+)")
_BASE_LITERAL = re.compile(r"(?<![\w.])[-+]?0(?:[xX][0-9a-fA-F]+|[bB][01]+|[oO][0-7]+)(?![\w.])")
_UNDERSCORE_DIGITS = re.compile(r"(?<![\w.\\])\d+(?:_\d+)+(?![\w.])")
_LONG_DIGITS = re.compile(rf"\d{{{MAX_DIGITS + 1},}}")
_INFINITY = re.compile(r"^[-+−]?\s*(?:inf|infinity|infty|\\infty|∞|\+?\\infty)$", re.IGNORECASE)
_NAN = re.compile(r"^[-+−]?\s*(?:nan|not a number)$", re.IGNORECASE)


def special_value(text: str) -> str | None:
    """"infinity", "-infinity" or "nan" when the whole answer is one of those (as written in
    code: "inf", "-inf", "NaN"; in LaTeX: "\\infty"), else None."""
    s = clean_number_text(text).strip()
    if _NAN.match(s):
        return "nan"
    if _INFINITY.match(s):
        return "-infinity" if s[:1] in "-−" else "infinity"
    return None


def odd_notation(text: str) -> str | None:
    """Why `text` holds a number that no rule should read, or None.

    Refused: powers of ten past `MAX_EXPONENT` ("1e500", "10^{5000}"), literals longer than
    `MAX_DIGITS` digits, programming-language literals (hexadecimal "0x1F", binary "0b11",
    octal "0o17", digit groups with underscores "1_000"). Each would otherwise reach a reader
    that reinterprets it (a LaTeX parser reads "1e500" as e x 500). Infinity and NaN are not
    odd: `special_value` reads them.
    """
    if len(text) > 20000:
        return "an over-long answer"
    for pattern in (SCI_LITERAL, _TIMES_TEN_ANY):
        for m in pattern.finditer(text):
            if int(m.group("exp")[:8]) > MAX_EXPONENT:
                return f"a power of ten beyond 10^{MAX_EXPONENT} ({m.group(0).strip()[:30]})"
    m = _LONG_DIGITS.search(text.replace(",", "").replace(" ", ""))
    if m:
        return f"a number with {len(m.group(0))} digits (more than {MAX_DIGITS} are not read)"
    m = _BASE_LITERAL.search(text)
    if m:
        return f"a programming-language literal ({m.group(0)}), not a number as written in answers"
    m = _UNDERSCORE_DIGITS.search(text)
    if m and not re.search(r"_\s*\{", text):
        return f"digits joined by underscores ({m.group(0)})"
    return None


def finite_float(v: Fraction) -> float | str:
    """`v` as a float, or as text ("1e+500") when it lies beyond floating point."""
    try:
        f = float(v)
    except OverflowError:
        return _show(v)
    return f


def _half_unit(power: int) -> Fraction:
    """Half a unit of the digit at 10**power: the rounding tolerance of that digit."""
    return Fraction(1, 2) * Fraction(10) ** power


_REL_EQUAL = Fraction(1, 10**9)


def numbers_match(ref: Number, pred: Number, *, integer: bool = False) -> tuple[bool, str]:
    """Whether `pred` equals `ref` to the precision `ref` was written with, and why.

    Exact values agree always. An Integer question needs the exact integer. Otherwise the
    answer may round to the reference (3.1416 for 3.14) or, when the answer is the less
    precise one but still gives 3+ significant figures, the reference may round to it (3.14
    for 3.14159). Integer-written references of a Float question allow at most 1%.
    """
    # Exact rational arithmetic throughout: no overflow for 1e500, no rounding error at the
    # tolerance's edge (a tie at exactly half a unit counts as rounding to the reference).
    r, p = ref.value, pred.value
    if r == p:
        return True, "equal values"
    if integer and ref.is_integer:
        shown = _show(p) if _show(p) != _show(r) else shorten_number_text(pred.text)
        return False, f"integer {_show(r)} != {shown}"
    diff = abs(r - p)
    if diff <= _REL_EQUAL * max(abs(r), abs(p)):
        return True, "equal within 1e-9 relative"
    if ref.last_digit is None:  # exact fraction reference: only rounding of the answer
        if pred.last_digit is not None and pred.sig_figs and pred.sig_figs >= 3:
            if diff <= _half_unit(pred.last_digit) and diff <= abs(r) / 100:
                return True, f"{_show(p)} is {_show(r)} rounded ({pred.sig_figs} s.f.)"
        return False, f"{_show(p)} != {_show(r)}"
    if r == 0:
        return False, f"{_show(p)} is not 0"  # "0.0" means zero, not anything under 0.05
    half_ref = _half_unit(ref.last_digit)
    if not ref.has_point:
        half_ref = min(half_ref, abs(r) / 100)
    elif (ref.sig_figs or 0) <= 1:
        # one significant figure ("0.5") is as likely exact as rounded: at most 5% either way
        half_ref = min(half_ref, abs(r) / 20)
    if diff <= half_ref:
        return True, f"{_show(p)} rounds to {ref.text} (tolerance {_show(half_ref)})"
    if pred.last_digit is not None and pred.last_digit > ref.last_digit and (pred.sig_figs or 0) >= 2:
        # 3+ significant figures: any rounding; 2 only when that is within 1% (0.58 for 0.579).
        close = (pred.sig_figs or 0) >= 3 or diff <= abs(r) / 100
        if close and diff <= _half_unit(pred.last_digit):
            return True, f"{ref.text} rounds to {_show(p)} ({pred.sig_figs} s.f.)"
    return False, f"{_show(p)} != {ref.text} (tolerance {_show(half_ref)})"


def shorten_number_text(text: str, n: int = 40) -> str:
    """A number as written, cut in the middle when long ("12.00000...00001")."""
    text = text.strip()
    return text if len(text) <= n else f"{text[: n // 2]}...{text[-(n // 2 - 3):]}"


def _show(v: Fraction) -> str:
    """A short text for a value: the integer, else 6 significant figures ("1.5e+500" too)."""
    if v.denominator == 1 and abs(v.numerator) < 10**30:
        return str(v.numerator)
    if v == 0:
        return "0"
    try:
        f = float(v)
        if math.isfinite(f) and f != 0:
            return f"{f:.6g}"
    except OverflowError:
        pass
    # beyond floating point: mantissa and exponent from the exact value
    sign = "-" if v < 0 else ""
    a = abs(v)
    exp = len(str(a.numerator)) - len(str(a.denominator))
    if a < Fraction(10) ** exp:
        exp -= 1
    mant = float(a / Fraction(10) ** exp)
    return f"{sign}{mant:.6g}e{exp:+d}"
