"""The answer on a marker's line: its wrapping off, and where the answer's sentence ends.

Stage: verify (inside extraction). `genreason.verify.extract` finds a marker ("The answer is",
"Final Answer:") and hands the rest of its line here; `closing_sentence` says how much of it
is the answer and what is said after it, `clean_answer` takes markdown/LaTeX wrapping off.

A marker's line is one of two shapes:
- a short answer, then a sentence about it: "42. This is because ...", "(B). I hope it is
  correct.", "Nitrogen fixation. It converts ...": the answer ends with its sentence and the
  remark is kept aside;
- an answer that is itself several sentences, as multiple-choice option texts can be
  ("Glaciers carve deep valleys as they move downhill. Rivers later fill them ...", "Bees
  dance to show where food is. In contrast, ants ..."): the line is kept whole.
They are told apart by the form of the first sentence and of the next one's opening, not by
what the answer is about (`_is_statement`, `_EXPLANATION_OPENER`); a line wrapped whole in
one math or bold span ("$Valid. No counterexample exists$") is one answer whatever its form.
"""

from __future__ import annotations

import re

_WRAPPERS = re.compile(r"^(?:\*\*|__|\$\$|\$|\\\[|\\\(|`)+|(?:\*\*|__|\$\$|\$|\\\]|\\\)|`)+$")


def clean_answer(text: str) -> str:
    """Strip markdown/LaTeX wrappers and trailing sentence punctuation from an answer line."""
    s = text.strip()
    for _ in range(3):
        s = _WRAPPERS.sub("", s).strip()
        s = s.rstrip(" .;,")
        s = s.strip()
    return s


# "The final answer is $X$. I hope it is correct." (the Minerva / Llama evaluation format):
# the answer ends with its sentence, and a nested "the final answer is" is the same marker.
_NESTED_MARKER = re.compile(r"^(?:the\s+)?(?:final\s+)?answer\s+is\s*[:：]?\s*", re.IGNORECASE)
_HOPE = re.compile(r"[.\s]*\bI hope it is correct\W*$", re.IGNORECASE)

# A sentence end: a period after two non-space characters ("(H).", "20.", not the "F." of
# "B.F. Skinner") that do not end a title before a name ("Mr. Jones", "Dr. Smith"), then a
# capital.
_TITLES = ("Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Gen", "Gov", "Rev", "Sen", "Rep")
_SENTENCE_END = re.compile(
    r"(?<=[^\s.][^\s.])" + "".join(rf"(?<!\b{t})" for t in _TITLES) + r"\.\s+(?=[A-Z])"
)
# Beyond this many words the first sentence is a statement, not an answer followed by its
# explanation, and the whole line is kept (option texts can be long sentences).
MAX_ANSWER_SENTENCE_WORDS = 12
# From this many words on, a first sentence of words alone (no number, letter or formula) is
# a statement too, and is kept whole with what follows unless that opens as an explanation.
# Values are shorter: a letter, a number with its unit, a name ("Wilhelm Conrad Röntgen").
MIN_STATEMENT_WORDS = 4

# How a sentence about the answer opens (rather than a further sentence of the answer):
# a reason or a conclusion ("This is because", "Therefore", "Since"), the writer speaking
# ("I hope", "We", "Let"), a reservation ("However", "But", "Note"), or talk about the
# answer or the options ("The reason", "The other options", "Option C"). A demonstrative
# ("This", "That") points back at the answer as a claim; a bare "It"/"They" after a
# statement more often carries on with the statement's own subject ("Salt lowers the
# freezing point of water. It is spread on roads ..."), so it is not an opener here (after a
# short value it is cut anyway).
_EXPLANATION_OPENER = re.compile(
    r"^(?:This|That|These|Those|Such|Therefore|Thus|Hence|So|Consequently|Accordingly|Because|Since"
    r"|As|For|I|I'm|I've|We|We're|My|Our|Let|Let's|However|But|Although|Though|Note|Hopefully|Here"
    r"|Explanation|Reason|Justification|Finally|Overall|In\s+(?:summary|conclusion|short|other\s+words)"
    r"|The\s+(?:reason|explanation|rest|others?|other\s+\w+|correct|right|best|final|answer|options?|choices?)"
    r"|(?:Option|Choice|Answer)s?)\b"
)


