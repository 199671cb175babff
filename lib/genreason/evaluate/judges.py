"""Evaluation judges: one deterministic verdict per model output, by each benchmark's rules.

Stage: evaluate (scoring). Reads (question, output) pairs, returns `Scored` rows: what was
extracted, the verdict, its status and which rule decided. Built on the workbench's rule
verifier (`genreason.verify.rules.verifier.RuleVerifier`, extraction in
`genreason.verify.extract`); nothing here is random. The original scripts put a random letter
in place of an answer they could not extract (DESIGN.md section 4); here an output without an
answer is wrong, with status "no_answer", and one the rules cannot decide is wrong with status
"undecided", and both are counted in the summary.

Judges (the name is stored with every result):
- "rule": the rule verifier as it is (MATH-500, GSM8K: math by equivalence).
- "choice": multiple choice. The answer format the protocol asked for is read first (MMLU-Pro's
  CoT prompt asks for "the answer is (X)"); it counts only when it names one option. Otherwise
  the rule verifier judges (letters, "B) text" or an option's text).
- "choice+harness": "choice", then where it finds no single option, MMLU-Pro's own fallbacks
  (evaluate_from_local.py): the last "Answer: X", then the last standalone letter A-J.
- "theoremqa": the rule verifier, then TheoremQA's typed tolerance (TIGER-AI-Lab/TheoremQA
  utils.py `within_eps`: a number is right within 4% of the reference, lists element by
  element); its "(a)"-style option answers by letter.
- "bbeh": BIG-Bench Extra Hard's matching rules (google-deepmind/bbeh evaluate.py, see
  `genreason.evaluate.bbeh_match`) on the extracted answer.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from genreason.evaluate.bbeh_match import bbeh_match
from genreason.evaluate.harness import harness_extraction
from genreason.evaluate.loaders import BenchQuestion
from genreason.judging import NO_ANSWER, Item, Judgment
from genreason.verify.extract import extract_answer, strip_thinking
from genreason.verify.rules.choice import LETTERS, text_agrees
from genreason.verify.rules.kinds import list_elements
from genreason.verify.rules.numeric_answers import answer_number
from genreason.verify.rules.text import normalize

JUDGES = ("rule", "choice", "choice+harness", "theoremqa", "bbeh")
DEFAULT_JUDGE = {
    "mmlu_pro": "choice", "gpqa": "choice", "supergpqa": "choice", "theoremqa": "theoremqa",
    "bbeh": "bbeh", "math500": "rule", "gsm8k": "rule",
}
THEOREMQA_REL_TOL = 0.04  # TheoremQA utils.py within_eps: eps = |gt| * 0.04
EVAL_ITEM_TIMEOUT_S = 60.0  # rule verifier's per-item limit when scoring (see shared_rule_verifier)


@dataclass(frozen=True)
class Scored:
    """The verdict on one output. status: correct, wrong, no_answer or undecided (the last two
    are wrong answers too). vote_key: the answer as majority voting counts it (None: none)."""

    question_id: str
    sample: int
    extracted: str | None
    verdict: bool
    status: str
    rule: str | None
    reason: str
    vote_key: str | None


def _status(verdict: bool | None, rule: str | None) -> str:
    if verdict is True:
        return "correct"
    if rule in ("no_answer", "unreadable"):
        return "no_answer"
    return "undecided" if verdict is None else "wrong"


def _from_judgment(q: BenchQuestion, sample: int, j: Judgment) -> Scored:
    extracted = None if j.extracted in (None, NO_ANSWER) else j.extracted
    parse = j.detail.get("answer") if isinstance(j.detail.get("answer"), dict) else {}
    status = _status(j.verdict, j.rule)
    if q.options:
        # Multiple choice votes with the letter chosen; text naming no single option is no answer.
        key = parse.get("letter") if parse.get("kind") == "choice" else None
        if key is None and status == "undecided":
            status = "no_answer"
    else:
        key = None if extracted is None else normalize(extracted) or extracted.strip()
    return Scored(q.id, sample, extracted, j.verdict is True, status, j.rule, j.reason, key)


# --- the answer format the protocol asked for ---------------------------------------------

_ANSWER_IS = re.compile(r"answer is\s*:?\s*(?P<rest>[^\n]*)", re.IGNORECASE)
_LETTER_ONLY = re.compile(r"\(?\[?(?P<letter>[A-J])\]?\)?")
_LETTER_TEXT = re.compile(r"\(?(?P<letter>[A-J])[).:]\s+(?P<text>.+)")


def marked_choice(output: str, options: Sequence[str]) -> tuple[str, str] | None:
    """(letter, marker text) from the last "the answer is (X)" naming exactly one option."""
    matches = list(_ANSWER_IS.finditer(output))
    if not matches:
        return None
    rest = matches[-1].group("rest")
    rest = re.split(r"(?<=[).\]])\s+(?=[A-Z])", rest, maxsplit=1)[0]  # "(B). Because ..."
    text = rest.replace("**", "").replace("$", "").strip().rstrip(".").strip()
    letters = LETTERS[: len(options)]
    m = _LETTER_ONLY.fullmatch(text)
    if m and m.group("letter") in letters:
        return m.group("letter"), text
    m = _LETTER_TEXT.fullmatch(text)
    if m and m.group("letter") in letters and text_agrees(m.group("text"), options[letters.index(m.group("letter"))]):
        return m.group("letter"), text
    return None


def _marked(q: BenchQuestion, sample: int, output: str) -> Scored | None:
    """The verdict from the protocol's "the answer is (X)", when it names one option."""
    marked = marked_choice(strip_thinking(output), q.options or ())
    if marked is None:
        return None
    letter, text = marked
    ok = letter == q.answer
    return Scored(q.id, sample, text, ok, "correct" if ok else "wrong", "choice:answer_is",
                  f"'the answer is {text}': chose {letter}, reference {q.answer}", letter)


