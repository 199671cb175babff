"""Judges: each benchmark's rules on hand-made outputs, no randomness, no answer = wrong."""

from __future__ import annotations

import pytest

from genreason.evaluate.bbeh_match import bbeh_match
from genreason.evaluate.judges import marked_choice, score_outputs
from genreason.evaluate.loaders import BenchQuestion
from genreason.verify.rules.verifier import RuleVerifier

PLANETS = BenchQuestion("t:1", "supergpqa", "Which planet is closest to the Sun?", "B",
                        "Multiple Choice", ("Venus", "Mercury", "Mars", "Earth"), "Astronomy")


@pytest.fixture(scope="module")
def verifier():
    with RuleVerifier(workers=0) as v:  # in-process: these are a handful of items
        yield v


def _one(q: BenchQuestion, output: str, judge: str, verifier, marker: str = "boxed"):
    return score_outputs([q], [(q.id, 0, output)], judge, answer_marker=marker, verifier=verifier)[0]


@pytest.mark.parametrize(
    ("output", "correct", "why"),
    [
        ("Mercury orbits nearest. \\boxed{B}", True, "boxed letter"),
        ("The closest is \\boxed{Mercury}", True, "option text instead of the letter"),
        ("So the answer is \\boxed{A}", False, "wrong letter"),
        ("\\boxed{B) Venus}", False, "letter and text disagree"),
    ],
)
def test_choice_by_letter_or_option_text(output: str, correct: bool, why: str, verifier) -> None:
    assert _one(PLANETS, output, "choice", verifier).verdict is correct, why


def test_the_answer_format_the_prompt_asked_for_is_read_first(verifier) -> None:
    out = "Mercury is nearest. The answer is (B).\nOn second thought: \\boxed{A}"
    assert _one(PLANETS, out, "choice", verifier, marker="answer_is").verdict is True
    assert _one(PLANETS, out, "choice", verifier, marker="boxed").verdict is False


def test_an_answer_naming_two_options_is_not_a_choice() -> None:
    assert marked_choice("The answer is (B) and (C).", PLANETS.options) is None
    assert marked_choice("The answer is (A, B).", PLANETS.options) is None
    assert marked_choice("the answer is (B). Because Mercury ...", PLANETS.options) == ("B", "(B)")


def test_no_answer_is_wrong_and_counted_as_such(verifier) -> None:
    s = _one(PLANETS, "Let me think about the orbits of", "choice", verifier)
    assert (s.verdict, s.status, s.vote_key) == (False, "no_answer", None)


def test_harness_fallbacks_only_with_the_harness_judge(verifier) -> None:
    out = "Comparing the orbits, Mercury is closest.\nAnswer: B"
    assert _one(PLANETS, out, "choice+harness", verifier).verdict is True
    truncated = "Option B looks closest, while option D is"
    s = _one(PLANETS, truncated, "choice+harness", verifier)
    assert (s.extracted, s.rule) == ("D", "harness:last_letter")  # the harness's last lone letter
    assert _one(PLANETS, truncated, "choice", verifier).verdict is False


TQA_INT = BenchQuestion("t:2", "theoremqa", "How many ways ...?", "11760", "Integer")
TQA_FLOAT = BenchQuestion("t:3", "theoremqa", "Compute the value.", "3.0", "Float")
TQA_LIST = BenchQuestion("t:4", "theoremqa", "Find the roots.", "[1.0, 2.5]", "List")
TQA_OPTION = BenchQuestion("t:5", "theoremqa", "Which holds? (a) x (b) y (c) z", "(b)", "Multiple Choice")


@pytest.mark.parametrize(
    ("q", "answer", "correct", "why"),
    [
        (TQA_INT, "\\boxed{11760}", True, "exact integer"),
        (TQA_FLOAT, "\\boxed{3.1}", True, "3.1 is within 4% of 3.0 (TheoremQA's tolerance)"),
        (TQA_FLOAT, "\\boxed{3.2}", False, "3.2 is 6.7% off"),
        (TQA_LIST, "\\boxed{[1.02, 2.45]}", True, "each element within 4%"),
        (TQA_LIST, "\\boxed{[1.0]}", False, "one value for a list of two"),
        (TQA_OPTION, "\\boxed{(b)}", True, "option letter"),
        (TQA_OPTION, "\\boxed{(c)}", False, "another option"),
    ],
)
def test_theoremqa_typed_answers(q: BenchQuestion, answer: str, correct: bool, why: str, verifier) -> None:
    assert _one(q, answer, "theoremqa", verifier).verdict is correct, why


@pytest.mark.parametrize(
    ("answer", "reference", "correct", "why"),
    [
        ("(E)", "(E)", True, "same option"),
        ("E", "(E)", True, "bare letter for (x)"),
        ("-52.0", "-52", True, "same number"),
        ("[emma,lily]", "emma, lily", True, "bracketed reference, ', ' folded"),
        ("Unanswerable.", "unanswerable", True, "case and trailing period"),
        ("\\text{yes}", "yes", True, "\\text{} wrapper"),
        ("emma, lily, ann", "emma, lily", False, "an extra item"),
        ("-51", "-52", False, "another number"),
    ],
)
def test_bbeh_matching_rules(answer: str, reference: str, correct: bool, why: str) -> None:
    assert bbeh_match(answer, reference)[0] is correct, why


def test_bbeh_judge_reads_the_boxed_answer() -> None:
    q = BenchQuestion("t:6", "bbeh", "Count the objects.", "7")
    assert score_outputs([q], [(q.id, 0, "There are \\boxed{7} objects.")], "bbeh")[0].verdict is True
    none = score_outputs([q], [(q.id, 0, "")], "bbeh")[0]
    assert (none.verdict, none.status) == (False, "no_answer")


def test_outputs_for_unknown_questions_are_refused() -> None:
    with pytest.raises(ValueError, match="not in the benchmark"):
        score_outputs([PLANETS], [("t:404", 0, "\\boxed{B}")], "choice")


def test_bare_letters_give_the_rule_verifiers_verdict(verifier) -> None:
    """The bare-letter shortcut must agree with the rule verifier on the same outputs."""
    from genreason.judging import Item

    outputs = ["So \\boxed{B}", "The answer is (A).", "**Answer: D**", "\\boxed{(B)}.", "I choose option C"]
    shortcut = score_outputs([PLANETS], [(PLANETS.id, i, o) for i, o in enumerate(outputs)], "choice",
                             verifier=verifier)
    items = [Item(PLANETS.question, PLANETS.answer, o, PLANETS.answer_type, PLANETS.options) for o in outputs]
    assert [s.verdict for s in shortcut] == [j.verdict is True for j in verifier.verify_batch(items)]
    assert [s.verdict for s in shortcut] == [True, False, False, True, False]
