"""The reference, where an answer writes it, stood in for by placeholder words while the guards read.

Stage: verify (used by `genreason.verify.rules.dispatch.guard_answer` and
`genreason.verify.rules.text.compare`). The guards read an answer's form: its sentences, its
listed items and their length, a short answer that denies. A reference with punctuation or
many words of its own breaks that reading: "Captain America: Civil War" looks like a header,
"Passion. Connected." like two sentences, and a 20-word list like a clause, so "0 or <the
reference> or none of the above" was read as no list at all. Masking each written
alternative with placeholder words (as many as it has words, up to a bound) makes the
reference one item whatever it holds; `Masked.unmask` gives the guards' items and reasons
back as written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from genreason.verify.rules.guards.hedges import MAX_ITEM_WORDS

# Placeholder words: capitalised (the guards read names as capitalised), no English word, one
# letter per alternative; an alternative holding digits keeps one ("Zqxj9a"), so the guards
# still read it as a value ("29 January 2018, March 2018" is two values).
MARK_PREFIX = "Zqxj"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_MARK_TOKEN = re.compile(MARK_PREFIX + r"(9?[a-z])(?: " + MARK_PREFIX + r"\1)*")
_TRUNCATED_MARK = re.compile(r"\s*\bZ(?:q(?:x(?:j9?[a-z]?)?)?)?(?=\.\.\.|…)")  # cut by a shortened reason
# A placeholder has as many words as the alternative: the guards' length bounds were set on
# answers as written ("Reese Witherspoon starred in ...", "an organization that pools campaign
# contributions" are sentences, not items), up to the longest item a list holds. An
# alternative with marks of its own (a 20-word list, "Captain America: Civil War") was cut by
# those marks, never read whole: it counts as one short item of at most MAX_MARK_WORDS.
MAX_MARK_WORDS = 3
MAX_PLAIN_MARK_WORDS = MAX_ITEM_WORDS  # a 12-word title in "R or Fight Club" is a list item
_OWN_MARKS = re.compile(r"[.,:;!?](?=\s)|/")  # "/": the whole reference, its alternatives joined
# An alternative is masked when the guards could misread it: two or more words, or marks.
_WORD = re.compile(r"[^\W\d_]{2,}")
_IRREGULAR_SPACE = re.compile(r"\s\s|[^\S ]")  # two spaces, a tab or a line break
_NEEDS_MASK = re.compile(r"\s|[.,:;!?()\[\]\"]")


@dataclass(frozen=True)
class Masked:
    """An answer with its written alternatives masked, and what each placeholder stood for."""

    text: str
    written: tuple[tuple[str, str], ...] = ()  # (placeholder word, the alternative as written)

    def unmask(self, text: str) -> str:
        """`text` (the masked answer or a piece of it) with the alternatives written back."""
        if not self.written or MARK_PREFIX not in text:
            return text
        shown = dict(self.written)
        text = _MARK_TOKEN.sub(lambda m: shown.get(MARK_PREFIX + m.group(1), m.group(0)), text)
        return _TRUNCATED_MARK.sub("", text) if MARK_PREFIX[0] in text else text


@functools.lru_cache(maxsize=8192)
def _maskable(alt: str) -> tuple[str, str] | None:
    """(the alternative without a trailing comma, its core without a closing stop), or None
    when it needs no mask."""
    alt = alt.strip().rstrip(",;:").strip()  # "Sir Hugh Beaver," ends at the name, not its comma
    core = alt.rstrip(".!?")
    if len(core) < 4 or not _NEEDS_MASK.search(core) or not _WORD.search(core):
        return None  # a formula ("p - q") is read as a value, which a placeholder word is not
    return alt, core


@functools.lru_cache(maxsize=4096)
def _pattern(alt: str, core: str) -> re.Pattern[str]:
    """How an alternative may be written: any case, any spacing, its closing stop optional."""
    words = [re.escape(w) for w in core.split()]
    # "Passion. Connected." may end with its own stop; "Evgenia Medvedeva." ends a sentence
    stop = r"(?:[.!?](?!\w))?" if core != alt else ""
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + stop + r"(?!\w)", re.IGNORECASE)


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _occurrences(low: str, alt: str, core: str) -> list[tuple[int, int]]:
    """Spans of `core` written in the lower-cased text `low` with single spaces, as whole words
    (and the alternative's own closing stop after it, where it has one): a plain search, no
    pattern."""
    needle = " ".join(core.split()).lower()
    stops = core != alt
    spans, i = [], low.find(needle)
    while i >= 0:
        j = i + len(needle)
        if stops and j < len(low) and low[j] in ".!?" and (j + 1 == len(low) or not _is_word_char(low[j + 1])):
            j += 1
        if (i == 0 or not _is_word_char(low[i - 1])) and (j == len(low) or not _is_word_char(low[j])):
            spans.append((i, j))
        i = low.find(needle, max(j, i + 1))
    return spans


def mask_reference(answer: str, alternatives: Sequence[str]) -> Masked:
    """`answer` with every written occurrence of a (multi-word or punctuated) alternative
    replaced by its placeholder words, longest alternative first."""
    return _mask(answer, tuple(alternatives))


@functools.lru_cache(maxsize=2048)
def _mask(answer: str, alternatives: tuple[str, ...]) -> Masked:
    # the guards of one comparison and the comparison itself mask the same answer
    if MARK_PREFIX in answer:
        return Masked(answer)  # the answer already holds a placeholder: leave it as written
    text, written = answer, []
    ordered = sorted(dict.fromkeys(a.strip() for a in alternatives), key=len, reverse=True)
    low = answer.lower()
    same_length = len(low) == len(answer)  # lower case may lengthen a letter ("İ")
    plain = same_length and not _IRREGULAR_SPACE.search(answer)
    squeezed = None  # the answer with single spaces, made where a plain search misses
    for k, alt in enumerate(ordered[: len(_LETTERS)]):
        parts = _maskable(alt)
        if parts is None:
            continue
        words = parts[1].lower().split()
        if words[0] not in low or words[-1] not in low:
            continue  # a cheap test first: most answers do not write most alternatives
        spans = _occurrences(text.lower(), *parts) if same_length else []
        if not spans and not plain:
            if squeezed is None:
                squeezed = " ".join(low.split())
            if " ".join(words) in squeezed:
                # written with other spacing ("Captain  America:\nCivil War"): the pattern reads it
                spans = [m.span() for m in _pattern(*parts).finditer(text)]
        if not spans:
            continue
        word = MARK_PREFIX + ("9" if any(c.isdigit() for c in parts[0]) else "") + _LETTERS[k]
        first = text[spans[0][0] : spans[0][1]]
        n = len(first.split())
        mark = " ".join([word] * min(n, MAX_MARK_WORDS if _OWN_MARKS.search(parts[0]) else MAX_PLAIN_MARK_WORDS))
        written.append((word, first))
        for a, b in reversed(spans):
            text = text[:a] + mark + text[b:]
    return Masked(text, tuple(written))