def _bare_letter(q: BenchQuestion, sample: int, output: str) -> Scored | None:
    """The verdict when the extracted answer is a bare option letter ("B", "(B)", "\\boxed{B}"):
    the rule verifier would compare just that letter, so it is compared here without a round
    trip to its workers (guards for negations and hedges have no words to read in one letter)."""
    ex = extract_answer(output)
    if ex.answer is None:
        return None
    m = _LETTER_ONLY.fullmatch(ex.answer.replace("**", "").strip().rstrip(".").strip())
    if m is None or m.group("letter") not in LETTERS[: len(q.options or ())]:
        return None
    letter = m.group("letter")
    ok = letter == q.answer
    return Scored(q.id, sample, ex.answer, ok, "correct" if ok else "wrong", f"choice:{ex.method}",
                  f"chose {letter}, reference {q.answer}", letter)


def _choice(q: BenchQuestion, sample: int, output: str, j: Judgment, harness: bool) -> Scored:
    scored = _from_judgment(q, sample, j)
    if harness and scored.status in ("no_answer", "undecided"):
        letter, rule = harness_extraction(output, fallbacks_only=True)
        if letter is not None and letter in LETTERS[: len(q.options or ())]:
            rule = f"harness:{rule}"
            ok = letter == q.answer
            return Scored(q.id, sample, letter, ok, "correct" if ok else "wrong", rule,
                          f"MMLU-Pro fallback {rule.split(':')[1]}: chose {letter}, reference {q.answer}", letter)
    return scored


# --- TheoremQA ----------------------------------------------------------------------------

_OPTION = re.compile(r"^\(?(?P<letter>[a-e])\)?(?:[.:)]|\s|$)", re.IGNORECASE)


def _within(pred: float, gt: float) -> bool:
    return abs(pred - gt) <= abs(gt) * THEOREMQA_REL_TOL


def _number(text: str) -> float | None:
    n, _how = answer_number(text)
    return None if n is None else float(n.value)


def theoremqa_tolerance(q: BenchQuestion, extracted: str) -> tuple[bool, str] | None:
    """TheoremQA's typed comparison of an answer the rules did not accept; None: not applicable."""
    if q.answer_type in ("Integer", "Float"):
        pred, gt = _number(extracted), _number(q.answer)
        if pred is None or gt is None:
            return None
        return _within(pred, gt), f"{pred:g} vs {gt:g} (TheoremQA: within 4%)"
    if q.answer_type == "List":
        try:
            ref = [float(v) for v in json.loads(q.answer)]
        except (ValueError, TypeError):
            return None
        items, _ = list_elements(extracted)
        preds = [_number(x) for x in items]
        if len(preds) != len(ref) or any(p is None for p in preds):
            return False, f"{len(items)} values for a list of {len(ref)}"
        ok = all(_within(p, g) for p, g in zip(preds, ref, strict=True))
        return ok, "each element within 4% (TheoremQA)" if ok else "an element is off by more than 4%"
    return None


def _theoremqa(q: BenchQuestion, sample: int, j: Judgment) -> Scored:
    scored = _from_judgment(q, sample, j)
    if scored.extracted is None or scored.verdict:
        return scored
    if q.answer_type == "Multiple Choice":  # TheoremQA's options are "(a)".."(d)" in the question
        m, r = _OPTION.match(scored.extracted.strip()), _OPTION.match(q.answer.strip())
        if m is None or r is None:
            return scored
        ok = m.group("letter").lower() == r.group("letter").lower()
        return Scored(q.id, sample, scored.extracted, ok, "correct" if ok else "wrong", "theoremqa:option",
                      f"option ({m.group('letter').lower()}) vs {q.answer}", m.group("letter").lower())
    typed = theoremqa_tolerance(q, scored.extracted)
    if typed is None:
        return scored
    ok, why = typed
    return Scored(q.id, sample, scored.extracted, ok, "correct" if ok else "wrong",
                  "theoremqa:tolerance", why, scored.vote_key)


