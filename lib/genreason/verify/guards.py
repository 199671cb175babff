"""Guards: answers that do not assert one answer -- negated, hedged among candidates, or the
question restated.

Stage: verify (between extraction and comparison, and inside every comparison that finds the
reference *inside* a longer answer). Finding the reference inside the answer is what makes a
rule verifier generous enough for free text ("... was awarded to Wilhelm Röntgen in 1901."),
and also what makes it easy to fool: "not 18", "3, 4 or 5", "both pen and none of the above"
and the question copied back all contain the reference. Three detectors, none tied to a
dataset or to an exact phrasing:

- `read_negation`: a negation that governs the answer ("not 18", "The answer is not 18",
  "x \\neq 18", "18 is wrong", "neither 3 nor 4") voids it; a correction ("not 18 but 20",
  "20, not 18") keeps only the affirmed part; "not less than 5" is a bound, not a value.
- `candidate_list` / `offers_several`: a sentence that lists several short alternatives ("3, 4
  or 5", "either A or B", "It could be 2, 7, none of the above") offers several answers; the
  caller says which items are the reference, and any other item voids the match.
- `restates_question`: a response mostly copied, in long runs, from the question.

Pure string work, no imports from the comparison modules, so every comparison can use it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# --------------------------------------------------------------------------- negation
SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\\$0-9-])|\n+")
# Negated copulas and auxiliaries: "is not", "isn't", "cannot be", "does not equal", "never".
_NEG_VERB = (
    r"(?:(?:is|are|was|were|am)\s+not|(?:is|are|was|were)n['’]?t|ain['’]?t|"
    r"(?:would|will|should|must|could|can|may|might|does|do|did)\s*(?:not|n['’]?t)|"
    r"cannot|can['’]?t|won['’]?t|not|never|neither|no\s+longer)"
)
# What may follow the negator before the denied value ("not equal to", "can't be", "not exactly").
_NEG_FILLER = r"(?:\s+(?:be|equal|equals|equal\s+to|exactly|just|simply|necessarily|really|actually|the\s+same\s+as|given\s+by|the\s+answer|correct))*"
# A negated copula: "is not", "isn't", "cannot be", "does not equal" (not "did not win").
_NEG_COPULA = (
    r"(?:(?:is|are|was|were)\s+not|(?:is|are|was|were)n['’]?t|(?:cannot|can['’]?t|won['’]?t)\s+be|"
    r"(?:would|will|should|must|could|may|might)\s*(?:not|n['’]?t)\s+be|(?:does|do|did)\s*(?:not|n['’]?t)\s+equal)"
)
# Who the negation is about: the answer itself ("The result cannot be pen": any value) ...
_ANSWER_SUBJECT = (
    r"(?:(?:so|thus|therefore|hence|then)\s*,?\s*)?"
    r"(?:(?:the\s+)?(?:final\s+|correct\s+|right\s+|true\s+|exact\s+)?(?:answer|result|value|solution|output)\b\s*(?:[:=]\s*)?"
    r"|(?:it|this|that)\s+)"
)
# ... or a variable or a short subject ("x is not 18", "The number of apples is not 18").
_SUBJECT = (
    r"(?:(?:so|thus|therefore|hence|then)\s*,?\s*)?"
    r"(?:(?:[A-Za-z](?:_\{?\w+\}?)?|\$[^$]{1,16}\$|\\\([^)]{1,16}\\\))\s*(?:=\s*)?"
    r"|(?:the\s+)?[A-Za-z][\w'’-]*(?:\s+[\w'’-]+){0,5}?\s+)"
)
# The denied thing looks like a value: a number, formula, name, quoted or bracketed text, or
# a single variable; not a participle ("was not released until 1984" affirms 1984).
_VALUE_START = r"(?-i:(?=[0-9$\\(\[{+\-−'\"“‘A-Z]|\.\d|(?:the|a|an)\s|[a-z](?![a-z])))"
# A sentence may open with the negation itself ("not 18", "isn't 18", "never 3"); not with
# "don't"/"ain't", which open titles and imperatives ("Don't Take Your Guns to Town").
_BARE_NEG = (
    r"(?:not|never|neither|no\s+longer|(?:is|are|was|were)\s+not|(?:is|are|was|were)n['’]?t|"
    r"(?:cannot|can['’]?t|won['’]?t)\s+be|(?:would|will|should|must|could)\s*(?:not|n['’]?t)\s+be)"
)
_NEG_BARE_START = re.compile(
    rf"^\s*(?:(?:definitely|certainly|surely|clearly|obviously|probably|no)\s*,?\s+)?{_BARE_NEG}\b{_NEG_FILLER}\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# Any other negation in a short answer ("I don't think it is 18", "anything but 18", "we can
# rule out 18", "except 18"): a short answer that denies something asserts nothing.
NEGATION_CUE = re.compile(
    r"\bnot\b|n['’]t\b|\bnever\b|\bcannot\b|\bno\s+longer\b|\bneither\b|\bnor\b|\bexcept\b|\bexcluding\b|"
    r"\bother\s+than\b|\banything\s+but\b|\brul(?:e|ed|es|ing)\s+out\b|\bexclude[sd]?\b|\bincorrect\b|\bwrong\b|"
    r"\bimpossible\b|\binvalid\b|¬|\\neg(?![A-Za-z])|\\lnot(?![A-Za-z])",
    re.IGNORECASE,
)
# A justification after the answer is not part of it ("18, since it cannot be negative").
_JUSTIFICATION = re.compile(
    r"\s*(?:[,;:(—–-]\s*)?\b(?:since|because|given\s+that|due\s+to|so\s+that|which|otherwise)\b.*$|\s*\([^()]*\)",
    re.IGNORECASE | re.DOTALL,
)
SHORT_ANSWER_WORDS = 12
PROSE_SHORT_ANSWER_WORDS = 8
_TITLE_RUN = re.compile(r"(?-i:\b[A-Z][\w'’]*(?:\s+(?:[A-Z][\w'’]*|of|the|to|a|in|on|and|for)){1,}\s+[A-Z][\w'’]*|\b[A-Z][\w'’]*\s+[A-Z][\w'’]*)")
# "did not win until 2018" affirms 2018.
_NOT_UNTIL = re.compile(r"\b(?:not|n['’]t|never)\b[^.;]*\buntil\b", re.IGNORECASE)
_NEG_ADVERB = r"(?:\s+(?:definitely|certainly|surely|clearly|obviously|probably|likely|really))?"
_NEG_START = re.compile(
    rf"^\s*(?:{_ANSWER_SUBJECT}(?:['’]s\s+)?{_NEG_ADVERB}\s*(?:{_NEG_COPULA}|not)\b{_NEG_FILLER}\s*"
    rf"|{_SUBJECT}{_NEG_ADVERB}\s*{_NEG_COPULA}\b{_NEG_FILLER}\s*{_VALUE_START})(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# A title that opens with a negation is the subject of its own sentence ("Not Afraid is a
# song by Eminem"), not a denied value.
_OWN_VERB = re.compile(r"\b(?:is|are|was|were|by|has|have|had)\b", re.IGNORECASE)
# The value, then its denial, and nothing more (or a correction): "18 is not the answer",
# "18 is wrong", "x = 18 is incorrect; it is 20".
_NEG_AFTER = re.compile(
    r"^\s*(?P<cand>[^\n]{1,80}?)\s+(?:"
    r"(?:(?:is|was|would\s+be)\s+(?:not|n['’]?t)|isn['’]?t|wasn['’]?t)\s+(?:the\s+|a\s+|an\s+)?"
    r"(?:correct\s+|right\s+|final\s+|valid\s+|true\s+)?(?:answer|solution|correct|right|valid|possible|true|it|the\s+case|the\s+one)"
    r"|(?:is|was|would\s+be)\s+(?:wrong|incorrect|invalid|impossible|false|ruled\s+out|excluded))\b"
    r"(?P<rest>\s*(?:[,;:]|\bbut\b|\brather\b|\binstead\b).*|[\s.!]*)$",
    re.IGNORECASE | re.DOTALL,
)
# A negated item at the end of an affirmed answer: "18, not 20", "Canberra (not Sydney)".
_NEG_TAIL = re.compile(
    r"(?:(?:\s*[,;(]\s*|\s+(?:and|but)\s+)(?:(?:and|but)\s+)?(?:not|rather\s+than|instead\s+of|as\s+opposed\s+to)"
    r"|\s+(?:rather\s+than|instead\s+of|as\s+opposed\s+to))\s+[^,;()\n]{1,60}\)?\s*[.!]?\s*$",
    re.IGNORECASE,
)
# After a denied value, what is affirmed instead: "not 18 but 20", "not 18; it is 20".
_CORRECTION = re.compile(
    r"\s*(?:[,;]\s*)?\b(?:but(?:\s+rather)?|rather|instead)\b\s*,?\s*|\s*;\s*|\s*[,.]\s*(?=(?:it|the\s+answer|the\s+result|the\s+value|that)\s*(?:is|['’]s)\b)",
    re.IGNORECASE,
)
# A negated comparison is a bound ("not less than 5"), which no single value answers.
_BOUND = re.compile(
    r"^(?:less|more|greater|fewer|smaller|larger|bigger|higher|lower|below|above|over|under|exceeding|"
    r"exceed|at\s+(?:least|most)|before|after|earlier|later)\b",
    re.IGNORECASE,
)
_NOT_ONLY = re.compile(r"^(?:only|just)\b.*\bbut\s+also\b", re.IGNORECASE | re.DOTALL)
# "x \neq 3": an inequation, where the reference is a value.
INEQUATION = re.compile(r"\\neq?(?![A-Za-z])|≠|!=|=/=|\\not\s*=|\\notin|∉|\\not\s*\\in")
# Negation words: a reference holding one ("not guilty") is compared with its polarity kept.
NEGATION_WORDS = re.compile(
    r"\b(?:not|no|never|none|neither|nor|cannot|without|non)\b|n['’]t\b|" + INEQUATION.pattern, re.IGNORECASE
)


@dataclass(frozen=True)
class Negation:
    """How a negation in an answer affects it.

    status: "none" (no governing negation), "negated" (the answer denies a value and affirms
        none: wrong whatever the value), "corrected" (a value is denied and another affirmed:
        judge `text`), "bound" (a negated comparison, not a value: undecided), "inequation".
    text: the part of the answer to judge (the whole answer, or the affirmed correction).
    reason: what was read, for the judgment record.
    cue: the negating words ("not", "is wrong"); a reference holding them ("not guilty") is
        compared as it stands.
    denied: what is denied, where it can be told ("18" in "18 is wrong"); a yes/no answer
        inverts it.
    """

    status: str
    text: str
    reason: str = ""
    cue: str = ""
    denied: str | None = None


def read_negation(answer: str, *, short_words: int = SHORT_ANSWER_WORDS) -> Negation:
    """Whether a negation governs `answer`, and what remains affirmed (see `Negation`).

    Only the opening sentence is read for a denial; later sentences of the answer are what
    it affirms instead ("I'm sorry, that is incorrect. The first card was ..."). Beyond the
    usual forms ("not 18", "18 is wrong"), any negation in a one-sentence answer of at most
    `short_words` words voids it ("I don't think it is 18"); prose answers (no answer marker)
    pass a smaller bound, as their negations are often incidental."""
    s = answer.strip()
    m = INEQUATION.search(s)
    if m:
        return Negation("inequation", s, "an inequation ('\\neq') where a value is expected", m.group(0))
    sentences = [x for x in SENTENCE_SPLIT.split(s) if x.strip()]
    if len(sentences) > 1:
        first = _read_sentence(sentences[0], 0)
        later = " ".join(sentences[1:])
        if first.status == "negated" and _has_content(later):
            inner = read_negation(later, short_words=short_words)
            if inner.status in ("none", "corrected"):
                return Negation("corrected", inner.text, f"a denial, then the answer: {_short(inner.text)!r}", first.cue)
            return inner
        if first.status != "none":
            return first
        return Negation("none", s)
    return _read_sentence(s, short_words)


def _read_sentence(s: str, short_words: int) -> Negation:
    m = _NEG_START.match(s) or _NEG_BARE_START.match(s)
    if m and m.re is _NEG_BARE_START and _OWN_VERB.search(_CORRECTION.split(m.group("rest"), maxsplit=1)[0]):
        m = None  # "Not Afraid is a song by Eminem"
    if m:
        cue = " ".join(NEGATION_CUE.findall(s[: m.start("rest")])) or "not"
        rest = m.group("rest").strip()
        if _BOUND.match(rest):
            return Negation("bound", s, f"a negated comparison is a bound, not a value: {_short(s)!r}", cue)
        if _NOT_ONLY.match(rest):
            return Negation("negated", s, f"'not only ... but also' asserts several answers: {_short(s)!r}", cue)
        parts = _CORRECTION.split(rest, maxsplit=1)
        if len(parts) == 2 and _has_content(parts[1]):
            inner = _read_sentence(parts[1], short_words)
            if inner.status in ("none", "corrected"):
                return Negation("corrected", inner.text, f"negated value dropped, correction kept: {_short(inner.text)!r}", cue)
            return inner
        return Negation("negated", s, f"the answer is negated: {_short(s)!r}", cue, parts[0].strip(" .!"))
    m = _NEG_AFTER.match(s)
    if m:
        cue = " ".join(NEGATION_CUE.findall(s[m.end("cand") : m.start("rest")])) or "not"
        parts = _CORRECTION.split(m.group("rest"), maxsplit=1)
        if len(parts) == 2 and _has_content(parts[1]):
            inner = _read_sentence(parts[1], short_words)
            if inner.status in ("none", "corrected"):
                return Negation("corrected", inner.text, f"denied value dropped, correction kept: {_short(inner.text)!r}", cue)
        return Negation("negated", s, f"the answer denies its value: {_short(s)!r}", cue, m.group("cand").strip())
    stripped = s
    for _ in range(3):  # "18, not 20" / "18 (not 20)" / "18 rather than 20"
        cut = _NEG_TAIL.sub("", stripped).rstrip(" ,;")
        if cut == stripped:
            break
        stripped = cut
    if stripped != s and _has_content(stripped):
        return Negation("corrected", stripped, f"negated alternative dropped: {_short(stripped)!r}", "not")
    if short_words:
        core = _JUSTIFICATION.sub("", s).strip()
        # Titles and quotations keep their own words ("Not Afraid", "Don't Take Your Guns to Town").
        core_words = _TITLE_RUN.sub(" ", re.sub(r"[\"“][^\"”]*[\"”]", " ", core))
        cue_m = NEGATION_CUE.search(core_words)
        if cue_m and _words(_collapse_brackets(core)) <= short_words and not _NOT_UNTIL.search(core_words):
            return Negation("negated", s, f"a short answer that denies something: {_short(s)!r}", cue_m.group(0))
    return Negation("none", s)


def negated_before(text: str, start: int) -> bool:
    """Whether the value at `text[start:]` is denied by a negation just before it, in the
    same clause ("... is not 18", "... rather than 18", "..., not 18")."""
    head = text[max(0, start - 60) : start]
    head = re.split(r"[.;:!?\n]|,\s*(?:so|and|but|which|therefore|thus)\b|\bbut\b", head)[-1]
    return bool(
        re.search(
            rf"(?:{_NEG_VERB}|rather\s+than|instead\s+of|as\s+opposed\s+to|other\s+than|except(?:\s+for)?){_NEG_FILLER}"
            r"\s*(?:the\s+)?(?:\$|\\\(|\\\[)?\s*[-+]?\s*$",
            head,
            re.IGNORECASE,
        )
    )


def _collapse_brackets(text: str) -> str:
    """`text` with each bracketed stretch as one word ("anything but [Dan, Kyle, Lily]": 3)."""
    for a, b in reversed(_bracket_spans(text)):
        text = text[:a] + " X " + text[b:]
    return text


def _has_content(text: str) -> bool:
    return bool(re.search(r"[A-Za-z0-9\\∞π√]", text))


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."


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
_WORD_SEP = r"\s+(?:and\s*/\s*or|or|nor|and|versus|vs\.?)\s+"
# A slash between alternatives: spaced ("17 / pen"), or between a word and a value ("pen/17");
# not inside a fraction ("2/1"), a unit ("m/s") or a pair of words ("Road/Track", "and/or").
_SLASH = r"\s+/\s+|(?<=[A-Za-z]{2})/(?=[-+\d(\[\\])|(?<=\d)/(?=[A-Za-z]{2})|(?<=[)\]}])/(?=\S)"
_SEPARATOR = re.compile(rf",|;|{_WORD_SEP}|{_SLASH}", re.IGNORECASE)
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
_TEXT_WRAP = re.compile(r"\\(?:text|textbf|textit|mathrm|mbox|operatorname)\s*\{([^{}]*)\}")
MAX_ITEM_WORDS = 6
MAX_ITEM_CHARS = 80
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


def _bracket_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of top-level bracketed stretches, so "(3, 4)" is one item."""
    spans, depth, start = [], 0, 0
    i = 0
    while i < len(text):
        if text.startswith("\\left", i) or text.startswith("\\right", i):
            i += 5 if text.startswith("\\left", i) else 6
            continue
        c = text[i]
        if c in "\"“" and depth == 0:  # a quoted title is one item: "25 or 6 to 4"
            close = text.find("\"" if c == "\"" else "”", i + 1)
            if close > 0:
                spans.append((i, close + 1))
                i = close + 1
                continue
        if c in "([{":
            if depth == 0:
                start = i
            depth += 1
        elif c in ")]}" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
        i += 1
    if depth:
        spans.append((start, len(text)))
    return spans


