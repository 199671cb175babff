"""Sub-spans and look-alikes of a multi-word reference (issue 8, item 1).

A reward that accepts a part of the reference is gamed at once: each row of the issue's table
must be judged not-True, each general pattern is checked on cases made here (not only the
table's strings), and the parts that do name the same thing stay accepted.
"""

from __future__ import annotations

import pytest

from genreason.judging import Item
from genreason.verify.rules.text.parts import different_numeral, is_numeral, judge_part
from genreason.verify.rules.verifier import judge_items


def judge(question: str, reference: str, response: str, answer_type: str | None = None):
    return judge_items([Item(question, reference, response, answer_type)])[0]


# --------------------------------------------------------------------------- the issue's table
TABLE = [
    ("generic head word of an ocean", "Which ocean is the largest?", "Pacific Ocean", "Ocean", None),
    ("generic head word of a city", "Which city is the largest in the US?", "New York City", "City", None),
    ("generic head word of a university", "Which university in Cambridge, Massachusetts was founded in 1636?", "Harvard University", "University", None),
    ("generic head word of a river", "Which river flows through Egypt?", "Nile River", "River", None),
    ("a different person (middle name dropped)", "Who was the 6th US president?", "John Quincy Adams", "John Adams", None),
    ("1e500 is not e x 500", "Compute the value.", "1359.14", "The answer is 1e500", "Float"),
]


@pytest.mark.parametrize(("guards", "question", "reference", "response", "answer_type"), TABLE, ids=[t[0] for t in TABLE])
def test_issue_table_row_is_not_accepted(guards, question, reference, response, answer_type):
    j = judge(question, reference, response, answer_type)
    assert j.verdict is not True, (guards, j.reason)
    assert j.reason  # a reason is always given


def test_table_generic_words_from_the_question_are_false_not_just_undecided():
    j = judge("Which ocean is the largest?", "Pacific Ocean", "Ocean")
    assert j.verdict is False and "question" in j.reason


# --------------------------------------------------------------------------- generic parts
# (name, category word, a question naming the category) made here, checked twice: the
# category word alone is never accepted, with or without the question naming it.
GENERIC = [
    ("Sahara", "Desert", "Which desert is the largest hot desert?"),
    ("Amazon", "River", "Which river carries the most water?"),
    ("Lake", "Superior", None),  # the name second: "Lake Superior"
    ("Mount", "Everest", None),
    ("Yale", "University", "Which university did he attend?"),
    ("Hudson", "Bay", "Which bay lies in northern Canada?"),
    ("Suez", "Canal", "Which canal joins the Mediterranean and the Red Sea?"),
    ("Sulfuric", "acid", "Which acid is used in car batteries?"),
    ("gray", "matter", "What tissue is found on the surface of the brain?"),
    ("Trojan", "War", "Which war did Homer describe?"),
]


@pytest.mark.parametrize(("first", "second", "question"), GENERIC)
def test_a_generic_word_of_the_reference_is_never_accepted(first, second, question):
    reference = f"{first} {second}"
    head = second if first not in ("Lake", "Mount") else first
    for q in (question or "What is it?", "Name it."):
        j = judge(q, reference, head)
        assert j.verdict is not True, (reference, head, j.reason)


@pytest.mark.parametrize(("first", "second", "question"), [g for g in GENERIC if g[2] and g[1].lower() in g[2].lower()])
def test_the_question_word_alone_is_false(first, second, question):
    j = judge(question, f"{first} {second}", second.capitalize())
    assert j.verdict is False, j.reason


# --------------------------------------------------------------------------- numerals
def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


# Names that differ only in their numeral are different things: generated neighbours (+-1).
NUMBERED = [("World War", 2, "roman"), ("Henry", 8, "roman"), ("Louis", 14, "roman"), ("Apollo", 11, "digits"),
            ("Super Bowl", 50, "digits"), ("Pope John Paul", 2, "roman"), ("Richard", 3, "roman")]


@pytest.mark.parametrize(("name", "n", "style"), NUMBERED)
def test_a_sibling_numeral_is_false(name, n, style):
    write = _roman if style == "roman" else str
    reference = f"{name} {write(n)}"
    for other in (n - 1, n + 1):
        j = judge("Which one was it?", reference, f"{name} {write(other)}")
        assert j.verdict is False, (reference, other, j.reason)
    assert judge("Which one was it?", reference, reference).verdict is True


