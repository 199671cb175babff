"""Typed comparison: route an answer by the reference's kind to the rule for that kind.

Stage: verify (comparison half). Kinds come from `genreason.verify.rules.kinds` (declared answer
type, else inferred). Every answer first passes `guard_answer` (negated or hedged answers are
refused); then numbers and quantities are compared in `genreason.verify.rules.numeric_answers`,
multiple choice in `genreason.verify.rules.choice`, expressions in
`genreason.verify.rules.math.answers`, lists and matrices in `genreason.verify.rules.structures`
(each element through `compare_value`, which comes back here) and free text in
`genreason.verify.rules.text.compare`.

Every comparison returns an `Outcome`: (verdict True/False/None, rule, reason, answer parse).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from genreason.verify.rules.choice import compare_choice
from genreason.verify.rules.guards.hedges import Several, offers_several, second_candidate
from genreason.verify.rules.guards.masking import MARK_PREFIX, Masked, mask_reference
from genreason.verify.rules.guards.negation import (
    INEQUATION,
    PROSE_SHORT_ANSWER_WORDS,
    SHORT_ANSWER_WORDS,
    Negation,
    read_negation,
)
from genreason.verify.rules.kinds import (
    FUNCTION_NAMES,
    Reference,
    infer_kind,
    list_elements,
    parse_reference,
)
from genreason.verify.rules.math.answers import (
    compare_expression_in_prose,
    compare_expressions,
    squash_latex,
)
from genreason.verify.rules.numeric_answers import (
    Outcome,
    compare_numbers,
    compare_quantities,
    last_sentences,
)
from genreason.verify.rules.structures import compare_lists, compare_matrices
from genreason.verify.rules.text.booleans import parse_boolean
from genreason.verify.rules.text.compare import compare_text, names_reference
from genreason.verify.rules.text.words import (
    STOPWORDS,
    may_hold,
    split_alternatives,
    tokens,
)


# --------------------------------------------------------------------------- elements
def compare_value(ref_text: str, answer: str, question: str, kind: str | None = None) -> Outcome:
    """Compare one element (of a list or matrix) by the kind its reference looks like."""
    ref = parse_reference(ref_text, answer_type=None, question=question)
    if kind is not None and ref.kind == "string" and kind != "string":
        ref.kind = kind
    return compare_answer(ref, answer)


def _choice_by_value(ref: Reference, answer: str) -> Outcome:
    """An answer that writes an option's value differently ("cos(x)" for "\\cos x", "3e8 m/s")."""
    assert ref.options is not None and ref.letter is not None
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    hits = []
    for i, option in enumerate(ref.options):
        opt = str(option).strip()
        if not opt or infer_kind(opt) in ("string", "choice", "boolean"):
            continue
        if compare_value(opt, answer, ref.question)[0] is True:
            hits.append(letters[i])
    detail = {"kind": "choice", "matched_options": hits}
    if len(hits) == 1:
        ok = hits[0] == ref.letter
        return ok, "choice", f"answer equals option {hits[0]}'s value" + ("" if ok else f", reference is {ref.letter}"), detail
    if len(hits) > 1:
        return None, "choice", f"answer equals several options ({', '.join(hits)})", detail
    return None, "choice", "the answer names no single option", detail


# --------------------------------------------------------------------------- guards
def _is_reference_item(ref: Reference, item: str) -> bool:
    """Whether one listed item is the reference, or one element of a list reference."""
    if squash_latex(item) == squash_latex(ref.text):
        return True
    if ref.kind == "string":
        return names_reference(ref.text, item)
    elements = ref.cache.get("elements")
    if elements is None:
        found, _ = list_elements(ref.text)
        elements = ref.cache["elements"] = found if len(found) >= 2 else []
    if any(squash_latex(item) == squash_latex(e) for e in elements):
        return True
    if _dispatch_typed(ref, item, None)[0] is True:
        return True
    return any(compare_value(e, item, ref.question)[0] is True for e in elements)


