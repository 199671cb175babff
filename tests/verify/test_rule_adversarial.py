"""Answers that are wrong by construction must never be judged correct: negated values,
hedges that offer several candidates, the question restated. Each family has its own table
of phrasings (not only the probe's, `genreason.verify.assess.probe`), and guards that the legitimate
look-alikes (a reference that is itself negated, an inequation reference, a sentence that
states one answer, an ordered pair) still pass. Ids name the family and the case.
"""

from __future__ import annotations

import pytest

from genreason.judging import Item
from genreason.verify.rules.guards.hedges import candidate_list
from genreason.verify.rules.guards.negation import read_negation
from genreason.verify.rules.guards.restatement import restates_question
from genreason.verify.rules.verifier import judge_items


def _verdict(question: str, reference: str, response: str, answer_type: str | None = None, options=None):
    j = judge_items([Item(question, reference, response, answer_type=answer_type, options=options)])[0]
    return j.verdict, j


# (question, reference, answer_type, response) -- every one of these is wrong: never True.
NEGATED = [
    ("How many?", "18", "Integer", "\\boxed{not 18}", "boxed-not"),
    ("How many?", "18", None, "Final Answer: not 18", "answer-line-not"),
    ("How many?", "18", None, "The answer is not 18.", "answer-is-not"),
    ("How many?", "18", None, "It is not 18.", "it-is-not"),
    ("How many?", "18", None, "After checking, x isn't 18", "variable-isnt"),
    ("How many?", "18", None, "\\boxed{x \\neq 18}", "inequation-symbol"),
    ("How many?", "18", None, "Final Answer: x ≠ 18", "inequation-unicode"),
    ("How many?", "18", None, "Final Answer: 18 is not the answer", "value-then-denial"),
    ("How many?", "18", None, "Final Answer: 18 is wrong.", "value-is-wrong"),
    ("How many?", "18", None, "The total cannot be 18.", "cannot-be"),
    ("How many?", "18", None, "\\boxed{\\text{never } 18}", "never"),
    ("How many?", "18", None, "The answer is not 20 but 21.", "correction-to-a-wrong-value"),
    ("How many?", "18", None, "So the total is 20, not 18.", "prose-negated-tail"),
    ("How many?", "3, 5", "List", "\\boxed{3, not 5}", "negated-list-element"),
    ("Value?", "3.5", "Float", "Final Answer: not 3.5", "float"),
    ("Value?", "\\frac{14}{3}", None, "not \\frac{14}{3}", "fraction-bare"),
    ("Simplify.", "p - q", None, "\\boxed{\\text{not } p - q}", "expression"),
    ("Energy?", "4.9 J", None, "The answer is not 4.9 J.", "quantity"),
    ("Who?", "Wilhelm Conrad Röntgen", None, "It was not Wilhelm Röntgen.", "name-in-sentence"),
    ("Which tool?", "pen", None, "Final Answer: not pen", "word"),
    ("Which option?", "B", "Multiple Choice", "The answer is not (B).", "choice-letter"),
    ("Is it prime?", "Yes", "Boolean", "\\boxed{not Yes}", "boolean-not-yes"),
    ("Is it prime?", "True", "Boolean", "Final Answer: not true", "boolean-not-true"),
    ("Is it prime?", "Yes", None, "The answer is not yes.", "boolean-untyped-sentence"),
    ("How many?", "18", None, "neither 17 nor 18", "neither-nor"),
    ("How many?", "18", None, "\\boxed{\\text{not less than } 18}", "bound-not-a-value"),
]


@pytest.mark.parametrize(("q", "ref", "atype", "resp"), [c[:4] for c in NEGATED], ids=[c[4] for c in NEGATED])
def test_negated_answers_are_never_correct(q, ref, atype, resp):
    verdict, j = _verdict(q, ref, resp, atype)
    assert verdict is not True, (j.rule, j.reason)