_MONTH_DAY = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?$", re.IGNORECASE
)


def _split_with_separators(text: str) -> list[tuple[str, str]]:
    """(separator before it, item) pairs; the first item's separator is ""."""
    spans = _bracket_spans(text)
    decimal_commas = re.search(r"\d,\d{1,2}(?!\d)|\d,\d{4,}", text) is not None
    cuts: list[tuple[int, int]] = []
    for m in _SEPARATOR.finditer(text):
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
    return [(sep, _clean_item(x)) for sep, x in pairs]


def split_items(text: str) -> list[str]:
    """Split at commas, semicolons and and/or/nor outside brackets and quotes ("1,234" stays
    one number, "(3, 4)" one pair)."""
    return [x for _, x in _split_with_separators(text) if x]


def _clean_item(item: str) -> str:
    s = item.strip().strip("$").strip()
    s = re.sub(r"^(?:\*\*|__|`)+|(?:\*\*|__|`)+$", "", s).strip()
    return s.strip(" .,;:!").strip()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _words(text: str) -> int:
    return len(re.findall(r"[^\s]+", text))


def _is_bare_value(item: str) -> bool:
    """A number, formula or option letter, not words ("2220", "3\\sqrt{13}", "p - q", "(B)")."""
    if re.fullmatch(r"\(?[A-Ja-j]\)?", item):
        return True
    plain = _TEXT_WRAP.sub(r"\1", item)
    if re.search(r"[A-Za-z]{2,}", re.sub(r"\\[A-Za-z]+", "", plain)):
        return False
    return bool(re.search(r"\d|\\[A-Za-z]+|[-+*/^=<>]", plain))


