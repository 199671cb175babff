"""Negation: a negation that governs an answer voids it; a correction keeps what it affirms.

Stage: verify (between extraction and comparison; `genreason.verify.rules.dispatch.guard_answer`).
"not 18", "The answer is not 18.", "x \\neq 18", "18 is wrong", "neither 3 nor 4" and, in a
short answer, any negation ("I don't think it is 18", "anything but 18") assert no answer: a
rule that finds 18 inside them must not accept it. A correction keeps the affirmed part
("not 18 but 20", "20, not 18", "That is incorrect. The answer is 20."); a negated comparison
("not less than 5") is a bound, not a value. Titles and quotations keep their own words
("Not Afraid is a song by Eminem"). Pure string work.

    read_negation("not 18 but 20")  # Negation(status="corrected", text="20", ...)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from genreason.verify.rules.guards.items import SENTENCE_SPLIT, bracket_spans, shorten, word_count

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
    r"(?:anything|everything|any\s+value)\s+(?:but|except|other\s+than)|"  # however long what follows
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
# Anything any rule below reads as a negation (a cheap test first).
_ANY_NEGATION = re.compile(
    NEGATION_CUE.pattern + r"|\bfalse\b|\brather\s+than\b|\binstead\s+of\b|\bas\s+opposed\s+to\b|" + INEQUATION.pattern,
    re.IGNORECASE,
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


_INITIAL_END = re.compile(r"(?:^|\s)[A-Z]\.$")
_NAME_START = re.compile(
    r"^(?:[A-Z]\.|(?!(?:The|It|This|That|These|Those|So|Then|But|And|An?|In|On|At|Therefore|Thus|"
    r"Hence|We|I|You|He|She|They|There|Here|Its|Our|My|Your|His|Her|Their|Answer|Option|Choice)\b)"
    r"[A-Z][a-z]{2,})"
)


def _sentences(text: str) -> list[str]:
    """Sentences of `text`, an initial kept with the name after it ("not W. S. Stevenson" is
    one denial, not "not W." and then the answer "S. Stevenson"; "not B. C is" still splits)."""
    out: list[str] = []
    for piece in SENTENCE_SPLIT.split(text):
        if not piece.strip():
            continue
        if out and _INITIAL_END.search(out[-1]) and _NAME_START.match(piece):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def read_negation(answer: str, *, short_words: int = SHORT_ANSWER_WORDS) -> Negation:
    """Whether a negation governs `answer`, and what remains affirmed (see `Negation`).

    Only the opening sentence is read for a denial; later sentences of the answer are what
    it affirms instead ("I'm sorry, that is incorrect. The first card was ..."). Beyond the
    usual forms ("not 18", "18 is wrong"), any negation in a one-sentence answer of at most
    `short_words` words voids it ("I don't think it is 18"); prose answers (no answer marker)
    pass a smaller bound, as their negations are often incidental."""
    s = answer.strip()
    if not _ANY_NEGATION.search(s):
        return Negation("none", s)  # the common case, told by one search
    m = INEQUATION.search(s)
    if m:
        return Negation("inequation", s, "an inequation ('\\neq') where a value is expected", m.group(0))
    sentences = _sentences(s)
    if len(sentences) > 1:
        first = _read_sentence(sentences[0], 0)
        later = " ".join(sentences[1:])
        if first.status == "negated" and _has_content(later):
            inner = read_negation(later, short_words=short_words)
            if inner.status in ("none", "corrected"):
                return Negation("corrected", inner.text, f"a denial, then the answer: {shorten(inner.text)!r}", first.cue)
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
            return Negation("bound", s, f"a negated comparison is a bound, not a value: {shorten(s)!r}", cue)
        if _NOT_ONLY.match(rest):
            return Negation("negated", s, f"'not only ... but also' asserts several answers: {shorten(s)!r}", cue)
        parts = _CORRECTION.split(rest, maxsplit=1)
        if len(parts) == 2 and _has_content(parts[1]):
            inner = _read_sentence(parts[1], short_words)
            if inner.status in ("none", "corrected"):
                return Negation("corrected", inner.text, f"negated value dropped, correction kept: {shorten(inner.text)!r}", cue)
            return inner
        return Negation("negated", s, f"the answer is negated: {shorten(s)!r}", cue, parts[0].strip(" .!"))
    m = _NEG_AFTER.match(s)
    if m:
        cue = " ".join(NEGATION_CUE.findall(s[m.end("cand") : m.start("rest")])) or "not"
        parts = _CORRECTION.split(m.group("rest"), maxsplit=1)
        if len(parts) == 2 and _has_content(parts[1]):
            inner = _read_sentence(parts[1], short_words)
            if inner.status in ("none", "corrected"):
                return Negation("corrected", inner.text, f"denied value dropped, correction kept: {shorten(inner.text)!r}", cue)
        return Negation("negated", s, f"the answer denies its value: {shorten(s)!r}", cue, m.group("cand").strip())
    stripped = s
    for _ in range(3):  # "18, not 20" / "18 (not 20)" / "18 rather than 20"
        cut = _NEG_TAIL.sub("", stripped).rstrip(" ,;")
        if cut == stripped:
            break
        stripped = cut
    if stripped != s and _has_content(stripped):
        return Negation("corrected", stripped, f"negated alternative dropped: {shorten(stripped)!r}", "not")
    if short_words:
        core = _JUSTIFICATION.sub("", s).strip()
        # Titles and quotations keep their own words ("Not Afraid", "Don't Take Your Guns to Town").
        core_words = _TITLE_RUN.sub(" ", re.sub(r"[\"“][^\"”]*[\"”]", " ", core))
        cue_m = NEGATION_CUE.search(core_words)
        if cue_m and word_count(_collapse_brackets(core)) <= short_words and not _NOT_UNTIL.search(core_words):
            return Negation("negated", s, f"a short answer that denies something: {shorten(s)!r}", cue_m.group(0))
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
    for a, b in reversed(bracket_spans(text)):
        text = text[:a] + " X " + text[b:]
    return text


def _has_content(text: str) -> bool:
    return bool(re.search(r"[A-Za-z0-9\\∞π√]", text))
