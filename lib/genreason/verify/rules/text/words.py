"""Word-level normalisation of free-text answers: folding, tokens, alternatives.

Stage: verify (parsing half for String answers; also used by the hedge and sub-span rules).
Normalisation follows the SQuAD/NQ evaluation habit (lower case, no punctuation, no articles,
collapsed spaces; Rajpurkar et al. 2016) plus accent folding, number words as digits and light
plural stripping. A reference may list alternatives ("Kanawha River/Kanawha").
"""

from __future__ import annotations

import functools
import re
import unicodedata

from genreason.verify.rules.latex import unwrap_text

ARTICLES = {"a", "an", "the"}
# Words that carry no content when deciding whether an answer names the reference.
STOPWORDS = ARTICLES | {
    "of", "in", "on", "at", "to", "for", "by", "and", "or", "is", "was", "are", "were", "be",
    "it", "its", "as", "with", "from", "that", "this", "which", "who", "whom", "what", "when",
    "where", "than", "then", "has", "have", "had", "about", "around", "approximately", "s",
}
_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
    "eighteen": "18", "nineteen": "19", "twenty": "20", "first": "1st", "second": "2nd",
    "third": "3rd", "fourth": "4th", "fifth": "5th",
}


def fold(text: str) -> str:
    """Lower case without accents or LaTeX text wrappers."""
    s = unwrap_text(text)
    if not s.isascii():  # ASCII has no accents to fold (and most answers are ASCII)
        s = unicodedata.normalize("NFKD", s)
        s = "".join(c for c in s if not unicodedata.combining(c))
    return s.lower().replace("’", "'").replace("‘", "'")


def tokens(text: str, *, stem: bool = True) -> list[str]:
    """Normalised words: folded, punctuation split, articles dropped, number words as digits.

    Words glued together ("singerGladys", "Ledger1" with a citation mark) are split first.
    """
    return list(_tokens(text[:20000], stem))


@functools.lru_cache(maxsize=4096)
def _tokens(text: str, stem: bool) -> tuple[str, ...]:
    # one response is tokenised by several rules (answer, its sentences, the listed items)
    s = _GLUED_CASE.sub(" ", text)
    s = _GLUED_DIGITS.sub(" ", s)
    s = _SUBSCRIPT.sub(r"\1", s)  # H_2SO_4 -> H2SO4
    s = fold(s)
    s = _THOUSANDS.sub("", s)  # 1,234 -> 1234
    s = _POSSESSIVE.sub("", s)
    words = _WORD.findall(s)
    out = []
    keep_articles = all(w in ARTICLES for w in words)  # "(a)" is an option, not an article
    for w in words:
        if w in ARTICLES and not keep_articles:
            continue
        w = _NUMBER_WORDS.get(w, w)
        if stem:
            w = _stem(w)
        out.append(w)
    return tuple(out)


_GLUED_CASE = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_GLUED_DIGITS = re.compile(r"(?<=[A-Za-z]{3})(?=\d{1,2}\b)")
_SUBSCRIPT = re.compile(r"(?<=[A-Za-z])_\{?(\d+)\}?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_POSSESSIVE = re.compile(r"'s\b")
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")


def _stem(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def normalize(text: str) -> str:
    """One canonical string for exact comparison."""
    return " ".join(tokens(text))


_ALTERNATIVE_SPLIT = re.compile(r"\s*(?:/|\|)\s*")


def split_alternatives(reference: str) -> list[str]:
    """A string reference's accepted alternatives ("lacteals/A lacteal" -> both)."""
    parts = [p.strip() for p in _ALTERNATIVE_SPLIT.split(reference) if p.strip()]
    return parts or [reference.strip()]


def may_hold(sentence: str, words: set[str]) -> bool:
    """A cheap test before tokenising: each word's text appears in the sentence (accents and
    number words aside, which only the full test reads)."""
    if not sentence.isascii():
        return True
    low = sentence.lower()
    # stems of "-ies" words end in "y"; digits may stand for number words ("seven" -> 7)
    return all(w in low or not w.isascii() or w.endswith("y") or w[:1].isdigit() for w in words)