HEDGED = [
    ("Which tool?", "pen", None, "\\boxed{0, pen, none of the above}", "comma-list-with-meta"),
    ("Which tool?", "pen", None, "Final Answer: both pen and none of the above", "both"),
    ("Which tool?", "pen", None, "Final Answer: either pen or pencil", "either-or"),
    ("Which tool?", "pen", None, "pencil or pen", "or-bare"),
    ("Which tool?", "pen", None, "The answer could be a pencil, a pen or an eraser.", "could-be-sentence"),
    ("How many?", "2220", None, "2219, 2220, 2221", "neighbour-numbers"),
    ("How many?", "2220", None, "Final Answer: 2220 or 2221", "or-numbers"),
    ("How many?", "2220", None, "both 2220 and 2221", "both-numbers"),
    ("How many?", "7", "Integer", "\\boxed{6, 7, \\text{ or } 8}", "boxed-or-list"),
    ("How many?", "7", None, "The answer is 7 or it might be 8.", "or-with-second-lead-in"),
    ("How many?", "7", None, "Maybe 7; possibly 9.", "semicolon-maybe"),
    ("Point?", "\\left( 3, \\frac{\\pi}{2} \\right)", None, "0, \\left( 3, \\frac{\\pi}{2} \\right), none of the above", "pair-among-others"),
    ("Simplify.", "p - q", None, "\\boxed{0 \\text{ or } p - q}", "expression-or"),
    ("Roots?", "3, 5, 7", None, "\\boxed{0, 3, 5, 7, \\text{none of the above}}", "list-reference-padded"),
    ("Sets?", "ABC, AB, ABCD", None, "Final Answer: 0, ABC, AB, ABCD, none of the above", "bbeh-list-padded"),
    ("Name?", "Evelyn", None, "It could be 3, 108, Evelyn, none of the above or 275.", "stuffed-sentence"),
    (
        "Name?",
        "Evelyn",
        None,
        "Several values are possible depending on the assumptions. It could be 3, 108, none of the above, "
        "275, Evelyn, 12, 99, 41, 300, 17, 2, 64 or 5. Each of these is consistent with some reading of the "
        "problem, so any of them may be accepted; I cannot decide between them without more information.",
        "stuffed-long-prose",
    ),
    ("Which city?", "Paris", None, "I am not sure: Paris or Lyon.", "not-sure-or"),
    ("Which option?", "B", "Multiple Choice", "\\boxed{A, B, C, D}", "all-letters"),
]


@pytest.mark.parametrize(("q", "ref", "atype", "resp"), [c[:4] for c in HEDGED], ids=[c[4] for c in HEDGED])
def test_hedged_answers_are_never_correct(q, ref, atype, resp):
    verdict, j = _verdict(q, ref, resp, atype)
    assert verdict is not True, (j.rule, j.reason)


GSM_Q = (
    "Every day, Wendi feeds each of her chickens three cups of mixed chicken feed. She gives the chickens "
    "their feed in three separate meals. In the morning, she gives her flock of chickens 15 cups of feed. "
    "In the afternoon, she gives her chickens another 25 cups of feed. How many cups of feed does she need "
    "to give her chickens in the final meal of the day if the size of Wendi's flock is 20 chickens?"
)
RESTATED = [
    (GSM_Q, "20", GSM_Q, "whole-question-bare"),
    (GSM_Q, "20", f"\\boxed{{{GSM_Q}}}", "whole-question-boxed"),
    (GSM_Q, "20", GSM_Q.replace(". ", ".\n"), "question-line-by-line"),
    (GSM_Q, "20", GSM_Q[:180], "truncated-question"),
    ("Let g(x) be the inverse of f(x) = x + cos(x). What is g'(1)?", "1",
     "Final Answer: Let g(x) be the inverse of f(x) = x + cos(x). What is g'(1)?", "theoremqa-answer-line"),
    ("The proper divisors of 12 are 1, 2, 3, 4 and 6. What is the sum of the proper divisors of 284?", "284",
     "The proper divisors of 12 are 1, 2, 3, 4 and 6. What is the sum of the proper divisors of 284?", "number-in-question"),
]


@pytest.mark.parametrize(("q", "ref", "resp"), [c[:3] for c in RESTATED], ids=[c[3] for c in RESTATED])
def test_the_question_restated_is_never_correct(q, ref, resp):
    verdict, j = _verdict(q, ref, resp)
    assert verdict is not True, (j.rule, j.reason)


