"""Free-text comparison: whether an answer names the reference.

Stage: verify (comparison half for String answers). An answer buried in a sentence counts
only when that is unambiguous: the reference appears as whole words, is not negated, and the
sentence does not offer a second candidate (`genreason.verify.rules.guards.hedges`). A part of
the reference, or a look-alike of it, is judged by `genreason.verify.rules.text.parts`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from genreason.verify.rules.guards.hedges import mixed_items, offers_several
from genreason.verify.rules.guards.items import split_items
from genreason.verify.rules.guards.masking import MARK_PREFIX, Masked, mask_reference
from genreason.verify.rules.guards.second_answer import extra_answer
from genreason.verify.rules.text.dates import conflicting_date, date_of, several_dates
from genreason.verify.rules.text.parts import (
    different_numeral,
    extended_by_numeral,
    holds_sibling,
    inserted_name_word,
    judge_part,
    middle_names_optional,
    scaled_number,
)
from genreason.verify.rules.text.words import (
    ARTICLES,
    STOPWORDS,
    fold,
    may_hold,
    normalize,
    split_alternatives,
    tokens,
)

_SPACES = re.compile(r"\s+")
_LETTER_ITEM = re.compile(r"\(\s*[A-Ja-j]\s*\)|[,;]\s*[A-J]\s*(?:[,;.]|$)")  # "(A)", "pelican, A"
# A short answer naming the reference and a look-alike ("2018 Pyeongchang 2017 Pyeongchang")
# gives two; prose often names look-alikes beside the answer ("24 hours ... 23 hours").
MAX_SIBLING_PAIR_WORDS = 12
_NEGATORS = {"not", "no", "never", "neither", "nor", "t", "instead", "rather", "than", "except", "unlike", "besides"}


def _find(seq: list[str], sub: list[str]) -> list[int]:
    n = len(sub)
    return [i for i in range(len(seq) - n + 1) if seq[i : i + n] == sub] if n else []


def _window_hit(a_tok: list[str], r_content: list[str]) -> int | None:
    """Start of a short stretch of the answer holding every content word of the reference
    ("Shinzo Abe, who was the Prime Minister" for "Prime Minister Shinzo Abe")."""
    need = set(r_content)
    if len(need) < 2:
        return None
    width = 2 * len(need) + 3
    for i, t in enumerate(a_tok):
        if t in need and need <= set(a_tok[i : i + width]):
            if not set(a_tok[max(0, i - 3) : i]) & _NEGATORS:
                return i
    return None


# Words that make a phrase negative: "not guilty" is never named by "guilty".
_POLARITY = {"not", "no", "never", "t", "cannot", "neither", "nor", "none", "non", "without"}


@functools.lru_cache(maxsize=65536)
def names_reference(reference: str, item: str) -> bool:
    """Whether one listed item is the reference or one of its parts, give or take a word
    ("the pen" for "pen"), not a clause that mentions it ("Ukraine shares borders with")."""
    n = normalize(item)
    if not n:
        return False
    if n == normalize(reference):
        return True  # the reference written whole, all its alternatives ("A/B")
    for alt in split_alternatives(reference):
        parts = _items_of(alt)
        # one alternative ("29 January 2018" of "29 January 2018/February 2018"), or the first
        # part of a qualified one ("Tulsa" of "Tulsa, Oklahoma"); one element of a list
        # ("yes" of "yes, no, yes") names no list
        if n in {normalize(x) for x in [alt, *(parts if len(parts) <= 2 else [])]}:
            return True
    if any(holds_sibling(item, alt) for alt in split_alternatives(reference)):
        return False  # "July 3, 1776" is not "July 4, 1776", though it holds "1776"
    longest = max(len([t for t in tokens(alt) if t not in STOPWORDS]) for alt in split_alternatives(reference))
    if len([t for t in tokens(item) if t not in STOPWORDS]) > longest + 1:
        return False
    return compare_text(reference, item, guard=False)[0] is True


def names_sibling(reference: str, text: str) -> bool:
    """Whether `text` names a sibling of a reference alternative: the same words with a
    numeral changed ("Hank J. Deutschendorf I" for "Hank J. Deutschendorf II")."""
    for alt in split_alternatives(reference):
        sibling = different_numeral(text, alt)
        if (sibling is not None and sibling[0] is False) or holds_sibling(text, alt):
            return True
    return False


def _namer(reference: str, masked: Masked) -> Callable[[str], bool]:
    """Whether an item of the masked answer names the reference, read as written."""
    return lambda item: names_reference(reference, masked.unmask(item))


def _beside_reference(
    reference: str, answer: str, alts: list[str], r_content: list[str], question: str
) -> tuple[bool | None, str] | None:
    """The verdict when the answer that holds the reference offers other candidates beside
    it, lists it with another value or names another answer too; None when it does not. The
    guards read the reference, where the answer writes it, as placeholder words
    (`guards.masking`)."""
    masked = mask_reference(answer, [reference, *alts])
    named = _namer(reference, masked)
    several = _offers_several(reference, masked, named, r_content)
    if several is not None:
        return several
    mixed = mixed_items(masked.text, named)
    if mixed is not None:
        return mixed.verdict, masked.unmask(mixed.reason)
    extra = extra_answer(masked.text, named, reference=reference, question=question, unmask=masked.unmask)
    if extra is not None:
        return extra.verdict, masked.unmask(extra.reason)
    return None


def _offers_several(
    reference: str, masked: Masked, named: Callable[[str], bool], r_content: list[str]
) -> tuple[bool | None, str] | None:
    """The reference found inside the (masked) answer, but in a sentence that offers it among
    other candidates ("0, pen, none of the above", "It could be 3, pen or 7"): (verdict, why)."""
    need = set(r_content)

    def mentions(sentence: str) -> bool:
        return MARK_PREFIX in sentence or (may_hold(sentence, need) and need <= set(tokens(sentence)))

    several = offers_several(
        masked.text, named, only_with=mentions, accepts_each=len(split_alternatives(reference)) > 1
    )
    if several is None:
        return None
    return several.verdict, masked.unmask(several.reason)


def compare_text(
    reference: str, answer: str, *, split_alts: bool = True, guard: bool = True, question: str = ""
) -> tuple[bool | None, str]:
    """Whether a free-text `answer` names the `reference`, and why.

    True: normalised equality with an alternative, the same content words in another order,
    or the reference appearing as whole words in the answer without negation, in a sentence
    that does not offer other candidates beside it (`guard=False` skips that check, for
    judging one listed item). An answer that is only a part of the reference, or the
    reference with a numeral changed, is judged by `genreason.verify.rules.text.parts`
    (`question` is its evidence: "Who ...?" lets a surname name a person). False: the answer
    shares no content word with any alternative, offers the reference among alternatives, or
    names a sibling ("World War I"). None (undecided): partial overlap or an unsure part.
    """
    alts = split_alternatives(reference) if split_alts else [reference]
    if guard and _LETTER_ITEM.search(answer) and not _LETTER_ITEM.search(reference):
        # "disproved, (A)": an option letter is no stopword beside a word answer
        masked = mask_reference(answer, [reference, *alts])
        mixed = mixed_items(masked.text, _namer(reference, masked))
        if mixed is not None:
            return mixed.verdict, masked.unmask(mixed.reason)
    squashed = _SPACES.sub("", fold(answer))
    for alt in [reference, *alts]:
        if squashed and squashed == _SPACES.sub("", fold(alt)):
            return True, f"identical to {alt!r}"  # also "[]", "∅", "-": answers without words
    a_tok = tokens(answer)
    a_content = [t for t in a_tok if t not in STOPWORDS]
    if not a_tok:
        return False, "answer has no words"
    dated = conflicting_date(answer, alts)
    if dated is not None:
        return dated  # "July 10, 1979" for "1979/21 July 1979": another day of that year
    if guard and (several := several_dates(answer, alts)) is not None:
        return several
    best_overlap = 0.0
    parts: list[tuple[bool | None, str]] = []
    if len(alts) > 1 and len(a_content) <= 8:
        # a sibling of one alternative is not named by a coarser one ("March 26, 2018" for
        # "March 27, 2018/March 2018")
        for alt in alts:
            sibling = different_numeral(answer, alt)
            if sibling is not None and sibling[0] is False:
                return sibling
    for alt in alts:
        r_tok = tokens(alt)
        if not r_tok:
            continue
        if a_tok == r_tok:
            return True, f"normalised match with {alt!r}"
        r_content = [t for t in r_tok if t not in STOPWORDS] or r_tok
        if a_content and sorted(a_content) == sorted(r_content):
            # the same words in another order, each as often ("yes" is not "yes, yes, yes")
            return True, f"same words as {alt!r}"
        if set(r_tok) & _POLARITY and not set(a_tok) & _POLARITY:
            continue  # "guilty" does not name "not guilty"
        sibling = different_numeral(answer, alt) if len(a_content) == len(r_content) else None
        if sibling is not None:
            if sibling[0] is True:
                return sibling
            parts.append(sibling)
            continue
        contained = _contained(alt, a_tok, r_tok, r_content, question)
        if contained is not None and scaled_number(answer, alt):
            parts.append((False, f"writes {alt!r} with a scale or notation of its own"))
            continue
        if contained is not None and extended_by_numeral(answer, alt):
            parts.append((None, f"writes {alt!r} followed by a numeral of its own: may name another"))
            continue
        if contained is not None and len(a_tok) <= MAX_SIBLING_PAIR_WORDS and date_of(alt) is None and holds_sibling(answer, alt):
            # "2018 Pyeongchang 2017 Pyeongchang": the reference and a sibling of it
            parts.append((None, f"names {alt!r} and also one like it with another numeral"))
            continue
        if contained is not None:
            inserted = inserted_name_word(answer, alt, question) if contained.startswith("all words") else None
            if inserted is not None:
                parts.append((None, f"puts {inserted!r} inside the name {alt!r}: may name another"))
                continue
            if guard:
                beside = _beside_reference(reference, answer, alts, r_content, question)
                if beside is not None:
                    return beside
            return True, contained
        part = judge_part(answer, alt, question) if len(a_content) <= len(r_content) else None
        if part is not None:
            if part[0] is True:
                return part
            parts.append(part)
            continue
        found = sum(1 for t in set(r_content) if t in set(a_content))
        best_overlap = max(best_overlap, found / len(set(r_content)))
    if parts:
        return next((p for p in parts if p[0] is None), parts[0])
    if best_overlap == 0:
        return False, "no content word of the reference in the answer"
    return None, f"partial overlap ({best_overlap:.0%} of the reference's words)"


@functools.lru_cache(maxsize=8192)
def _items_of(alt: str) -> tuple[str, ...]:
    return tuple(split_items(alt))


def _contained(alt: str, a_tok: list[str], r_tok: list[str], r_content: list[str], question: str = "") -> str | None:
    """How the reference alternative `alt` appears inside a longer answer, or None."""
    hits = _find(a_tok, [t for t in r_tok if t not in ARTICLES])
    if not hits and r_content != r_tok:
        hits = _find(a_tok, r_content)
    if not hits and len(r_content) >= 3 and middle_names_optional(alt, question):
        # "Wilhelm Röntgen" for "Wilhelm Conrad Röntgen": middle names dropped, rare surname
        hits = _find(a_tok, [r_content[0], r_content[-1]])
    for i in hits:
        before = set(a_tok[max(0, i - 3) : i])
        if before & _NEGATORS:
            continue
        return f"reference {alt!r} appears in the answer"
    # a list's items scattered through a text are no list ("no, no, yes" in a restated puzzle)
    window = _window_hit(a_tok, r_content) if len(_items_of(alt)) < 3 else None
    if window is not None:
        return f"all words of {alt!r} appear together in the answer"
    return None
