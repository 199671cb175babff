"""Answers that assert the reference beside another candidate, a list of many values, the
reference's alternatives written together inside an attack, or a value buried in filler
(the generated probe's plus_other, many_values, padding and sibling families)."""

from __future__ import annotations

import random

import pytest

from genreason.judging import Item
from genreason.verify.rules.guards.junk import mostly_non_words
from genreason.verify.rules.verifier import judge_items


def judge(question: str, reference: str, response: str, answer_type: str | None = None):
    return judge_items([Item(question, reference, response, answer_type)])[0]


REFERENCES = [("What is 6 x 7?", "42", "43", "Integer"), ("Pick one.", "F", "G", "Multiple Choice"),
              ("Who developed relativity?", "Albert Einstein", "Niels Bohr", None),
              ("What is the simplified form?", "\\frac{27}{128}", "\\frac{37}{128}", None)]


@pytest.mark.parametrize(("question", "reference", "other", "answer_type"), REFERENCES)
def test_a_second_candidate_sentence_voids_the_answer(question, reference, other, answer_type):
    for tail in (f"It could also be {other}.", f"Alternatively, {other}.", f"But it might also be {other}."):
        j = judge(question, reference, f"\\boxed{{{reference}. {tail}}}", answer_type)
        assert j.verdict is not True, (tail, j.reason)
    # a second sentence that explains is no second candidate
    assert judge(question, reference, f"\\boxed{{{reference}}}. It is the only value that works.", answer_type).verdict is True


def test_names_joined_as_the_whole_answer_are_two_answers():
    assert judge("Who developed relativity?", "Albert Einstein", "Albert Einstein and Niels Bohr").verdict is not True
    names = ["Niels Bohr", "Max Planck", "Enrico Fermi", "Paul Dirac", "Marie Curie"]
    random.Random(0).shuffle(names)
    listed = ", ".join(names[:2] + ["Albert Einstein"] + names[2:])
    assert judge("Who developed relativity?", "Albert Einstein", listed).verdict is not True
    # one place named with its region, and a sentence that describes, stay accepted
    assert judge("Where is it?", "Tulsa, Oklahoma", "Tulsa, Oklahoma").verdict is True
    assert judge("Where does the river meet?", "Cairo, Illinois", "The Ohio River and the Mississippi River meet at Cairo, Illinois").verdict is True


def test_the_references_alternatives_written_together_are_one_answer():
    reference = "1776/July 4, 1776/In 1776"
    assert judge("When?", reference, f"0 or {reference} or none of the above").verdict is False
    assert judge("When?", reference, f"not {reference}").verdict is not True
    # a sibling date among the alternatives is another answer
    assert judge("When?", reference, "1776/July 3, 1776/In 1776").verdict is not True
    assert judge("When?", reference, "July 4, 1776").verdict is True


def _filler(seed: int, n: int) -> str:
    rng = random.Random(seed)
    return " ".join("".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 3))) for _ in range(n))


@pytest.mark.parametrize("seed", range(5))
def test_a_value_buried_in_filler_is_junk(seed):
    answer = f"{_filler(seed, 15)} 331 {_filler(seed + 100, 15)}"
    assert mostly_non_words(answer, "331")
    assert judge("Compute it.", "331", f"\\boxed{{{answer}}}", "Integer").verdict is False


def test_english_and_names_are_not_filler():
    assert not mostly_non_words("The answer is 331 because the sum of the digits gives the remainder we need here", "331")
    assert not mostly_non_words("Sung by Sukhwinder Singh, Tanvi Shah, Mahalakshmi Iyer and Vijay Prakash in the film", "Tanvi Shah")


def test_a_number_with_a_scale_of_its_own_is_not_the_reference():
    for written in ("16 \\times 10^{3}", "16_000", "16e3"):
        j = judge("How many are there?", "16", f"There are {written} of them")
        assert j.verdict is not True, (written, j.reason)
    assert judge("How many are there?", "16", "There are 16 of them.").verdict is True


def test_a_second_candidate_after_the_final_answer_line():
    j = judge("What is 6 x 7?", "42", "Final Answer: 42. It could also be 43.", "Integer")
    assert j.verdict is False and j.rule == "hedge", j.reason


def test_a_sibling_date_inside_listed_alternatives():
    reference = "October 1976/August 15, 1971/1934"
    assert judge("When?", reference, "October 1976/August 14, 1971/1934").verdict is not True


def test_a_negated_name_with_initials_stays_negated():
    assert judge("Who wrote it?", "W. S. Stevenson", "not W. S. Stevenson").verdict is not True
    assert judge("Who was it?", "Hank J. Deutschendorf II", "Hank J. Deutschendorf II is incorrect").verdict is not True
    # an option letter ending a sentence still ends it: the correction is read
    from genreason.verify.rules.guards.negation import read_negation

    assert read_negation("The answer is not B. C is right.").status == "corrected"


def test_an_option_or_word_joined_to_another_answer():
    assert judge("Pick one.", "(E)", "\\boxed{(E) and oil filter}").verdict is not True
    assert judge("Which field?", "Epistemology", "Final Answer: Epistemology and tRNA").verdict is not True


def test_two_lower_case_answers_joined_by_a_comma():
    assert judge("What part?", "oil filter", "\\boxed{oil filter, cucumber}").verdict is not True
    assert judge("Where is it?", "Tulsa", "\\boxed{Tulsa, Oklahoma}").verdict is True  # a qualifier


def test_a_sibling_date_is_not_saved_by_a_coarser_alternative():
    assert judge("When?", "March 27, 2018/March 2018", "\\boxed{March 26, 2018}").verdict is False
    assert judge("When?", "March 27, 2018/March 2018", "\\boxed{March 2018}").verdict is True


def test_a_list_of_values_with_bracketed_items():
    answer = "0.186, [0, 0, 3, 3, 3, 3, 2, 3, 2, 2, 1, 2, 1], 62, 7.853, [0, 4], 13068"
    assert judge("Compute it.", "13068", answer).verdict is not True


def test_an_unclosed_bracket_does_not_hide_the_list():
    reference = "Russia\xa0(/Russia"  # written badly in the data: a bracket never closed
    assert judge("Where?", reference, "0 or Russia (/Russia or none of the above").verdict is False
    assert judge("Where?", reference, "Russia").verdict is True