# Look-alikes that are right: (question, reference, answer_type, response, expected verdict)
LEGITIMATE = [
    ("Verdict?", "not guilty", None, "\\boxed{not guilty}", True, "negated-reference-itself"),
    ("Verdict?", "not guilty", None, "The jury found him not guilty.", True, "negated-reference-in-sentence"),
    ("Verdict?", "not guilty", None, "Final Answer: guilty", False, "missing-negation-is-wrong"),
    ("Is it prime?", "False", "Boolean", "Final Answer: not true", True, "not-true-means-false"),
    ("Is it prime?", "True", "Boolean", "\\boxed{not false}", True, "not-false-means-true"),
    ("Is it prime?", "No", "Boolean", "The answer is not yes.", True, "not-yes-means-no"),
    ("Solve.", "x \\neq 3", "Expression", "\\boxed{x \\neq 3}", True, "inequation-reference"),
    ("How many?", "20", None, "The answer is not 18 but 20.", True, "correction-keeps-the-affirmed-value"),
    ("How many?", "20", None, "Final Answer: 20, not 18", True, "negated-alternative-dropped"),
    ("How many?", "20", None, "18 is wrong; the answer is 20.", True, "denial-then-answer"),
    ("Who won the first Nobel Prize in Physics?", "Wilhelm Conrad Röntgen", None,
     "The first Nobel Prize in Physics was awarded to Wilhelm Röntgen in 1901.", True, "one-answer-in-a-sentence"),
    ("Where is it set?", "Tulsa, Oklahoma", None, "It takes place in Tulsa, Oklahoma in the 1960s.", True, "place-with-comma"),
    ("Where was it filmed?", "Cincinnati", None, "It was filmed in Cincinnati, Ohio, USA.", True, "place-qualifiers"),
    ("When?", "1901", None, "It was first awarded on December 10, 1901.", True, "date-with-comma"),
    ("Who wrote it?", "Rodney Crowell", None, "Ain't Living Long Like This is a song written by Rodney Crowell", True,
     "title-starting-with-a-negation"),
    ("Who sang it?", "Eminem", None, "Not Afraid is a song by Eminem.", True, "title-starting-with-not"),
    ("Who recorded it?", "Luther Ingram", None,
     'The song "If Loving You Is Wrong (I Don\'t Want to Be Right)" was originally recorded by Luther Ingram',
     True, "title-containing-is-wrong"),
    ("Who played the lead guitar?", "Terry Kath", None, 'The lead guitar on "25 or 6 to 4" was performed by Terry Kath', True,
     "or-inside-a-quoted-title"),
    ("What is it called?", "loop", None, "An edge from a vertex to itself is called a loop or a self-loop.", True,
     "or-naming-one-thing-twice"),
    ("Find all roots.", "[-2, 8]", "List", "\\boxed{x = 8 \\text{ or } x = -2}", True, "solutions-written-with-or"),
    ("Find all roots.", "3, 5, 7", None, "The roots are 3, 5 and 7.", True, "list-reference-enumerated"),
    ("Give the point (x, y).", "(3, 2)", None, "\\boxed{(3, 2)}", True, "ordered-pair"),
    ("Give the point (x, y).", "(3, 2)", None, "\\boxed{(2, 3)}", False, "ordered-pair-stays-ordered"),
    ("How old must you be?", "18", None, "In most states you must be 18 or older.", True, "or-older-is-a-bound-word"),
    ("What is 5% as a decimal?", "5%", None, "5%, or 0.05", True, "the-same-value-twice"),
    ("Energy of the photon?", "3.97 \\times 10^{-19} J", None, "\\boxed{2.48 eV}", True, "ev-to-joule-not-zero"),
]


@pytest.mark.parametrize(
    ("q", "ref", "atype", "resp", "expected"), [c[:5] for c in LEGITIMATE], ids=[c[5] for c in LEGITIMATE]
)
def test_legitimate_look_alikes_keep_their_verdict(q, ref, atype, resp, expected):
    verdict, j = _verdict(q, ref, resp, atype)
    assert verdict is expected, (j.rule, j.reason)


def test_read_negation_reports_what_stays_affirmed():
    assert read_negation("not 18").status == "negated"
    assert read_negation("not 18 but 20").text == "20"
    assert read_negation("Canberra (not Sydney)").text == "Canberra"
    assert read_negation("not less than 5").status == "bound"
    assert read_negation("The Eagles did not win until 2018.").status == "none"  # not a denied value


def test_candidate_lists_are_lists_of_answers_not_clauses():
    assert candidate_list("It could be 3, 4 or 5").items == ("3", "4", "5")
    assert candidate_list("both pen and none of the above").hedged
    assert candidate_list("Wilhelm Röntgen, a German physicist, received the prize in 1901.") is None
    assert candidate_list("Tulsa, Oklahoma") is None
    assert candidate_list("1,234") is None  # thousands separator


def test_restatement_needs_the_copy_to_add_nothing():
    q = "Dendrites and cell bodies are components of what type of matter found in the brain?"
    assert restates_question(q, q)
    assert not restates_question("Dendrites and cell bodies are components of gray matter found in the brain", q)


