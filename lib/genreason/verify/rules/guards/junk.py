"""Junk answers: no attempt at an answer (placeholders, the start of a solution, the question back).

Stage: verify (the first check every extracted answer passes, in `genreason.verify.rules.flow`).
"""

from __future__ import annotations

import re

from genreason.verify.rules.guards.restatement import restates_question
from genreason.verify.rules.latex import unwrap_text
from genreason.verify.rules.text.common_words import zipf
from genreason.verify.rules.text.words import fold

_JUNK_PATTERNS = re.compile(
    r"^(?:let'?s (?:solve|think|start|begin|break|find|calculate|compute|work)|let us|"
    r"we (?:need|will|can|have) to|first,? (?:we|let|i)\b|to (?:solve|find|determine|calculate) (?:this|the)|"
    r"step \d|i (?:will|need to|cannot|can't|don't know|am not sure)|"
    r"(?:solution|thinking|reasoning|hmm+|okay|ok|sure)\s*[:.,!]?$|(?:the |final )?answer\s*[:.]?$|"
    r"n/?a$|none$|unknown$|not sure|cannot be determined|insufficient information|\?+$|\.+$|…$)",
    re.IGNORECASE,
)


def junk_reason(answer: str, question: str, reference: str) -> str | None:
    """Why `answer` is junk (no attempt at an answer), or None when it is a real attempt."""
    s = answer.strip()
    if not s:
        return "empty answer"
    if re.sub(r"\s+", "", s) == re.sub(r"\s+", "", reference):
        return None  # the reference itself ("[]", "\\emptyset"), however it looks
    if not re.search(r"[A-Za-z0-9\u0370-\u03ff\u0400-\u04ff\u4e00-\u9fff]", s):
        if not re.search(r"\\[A-Za-z]+|[∞π√∅]", s):
            return "only punctuation"
    low = fold(s).strip()
    ref_low = fold(reference).strip()
    if low != ref_low and _JUNK_PATTERNS.match(low) and not _JUNK_PATTERNS.match(ref_low):
        return "a placeholder or the start of a solution, not an answer"
    unevaluated = re.compile(r"\\(?:int|iint|oint|sum|prod|lim)(?![A-Za-z])|\\frac\{d\}\{d[a-z]\}|\\frac\{\\partial")
    if unevaluated.search(s) and not unevaluated.search(reference):
        return "an unevaluated integral, sum or limit (the problem restated)"
    if question and restates_question(s, question):
        return "restates the question"
    if mostly_non_words(s, reference):
        return "mostly not English words: filler around a value, not an answer"
    return None


_ASCII_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{3,}(?![A-Za-z])")
# Filler words an answer may carry around its value; real answers are made of words a
# frequency list knows (Zipf >= 2.5: about 3 per billion words or more), a rare name aside.
# Words of one or two letters are left out: short syllables occur in every language's lists.
MIN_FILLER_WORDS = 8
# The commonest English function words of three letters or more (a cheap first test).
_FUNCTION_WORDS = frozenset(
    "the and for that with was are were this from has have had not but which who its his her "
    "their they she you one all can also than then been into more when there would will".split()
)
UNKNOWN_ZIPF = 2.5


def mostly_non_words(answer: str, reference: str) -> bool:
    """Whether at least half of the (8 or more, 3+ letters) ASCII words of `answer` outside the
    reference are unknown to English word frequency lists: a value buried in filler
    ("zava he fumo ... 100 ... kitone"). False without wordfreq."""
    words = _ASCII_WORD.findall(unwrap_text(answer[:4000]))
    if len(words) < MIN_FILLER_WORDS:
        return False
    lower = [w for w in words if w.islower()]
    if len(lower) < MIN_FILLER_WORDS:
        return False
    if sum(w in _FUNCTION_WORDS for w in lower) >= 0.1 * len(lower):
        return False  # English prose: a tenth or more of its words are function words
    ref_words = {w.lower() for w in _ASCII_WORD.findall(reference)}
    # capitalised words are names as often as not ("Sukhwinder Singh"): only lower case counts
    others = [w for w in words if w.islower() and w not in ref_words]
    if len(others) < MIN_FILLER_WORDS:
        return False
    others = others[:40]  # a sample is enough to tell filler from prose
    unknown = known = 0
    for w in others:
        value = zipf(w)
        if value is None:
            return False
        if value < UNKNOWN_ZIPF:
            unknown += 1
        else:
            known += 1
            if known > 0.5 * len(others):
                return False
    return unknown >= 0.5 * len(others)
