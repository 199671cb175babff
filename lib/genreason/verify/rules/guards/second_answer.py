"""A short answer that is the reference and another answer side by side.

Stage: verify (inside `genreason.verify.rules.text.compare`, when the reference is found inside
a longer answer). "Michael Crawford, Max Casella", "Russia and the Franciscan order" and a
list of six names holding the reference each give more than one answer; a reward that pays
for them teaches a policy to list. `genreason.verify.rules.guards.hedges` reads lists that
offer alternatives ("3 or 4", "either X or Y") and lists of values; this module reads what is
left: a bare answer (no sentence around it) whose items are names or phrases.

An item beside the reference is no second answer when it qualifies it: a place after a comma
("Tulsa, Oklahoma", "Colby, Wisconsin") where the question asks about a place, a lowercase
description ("Walter Egan, singer"), or words of the reference or the question themselves.
Everything else is undecided, not False: "Camping World Stadium, Orlando" may be a gloss the
rule cannot tell from a second answer, and the model verifier in the hybrid can.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from genreason.verify.rules.guards.hedges import Several
from genreason.verify.rules.guards.items import items_with_separators, shorten, word_count
from genreason.verify.rules.guards.masking import MARK_PREFIX
from genreason.verify.rules.guards.places import PLACE_QUESTION, place_qualifier
from genreason.verify.rules.latex import unwrap_text
from genreason.verify.rules.text.words import normalize, split_alternatives

# An answer longer than this is prose, whose commas and "and"s describe rather than list.
MAX_ANSWER_CHARS = 400
# A list of many short items may run longer (25 names side by side).
MAX_LIST_CHARS = 3000
MAX_ITEM_WORDS = 4
MANY_ITEMS = 6
# A header before a long list is a phrase of its own ("Central American Nations Bordering Both
# Oceans: A, B, C"); a title inside one item is shorter ("American Horror Story: Roanoke").
MIN_HEADER_WORDS = 5
# A reference listing this many alternatives asks for a set; an answer naming this many of
# them, and twice as many as anything else, answers it.
SET_ALTERNATIVES = 3
# An answer this short that adds a clause to the reference adds a statement of its own.
MAX_SHORT_WORDS = 6
MAX_NAMED_WORDS = 8  # the item naming the reference may be as long as the reference
_WORD_SLASH = re.compile(r"(?<=[^\W\d_]{2})/(?=[^\W_])|(?<=\d)/(?=[^\W\d_]{2})")  # not "3/4"
# Words that make an item a clause, not an answer ("Tulsa, which is in Oklahoma").
_CLAUSE = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|does|did|do|could|would|should|"
    r"who|which|that|because|since|although|while|whereas|if|when|where|it|its|this|these|those|they|"
    r"he|she|his|her|their|we|you|include[sd]?|contain[sd]?|consist[sd]?)\b"
    r"|\b(?-i:I)\s+(?-i:[a-z])",  # "I think", not the "I" of a title ("I Write Sins Not Tragedies")
    re.IGNORECASE,
)
# The verbs and relatives of a sentence leading into a list ("The most spoken languages are").
_LEAD_CLAUSE = re.compile(r"\b(?:is|are|was|were|has|have|had|which|who|whom|whose|includ\w*|consist\w*|contain\w*)\b", re.IGNORECASE)
_PREPOSITION = re.compile(r"(?:with|from|in|at|for|of|on|to|into|after|before|during|since|until|about|under|over)\b", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}(?:st|nd|rd|th)?\s*[.):–-]|[-*•])\s+\S", re.MULTILINE)
_HEADER = re.compile(r"^[^:]*\w+\s+\w+[^:]*:\s+\S")  # "Causes of the Dust Bowl: ...", not "Acts 1:13"
_GLOSS = re.compile(
    r"\b(?:such\s+as|including|like|e\.g\.|i\.e\.|especially|particularly|namely|also\s+known\s+as|aka|"
    r"formerly|[a-z]+(?:ed|en|wn|ng)\s+by)\s+|(?<=\w)(?<!\band)(?<!\bor)(?<!\bearly)(?<!\blate)(?<!\bsoon)(?<!\bmuch)(?<!\bmany)(?<!\blong)(?<!\bwell)(?<!\bfar)\s+as\s+",
    re.IGNORECASE,
)  # "as" inside an item ("Emily Blunt as Mary Poppins"), not opening one ("X, as a dye"), nor
# a comparison's ("as early as 1671")
# prose of several sentences: a sentence ends on a lowercase word ("... others die. Edgar");
# a name's own period does not ("Portugal. The Man", "Dory Funk Jr.")
_SENTENCES = re.compile(r"\b[a-z]{2,}[.!?]\s+[A-Z]")
# A lead-in sentence before a list: lowercase words (not only "of the") before a colon.
_LEAD_IN_SENTENCE = re.compile(r"\b(?!(?:of|the|and|for|in|on|at|to|an?)\b)[a-z]{2,}\b[^:]*:\s")
_LIST_LEAD = re.compile(r"\b(?:such\s+as|including|includes?|like|namely|e\.g\.)\s", re.IGNORECASE)
_JOINER = re.compile(r"\s+(?:&|vs\.?|versus)\s+", re.IGNORECASE)
# A short answer of two one-phrase sentences gives two answers; a sentence ends after three
# lowercase letters, not after an initial or an abbreviation ("G. Hannelius", "Dr.", "St.", "Mrs.").
MAX_SHORT_CHARS = 100
_SHORT_SENTENCE_END = re.compile(r"(?<=[a-z]{3})[.!?]\s+(?=[A-Z])")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_OWN_ITEMS = re.compile(r"[,;]\s")  # a reference that lists items of its own
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”')
_SUFFIX = re.compile(r"(?:jr|sr|junior|senior|phd|md|esq|obe|cbe|kbe|mbe|qc|kc)\.?", re.IGNORECASE)
def _without_reference(text: str, reference: str) -> str:
    for alt in sorted(split_alternatives(reference), key=len, reverse=True):
        if len(alt) > 3:
            text = text.replace(alt, " ")
    return text


def _split_slashes(item: str, reference: str) -> list[str]:
    """`item` cut at slashes between words, except inside the reference written whole."""
    keep, at = [], item.find(reference) if "/" in reference else -1
    while at >= 0:
        keep.append((at, at + len(reference)))
        at = item.find(reference, at + 1)
    parts, pos = [], 0
    for m in _WORD_SLASH.finditer(item):
        if not any(a <= m.start() < b for a, b in keep):
            parts.append(item[pos : m.start()])
            pos = m.end()
    return [*parts, item[pos:]]


def _answer_like(item: str, named: bool) -> bool:
    """Whether a listed item reads as an answer, not a stretch of a sentence: a few words, or
    a longer proper name ("Dumont d'Urville in Adélie Land"); the item naming the reference may
    be as long as the reference."""
    n = word_count(item)
    if n <= MAX_ITEM_WORDS or (named and n <= MAX_NAMED_WORDS):
        return True
    long_words = [re.sub(r"^[a-z]['’]", "", w) for w in re.findall(r"[^\W\d_][^\s]*", item) if len(w) > 3]  # "d'Urville"
    return n <= MAX_NAMED_WORDS and all(w[:1].isupper() for w in long_words)


def _glossed(top: list[tuple[str, str]], unglossed: str, is_reference: Callable[[str], bool]) -> bool:
    """Whether a short answer glosses the reference: "X, such as Y", "Y, played by X", or a
    role given to the reference itself ("Emily Blunt as Mary Poppins"). A role given to another
    name ("hunt and Alicia Vikander as Lara Croft") glosses that name, a second answer."""
    for m in _GLOSS.finditer(unglossed):
        if not m.group(0).strip().lower() == "as":
            return True
        holder = next((item for _, item in top if m.group(0) in item and item.split(m.group(0), 1)[0].strip()), None)
        if holder is None or is_reference(holder.split(m.group(0), 1)[0]):
            return True
    return False


def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W_]+", text.lower()) if len(w) > 2}


def extra_answer(
    answer: str,
    is_reference: Callable[[str], bool],
    *,
    reference: str,
    question: str = "",
    unmask: Callable[[str], str] = lambda text: text,
) -> Several | None:
    """The reference listed with another answer in a bare answer ("X, Y", "X and Y", "Y, X,
    Z"), or None. The verdict is None (undecided). `unmask`: the answer as written, where
    `answer` stands in for the reference with a placeholder (`guards.masking`)."""
    if len(answer) > MAX_LIST_CHARS or not re.search(r"[,;&\n/.]|\s(?:and|plus|vs\.?|versus)\s", answer, re.IGNORECASE):
        return None
    text = re.sub(r"\s*\n+\s*", ", ", unwrap_text(answer, pad=True).strip())
    text = _JOINER.sub(" and ", text)  # "X & Y", "X vs Y": two answers side by side
    if len(text) <= MAX_SHORT_CHARS:
        text = _SHORT_SENTENCE_END.sub(", ", text).rstrip(".")  # "War and Peace. Anna Karenina."
    if _NUMBERED.search(answer) or _SENTENCES.search(text):
        return None  # an enumerated list ("1. X" lines) answers a question asking for several
    top = items_with_separators(text)
    unglossed = _without_reference(text, reference)  # the reference's own words gloss nothing ("as a pH indicator")
    if len(top) < MANY_ITEMS and (_HEADER.search(text) or _glossed(top, unglossed, is_reference)):
        # a header ("Causes of the Dust Bowl: X and Y") or a gloss ("X, such as Y", "Y,
        # played by X") makes a short answer prose; in a long list they are items' own words
        # ("American Horror Story: Roanoke"), unless a sentence leads in ("X are: A, B, ...")
        return None
    if len(top) >= MANY_ITEMS:
        lead = " ".join(item for _, item in top[:2])
        glossed = sum(1 for _, item in top if _GLOSS.search(item))
        before_colon = text.split(": ", 1)[0] if ": " in text else ""
        header = (
            bool(before_colon)
            and "," not in before_colon  # a header is one phrase; a colon inside an item follows a comma
            and word_count(before_colon) >= MIN_HEADER_WORDS
            and len(before_colon) < len(lead) + 2
        )
        if header or _LEAD_IN_SENTENCE.search(lead) or _LIST_LEAD.search(lead) or (glossed >= 2 and glossed * 4 >= len(top)):
            return None  # "X are: A, B", "..., including A, B", "A as X, B as Y": prose
    text = re.sub(r"\s+plus\s+", " and ", text, flags=re.IGNORECASE)
    halves = items_with_separators(text)
    pairs = [
        (sep if k == 0 else "or", part.strip())
        for sep, item in halves
        for k, part in enumerate(_split_slashes(item, reference))
        if part.strip()
    ]  # "X/Y" between words offers two, unless it is the reference written whole ("Road/Track")
    items = [item for _, item in pairs]
    seps = [sep for sep, _ in pairs]
    if len(items) < 2 or (len(answer) > MAX_ANSWER_CHARS and len(items) < 6):
        return None
    # cheap tests on the form before naming each item: a clause in a short list, a long piece
    clause_words = [bool(_CLAUSE.search(it)) for it in items]
    if any(clause_words) and len(items) < MANY_ITEMS and word_count(text) > MAX_SHORT_WORDS and not _CLAUSE.search(reference):
        return None
    if len(items) < MANY_ITEMS and len(items) > 2 and any(not _answer_like(it, True) for it in items):
        return None
    hits = [is_reference(it) for it in items]
    if not any(hits):
        return None
    # Beside a reference that is itself a list, written whole, an element of it or its words
    # are an item more ("yes, yes, yes, Yes"), not the reference named again or qualified.
    whole_list = any(hit and MARK_PREFIX in it and _OWN_ITEMS.search(unmask(it)) for it, hit in zip(items, hits, strict=True))
    if whole_list:
        hits = [hit and MARK_PREFIX in it for it, hit in zip(items, hits, strict=True)]
    # a sentence is no list: every item short, none a clause ("Tulsa, which is in Oklahoma")
    # clause words the reference itself holds ("it was opened") make no sentence of the answer
    own = {w.lower() for w in _CLAUSE.findall(reference)}
    # a quoted title holds no clause of the answer ("Fix You")
    clauses = [bool({w.lower() for w in _CLAUSE.findall("" if _QUOTED.fullmatch(it) else it)} - own) for it in items]
    # a long list may hold a clause inside, not where a sentence would lead in or end
    # (a short last item with a clause word is that item's own: "..., when commissioned"; a
    # long one ends a sentence: "..., and Guam do not observe Daylight Saving Time")
    last_own = word_count(items[-1]) <= MAX_ITEM_WORDS and sum(clauses) * 4 <= len(items)
    # a dozen items or more, nearly all short and few with a clause word, are a list wherever
    # those few stand (a list of other answers opening with "the defendant breached this duty")
    long_list = (
        len(items) >= 2 * MANY_ITEMS
        and not any(_LEAD_CLAUSE.search(it) for it in items[:2])  # "The languages are Hindi, ..."
        and sum(word_count(it) <= MAX_ITEM_WORDS for it in items) * 4 >= len(items) * 3
        and sum(clauses) * 4 <= len(items)
    )
    many = len(items) >= MANY_ITEMS and (long_list or (not any(clauses[:2]) and (not clauses[-1] or last_own)))
    if any(clauses) and not many and (word_count(text) > MAX_SHORT_WORDS or any(c and hit for c, hit in zip(clauses, hits, strict=True))):
        return None  # a sentence ("Tulsa, which is in Oklahoma"); "pelican, it was opened" is two statements
    long = [(c and many) or not _answer_like(it, hit) for c, it, hit in zip(clauses, items, hits, strict=True)]
    # "Freddie Highmore and the Swedish astronomer Anders Celsius": the answer opens with the
    # reference, whole, and joins one more phrase of its own
    alternatives = {normalize(a) for a in split_alternatives(reference)}
    second = halves[1][1] if len(halves) == 2 else ""
    opens_with_reference = (
        len(halves) == 2 and hits[0] and not long[0]
        and all(word_count(part) <= MAX_NAMED_WORDS for part in _split_slashes(second, reference))
        # "Kiss, with the song ...": a phrase about it; "from 0.01 to 10 nm" is a value of its own
        and (not _PREPOSITION.match(second) or re.search(r"\d", second) is not None)
        and not _CLAUSE.search(second)
        and normalize(unmask(items[0])) in alternatives
    )
    if any(long) and not opens_with_reference and (len(items) < MANY_ITEMS or sum(long) * 4 > len(items)):
        return None  # a stretch of a sentence; a long list may hold a few longer items inside
    # words of one alternative or of the question qualify it ("Tulsa, Oklahoma"); a number of
    # its own makes another answer of those words ("6,534 registered hospitals"), and so do
    # words of two alternatives mixed ("E-9s senior chief" of "E-8s senior chief/E-9s master chief")
    known = [] if whole_list else [
        (_content(alt) | _content(question), set(_NUMBER.findall(f"{alt} {question}"))) for alt in split_alternatives(reference)
    ]
    place_question = bool(PLACE_QUESTION.search(question or ""))
    extra = []
    for k, (item, hit) in enumerate(zip(items, hits, strict=True)):
        if hit:
            continue
        joined_by = seps[1] if k == 0 else seps[k]  # a qualifier before the reference: the comma after it
        if _SUFFIX.fullmatch(item):
            continue  # "David McCallum, Jr."
        words, numbers = _content(item), set(_NUMBER.findall(item))
        if words and any(words <= own and numbers <= own_numbers for own, own_numbers in known):
            continue  # the reference's or the question's own words ("Tulsa, Oklahoma" for "Tulsa, Oklahoma")
        qualified = unmask(items[1 - k])
        if (
            place_question
            and len(items) == 2
            and joined_by == ","
            and not _OWN_ITEMS.search(qualified)  # "Paris, France" is qualified already: ", London" is another
            and place_qualifier(item, qualified, after=k > 0)
        ):
            continue  # a place qualified, or qualifying ("Tbilisi, Georgia", "Colby, Wisconsin")
        extra.append(item)
    named = {normalize(unmask(it)) for it in items} & alternatives
    answers = [it for it in extra if _answer_like(it, False)]  # a long lead-in is prose, not an answer
    if not extra or (len(alternatives) >= SET_ALTERNATIVES and len(named) >= SET_ALTERNATIVES and len(named) >= 2 * len(answers)):
        # a question asking for a set ("who starred in ...?") answered mostly with its members
        return None
    shown = ", ".join(shorten(it, 30) for it in items[:6]) + (", ..." if len(items) > 6 else "")
    return Several(None, f"answers {len(items)} items ({shown}): the reference and another answer", tuple(items))