def candidate_list(sentence: str) -> CandidateList | None:
    """The alternatives `sentence` lists ("3, 4 or 5", "both X and Y", "It could be 1, 2, 3"),
    or None when it is not a list of short items.

    A list's items are answers, not clauses: each item may open with a lead-in ending in a
    copula or colon ("It could be 3", "or it might be 4"), which is cut, and must then be
    short. Alternatives ("or", "either", "both", "could be", "none of the above") always make
    a list; a plain enumeration ("3, 5 and 7") only when its items are values (numbers,
    formulas, letters), since words joined by commas are often one answer ("Tulsa, Oklahoma",
    "Nashville, Tennessee, United States") or a description.
    """
    s = _TEXT_WRAP.sub(r" \1 ", sentence[:2000]).strip()
    s = re.sub(r"\s*\\q?quad\s*", ", ", s)  # "3 \quad 4": two values side by side
    s = re.sub(r"\\,|~", " ", s)
    # "pen (or 17)" at the end of an answer; inside prose "(or billiards)" glosses a word
    s = re.sub(r"\s*\(\s*(or|and/or|maybe|possibly|perhaps)\s+([^()]*)\)\W*$", r" \1 \2", s, flags=re.IGNORECASE)
    if not _SEPARATOR.search(s):
        return None
    parsed: list[tuple[str, str, int, str]] = []  # (separator before, item, words of lead-in cut, as written)
    naming = False  # "is called X or Y", "also known as X or Y": names of one thing
    for sep, item in _split_with_separators(s):
        raw, cut_words = item, 0
        if _words(item) > 2 or ":" in item:
            cut = _LEAD_IN.sub("", item).strip()
            if cut and cut != item:
                cut_words = _words(item) - _words(cut)
                naming = naming or bool(_NAMING.search(item[: len(item) - len(cut)]))
                item = cut
        parsed.append((sep, _LEAD_WORDS.sub("", item).strip(), cut_words, raw))
    # What comes before the first lead-in belongs to it ("In the Marine Corps, an E-8 is X or
    # Y"); a later item needing a long lead-in of its own is a new clause, not a list item.
    start = next((i for i, p in enumerate(parsed) if p[2]), 0)
    if start and parsed[start][0].startswith(("or", "nor")):
        start = 0  # "7 or it might be 8": the item before "or" is an alternative too
    lead = sum(_words(p[1]) for p in parsed[:start]) + parsed[start][2]
    kept = [p for p in parsed[start:] if p[1] and not _BOUND_ITEM.match(p[1])]  # "18 or older"
    if sum(p[2] for p in kept[1:]) > 3:
        return None
    items = [p[1] for p in kept]
    if len(items) < 2 or any(_words(it) > MAX_ITEM_WORDS or len(it) > MAX_ITEM_CHARS for it in items):
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
    bare = sum(_is_bare_value(it) for it in items)
    if bare == len(items) or (len(items) >= 3 and bare >= 2):  # "2219, 2220, 2221", "17, pen, 19"
        return CandidateList(tuple(items), False)
    return None


