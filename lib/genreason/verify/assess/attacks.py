"""Generated probe attacks: wrong answers built from each item's own reference and question.

A fixed list of attack strings measures only the loopholes someone already thought of (the
guards get written against it). A reward under optimisation finds the others, so these attacks
are generated per item (shared/DESIGN.md, "A reward is a judge under pressure"):

- sub_span, head_word: proper word n-grams of the reference that cannot be the answer;
- sibling: a neighbour of the reference (roman numeral or numeral +-1, the other boolean, the
  neighbouring option letter or option text, a number +-1 in its second significant digit);
- plus_other: the reference and a sibling both given; negation: the reference denied;
- restated: the question (or its asking sentence) given back as the answer;
- many_values: a list of 6 or 25 values with the reference among them;
- unit_power: the number with another SI prefix, or times 10, 1/10, 1000;
- odd_notation: 1e500, inf, NaN, 0x<digits>, <ref>_000, 400 digits, ...;
- padding: the reference buried in filler, or followed far below by another answer.

Every attack must really be wrong. Where a construction could produce a correct answer it is
left out and counted as `excluded` with the reason (`GeneratedSet.excluded`):
a sub-span is kept only when it is wrong by one of these tests, and excluded otherwise
(a surname, "Pacific" for "Pacific Ocean", "3" for "x = 3" may well be right):
  echo: every content word of the span appears in the question, while the reference has a
      content word the question lacks (the span adds nothing to the question: "Ocean");
  numeral: the span drops a numeral, roman numeral or ordinal of the reference ("World War");
  function: the span is made of function words only ("of the");
  given_name: a "who" question, a name of capitalised words, the span is its first word alone.
Any span equal (after normalisation) to the reference or one of its "/"-alternatives, or the
reference with only function words dropped ("Beatles" for "The Beatles"), is excluded, as is
any attack equal to an alternative, a sibling option text equal to the right option's text, a
number attack on a zero reference where scaling leaves it unchanged, and a percentage written
as its fraction.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

LETTERS = "ABCDEFGHIJ"
# English function words: dropping only these never changes what a name refers to.
FUNCTION_WORDS = frozenset(
    "a an the of in on at to for and or by with from as is are was were be been it its this that "
    "these those into onto over under than then so but not no nor".split()
)
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
# Regnal and ordinal numerals (I-XXXIX): "Henry VIII", "World War II". Numerals with L, C, D
# or M are left out: as words they are mostly abbreviations and units (CD, DC, MD, M, L).
_ROMAN = re.compile(r"^(?=[XVI])X{0,3}(IX|IV|V?I{0,3})$")
_INT = re.compile(r"^[-+]?\d+$")
_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_WITH_UNIT = re.compile(r"^(?P<num>[-+]?(?:\d+\.?\d*|\.\d+))\s*(?P<unit>[A-Za-zμΩ°][A-Za-zμΩ°/^·*\d\-]*)$")
# SI prefix swaps: same number, another unit (wrong by a factor of 10**3 or more).
_PREFIXED = ("m", "g", "s", "J", "N", "W", "Pa", "L", "V", "A", "Hz", "mol", "eV")
_PREFIXES = ("k", "m", "M", "μ")


@dataclass(frozen=True)
class GeneratedAttack:
    """One generated wrong answer: its family, a short label of how it was made, the text."""

    family: str
    variant: str
    answer: str


@dataclass
class GeneratedSet:
    """The attacks generated for one question, and the candidates left out as maybe right."""

    attacks: list[GeneratedAttack] = field(default_factory=list)
    excluded: list[tuple[str, str, str]] = field(default_factory=list)  # (family, answer, why)


FAMILIES: tuple[str, ...] = (
    "sub_span", "head_word", "sibling", "plus_other", "negation", "restated", "many_values",
    "unit_power", "odd_notation", "padding",
)


def _rng(question: str, reference: str, salt: str) -> random.Random:
    seed = hashlib.sha256(f"{salt}\0{question}\0{reference}".encode()).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))


def norm(text: str) -> str:
    """Lower case, no punctuation or LaTeX braces, single spaces (for equality tests only)."""
    text = re.sub(r"\\text\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"[\s$\\{}()\[\].,;:!?\"'`]+", " ", text.lower())
    return " ".join(text.split())


def _word(token: str) -> str:
    return re.sub(r"^\W+|\W+$", "", token).lower()


def alternatives(reference: str) -> list[str]:
    """The reference's "/"-separated alternatives (EVOUNA style: "1776/July 4, 1776"), not a
    fraction, a ratio or a unit ("1/2", "3/4 cup", "m/s", "km/h" stay whole), nor LaTeX."""
    parts = [p.strip() for p in reference.split("/")]
    if len(parts) < 2 or not all(parts) or "\\" in reference:
        return [reference.strip()]
    worded = sum(1 for p in parts if re.search(r"[^\W\d_]{2}", p))
    # two or more worded parts make a list of phrases ("October 1976/August 15, 1971/1934"),
    # and so does a phrase beside years or long numbers ("1535/Christopher Columbus",
    # "283,846/over 300,000", "by 2026/2026/2026–2028");
    # "3/4 cup" has one worded part beside a small number, "m/s" and "AC/DC" are short tokens
    years = sum(1 for p in parts if re.fullmatch(r"[\d,.–-]*\d[\d,.–-]*", p) and len(re.sub(r"\D", "", p)) >= 3)
    if (worded < 2 and not (worded == 1 and years == len(parts) - 1)) or all(len(p) <= 4 and " " not in p for p in parts):
        return [reference.strip()]
    return parts


def is_numeral(tokens: Sequence[str], i: int) -> bool:
    """A number, an ordinal or a roman numeral ("I" only after a capitalised word)."""
    tok = re.sub(r"^\W+|\W+$", "", tokens[i])
    if not tok:
        return False
    if re.fullmatch(r"[-+]?\d+(?:\.\d+)?(?:st|nd|rd|th)?", tok) or tok.lower() in _ORDINALS:
        return True
    if _ROMAN.match(tok):
        # one letter (I, V, X) only after a capitalised word: "Henry V", not "I" or "vitamin X"
        return len(tok) > 1 or (i > 0 and tokens[i - 1][:1].isupper())
    return False


def _content(tokens: Sequence[str]) -> list[str]:
    return [w for w in (_word(t) for t in tokens) if w and w not in FUNCTION_WORDS]


def _question_words(question: str) -> set[str]:
    words = {w for w in re.findall(r"[\w']+", question.lower())}
    return words | {w[:-1] for w in words if w.endswith("s")}


def span_wrong_reason(tokens: Sequence[str], start: int, end: int, question: str) -> str | None:
    """Why tokens[start:end] (a proper sub-span) is surely not the answer, or None (it may be)."""
    span = tokens[start:end]
    dropped = list(tokens[:start]) + list(tokens[end:])
    span_content = _content(span)
    dropped_content = _content(dropped)
    if not dropped_content:
        return None  # only function words dropped: the same name ("The Beatles" -> "Beatles")
    if not span_content:
        return "function"
    if any(is_numeral(tokens, i) for i in range(len(tokens)) if not start <= i < end):
        return "numeral"
    qwords = _question_words(question)
    if all(w in qwords for w in span_content) and any(w not in qwords for w in dropped_content):
        return "echo"
    capitalised = all(t[:1].isupper() for t in tokens if _word(t) and _word(t) not in FUNCTION_WORDS)
    asks_who = re.search(r"\bwho(?:m|se)?\b", question.lower()) is not None
    if asks_who and capitalised and start == 0 and end == 1 and len(_content(tokens)) >= 2:
        return "given_name"
    return None


def _number_text(value: float, like: str, step: float | None = None) -> str:
    """`value` written with as many decimals as `like`, or more when `step` needs them."""
    decimals = len(like.split(".")[1]) if "." in like and "e" not in like.lower() else 0
    if step is not None and step < 1:
        decimals = max(decimals, -math.floor(math.log10(step) + 1e-9))
    if decimals == 0 and abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    return f"{value:.{max(decimals, 1)}f}"


def numeric_siblings(text: str) -> list[str]:
    """Integers +-1; decimals +-1 in the second significant digit, or by two units of the last
    written place if that is more (3.14 -> 3.04, 3.24; 0.05 -> 0.03, 0.07): wrong by more than
    any rounding a tolerance allows. A sibling written the same as the reference is left out."""
    value = float(text)
    if not math.isfinite(value):
        return []  # "1e400" overflows: no neighbour to write
    if _INT.match(text):
        return [str(int(text) - 1), str(int(text) + 1)]
    if value == 0:
        return [_number_text(1.0, text), _number_text(-1.0, text)]
    if "e" in text.lower():
        # scientific notation: its precision is the mantissa's ("-6e+25" is one significant
        # digit, so -6.1e25 rounds to it); siblings are written the same way ("-8e+25")
        mantissa, exponent = re.split(r"[eE]", text, maxsplit=1)
        m, places = float(mantissa), len(mantissa.split(".")[1]) if "." in mantissa else 0
        step = max(10.0 ** (math.floor(math.log10(abs(m))) - 1), 2 * 10.0**-places) if m else 1.0
        out = [f"{m - step:.{places}f}e{exponent}", f"{m + step:.{places}f}e{exponent}"]
        return [o for o in out if float(o) != value]
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text.lower() else 0
    # the second significant digit, and at least two units of the last written place (one
    # unit can be a rounding difference a tolerance rightly allows: 0.049 for 0.05)
    step = max(10.0 ** (math.floor(math.log10(abs(value))) - 1), 2 * 10.0**-decimals)
    out = [_number_text(value - step, text, step), _number_text(value + step, text, step)]
    return [o for o in out if float(o) != value]


def siblings(reference: str, options: Sequence[str] | None) -> list[tuple[str, str]]:
    """(variant, answer) neighbours of the reference that are different answers."""
    ref = reference.strip()
    out: list[tuple[str, str]] = []
    bare = ref.replace(",", "") if re.fullmatch(r"-?\d{1,3}(,\d{3})+", ref) else ref
    if len(ref) == 1 and ref.upper() in LETTERS:
        k = LETTERS.index(ref.upper())
        n = len(options) if options else 4
        for j in (k - 1, k + 1):
            if not (0 <= j < max(n, k + 1) and j < len(LETTERS)):
                continue
            if options and j < len(options) and k < len(options):
                if norm(options[j]) == norm(options[k]):
                    continue  # a duplicate of the right option's text is not a wrong answer
                out.append((f"option text {LETTERS[j]}", str(options[j])))
            out.append((f"letter {LETTERS[j]}", LETTERS[j]))
        return out
    low = ref.lower()
    flips = {"yes": "No", "no": "Yes", "true": "False", "false": "True"}
    if low in flips:
        return [("boolean", flips[low])]
    if _NUMBER.match(bare):
        return [("number", s) for s in numeric_siblings(bare)]
    m = _WITH_UNIT.match(ref)
    if m:
        return [("number+unit", f"{s} {m['unit']}") for s in numeric_siblings(m["num"])]
    tokens = ref.split()
    for i, tok in enumerate(tokens):
        core = re.sub(r"^\W+|\W+$", "", tok)
        if _ROMAN.match(core or "-") and is_numeral(tokens, i):
            value = _roman_value(core)
            for v in (value - 1, value + 1):
                if v >= 1:
                    out.append(("roman", " ".join([*tokens[:i], tok.replace(core, _roman(v)), *tokens[i + 1 :]])))
        elif re.fullmatch(r"\d+", core):
            for v in (int(core) - 1, int(core) + 1):
                if v >= 0:
                    out.append(("numeral", " ".join([*tokens[:i], tok.replace(core, str(v)), *tokens[i + 1 :]])))
        elif core.lower() in _ORDINALS:
            k = _ORDINALS.index(core.lower())
            other = _ORDINALS[k + 1] if k + 1 < len(_ORDINALS) else _ORDINALS[k - 1]
            other = other.capitalize() if core[:1].isupper() else other
            out.append(("ordinal", " ".join([*tokens[:i], tok.replace(core, other), *tokens[i + 1 :]])))
    if not out and re.search(r"\d", ref) and len(ref) <= 200:
        m = re.search(r"\d", ref)
        assert m is not None
        digit = int(m.group(0))
        out.append(("digit", ref[: m.start()] + str((digit + 1) % 10) + ref[m.end() :]))
    return out


def _roman_value(text: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for a, b in zip(text, [*text[1:], ""], strict=True):
        v = values[a]
        total += -v if b and values[b] > v else v
    return total


def _roman(value: int) -> str:
    out = ""
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                 (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= v:
            out, value = out + s, value - v
    return out


def answer_shape(reference: str, options: Sequence[str] | None = None) -> str:
    """A WebInstruct-style answer type read from the reference's form, for reports on sets
    that declare none: Multiple Choice, Boolean, Integer, Float, Percentage, Float (with unit),
    List, Expression or String."""
    ref = reference.strip()
    if len(ref) == 1 and ref.upper() in LETTERS and options:
        return "Multiple Choice"
    if ref.lower() in ("yes", "no", "true", "false"):
        return "Boolean"
    bare = ref.replace(",", "") if re.fullmatch(r"-?\d{1,3}(,\d{3})+", ref) else ref
    if _INT.match(bare):
        return "Integer"
    if _NUMBER.match(bare):
        return "Float"
    if re.fullmatch(r"-?\d+(?:\.\d+)?\s*\\?%", ref):
        return "Percentage"
    if _WITH_UNIT.match(ref):
        return "Float (with unit)"
    if re.fullmatch(r"\[?\s*-?[\d.]+(?:\s*,\s*-?[\d.]+)+\s*\]?", ref):
        return "List"
    if re.search(r"[\\^=_{}]|\d\s*[-+*/]\s*\w|\b[a-z]\s*[-+*/]", ref):
        return "Expression"
    return "String"