def closing_sentence(line: str) -> tuple[str, str]:
    """(the answer's own sentence, what followed it on the line) for the text after a marker."""
    answer = _unmarked(clean_answer(line))
    # "The answer is (H). The stimulation of ...": the answer ends with its sentence
    parts = _SENTENCE_END.split(answer, maxsplit=1)
    if (
        len(parts) == 2
        and not _one_wrapped_span(_unmarked(line.strip()))
        and _answer_ends_at_first_sentence(parts[0], parts[1])
    ):
        return clean_answer(parts[0]), parts[1].strip()
    return clean_answer(answer), ""


def _unmarked(line: str) -> str:
    """`line` without a nested "the final answer is" and the Minerva format's closing words."""
    return _HOPE.sub("", _NESTED_MARKER.sub("", line, count=1))


def _answer_ends_at_first_sentence(first: str, rest: str) -> bool:
    """Whether `first` is the whole answer and `rest` a remark on it."""
    if len(first.split()) > MAX_ANSWER_SENTENCE_WORDS or offers_another(first, rest):
        return False
    # a statement carried on by another sentence of it: the answer is the whole line
    return not (_is_statement(first) and not _EXPLANATION_OPENER.match(rest.lstrip()))


def _one_wrapped_span(answer: str) -> bool:
    """Whether the line is one math or bold span, opened at its start and closed at its end
    ("$Valid. No counterexample exists$"): its sentence ends are inside the answer."""
    s = answer.strip().rstrip(" .")
    return any(
        len(s) > 2 * len(w) and s.startswith(w) and s.endswith(w) and s.count(w) == 2
        for w in ("$", "**")
    )


def _is_statement(sentence: str) -> bool:
    """A sentence of several words and nothing else: text, not a value (a number, an option
    letter, a formula), which ends where its sentence does."""
    s = clean_answer(sentence)
    words = s.split()
    return (
        len(words) >= MIN_STATEMENT_WORDS
        and not re.search(r"[\d$\\{}=^]", s)
        and not _OPTION_LETTER.search(s)
    )


_OPTION_LETTER = re.compile(
    r"(?:^|[\s(\[])\(?[A-J]\)(?=[\s.,;:]|$)|\boption\s+[A-J]\b|\b[A-J]\s+(?:is|was)\b"
)


def offers_another(answer: str, rest: str) -> bool:
    """Whether the sentences after a short answer hold a value of the same kind (a number after
    a number, an option letter after a letter): "18. It could also be 19." is then one answer
    line, not "18" with a remark, and the judge sees all of it."""
    if re.search(r"\d", answer) and re.search(r"\d", rest):
        return True
    core = answer.strip().strip("()[]*. ")
    return (
        len(core) == 1 and core.upper() in "ABCDEFGHIJ" and _OPTION_LETTER.search(rest) is not None
    )


# Sentences: shared with the guards (`genreason.verify.rules.guards.items`).
SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\\$0-9-])|\n+")
# A capital letter and a period inside a name ("G. Hannelius", "Hank J. Deutschendorf") ends
# no sentence unless what follows opens one ("The answer is B. Alternatively, C.").
_INITIAL_END = re.compile(r"(?:^|[\s(])[A-Z]\.$")
_OPENER = re.compile(
    r"^(?:it|its|this|that|these|those|the|a|an|alternatively|or|but|and|another|however|so|therefore|thus|"
    r"hence|i|we|you|also|maybe|perhaps|possibly|either|otherwise|if|then|note|because|since)\b",
    re.IGNORECASE,
)


def split_sentences(text: str) -> list[str]:
    """`text` cut into sentences and lines (`SENTENCE_SPLIT`), initials kept inside names."""
    pieces = SENTENCE_SPLIT.split(text)
    out: list[str] = []
    for piece in pieces:
        if out and _INITIAL_END.search(out[-1]) and piece[:1].isupper() and not _OPENER.match(piece):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out