@dataclass(frozen=True)
class Several:
    """The reference offered among other candidates."""

    verdict: bool | None  # False for alternatives offered (hedge), None for a mere enumeration
    reason: str
    items: tuple[str, ...]


def offers_several(
    text: str, is_reference: Callable[[str], bool], *, only_with: Callable[[str], bool] | None = None
) -> Several | None:
    """Whether a sentence of `text` lists the reference beside other candidates.

    is_reference(item): whether one listed item is the reference (or one of its elements,
        for a list reference). A list whose items are all the reference's is not several.
    only_with(sentence): look only at sentences for which this holds (the ones that carry
        the match being checked); None looks at all sentences.
    """
    sentences = SENTENCE_SPLIT.split(text[-6000:])
    pieces = [p for p in re.split(r"\?\s+|\s*\n+\s*", text.strip()) if p.strip()]
    if len(sentences) > 1 and len(text) <= 300 and all(_words(p) <= MAX_ITEM_WORDS for p in pieces):
        # "17\npen\n19", "17? pen? 19?": a short answer whose lines or questions are the items
        sentences.append(re.sub(r"\?\s+", "?, ", re.sub(r"\s*\n+\s*", ", ", text.strip())))
    for sentence in sentences:
        if not sentence.strip() or (only_with is not None and not only_with(sentence)):
            continue
        found = candidate_list(sentence)
        if found is None:
            continue
        hits = [is_reference(it) for it in found.items]
        others = [it for it, hit in zip(found.items, hits, strict=True) if not hit]
        if not found.hedged and sum(hits) >= 2 and len({_squash(it) for it, hit in zip(found.items, hits, strict=True) if hit}) >= 2:
            continue  # "1907 and 1908, and 2016" for a reference that accepts each of them
        if any(hits) and others:
            shown = ", ".join(_short(it, 30) for it in found.items[:6]) + (", ..." if len(found.items) > 6 else "")
            what = "alternatives" if found.hedged else "candidates"
            return Several(
                False if found.hedged else None,
                f"offers {len(found.items)} {what} ({shown}), the reference among them",
                found.items,
            )
    return None