def _bbeh(q: BenchQuestion, sample: int, output: str) -> Scored:
    ex = extract_answer(output)
    if ex.answer is None:
        return Scored(q.id, sample, None, False, "no_answer", "no_answer", "no answer found in the response", None)
    ok, prediction = bbeh_match(ex.answer, q.answer)
    return Scored(q.id, sample, ex.answer, ok, "correct" if ok else "wrong", "bbeh:" + ex.method,
                  f"{prediction!r} {'matches' if ok else 'does not match'} {q.answer!r} (BBEH rules)", prediction)


@functools.cache
def shared_rule_verifier() -> Any:
    """One rule verifier per process: its worker pool starts once (seconds) and then serves
    every scoring call; the pool stops at interpreter exit.

    Its per-item limit is generous (EVAL_ITEM_TIMEOUT_S): the slowest real outputs take about
    a second, and a score must not change because the machine was busy. An item over it is
    undecided (wrong, and counted as undecided in the summary)."""
    from genreason.verify.rules.verifier import RuleVerifier

    return RuleVerifier(timeout_s=EVAL_ITEM_TIMEOUT_S)


def warm_rule_verifier() -> threading.Thread:
    """Start the shared verifier's workers in the background (they import sympy, pint, ... for
    seconds), so that start overlaps with reading files or generating; returns the thread."""
    def warm() -> None:
        try:
            shared_rule_verifier().verify_batch([Item(question="1+1?", reference="2", response="2")])
        except Exception:  # warming is an optimisation: scoring starts the pool itself if this failed
            logging.getLogger(__name__).debug("warming the rule verifier failed", exc_info=True)

    thread = threading.Thread(target=warm, name="warm-rule-verifier", daemon=True)
    thread.start()
    return thread


def score_outputs(
    questions: Sequence[BenchQuestion],
    outputs: Sequence[tuple[str, int, str]],
    judge: str,
    *,
    answer_marker: str = "boxed",
    verifier: Any = None,
) -> list[Scored]:
    """Judge (question_id, sample, output) triples with judge `judge`, in input order.

    verifier: the rule verifier to use; None: this process's shared one (`shared_rule_verifier`).
    """
    if judge not in JUDGES:
        raise ValueError(f"unknown judge {judge!r}; choose one of {', '.join(JUDGES)}")
    by_id = {q.id: q for q in questions}
    missing = [qid for qid, _, _ in outputs if qid not in by_id]
    if missing:
        raise ValueError(f"{len(missing)} outputs name questions not in the benchmark, e.g. {missing[0]!r}")
    if judge == "bbeh":
        return [_bbeh(by_id[qid], s, out) for qid, s, out in outputs]
    if judge.startswith("choice") and any(not by_id[qid].options for qid, _, _ in outputs):
        raise ValueError(f"judge {judge!r} needs multiple-choice questions with options")
    is_choice = judge.startswith("choice")
    done: dict[int, Scored] = {}
    if is_choice:
        for i, (qid, s, out) in enumerate(outputs):
            text = out if isinstance(out, str) else ""
            # The format the prompt asked for comes first; then a bare letter needs no verifier.
            found = _marked(by_id[qid], s, text) if answer_marker == "answer_is" else None
            found = found or _bare_letter(by_id[qid], s, text)
            if found is not None:
                done[i] = found
    todo = [i for i in range(len(outputs)) if i not in done]
    items = [
        Item(question=q.question, reference=q.answer, response=out if isinstance(out, str) else "",
             answer_type=q.answer_type, options=q.options, item_id=f"{qid}#{s}")
        for qid, s, out in (outputs[i] for i in todo) for q in (by_id[qid],)
    ]
    verifier = verifier if verifier is not None else (shared_rule_verifier() if items else None)
    judgments = verifier.verify_batch(items) if items else []
    for i, j in zip(todo, judgments, strict=True):
        qid, s, out = outputs[i]
        q = by_id[qid]
        if is_choice:
            done[i] = _choice(q, s, out if isinstance(out, str) else "", j, harness=judge == "choice+harness")
        elif judge == "theoremqa":
            done[i] = _theoremqa(q, s, j)
        else:
            done[i] = _from_judgment(q, s, j)
    return [done[i] for i in range(len(outputs))]
