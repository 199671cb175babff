"""Hedges: answers that offer several candidates side by side ("3, 4 or 5", "either A or B").

Stage: verify (inside every comparison that finds the reference *inside* a longer answer, and
the junk check). Finding the reference inside the answer is what makes a rule verifier
generous enough for free text ("... was awarded to Wilhelm Röntgen in 1901."), and also what
makes it easy to fool: "3, 4 or 5", "both pen and none of the above" and "It could be 2, 7 or
pen" all contain the reference. The detector is tied to no dataset or exact phrasing:

- `candidate_list` / `offers_several`: a sentence that lists short alternatives ("3, 4 or 5",
  "either A or B", "It could be 2, 7, none of the above", "17 / pen / 19") offers several
  answers; the caller says which items are the reference, and any other item voids the match.
  Words joined by commas are often one answer ("Tulsa, Oklahoma", "May 31, 2012") and names
  joined by "or" after "is called" are one thing named twice: those are not lists.
- `mixed_items`: a short answer that is the reference with a value beside it ("tRNA, O(log
  n)", "laptop, 6"), or an option letter with words beside it ("(E) and it was opened"), gives
  two answers of different shapes; a value is no qualifier the way "Oklahoma" qualifies "Tulsa".

Sentences and items are cut by `genreason.verify.rules.guards.items`; a bare list of names
beside the reference is read by `genreason.verify.rules.guards.second_answer`. Restatements of
the question are detected in `genreason.verify.rules.guards.restatement`, negations in
`genreason.verify.rules.guards.negation`. Pure string work.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from genreason.verify.rules.guards.items import (
    SEPARATOR,
    clean_item,
    is_bare_value,
    separated_items,
    shorten,
    split_items,
    split_sentences,
    squash,
    word_count,
)
from genreason.verify.rules.latex import unwrap_text

# --------------------------------------------------------------------------- candidate lists
_META = re.compile(
    r"^(?:none|all|both|neither|any|some)\s+of\s+(?:the\s+)?(?:above|these|them|those|options|choices|answers)\b|"
    r"^(?:(?:it\s+)?(?:cannot|can't)\s+be\s+determined|unknown|undetermined|not\s+enough\s+information|insufficient\s+information)$",
    re.IGNORECASE,
)
_HEDGE_CUE = re.compile(
    r"\b(?:could|might)\s+(?:also\s+|either\s+)?be\b|\bpossibl[ey]\b|\bperhaps\b|\bmaybe\b|\beither\b|"
    r"\bboth\b|\bone\s+of\s+(?:these|those|the\s+following)\b|\bnot\s+sure\b|\b(?:cannot|can't)\s+(?:decide|tell)\b|"
    r"\balternatively\b|\bor\s+else\b|\bwhichever\b|^\W*(?:any|one|either)\s+of\b|\?\s*,|"
    r"\b(?:candidates?|possibilities|possible\s+(?:answers?|values?)|options?|choices?|guess(?:es)?)\s*:",
    re.IGNORECASE,
)
# What a list of alternatives needs (a cheap test before parsing a sentence): "or", a hedge
# word, a meta answer, a header or a question mark. Without it only values make a list.
_MAY_HEDGE = re.compile(
    r"\b(?:or|nor|both|either|neither|could|might|possibl[ey]|perhaps|maybe|alternatively|whichever|sure|decide|tell)\b|"
    r"\bof\s+(?:the\s+)?(?:above|these|them|those|options|choices|answers|the\s+following)\b|:|\?|/|"
    r"\b(?:unknown|undetermined|determined|information)\b",
    re.IGNORECASE,
)
_VALUE_CHAR = re.compile(r"\d|\\[A-Za-z]|[-+*^=<>]|^\(?[A-Ja-j]\)?$")
_AND_JOIN = re.compile(r"\s(?:and|&)\s", re.IGNORECASE)
# "oil filter, cucumber": two answers; "Tulsa, Oklahoma" (a capitalised qualifier) is one.
# The second part is a clause, not an answer, when it opens with a pronoun or a conjunction
# ("No, it diverges").
_COMMA_PAIR = re.compile(
    r"[^,;]{1,40},\s*(?=[a-z])(?!(?:it|its|this|that|which|who|because|since|so|as|but|and|or|i|we|you|he|she|they|there|the|a|an|not|no|yes)\b)[^,;]{1,40}"
)
_VALUE_ANY = re.compile(r"\d+|\\[A-Za-z]+|[-+*^=<>]|\b[A-J]\b")
# What a sentence needs to be a list at all (a cheap test before parsing it).
_MAY_LIST = re.compile(rf"{SEPARATOR.pattern}|\\q?quad|\(\s*(?:or|and/or|maybe|possibly|perhaps)\b", re.IGNORECASE)
_LEAD_WORDS = re.compile(
    r"^(?:both|either|neither|just|only|possibly|perhaps|maybe|probably|likely|and|or|(?:any|one|either)\s+of)\s+",
    re.IGNORECASE,
)
# The lead-in of a list ("It could be", "The possible answers are", "Options:"): cut after
# the last copula or colon of the first item.
_LEAD_IN = re.compile(
    r"^.*(?:\b(?:is|are|was|were|be|equals|include|includes|gives|get|obtain|called|named|termed|known\s+as|"
    r"referred\s+to\s+as|means|meaning)\b|:)\s*",
    re.IGNORECASE | re.DOTALL,
)
MAX_ITEM_WORDS = 6
# An answer this short may itself be a list of names ("X and Y"); in longer prose only
# alternatives offered ("or", "either") and lists of values count.
MAX_LIST_ANSWER_CHARS = 600
MAX_ITEM_CHARS = 80
# A list of many short items may run longer than a short answer (25 values side by side).
MAX_MIXED_ANSWER_CHARS = 3000
MAX_LEAD_WORDS = 6
MAX_HEDGED_LEAD_WORDS = 14
# Items that qualify the one before instead of offering another answer.
_BOUND_ITEM = re.compile(r"^(?:older|younger|more|less|above|below|over|under|later|earlier|higher|lower|so|thereabouts|greater|fewer)$", re.IGNORECASE)
_REFINING = re.compile(r"^(?:more\s+(?:specifically|precisely|exactly)|rather|simply|just|also|in\s+other\s+words|i\.?e\.?|that\s+is)\b", re.IGNORECASE)
_CLAUSE_ITEM = re.compile(r"^(?:who|whom|whose|which|that|where|when|while|because|since|although|though|if|whereas)\b", re.IGNORECASE)
_NAMING = re.compile(
    r"\b(?:called|named|termed|known\s+as|referred\s+to\s+as|means|meaning|aka|a\.k\.a\.?)\s*:?\s*$", re.IGNORECASE
)


@dataclass(frozen=True)
class CandidateList:
    """Short items a sentence lists side by side.

    items: the items, lead-in and hedging words removed.
    hedged: offered as alternatives ("or", "either", "both", "could be", "none of the above"),
        not merely enumerated ("3, 5 and 7").
    """

    items: tuple[str, ...]
    hedged: bool


def candidate_list(sentence: str, *, whole_answer: bool = True) -> CandidateList | None:
    """The alternatives `sentence` lists ("3, 4 or 5", "both X and Y", "It could be 1, 2, 3"),
    or None when it is not a list of short items.

    A list's items are answers, not clauses: each item may open with a lead-in ending in a
    copula or colon ("It could be 3", "or it might be 4"), which is cut, and must then be
    short. Alternatives ("or", "either", "both", "could be", "none of the above") always make
    a list; a plain enumeration ("3, 5 and 7") only when its items are values (numbers,
    formulas, letters), since words joined by commas are often one answer ("Tulsa, Oklahoma",
    "Nashville, Tennessee, United States") or a description. `whole_answer`: the sentence is
    (part of) a short answer, which may itself be a list of names ("X and Y", four or more
    items side by side).
    """
    s = unwrap_text(sentence[:2000], pad=True).strip()
    s = re.sub(r"\s*\\q?quad\s*", ", ", s)  # "3 \quad 4": two values side by side
    s = re.sub(r"\\,|~", " ", s)
    # "pen (or 17)" at the end of an answer; inside prose "(or billiards)" glosses a word
    s = re.sub(r"\s*\(\s*(or|and/or|maybe|possibly|perhaps)\s+([^()]*)\)\W*$", r" \1 \2", s, flags=re.IGNORECASE)
    if not SEPARATOR.search(s):
        return None
    hedge_words = _MAY_HEDGE.search(s)
    # "X and Y", or four or more items: answers side by side even when they are words
    joined = whole_answer and (
        _AND_JOIN.search(s) is not None or s.count(",") >= 3 or _COMMA_PAIR.fullmatch(s.strip(" .")) is not None
    )
    if not hedge_words and not joined and len(_VALUE_ANY.findall(s)) < 2:
        return None  # no alternatives offered and fewer than two values: not a candidate list
    raw_items = separated_items(s)
    if not hedge_words and not joined and sum(1 for _, it in raw_items if _VALUE_CHAR.search(it)) < 2:
        return None  # no alternatives offered and fewer than two values: not a candidate list
    parsed: list[tuple[str, str, int, str]] = []  # (separator before, item, words of lead-in cut, as written)
    naming = False  # "is called X or Y", "also known as X or Y": names of one thing
    for sep, item in raw_items:
        raw, cut_words = item, 0
        if word_count(item) > 2 or ":" in item:
            cut = _LEAD_IN.sub("", item).strip()
            if cut and cut != item:
                cut_words = word_count(item) - word_count(cut)
                naming = naming or bool(_NAMING.search(item[: len(item) - len(cut)]))
                item = cut
        parsed.append((sep, _LEAD_WORDS.sub("", item).strip(), cut_words, raw))
    # What comes before the first lead-in belongs to it ("In the Marine Corps, an E-8 is X or
    # Y"); a later item needing a long lead-in of its own is a new clause, not a list item.
    start = next((i for i, p in enumerate(parsed) if p[2]), 0)
    if start and parsed[start][0].startswith(("or", "nor")):
        start = 0  # "7 or it might be 8": the item before "or" is an alternative too
    lead = sum(word_count(p[1]) for p in parsed[:start]) + parsed[start][2]
    kept = [p for p in parsed[start:] if p[1] and not _BOUND_ITEM.match(p[1])]  # "18 or older"
    if sum(p[2] for p in kept[1:]) > 3:
        return None
    items = [p[1] for p in kept]
    if len(items) < 2 or any(
        (word_count(it) > MAX_ITEM_WORDS and not is_bare_value(it)) or len(it) > MAX_ITEM_CHARS for it in items
    ):  # a bracketed value ("[0, 0, 3, 2]") is one item however many numbers it holds
        return None
    if any(_CLAUSE_ITEM.match(it) for it in items):
        return None  # "Mark O'Meara, who won two majors": a relative clause, not a candidate
    seps = {p[0] for p in kept[1:]}
    has_or = any(sep.startswith(("or", "nor")) or "/" in sep for sep in seps)
    naming = naming or any(_REFINING.match(p[1]) for p in parsed[start + 1 :] if p[0].startswith("or"))
    meta = any(_META.match(it) for it in items)
    # A hedge word counts where it governs the list ("It could be 3 or 4", "both X and Y"),
    # not elsewhere in the sentence ("nations that border both oceans are X and Y").
    region = " , ".join(p[3] for p in kept)
    if meta or (_HEDGE_CUE.search(region) and lead <= MAX_HEDGED_LEAD_WORDS):
        return CandidateList(tuple(items), True)
    if has_or and lead <= MAX_LEAD_WORDS and not naming:
        # "3 or 4", "The answer is 3 or 4"; not "An edge from a vertex to itself is called a
        # loop or a self-loop", where a sentence names one thing twice.
        return CandidateList(tuple(items), True)
    bare = sum(is_bare_value(it) for it in items)
    if bare == len(items) or (len(items) >= 3 and bare >= 2):  # "2219, 2220, 2221", "17, pen, 19"
        return CandidateList(tuple(items), False)
    has_and = any(sep.startswith("and") or sep == "&" for sep in seps)
    names_or_values = all(
        word_count(it) <= 4 and (re.match(r"[A-Z0-9\\$(-]", it) or word_count(it) <= 2) for it in items
    )
    short_items = all(word_count(it) <= 4 for it in items)
    pair = len(items) == 2 and _COMMA_PAIR.fullmatch(s.strip(" .")) is not None and all(word_count(it) <= 2 for it in items)
    if lead == 0 and not naming and ((has_and and names_or_values) or (len(items) >= 4 and short_items) or pair):
        # An answer that is itself a list: "Albert Einstein and Niels Bohr", "A, B, C, D, E"
        # (two answers asserted, or many listed). Inside prose ("written by X and Y") an
        # enumeration is a description; two or three words joined by commas stay one answer
        # ("Tulsa, Oklahoma", "Nashville, Tennessee, United States").
        return CandidateList(tuple(items), False)
    return None


_SECOND_CUE = re.compile(
    r"\b(?:(?:it|this|that|the\s+answer)\s+)?(?:could|might)\s+(?:also|instead|alternatively)\s+be\b|"
    r"\b(?:or|but)\s+(?:it\s+)?(?:maybe|perhaps|possibly)\b|\balternatively,?\b|\bor\s+else\b|"
    r"\b(?:another|a\s+second|one\s+more)\s+(?:possible\s+)?(?:answer|candidate|possibility|option)\s+(?:is|would\s+be)\b",
    re.IGNORECASE,
)


_ENVIRONMENT = re.compile(r"\\begin\{([A-Za-z*]+)\}.*?\\end\{\1\}", re.DOTALL)


def second_candidate(text: str, is_reference: Callable[[str], bool]) -> Several | None:
    """A later sentence that offers another answer ("42. It could also be 43.", "B.
    Alternatively, C."): the reference is then one of two candidates (False)."""
    sentences = [x for x in split_sentences(text[-2000:].strip()) if x.strip()]
    for sentence in sentences[1:]:
        m = _SECOND_CUE.search(sentence)
        # a sentence that opens with the cue ("It could also be X.") offers X however long
        opens = m is not None and m.start() <= 3 and m.group(0).lower().endswith(" be")
        if not m or (word_count(_ENVIRONMENT.sub("M", sentence)) > 12 and not opens):
            continue  # a matrix or other LaTeX environment counts as one word
        other = clean_item(sentence[m.end() :])
        if other and (opens or word_count(_ENVIRONMENT.sub("M", other)) <= 8) and not is_reference(other):
            return Several(False, f"offers a second candidate ({shorten(other, 30)!r}) after the answer", (other,))
    return None


@dataclass(frozen=True)
class Several:
    """The reference offered among other candidates."""

    verdict: bool | None  # False for alternatives offered (hedge), None for a mere enumeration
    reason: str
    items: tuple[str, ...]


def offers_several(
    text: str,
    is_reference: Callable[[str], bool],
    *,
    only_with: Callable[[str], bool] | None = None,
    accepts_each: bool = False,
) -> Several | None:
    """Whether a sentence of `text` lists the reference beside other candidates.

    is_reference(item): whether one listed item is the reference (or one of its elements,
        for a list reference). A list whose items are all the reference's is not several.
    only_with(sentence): look only at sentences for which this holds (the ones that carry
        the match being checked); None looks at all sentences.
    accepts_each: the reference lists alternatives that are each right ("1907/1908/2016"), so
        an enumeration naming several of them is one answer ("in 1907 and 1908, and 2016").
    """
    pieces = [p for p in re.split(r"\?\s+|\s*\n+\s*", text.strip()) if p.strip()] if len(text) <= 300 else []
    if len(pieces) < 2 and not _MAY_LIST.search(text):
        return None  # no separator anywhere: one answer
    sentences = split_sentences(text[-6000:])
    if len(sentences) > 1 and len(pieces) > 1 and all(word_count(p) <= MAX_ITEM_WORDS for p in pieces):
        # "17\npen\n19", "17? pen? 19?": a short answer whose lines or questions are the items
        sentences.append(re.sub(r"\?\s+", "?, ", re.sub(r"\s*\n+\s*", ", ", text.strip())))
    for sentence in sentences:
        if not _MAY_LIST.search(sentence) or (only_with is not None and not only_with(sentence)):
            continue
        found = candidate_list(sentence, whole_answer=len(text) <= MAX_LIST_ANSWER_CHARS)
        if found is None:
            continue
        hits = [is_reference(it) for it in found.items]
        others = [it for it, hit in zip(found.items, hits, strict=True) if not hit]
        if accepts_each and not found.hedged and sum(hits) >= 2 and len({squash(it) for it, hit in zip(found.items, hits, strict=True) if hit}) >= 2:
            continue  # "1907 and 1908, and 2016" for a reference that accepts each of them
        if any(hits) and others:
            shown = ", ".join(shorten(it, 30) for it in found.items[:6]) + (", ..." if len(found.items) > 6 else "")
            what = "alternatives" if found.hedged else "candidates"
            return Several(
                False if found.hedged else None,
                f"offers {len(found.items)} {what} ({shown}), the reference among them",
                found.items,
            )
    return None


def mixed_items(answer: str, is_reference: Callable[[str], bool]) -> Several | None:
    """A short answer that is the reference with an item of another shape beside it: several
    answers, not one ("tRNA, O(\\log n)", "laptop, 6", "pelican, 798, (A), no").

    A word answer followed by a comma and a value (a number, formula or option letter) is not
    a qualifier of it the way "Tulsa, Oklahoma" qualifies a city: a value names a second
    answer of its own. Only whole short answers count (prose holds values beside the
    reference: "awarded to Wilhelm Röntgen in 1901"), and a long answer only when it is a list
    of many short items. Items joined by "and" count too ("Monopoly and \\ln(x^2 + 1) + C").
    Undecided, not False: "Super Bowl LII, 2018" may be a gloss, which the model in the hybrid
    can tell.
    """
    if len(answer) > MAX_MIXED_ANSWER_CHARS or not re.search(r"[,;]|\s(?:and|&)\s", answer, re.IGNORECASE):
        return None
    s = unwrap_text(answer, pad=True).strip()
    items = split_items(s)
    if len(items) < 2:
        return None
    if len(answer) > MAX_LIST_ANSWER_CHARS and (len(items) < 6 or any(word_count(it) > MAX_ITEM_WORDS for it in items)):
        return None  # long prose, not a list of answers
    shapes = [is_bare_value(it) for it in items]
    if all(shapes) or not any(shapes):
        return None  # one shape throughout: no value beside words (cheap test before naming)
    hits = [is_reference(it) for it in items]
    named = [it for it, hit in zip(items, hits, strict=True) if hit]
    if not named:
        return None
    # the other shape: a value beside a word answer, or words beside a value answer ("(E) and
    # it was opened"); lists of values alone are for the numeric and list rules
    named_value = all(shape for shape, hit in zip(shapes, hits, strict=True) if hit)
    values = [it for it, hit, shape in zip(items, hits, shapes, strict=True) if not hit and shape != named_value]
    if not values:
        return None
    shown = ", ".join(shorten(it, 30) for it in items[:6]) + (", ..." if len(items) > 6 else "")
    return Several(None, f"answers {len(items)} items of different shapes ({shown}), the reference among them", tuple(items))
