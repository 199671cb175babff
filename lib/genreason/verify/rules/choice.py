"""Multiple-choice answers: letters in their usual forms, option texts, and the two together.

Stage: verify (comparison half for "Multiple Choice"). An answer may give a letter ("B",
"(B)", "B.", "option B", "\\textbf{B}"), an option's text ("Paris"), or both ("B) Paris"); both
must then agree (WebInstruct-verified marks 13.4% of questions Multiple Choice, and the
General-Reasoner paper, section 4, names option text against a letter as a rule-based miss).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from genreason.verify.rules.latex import unwrap_text
from genreason.verify.rules.numbers import numbers_match, parse_number
from genreason.verify.rules.text.words import fold, normalize

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

_LETTER_ONLY = re.compile(
    r"^(?:(?:the\s+)?(?:correct\s+)?(?:option|choice|answer)\s*(?:is\s*)?:?\s*)?"
    r"[\(\[]?\s*(?P<letter>[A-Za-z])\s*[\)\]]?\s*[.:)]?$",
    re.IGNORECASE,
)
_LETTER_AND_TEXT = re.compile(
    r"^(?:(?:option|choice)\s*)?[\(\[]?(?P<letter>[A-Z])(?:[\)\]]\s*[.:]?|[.:])\s+(?P<text>\S.*)$",
)


@dataclass(frozen=True)
class Choice:
    """What an answer chose: a letter, an option text, or both."""

    letter: str | None
    text: str | None = None

    def describe(self) -> dict[str, object]:
        return {"kind": "choice", "letter": self.letter, "text": self.text}


def option_letters(options: Sequence[str] | None) -> str:
    return LETTERS[: len(options)] if options else LETTERS[:10]


def _clean(answer: str) -> str:
    s = answer.strip().strip("$").strip()
    s = unwrap_text(s)
    s = s.replace("**", "").strip().rstrip(".").strip()
    return s


def parse_choice(answer: str, options: Sequence[str] | None = None) -> Choice | None:
    """The letter (and text) an answer chose; None when it names no single option."""
    s = _clean(answer)
    letters = option_letters(options)
    m = _LETTER_ONLY.match(s)
    if m:
        letter = m.group("letter")
        # A bare lower-case letter counts ("b"), as does "(b)"; a word does not.
        if letter.upper() in letters:
            return Choice(letter.upper())
    m = _LETTER_AND_TEXT.match(s)
    if m and re.search(r"(?:^|\s)\([A-J]\)\s", m.group("text")):
        return None  # "(I) text (J) text": two options named, not one chosen
    if m and re.match(r"(?:and|or|nor|plus|&)\b", m.group("text"), re.IGNORECASE):
        return None  # "(E) and it was opened", "B) or C": the letter joined to another answer
    if m and m.group("letter") in letters:
        return Choice(m.group("letter"), m.group("text").strip())
    if options:
        letter = match_option_text(s, options)
        if letter is not None:
            return Choice(letter, s)
    return None


def match_option_text(text: str, options: Sequence[str]) -> str | None:
    """The letter of the one option whose text `text` is (normalised, or numerically)."""
    target = normalize(text)
    if not target:
        return None
    exact = [LETTERS[i] for i, opt in enumerate(options) if normalize(str(opt)) == target]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        return None
    num = parse_number(text)
    if num is not None:
        hits = []
        for i, opt in enumerate(options):
            on = parse_number(str(opt))
            if on is not None and numbers_match(on, num)[0]:
                hits.append(LETTERS[i])
        if len(hits) == 1:
            return hits[0]
    return None


def reference_letter(reference: str, options: Sequence[str] | None) -> str | None:
    """The reference's letter, whether written as a letter, "(B) text", or an option's text."""
    choice = parse_choice(reference, options)
    if choice is not None:
        return choice.letter
    return None


def text_agrees(text: str, option: str) -> bool:
    """Whether the text written after a letter is that option's text (or a clear part of it)."""
    a, b = normalize(text), normalize(option)
    if not a or a == b:
        return True
    if len(a) >= 4 and (b.startswith(a) or a.startswith(b)):
        return True  # truncated or lightly extended ("42 N" for "42")
    na, nb = parse_number(text), parse_number(option)
    if na is not None and nb is not None:
        return numbers_match(nb, na)[0]
    return fold(text).strip() == fold(option).strip()


