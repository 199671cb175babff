"""The reference, where an answer writes it, stood in for by one word while the guards read.

Stage: verify (used by `genreason.verify.rules.dispatch.guard_answer` and
`genreason.verify.rules.text.compare`). The guards read an answer's form: its sentences, its
listed items and their length, a short answer that denies. A reference with punctuation or
many words of its own breaks that reading: "Captain America: Civil War" looks like a header,
"Passion. Connected." like two sentences, and a 20-word list like a clause, so "0 or <the
reference> or none of the above" was read as no list at all. Masking each written
alternative with a placeholder word makes the reference one short item whatever it holds;
`Masked.unmask` gives the guards' items back as written for naming them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Placeholder words: capitalised (the guards read names as capitalised), no English word, no
# digits (the tokeniser splits those off), one per alternative.
MARK_PREFIX = "Zqxj"
_MARK = MARK_PREFIX + "{}"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_MARK_TOKEN = re.compile(r"Zqxj([a-z])(?: Zqxj\1)*")
# A placeholder has as many words as the alternative: the guards' length bounds were set on
# answers as written ("Reese Witherspoon starred in ...", "an organization that pools campaign
# contributions" are sentences, not items). An alternative with marks of its own (a 20-word
# list, "Captain America: Civil War") was cut by those marks, never read whole: it counts as
# one short item of at most this many words.
MAX_MARK_WORDS = 3
_OWN_MARKS = re.compile(r"[.,:;!?](?=\s)|/")  # "/": the whole reference, its alternatives joined
# An alternative is masked when the guards could misread it: two or more words, or marks.
_WORD = re.compile(r"[^\W\d_]{2,}")
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
        return _MARK_TOKEN.sub(lambda m: shown.get(MARK_PREFIX + m.group(1), m.group(0)), text)


@functools.lru_cache(maxsize=4096)
def _pattern(alt: str) -> re.Pattern[str] | None:
    """How an alternative may be written: any case, any spacing, its closing stop optional."""
    alt = alt.strip().rstrip(",;:").strip()  # "Sir Hugh Beaver," ends at the name, not its comma
    core = alt.rstrip(".!?")
    if len(core) < 4 or not _NEEDS_MASK.search(core) or not _WORD.search(core):
        return None  # a formula ("p - q") is read as a value, which a placeholder word is not
    words = [re.escape(w) for w in core.split()]
    # "Passion. Connected." may end with its own stop; "Evgenia Medvedeva." ends a sentence
    stop = r"(?:[.!?](?!\w))?" if core != alt else ""
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + stop + r"(?!\w)", re.IGNORECASE)


def mask_reference(answer: str, alternatives: list[str]) -> Masked:
    """`answer` with every written occurrence of a (multi-word or punctuated) alternative
    replaced by a placeholder word, longest alternative first."""
    if MARK_PREFIX in answer:
        return Masked(answer)  # the answer already holds a placeholder: leave it as written
    text, written = answer, []
    ordered = sorted(dict.fromkeys(a.strip() for a in alternatives), key=len, reverse=True)
    for k, alt in enumerate(ordered[: len(_LETTERS)]):
        pattern = _pattern(alt)
        if pattern is None:
            continue
        found = pattern.search(text)
        if found is None:
            continue
        word = _MARK.format(_LETTERS[k])
        n = len(found.group(0).split())
        mark = " ".join([word] * (min(n, MAX_MARK_WORDS) if _OWN_MARKS.search(alt) else n))
        written.append((word, found.group(0)))
        text = pattern.sub(mark, text)
    return Masked(text, tuple(written))