@pytest.mark.parametrize(("name", "n", "style"), NUMBERED)
def test_dropping_or_adding_the_numeral_is_not_accepted(name, n, style):
    write = _roman if style == "roman" else str
    numbered = f"{name} {write(n)}"
    assert judge("Which one was it?", numbered, name).verdict is not True  # "Henry" for "Henry VIII"
    extended = judge("Which one was it?", name, f"It was {numbered} that did it.")
    assert extended.verdict is not True, extended.reason  # "World War" answered "World War II"


def test_numeral_reading():
    assert all(is_numeral(t) for t in ("ii", "viii", "xiv", "11", "6th"))
    assert not any(is_numeral(t) for t in ("war", "henry", "ocean"))
    assert different_numeral("World War I", "World War II")[0] is False
    assert different_numeral("World War II", "World War II") is None


# --------------------------------------------------------------------------- people
COMMON_SURNAME_PEOPLE = ["John Quincy Adams", "George Herbert Walker Bush", "Mary Ann Williams", "Andrew Paul Johnson"]


@pytest.mark.parametrize("reference", COMMON_SURNAME_PEOPLE)
def test_first_and_last_name_of_a_common_surname_is_not_accepted(reference):
    words = reference.split()
    short = f"{words[0]} {words[-1]}"  # "John Adams": may be another person of that family
    j = judge("Who was it?", reference, short)
    assert j.verdict is not True, j.reason
    inside = judge("Who was it?", short, reference)  # and the other way round
    assert inside.verdict is not True, inside.reason


def test_a_surname_names_the_person_in_a_question_about_a_person():
    assert judge("Who developed the theory of relativity?", "Albert Einstein", "Einstein").verdict is True
    assert judge("Who was the 6th US president?", "John Quincy Adams", "Adams").verdict is True
    # not in a question about something else, and never a given name alone
    assert judge("What is the street called?", "John Quincy Adams", "Adams").verdict is not True
    assert judge("Who developed the theory of relativity?", "Albert Einstein", "Albert").verdict is not True


def test_a_rare_surname_keeps_first_and_last_name():
    j = judge("Who plays Lindsay Denton in Line of Duty?", "Keeley Clare Julia Hawes", "Keeley Hawes")
    assert j.verdict is True, j.reason
    j = judge("Who got the first Nobel Prize in Physics?", "Wilhelm Conrad Röntgen", "It was awarded to Wilhelm Röntgen in 1901.")
    assert j.verdict is True, j.reason


def test_a_name_after_its_description_or_title_is_the_name():
    assert judge("Who sings God Gave Rock and Roll to You?", "the British band Argent", "Argent").verdict is True
    assert judge("Who spoke the words?", "U.S. President John F. Kennedy", "John F. Kennedy").verdict is True
    assert judge("Who started the book?", "Sir Hugh Beaver", "Hugh Beaver").verdict is True


# --------------------------------------------------------------------------- places and alternatives
def test_a_place_before_its_qualifier():
    assert judge("What is the capital of France?", "Paris, France", "Paris").verdict is True
    assert judge("What is the capital of France?", "Paris", "Paris, France").verdict is True
    # the qualifier alone is another place ("Maryland" for "Baltimore, Maryland")
    assert judge("Where does Jack Ryan live?", "Baltimore, Maryland", "Maryland").verdict is not True


def test_unchanged_answers_stay_accepted():
    assert judge("What is table salt?", "NaCl", "NaCl").verdict is True
    assert judge("What does HP mean?", "hit points or health points", "Health Points").verdict is True
    assert judge("Which ocean is the largest?", "Pacific Ocean", "The Pacific Ocean").verdict is True
    assert judge("Which ocean is the largest?", "Pacific Ocean", "the pacific ocean").verdict is True


def test_judge_part_only_judges_proper_parts():
    assert judge_part("Pacific Ocean", "Pacific Ocean", "") is None  # the whole reference
    assert judge_part("Atlantic", "Pacific Ocean", "") is None  # not a part
    verdict, reason = judge_part("Ocean", "Pacific Ocean", "")
    assert verdict is None and "common word" in reason


def test_leaving_out_only_the_questions_own_word_names_the_same_thing():
    assert judge("Which river flows through Egypt?", "Nile River", "Nile").verdict is True
    assert judge("Which 1919 treaty ended the war with Germany?", "Treaty of Versailles", "Versailles").verdict is True
    # not when the question does not say what was left out
    assert judge("What flows through Egypt?", "Nile River", "Nile").verdict is not True


def test_a_numeral_written_another_way_is_the_same():
    assert judge("Which war?", "World War II", "World War 2").verdict is True
    assert judge("Which king?", "Henry VIII", "Henry 8th").verdict is True
    assert judge("Which war?", "World War II", "World War 3").verdict is False
