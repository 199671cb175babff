"""How an answer is cut into sentences and listed items.

Stage: verify (shared by the guards: `hedges`, `second_answer`, `negation`). Sentences end
at a stop before a capital or a line break, not at an initial inside a name ("G. Hannelius");
items are cut at commas, semicolons, and/or/nor and spaced slashes outside brackets and
quotes, keeping "1,234", "May 31, 2012" and "(3, 4)" whole. Pure string work.
"""

from __future__ import annotations

import re

# sentences are cut where the answer line is read; the guards cut them the same way
from genreason.verify.answer_line import SENTENCE_SPLIT, split_sentences  # noqa: F401
from genreason.verify.rules.latex import unwrap_text

_WORD_SEP = r"\s+(?:and\s*/\s*or|or|nor|and|versus|vs\.?)\s+"
# A slash between alternatives: spaced ("17 / pen"), or between a word and a value ("pen/17");
# not inside a fraction ("2/1"), a unit ("m/s") or a pair of words ("Road/Track", "and/or").
_SLASH = r"\s+/\s+|(?<=[A-Za-z]{2})/(?=[-+\d(\[\\])|(?<=\d)/(?=[A-Za-z]{2})|(?<=[)\]}])/(?=\S)"
SEPARATOR = re.compile(rf",|;|{_WORD_SEP}|{_SLASH}", re.IGNORECASE)


_BRACKET_MARK = re.compile(r'\\left|\\right|["“()\[\]{}]')


def bracket_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of top-level bracketed or double-quoted stretches, so "(3, 4)" and a quoted
    title ("25 or 6 to 4") are one item each."""
    spans: list[tuple[int, int]] = []
    depth, start, skip_to = 0, 0, -1
    for m in _BRACKET_MARK.finditer(text):
        i, c = m.start(), m.group(0)
        if i < skip_to or c in ("\\left", "\\right"):
            continue
        if c in "\"“" and depth == 0:
            close = text.find("\"" if c == "\"" else "”", i + 1)
            if close > 0:
                spans.append((i, close + 1))
                skip_to = close + 1
            continue
        if c in "([{":
            if depth == 0:
                start = i
            depth += 1
        elif c in ")]}" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    # A bracket never closed ("Russia (" in a reference written badly) encloses nothing: taking
    # it to run to the end would hide every separator after it.
    return spans


_MONTH_DAY = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?$", re.IGNORECASE
)


def separated_items(text: str) -> list[tuple[str, str]]:
    """(separator before it, item) pairs; the first item's separator is ""."""
    spans = bracket_spans(text)
    decimal_commas = re.search(r"\d,\d{1,2}(?!\d)|\d,\d{4,}", text) is not None
    cuts: list[tuple[int, int]] = []
    for m in SEPARATOR.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        if m.group(0) == "," and not decimal_commas and re.match(r",\d{3}(?!\d)", text[m.start() :]) and m.start() and text[m.start() - 1].isdigit():
            continue  # thousands separator
        if m.group(0) == "," and _MONTH_DAY.search(text[max(0, m.start() - 20) : m.start()]) and re.match(r",\s*\d{4}\b", text[m.start() :]):
            continue  # "May 31, 2012" is one date
        cuts.append((m.start(), m.end()))
    pairs, pos, sep = [], 0, ""
    for a, b in cuts:
        pairs.append((sep, text[pos:a]))
        sep, pos = text[a:b].strip().lower() or "/", b
        sep = "or" if sep == "/" else sep
    pairs.append((sep, text[pos:]))
    return [(sep, clean_item(x)) for sep, x in pairs]


def split_items(text: str) -> list[str]:
    """Split at commas, semicolons and and/or/nor outside brackets and quotes ("1,234" stays
    one number, "(3, 4)" one pair)."""
    return [x for _, x in items_with_separators(text)]


def items_with_separators(text: str) -> list[tuple[str, str]]:
    """`split_items`' items, each with the separator before it ("" first, then ",", "and", "or")."""
    return [(sep, x) for sep, x in separated_items(text) if x]


_EMPHASIS = re.compile(r"^(?:\*\*|__|`)+|(?:\*\*|__|`)+$")


def clean_item(item: str) -> str:
    s = item.strip().strip("$").strip()
    s = _EMPHASIS.sub("", s).strip()
    return s.strip(" .,;:!").strip()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def word_count(text: str) -> int:
    """Whitespace-separated words."""
    return len(text.split())


def is_bare_value(item: str) -> bool:
    """A number, formula or option letter, not words ("2220", "3\\sqrt{13}", "p - q", "(B)")."""
    if re.fullmatch(r"\(?[A-Ja-j]\)?", item):
        return True
    plain = re.sub(r"\\(?:begin|end)\{[A-Za-z*]+\}", r"\\env", unwrap_text(item))  # "\begin{pmatrix}": no words
    if re.search(r"[A-Za-z]{2,}", re.sub(r"\\[A-Za-z]+", "", plain)):
        return False
    return bool(re.search(r"\d|\\[A-Za-z]+|[-+*/^=<>]", plain))


def shorten(text: str, n: int = 60) -> str:
    """`text` on one line, cut to `n` characters."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."