# --------------------------------------------------------------------------- restatement
def _plain_words(text: str) -> list[str]:
    s = unicodedata.normalize("NFKD", text[:20000]).lower()
    return re.findall(r"[a-z]+|\d+(?:\.\d+)?", s)


_FRAMING = {"question", "q", "problem", "task", "prompt", "we", "need", "to", "find", "asked", "asks", "restated", "restating", "restate", "here", "is"}


def restates_question(answer: str, question: str, *, run: int = 4) -> bool:
    """Whether `answer` is (part of) the question copied back.

    At least 95% of its words lie in runs of `run`+ consecutive words of the question, it adds
    no word of its own beyond a short lead-in ("Question:", "We need to find:") and words cut
    by truncation ("gray matter" filled into the question's blank is an answer), and the copy
    is a question or instruction, or 30% of the question or more (an option's text copied
    from a question is not a restatement). A copied question sentence counts however short
    ("What is g'(1)?").
    """
    a, q = _plain_words(answer), _plain_words(question)
    if len(q) < 6 or len(a) < 2:
        return False
    vocab = set(q)

    def truncated(w: str) -> bool:
        return any(w in v for v in vocab)

    lead = 0  # framing words before the copy ("Question:", "We need to find:"), never a name
    while lead < min(4, len(a) - 1) and a[lead] not in vocab and a[lead] in _FRAMING:
        lead += 1
    body = a[lead:]
    novel = [i for i, w in enumerate(body) if w not in vocab]
    if any(not (i in (0, len(body) - 1) and truncated(body[i])) for i in novel):
        return False
    if len(body) < 6:
        # a short copy counts only as a question sentence of the question ("What is g'(1)?")
        return "?" in answer and " ".join(body) in " ".join(q) and len(body) >= 2 and not lead
    grams = {tuple(q[i : i + run]) for i in range(len(q) - run + 1)}
    covered = [False] * len(body)
    for i in range(len(body) - run + 1):
        if tuple(body[i : i + run]) in grams:
            for k in range(i, i + run):
                covered[k] = True
    for i in novel:  # a word cut by truncation at either end is not held against the copy
        covered[i] = True
    if sum(covered) < 0.95 * len(body):
        return False
    asks = "?" in answer or re.search(
        r"\b(?:what|which|who|how|why|when|where|find|compute|calculate|determine|evaluate|solve|suppose|let|given|if)\b",
        answer[:80],
        re.IGNORECASE,
    )
    return bool(asks) or sum(covered) >= min(0.3 * len(q), 40)