# More phrasings of both families, each wrong by construction (never True).
MORE_WRONG = [
    ("How many?", "18", None, "\\boxed{It's definitely not 18}", "adverb-before-not"),
    ("How many?", "18", None, "\\boxed{I don't think it is 18.}", "short-answer-with-negation"),
    ("How many?", "18", None, "Final Answer: anything but 18", "anything-but"),
    ("How many?", "18", None, "Final Answer: We can rule out 18.", "rule-out"),
    ("How many?", "18", None, "\\boxed{18 \\text{ is incorrect}}", "value-is-incorrect"),
    ("Which tool?", "pen", None, "\\boxed{The result cannot be pen.}", "answer-subject-cannot-be-word"),
    ("Is it prime?", "Yes", "Boolean", "\\boxed{Yes is incorrect}", "boolean-denied-is-inverted"),
    ("Which tool?", "pen", None, "\\boxed{17, pen, 19}", "word-among-numbers"),
    ("Which tool?", "pen", None, "\\boxed{17 / pen / 19}", "spaced-slashes"),
    ("Which tool?", "pen", None, "Final Answer: pen (or 17)", "parenthetical-or"),
    ("Which tool?", "pen", None, "\\boxed{Candidates: 17, pen, 19.}", "candidates-header"),
    ("Which tool?", "pen", None, "Final Answer: any of 17, pen, 19", "any-of"),
    ("Which tool?", "pen", None, "17? pen? 19?", "question-marks"),
    ("Which tool?", "pen", None, "17\npen\n19", "one-per-line"),
    ("Simplify.", "p - q", None, "\\boxed{p - q \\quad 17}", "quad-separated"),
    ("Simplify.", "p - q", None, "\\boxed{p - q, 17}", "two-formulas"),
    ("Is it true?", "False", "Boolean", "\\boxed{False and 17}", "boolean-with-a-second-answer"),
]


@pytest.mark.parametrize(("q", "ref", "atype", "resp"), [c[:4] for c in MORE_WRONG], ids=[c[4] for c in MORE_WRONG])
def test_more_phrasings_are_never_correct(q, ref, atype, resp):
    verdict, j = _verdict(q, ref, resp, atype)
    assert verdict is not True, (j.rule, j.reason)


MORE_RIGHT = [
    ("When did it open?", "May 31, 2012", None, "The first section opened on May 31, 2012, and the rest followed later.", True,
     "date-commas-are-not-a-list"),
    ("What does R/T stand for?", "Road/Track", None, "R/T stands for Road/Track.", True, "word-slash-word-is-not-a-list"),
    ("How many?", "18", None, "\\boxed{18}, since the count cannot be negative", True, "justification-with-negation"),
    ("When did the Eagles win?", "2018", None, "The Eagles did not win the Super Bowl until 2018.", True, "not-until"),
    ("Speed?", "5 km/h", None, "\\boxed{5 km/h}", True, "unit-slash"),
]


@pytest.mark.parametrize(
    ("q", "ref", "atype", "resp", "expected"), [c[:5] for c in MORE_RIGHT], ids=[c[5] for c in MORE_RIGHT]
)
def test_more_look_alikes_keep_their_verdict(q, ref, atype, resp, expected):
    verdict, j = _verdict(q, ref, resp, atype)
    assert verdict is expected, (j.rule, j.reason)


TQ = "Let g(x) be the inverse of f(x) = x + cos(x). What is g'(1)?"
MORE_RESTATED = [
    (TQ, "1", f"Question: {TQ}", "framed-with-question-label"),
    (TQ, "1", "\\boxed{What is g'(1)?}", "the-question-sentence-alone"),
    (GSM_Q, "20", GSM_Q[len(GSM_Q) // 2 :], "second-half-from-mid-word"),
    (GSM_Q, "20", "We need to find: " + GSM_Q[:300], "we-need-to-find"),
    (GSM_Q, "20", GSM_Q.lower(), "lower-cased"),
]


@pytest.mark.parametrize(("q", "ref", "resp"), [c[:3] for c in MORE_RESTATED], ids=[c[3] for c in MORE_RESTATED])
def test_more_restatements_are_never_correct(q, ref, resp):
    verdict, j = _verdict(q, ref, resp)
    assert verdict is not True, (j.rule, j.reason)


def test_an_answer_filling_the_question_in_is_not_a_restatement():
    # NQ answers often put the answer where the question's wh-word was
    q = "who plays the voice of johnny in sing"
    assert not restates_question("Taron Egerton plays the voice of Johnny in Sing", q)
    assert _verdict(q, "Taron Egerton", "Taron Egerton plays the voice of Johnny in Sing")[0] is True
    q2 = "what is the filename extension used for all java source files"
    assert _verdict(q2, ".java", 'The filename extension used for all Java source files is ".java"')[0] is True