def guard_answer(ref: Reference, answer: str, *, prose: bool = False) -> Outcome | str:
    """An answer that asserts no single answer ends here: negated ("not 18", "x \\neq 18"),
    or offering the reference among other candidates ("3, 4 or 5"). Returns that outcome, or
    the text to compare (the answer, or the affirmed part of a correction: "not 18 but 20").
    `prose`: the answer is the last line of a response without an answer marker."""
    if squash_latex(answer) == squash_latex(ref.text):
        return answer
    if "/" in ref.text and len(ref.text) >= 5 and ref.kind == "string":
        # The reference's alternatives written together ("1776/July 4, 1776") name one
        # answer: judge the rest of the answer around it as around its first alternative.
        whole, spaced = " ".join(ref.text.split()), " ".join(answer.split())
        if whole in spaced:
            answer = spaced.replace(whole, whole.split("/", 1)[0].strip())
    # The guards read a string reference, where the answer writes it, masked
    # (`guards.masking`): "Captain America: Civil War" or a 20-word list then makes no
    # sentence or clause of its own.
    reading = _reading(ref, answer)
    neg = _negation(ref, reading, PROSE_SHORT_ANSWER_WORDS if prose else SHORT_ANSWER_WORDS)
    if neg is not None:
        if ref.kind == "boolean":
            # "not true" is False, "Yes is wrong" is No: a negated yes/no inverts it.
            if neg.status == "negated":
                value = parse_boolean(neg.denied) if neg.denied else None
                if value is None:
                    return None, "boolean", f"{neg.reason}; the denied value is not yes/no", {"kind": "negated"}
                ok = (not value) == ref.boolean
                return ok, "boolean", f"{neg.reason}: answer {not value}, reference {ref.boolean}", {"kind": "boolean", "value": not value}
            if neg.status == "corrected":
                return Corrected(neg.text)
        elif neg.status == "negated":
            return False, "negation", neg.reason, {"kind": "negated"}
        elif neg.status == "bound":
            return None, "negation", neg.reason, {"kind": "bound"}
        elif neg.status == "inequation":
            verdict = None if ref.kind in ("expression", "list", "matrix") else False
            return verdict, "negation", neg.reason, {"kind": "inequation"}
        elif neg.status == "corrected":
            answer = neg.text
            reading = _reading(ref, answer)
    several = _several(ref, reading)
    if several is not None:
        items = [reading.unmask(item) for item in several.items[:20]]
        return several.verdict, "hedge", reading.unmask(several.reason), {"kind": "several", "items": items}
    return Corrected(answer) if neg is not None else answer


class Corrected(str):
    """The affirmed part of a corrected answer ("not 18 but 20" -> "20"): what is judged, and
    all that is; the response around it holds the denied value."""


def _reading(ref: Reference, answer: str) -> Masked:
    """How the guards read the answer: with a string reference masked where it writes one,
    else as written."""
    if ref.kind == "string":
        return mask_reference(answer, [ref.text, *split_alternatives(ref.text)])
    return Masked(answer)


def _negation(ref: Reference, reading: Masked, short_words: int) -> Negation | None:
    """The negation that governs the answer, its texts as written, or None. A reference
    holding the negating words itself ("not guilty") is compared as it stands; where it is
    masked, the words found lie outside it ("It is not I Write Sins Not Tragedies")."""
    neg = read_negation(reading.text, short_words=short_words)
    if neg.status == "none" or (not reading.written and _cue_in_reference(neg.cue, ref.text)):
        return None
    if reading.written:
        denied = neg.denied and reading.unmask(neg.denied)
        neg = replace(neg, text=reading.unmask(neg.text), reason=reading.unmask(neg.reason), denied=denied)
    return neg


def _several(ref: Reference, reading: Masked) -> Several | None:
    """The reference offered among other candidates in the guards' reading of the answer."""

    def is_reference(item: str) -> bool:
        return _is_reference_item(ref, reading.unmask(item))

    mentions = _mention_test(ref)
    if mentions is not None and reading.written:
        test = mentions
        mentions = lambda sentence: MARK_PREFIX in sentence or test(sentence)  # noqa: E731
    several = offers_several(reading.text, is_reference, only_with=mentions)
    if several is None and len(reading.text) <= 2000:
        several = second_candidate(reading.text, is_reference)
    return several


def _mention_test(ref: Reference) -> Callable[[str], bool] | None:
    """A cheap test that a sentence may state the reference, so long prose is not parsed for
    lists in every sentence: numbers need a digit, words the reference's words."""
    if ref.kind in ("integer", "number", "quantity"):
        return lambda sentence: any(c.isdigit() for c in sentence)
    if ref.kind == "string":
        if "mention_words" not in ref.cache:
            # per alternative: a sentence naming any one of them ("1776/July 4, 1776")
            alts = [{t for t in tokens(alt) if t not in STOPWORDS} for alt in split_alternatives(ref.text)]
            ref.cache["mention_words"] = [need for need in alts if need]
        needs = ref.cache["mention_words"]
        return (lambda sentence: any(may_hold(sentence, need) for need in needs)) if needs else None
    return None


def _cue_in_reference(cue: str, reference: str) -> bool:
    """Whether the reference itself says what negates the answer ("not" in "not guilty")."""
    if INEQUATION.search(cue):
        return bool(INEQUATION.search(reference))
    words = [w for w in re.findall(r"[a-z]+", cue.lower()) if w not in ("n", "t")] or ["not"]
    ref_low = reference.lower()
    return any(re.search(rf"\b{re.escape(w)}\b", ref_low) for w in words)


