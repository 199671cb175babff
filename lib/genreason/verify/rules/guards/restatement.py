"""Restatements: a response that only copies the question back.

Stage: verify (the junk check every answer passes, and the whole-response check of prose
without an answer marker). A copied question contains every word of a reference that the
question itself names ("Is it 12 or 13?"), so a rule that finds the reference inside the
answer must refuse copies first. Pure string work.
"""

from __future__ import annotations

import functools
import re
import unicodedata


@functools.lru_cache(maxsize=512)
def _plain_words(text: str) -> tuple[str, ...]:
    s = text[:20000]
    s = (s if s.isascii() else unicodedata.normalize("NFKD", s)).lower()
    return tuple(_PLAIN_WORD.findall(s))


_PLAIN_WORD = re.compile(r"[a-z]+|\d+(?:\.\d+)?")


_LEAD = re.compile(r"^\W*(?:question|problem|task)\s*:\s*", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
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
    if len(answer) <= len(question) + 40:  # a copy is no longer than the question and a lead-in
        copied = _LEAD.sub("", answer.strip())
        squashed, whole = _SPACES.sub("", copied), _SPACES.sub("", question)
        if len(squashed) >= 8 and whole.startswith(squashed) and 2 * len(squashed) >= len(whole):
            return True  # the question, or most of its start, however short ("Simplify $\frac{8}{22}$.")
    a = _plain_words(answer)
    if len(a) < 2 or (len(a) < 6 and "?" not in answer):
        return False
    q = _plain_words(question)
    if len(q) < 6:
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