def compare_choice(
    ref_letter: str, answer: str, options: Sequence[str] | None
) -> tuple[bool | None, str, dict[str, object]]:
    """Verdict, reason and parse record for a multiple-choice answer."""
    if options:
        # an option's whole text is that option, even when it opens like a letter ("B. F. Skinner")
        written = option_words(answer)
        exact = [k for k, option in enumerate(options) if " " in written and option_words(str(option)) == written]
        if len(exact) == 1:
            letter = LETTERS[exact[0]]
            detail = {"kind": "choice", "letter": letter, "text": answer.strip()}
            if letter == ref_letter:
                return True, f"wrote the text of option {letter}, the reference option", detail
            return False, f"wrote the text of option {letter}, reference is {ref_letter}", detail
    choice = parse_choice(answer, options)
    if choice is None:
        return None, "the answer names no single option", {"kind": "unparsed"}
    detail = choice.describe()
    if choice.text is not None and options and choice.letter is not None:
        idx = LETTERS.index(choice.letter)
        if idx < len(options) and not text_agrees(choice.text, str(options[idx])):
            # "B) Paris" where B is not Paris: the letter and the text disagree.
            by_text = match_option_text(choice.text, options)
            if by_text is not None and by_text != choice.letter:
                return False, f"letter {choice.letter} and text (option {by_text}) disagree", detail
    if choice.letter == ref_letter and choice.text is not None and options:
        other = _other_option_text(choice.text, choice.letter, options)
        if other is not None:  # "(F) Stayed the same Decreased": F's text and then E's
            return None, f"writes option {choice.letter} and the text of option {other}", detail
    if choice.letter == ref_letter:
        return True, f"chose {choice.letter}, the reference option", detail
    return False, f"chose {choice.letter}, reference is {ref_letter}", detail


def option_words(text: str) -> str:
    """An option's text as lower-case words, for equality tests ("Stayed the same." -> "stayed the same")."""
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def _other_option_text(text: str, letter: str, options: Sequence[str]) -> str | None:
    """The letter of another option whose text is all `text` adds to the chosen option's."""
    idx = LETTERS.index(letter)
    rest = f" {option_words(text)} "
    own = option_words(str(options[idx])) if idx < len(options) else ""
    if own:
        rest = rest.replace(f" {own} ", " ", 1)
    left = len(rest.split())
    for k, option in enumerate(options):
        words = option_words(str(option))
        # the rest is little more than that option's text: not an explanation that names it
        if k != idx and words and words != own and f" {words} " in rest and left <= len(words.split()) + 2:
            return LETTERS[k]
    return None


_INLINE_OPTION = re.compile(r"(?:^|\n|\s)\(?([A-J])[\).:]\s+(.+?)(?=(?:\n|\s)\(?[A-J][\).:]\s|\n\n|$)", re.DOTALL)


def options_from_question(question: str) -> tuple[str, ...] | None:
    """Options written inside the question ("A. 12  B. 14 ..." or one per line), in order.

    Only a run that starts at A and goes on letter by letter counts, so a stray "B." in the
    text is not read as an option list.
    """
    found = [(m.group(1), m.group(2).strip()) for m in _INLINE_OPTION.finditer(question[-4000:])]
    # the last run A, B, C, ... (questions sometimes quote letters before listing options)
    run: list[str] = []
    for letter, text in found:
        if letter == "A":
            run = [text]
        elif run and LETTERS.index(letter) == len(run):
            run.append(text)
    if len(run) < 2:
        return None
    return tuple(t.rstrip(" ;,") for t in run)