# --------------------------------------------------------------------------- dispatch
def compare_answer(ref: Reference, answer: str, context: str | None = None) -> Outcome:
    """Compare `answer` with the parsed reference. `context` is the whole response when it
    has no answer marker (prose), else None. Negated and hedged answers are refused first
    (`guard_answer`)."""
    guarded = guard_answer(ref, answer, prose=context is not None)
    if not isinstance(guarded, str):
        return guarded
    if isinstance(guarded, Corrected) and context is not None and len(context.split()) <= SHORT_ANSWER_WORDS:
        # a short response that corrects itself ("Tulsa is wrong; Dallas"): the correction is
        # the answer, and the rest of the response the value it denies
        context = None
    answer = str(guarded)
    outcome = _dispatch_typed(ref, answer, context)
    distinctive = re.search(r"[A-Za-z]{3,}|\d{3,}", ref.text)  # not "x" or "3": those are everywhere
    structured = ref.kind in ("string", "choice", "boolean", "matrix", "list", "expression")
    # A last line that is a different value alone ("25 cm^2" below "15 cm^2") is the answer
    # given last, not a sentence to search around.
    other_value = outcome[0] is False and not re.search(r"[A-Za-z]{4,}", re.sub(r"\\[A-Za-z]+", "", answer))
    if outcome[0] is not True and context is not None and ref.declared is None and distinctive and not structured and not other_value:
        # Untyped reference, prose response (no answer marker): open-domain QA answers name
        # the reference in a sentence ("... released in theaters on June 22, 1984."). Not for
        # matrices, lists and formulas: their text inside a response may be one candidate of
        # several, which the hedge guards cannot read in LaTeX.
        verdict, why = compare_text(ref.text, context, question=ref.question)
        if verdict is True:
            return True, "string", why + " (whole response)", {"kind": "text"}
    return outcome


def _has_words(text: str) -> bool:
    """Whether a reference holds a word of two or more letters outside LaTeX commands and the
    usual function names ("in 1966/1966" does; "\\sin x / 2" does not)."""
    words = re.findall(r"[A-Za-z]{2,}", re.sub(r"\\[A-Za-z]+", " ", text))
    return any(w.lower() not in FUNCTION_NAMES for w in words)


def _looks_like_formula(ref: Reference) -> bool:
    """Whether a string reference is a formula without words ("x^2 + 1"), read once per
    reference: every answer that is not its text asks."""
    if "formula" not in ref.cache:
        ref.cache["formula"] = not _has_words(ref.text) and infer_kind(ref.text) == "expression"
    return ref.cache["formula"]


def _dispatch_typed(ref: Reference, answer: str, context: str | None) -> Outcome:
    kind = ref.kind
    if kind == "choice":
        if ref.letter is not None:
            verdict, why, detail = compare_choice(ref.letter, answer, ref.options)
            if verdict is None and ref.options:
                return _choice_by_value(ref, answer)
            if verdict is None and ref.cache.get("choice_text"):
                # the reference names its option's text ("(B) 42"): the answer may give that text
                by_text = compare_value(ref.cache["choice_text"], answer, ref.question)
                if by_text[0] is not None:
                    return by_text[0], "choice", f"against the reference option's text: {by_text[2]}", by_text[3]
            return verdict, "choice", why, detail
        kind = "string"
    if kind == "boolean":
        p = parse_boolean(answer)
        if p is None:
            return None, "boolean", "the answer is not yes/no or true/false", {"kind": "unparsed"}
        ok = p == ref.boolean
        return ok, "boolean", f"answer {p}, reference {ref.boolean}", {"kind": "boolean", "value": p}
    if kind in ("integer", "number"):
        if context is not None:
            return compare_numbers(ref, last_sentences(context), integer=kind == "integer", prose=True)
        outcome = compare_numbers(ref, answer, integer=kind == "integer")
        if outcome[0] is None and outcome[3].get("kind") == "unparsed":
            # not one plain number: maybe a closed form or an expression ("2\\sqrt{2}")
            by_expression = compare_expressions(ref, answer)
            if by_expression[0] is not None:
                return by_expression
        return outcome
    if kind == "quantity":
        if context is not None:
            return compare_quantities(ref, last_sentences(context), prose=True)
        return compare_quantities(ref, answer)
    if kind == "matrix":
        return compare_matrices(ref, answer, compare_value)
    if kind == "list":
        return compare_lists(ref, answer, compare_value)
    if kind == "expression":
        outcome = compare_expressions(ref, answer)
        if outcome[0] is None and context is not None:
            return compare_expression_in_prose(ref, last_sentences(context))
        return outcome
    verdict, why = compare_text(ref.text, answer, question=ref.question)
    if verdict is not True and context is not None:
        v2, why2 = compare_text(ref.text, context, question=ref.question)
        if v2 is True:
            return True, "string", why2 + " (whole response)", {"kind": "text"}
    if verdict is not True and _looks_like_formula(ref):
        v3 = compare_expressions(ref, answer)
        if v3[0] is True:
            return v3
    return verdict, "string", why, {"kind": "text"}
