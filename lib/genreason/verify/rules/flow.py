"""The judging flow for one item: extract the answer, refuse junk and restatements, compare.

Stage: verify. `judge_with_reference` judges one `Item` against its reference parsed once by
`reference_for` (`genreason.verify.rules.kinds`); `judge_items` runs a batch in this process.
Both the in-process path of `RuleVerifier` and the worker processes of
`genreason.verify.rules.pool` call these functions, so neither of those modules imports the
other's internals (no import cycle). Never raises on model output: a comparison bug becomes
an undecided judgment with rule "error".
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from typing import Any

from genreason.judging import NO_ANSWER, Item, Judgment
from genreason.verify.extract import break_long_gaps, extract_answer, strip_thinking
from genreason.verify.rules.choice import LETTERS, option_words
from genreason.verify.rules.dispatch import compare_answer
from genreason.verify.rules.guards.hedges import second_candidate
from genreason.verify.rules.guards.items import shorten
from genreason.verify.rules.guards.junk import junk_reason
from genreason.verify.rules.guards.restatement import restates_question
from genreason.verify.rules.kinds import Reference, parse_reference
from genreason.verify.rules.text.compare import names_sibling
from genreason.verify.rules.text.words import split_alternatives, tokens

logger = logging.getLogger(__name__)


def judge_with_reference(ref: Reference, item: Item, judge: str = "rule") -> Judgment:
    """Judge one item against its already parsed reference. Never raises on model output."""
    t0 = time.perf_counter()
    try:
        verdict, rule, reason, extracted, detail = _judge(ref, item)
    except Exception as exc:  # a comparison bug must not sink the batch: undecided, logged
        logger.debug("rule verifier error on %r", item.item_id, exc_info=True)
        verdict, rule, reason, extracted, detail = None, "error", f"internal error: {type(exc).__name__}", None, {}
    detail["reference"] = ref.describe()
    return Judgment(
        judge=judge,
        verdict=verdict,
        extracted=extracted if extracted is not None else NO_ANSWER,
        reason=reason,
        rule=rule,
        detail=detail,
        cost={"seconds": round(time.perf_counter() - t0, 6)},
        item_id=item.item_id,
    )


def _judge(ref: Reference, item: Item) -> tuple[bool | None, str, str, str | None, dict[str, Any]]:
    ex = extract_answer(item.response)
    detail: dict[str, Any] = {"extraction": ex.method}
    if ex.answer is None and ex.method == "unreadable":
        return None, "unreadable", "the answer could not be read (over-long or unbalanced response)", None, detail
    if ex.answer is None:
        why = "empty \\boxed{}" if ex.method == "boxed_empty" else "no answer found in the response"
        return False, "no_answer", why, None, detail
    answer = ex.answer
    junk = junk_reason(answer, item.question, ref.text)
    if junk:
        return False, "junk", junk, answer, detail
    context = None
    undecided = _UNDECIDED.search(answer) if ex.method == "last_line" else None
    if undecided is not None and not re.search(r"\d", answer[undecided.end() :]):
        # no marker, and the response ends saying it cannot choose (no value after that): it
        # commits to no answer, whatever words its last line holds ("... without more information")
        return None, "no_answer", "the response ends without committing to an answer", answer, detail
    if ex.method == "last_line":
        # No marker: the whole (tail of the) response is the answer; a buried string answer
        # is looked for there, numbers stay with the last line.
        context = break_long_gaps(strip_thinking(item.response))[-4000:]
        if item.question and restates_question(context, item.question) and not _is_reference_text(context, ref.text):
            return False, "junk", "restates the question (whole response)", answer, detail
    rest = getattr(ex, "rest", None)  # what the answer line says after the answer
    if rest:
        several = second_candidate(f"{answer}. {rest}", lambda item: compare_answer(ref, item)[0] is True)
        if several is not None:
            detail["answer"] = {"kind": "several", "items": list(several.items)}
            return False, "hedge", several.reason + " (on the answer line)", answer, detail
    verdict, rule, reason, parse = compare_answer(ref, answer, context)
    detail["answer"] = parse
    other = _trailing_answer(rest, ref) if rest and verdict is True else None
    if other is None and verdict is True:
        other = _second_line_answer(answer, ref)
    if other is not None:  # a wrong answer stays False; a right one followed by another is unsure
        detail["answer"] = {"kind": "several", "items": [answer, other]}
        reason = f"another answer ({shorten(other, 40)!r}) follows the answer: which one is meant is unclear"
        return None, "hedge", reason, answer, detail
    return verdict, rule, reason, answer, detail


_UNDECIDED = re.compile(
    r"\b(?:cannot|can\s*not|can['’]t|unable\s+to|impossible\s+to)\s+(?:\w+\s+){0,2}?"
    r"(?:decide|determine|choose|tell\s+which|say\s+which|be\s+sure|know\s+which)\b",
    re.IGNORECASE,
)
# A look-alike of the reference below it is another answer however many words it has.
MAX_SIBLING_WORDS = 12
# A closing line that is prose or markup, not an answer: a sentence, a tag, a rule line.
_TRAILING_PROSE = re.compile(r"[.!?:]$|^</?\w+>$")


def _trailing_answer(rest: str, ref: Reference) -> str | None:
    """The text after the answer when it is itself another answer: "(G)" on the answer line
    and "none" on the last line end the response with two answers, and a reward must not pay
    for the first alone. Another answer is a short item (one to three words, not a sentence)
    that does not name the reference, or, for a choice, the text of another option. Prose
    after an answer ("I hope it is correct.") is neither."""
    tail = rest.strip().strip("*_`$ ")
    if not tail or not re.search(r"\w", tail):
        return None
    if ref.options and ref.letter is not None:
        # the option written exactly, else in words ("num1 > num2 || num1 < num3" and
        # "num1 < num2 && num1 < num3" share their words, not their text)
        exact = " ".join(tail.split())
        chosen = [k for k, option in enumerate(ref.options) if " ".join(str(option).split()) == exact]
        if not chosen:
            written = option_words(tail)
            chosen = [k for k, option in enumerate(ref.options) if option_words(option) == written]
        if chosen and all(LETTERS[k] != ref.letter for k in chosen):
            return tail  # another option's text written out below the answer
    verdict, _, _, parse = compare_answer(ref, tail)
    if verdict is True:
        return None  # the answer said again ("B" and, below, option B's text)
    if verdict is False and isinstance(parse, dict) and parse.get("kind") == "choice" and parse.get("letter"):
        return tail  # another option chosen below the answer
    if verdict is False and len(tail.split()) <= MAX_SIBLING_WORDS and names_sibling(ref.text, tail):
        return tail  # the reference's sibling below it ("Hank J. Deutschendorf I")
    if _look_alike(tail, ref.text):
        return tail  # a long reference with a word changed below it (a word list, a title)
    if len(tail.split()) > 3 or _TRAILING_PROSE.search(tail):
        return None
    return tail


def _look_alike(tail: str, reference: str) -> bool:
    """Whether `tail` is written like the reference, but is not it: about as many words, most
    of them the reference's, and no sentence ("kitakyushu, sequel, eighth, ..." below
    "kitakyushu, sequel, seventh, ...")."""
    if _TRAILING_PROSE.search(tail):
        return False
    t = tokens(tail)
    for alt in split_alternatives(reference):
        r = tokens(alt)
        if len(r) >= 4 and 0.5 * len(r) <= len(t) <= 1.5 * len(r) and 2 * len(set(t) & set(r)) >= len(set(r)):
            return True
    return False


_WORDS_LINE = re.compile(r"[\w'’ -]{1,40}")


def _second_line_answer(answer: str, ref: Reference) -> str | None:
    """The last line of an answer written over several lines ("\\boxed{X" ... "none}") when
    the first line alone is the answer and the last is another short answer in words; a
    formula's lines ("\\end{pmatrix}") are not answers of their own."""
    lines = [line.strip() for line in answer.split("\n") if line.strip()]
    if len(lines) < 2 or not _WORDS_LINE.fullmatch(lines[-1]):
        return None
    if compare_answer(ref, lines[0])[0] is not True:
        return None
    return _trailing_answer(lines[-1], ref)


def _is_reference_text(text: str, reference: str) -> bool:
    return re.sub(r"\s+", "", text) == re.sub(r"\s+", "", reference)


def judge_items(items: Sequence[Item], judge: str = "rule") -> list[Judgment]:
    """Judge items in this process, parsing each distinct reference once (no time limit)."""
    refs: dict[tuple, Reference] = {}
    out = []
    for item in items:
        key = (item.reference, item.answer_type, item.options, item.question)
        if key not in refs:
            refs[key] = reference_for(item)
        out.append(judge_with_reference(refs[key], item, judge))
    return out


def reference_for(item: Item) -> Reference:
    """Parse an item's reference (raises ValueError on an empty reference: a data error)."""
    if not isinstance(item.reference, str) or not item.reference.strip():
        raise ValueError(f"item {item.item_id!r} has an empty reference answer; fix the input data")
    return parse_reference(
        item.reference, answer_type=item.answer_type, options=item.options, question=item.question or ""
    )
