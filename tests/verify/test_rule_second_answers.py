"""The reference and another answer of the same kind side by side, and dates that contradict it.

Hand-made cases in the shape of open-domain QA (names, places, dates; not the probe's strings):
a bare answer listing the reference with another name ("Michael Crawford, Nancy Cartwright") or
giving two dates is never judged True, nor is a full date that contradicts the reference's
("July 10, 1979" for "1979/21 July 1979"). The look-alikes that state one answer stay accepted:
a place qualified by its region, a list of the reference's own alternatives, a sentence that
mentions other things, a date more precise than the reference's. Ids name the case.
"""

from __future__ import annotations

import pytest

from genreason.judging import Item
from genreason.verify.rules.text.dates import (
    Date,
    conflicting_date,
    date_of,
    dates_in,
    several_dates,
)
from genreason.verify.rules.verifier import judge_items


def _judge(question: str, reference: str, response: str):
    return judge_items([Item(question, reference, response)])[0]


# (question, reference, response, id): more than one answer given, or a contradicting date.
NOT_TRUE = [
    ("who played the first phantom of the opera", "Michael Crawford", "Michael Crawford, Nancy Cartwright", "two-people-comma"),
    ("who played the first phantom of the opera", "Michael Crawford", "Final Answer: Michael Crawford and Steve Barton", "two-people-and"),
    ("where is the citrus bowl held this year", "Camping World Stadium", "Camping World Stadium, Max Casella", "place-then-rare-name"),
    ("where is the world cup being held 2018", "Russia", "\\boxed{Russia, Brazil, Qatar, Germany, South Africa, Japan}", "six-countries"),
    ("who wrote the declaration of independence", "Thomas Jefferson", "Thomas Jefferson\nJohn Adams", "second-line-name"),
    ("which order founded the california missions", "the Franciscan order", "the Franciscan order and the Jesuits", "order-and-order"),
    ("what kind of dog is charkie", "black cocker spaniel", "black cocker spaniel, golden retriever/beagle", "slash-joined-extra"),
    ("when did guardians of the galaxy 2 come out", "May 5, 2017", "May 5, 2017, May 5, 2018", "two-dates-comma"),
    ("when did guardians of the galaxy 2 come out", "May 5, 2017", "Final Answer: May 5, 2017\n\n\n\nMay 4, 2017", "two-dates-lines"),
    ("when was i don't like mondays released", "1979/21 July 1979", "It was released on July 10, 1979.", "year-matches-day-differs"),
    ("when did the book thief come out", "November 27, 2013/2013", "The film was released on November 8, 2013.", "same-month-other-day"),
    ("when was seven nation army released", "2003/March 2003", "It came out on February 17, 2003.", "month-differs"),
    ("the witch and the hundred knight 2 us release", "March 27, 2018/March 2018", "March 27, 2019", "full-date-other-year"),
]

# (question, reference, response, id): one answer, stated; accepted.
TRUE = [
    ("where was the world chess tournament 2017 held", "Tbilisi", "Tbilisi, Georgia", "city-then-country"),
    ("where did they film season 8 of the walking dead", "Georgia", "Atlanta, Georgia", "city-before-state"),
    ("where does route 66 start", "in Santa Monica", "Route 66 starts in Santa Monica, California.", "sentence-with-place"),
    ("what cities are in san joaquin county", "Lodi/Stockton/Tracy/Manteca/Ripon", "Stockton, Lodi, Tracy and Manteca", "the-reference-alternatives"),
    ("who won the first nobel prize in physics", "Wilhelm Conrad Röntgen", "The prize went to Wilhelm Conrad Röntgen, a German physicist, in 1901.", "prose-with-commas"),
    ("when did starbucks go public", "June 1992/1992", "Starbucks became a publicly traded company on June 26, 1992.", "more-precise-date"),
    ("when did season 18 of svu premiere", "September 21, 2016", "It premiered on September 21, 2016, and ended on May 24, 2017.", "second-date-other-year"),
    ("the witch and the hundred knight 2 us release", "March 27, 2018/March 2018", "March 27, 2018", "full-date-of-a-month-alternative"),
    ("what does r/t stand for", "Road/Track", "R/T stands for Road/Track.", "the-reference-slash-kept-whole"),
    ("who lives at the end of king lear", "Kent/Albany/Edgar", "Edgar and Albany", "two-alternatives-both-right"),
]


@pytest.mark.parametrize(("question", "reference", "response"), [c[:3] for c in NOT_TRUE], ids=[c[3] for c in NOT_TRUE])
def test_a_second_answer_or_a_contradicting_date_is_never_accepted(question, reference, response):
    j = _judge(question, reference, response)
    assert j.verdict is not True, (j.rule, j.reason)


@pytest.mark.parametrize(("question", "reference", "response"), [c[:3] for c in TRUE], ids=[c[3] for c in TRUE])
def test_one_stated_answer_is_still_accepted(question, reference, response):
    j = _judge(question, reference, response)
    assert j.verdict is True, (j.rule, j.reason)


def test_a_listed_second_name_is_undecided_with_a_reason_not_false():
    j = _judge("who played the first phantom of the opera", "Michael Crawford", "Michael Crawford, Nancy Cartwright")
    assert j.verdict is None
    assert "another answer" in j.reason and "Nancy Cartwright" in j.reason


def test_dates_are_read_at_the_precision_written():
    assert [d for d, _, _ in dates_in("born 5 March 1990, died in May 2001 and buried in 2002")] == [
        Date(1990, 3, 5), Date(2001, 5), Date(2002)
    ]
    assert date_of("in 1999") == Date(1999)
    assert date_of("21 July 1979") == Date(1979, 7, 21)
    assert date_of("Super Bowl 50") is None
    # "it may 2017" is no date: a month name in prose needs its capital without a day
    assert dates_in("it may 2017 be") == ((Date(2017), 7, 11),)


def test_conflicting_date_decides_only_on_the_reference_years():
    alts = ["1979", "21 July 1979"]
    assert conflicting_date("released on July 10, 1979", alts)[0] is False
    assert conflicting_date("released in 1979", alts) is None  # less precise: agrees
    assert conflicting_date("released on 21 July 1979, re-released on 3 May 1980", alts) is None
    assert conflicting_date("released on July 10, 1979 and on 21 July 1979", alts) is None  # one agrees
    assert several_dates("May 5, 1992, May 5, 1993", ["May 5, 1992"]) is not None
    assert several_dates("May 5, 1992 in Los Angeles", ["May 5, 1992"]) is None


OPTIONS = ("False, False", "True, True", "Statement 1 is mostly true, Statement 2 is false", "True, False")


@pytest.mark.parametrize(
    ("question", "reference", "response", "options"),
    [
        ("Statement 1 | ... Statement 2 | ...", "B", "Final Answer: B" + " " * 2000 + OPTIONS[2], OPTIONS),
        ("Statement 1 | ... Statement 2 | ...", "B", "Final Answer: B" + "\n" * 40 + OPTIONS[2], OPTIONS),
        ("who plays janie in the search for santa paws", "G. Hannelius", "0 or G. Hannelius or none of the above", None),
        ("who was the baby in ghostbusters 2", "Hank J. Deutschendorf II", "Final Answer: Hank J. Deutschendorf II\n\n\nHank J. Deutschendorf I", None),
        ("Simplify $\\frac{8}{22}$.", "\\frac{4}{11}", "Question: Simplify $\\frac{8}{22}$.", None),
        ("Simplify $3t+4-6t+7t-4$.", "4t", "Simplify $3t+4", None),
        ("Which bird is drawn on the tile?", "pelican", "pelican, it was opened", None),
        ("What is the chemical formula of table salt?", "NaCl", "NaCl. It could also be \\begin{pmatrix} 2x & 0 \\\\ y & x \\end{pmatrix}.", None),
        ("How many zip codes are possible?", "900,000,000", "900000000_000", None),
    ],
    ids=["option-text-far-below", "option-text-lines-below", "initial-inside-a-hedged-list", "roman-numeral-sibling-below",
         "short-question-copied", "t-is-a-variable-not-tonnes", "word-then-a-clause", "matrix-as-second-candidate",
         "digit-groups-then-underscore"],
)
def test_more_two_answer_forms_are_never_accepted(question, reference, response, options):
    j = judge_items([Item(question, reference, response, options=options)])[0]
    assert j.verdict is not True, (j.rule, j.reason)


def test_the_right_option_text_below_its_letter_is_still_accepted():
    j = judge_items([Item("Statement 1 | ...", "C", "Final Answer: C\n\n" + OPTIONS[2], options=OPTIONS)])[0]
    assert j.verdict is True, (j.rule, j.reason)


def test_a_term_in_the_question_variable_is_an_expression():
    assert _judge("Simplify $3t+4-6t+7t-4$.", "4t", "\\boxed{4t}").verdict is True
    assert _judge("How heavy is the load, in tonnes?", "4t", "\\boxed{4 t}").verdict is True


# (question, reference, response, answer type, options, id): more forms found by the probe at
# other seeds; none may be accepted.
LATER = [
    ("What is the molar mass of water?", "18.02 g/mol", "0, 18.02 g/mol, none of the above", None, None, "unit-slash-in-a-hedged-list"),
    ("when did cybermen first appear", "in 1966/1966", "in", "String", None, "a-preposition-is-no-product"),
    ("Who proved it?", "disproved", "disproved, (A)", "String", None, "bracketed-letter-beside-a-word"),
    ("Which bird?", "pelican", "pelican, A", "String", None, "bare-letter-beside-a-word"),
    ("who is the actor that plays dr. sean murphy", "Freddie Highmore", "Freddie Highmore and the Swedish astronomer Anders Celsius", "String", None, "name-and-a-described-name"),
    ("where does the endocrine system release hormones", "epithelial surface", "epithelial surface, April 24, 2018", "String", None, "a-date-is-no-place"),
    ("who has won more national championships", "Michigan", "Michigan. It could also be the celebrity alumna Cecil Lockhart of the school", "String", None, "long-second-candidate"),
    ("when is the 5th round fa cup played", "29 January 2018/February 2018", "0 or 29 January 2018/February 2018 or none of the above", "String", None, "date-alternatives-hedged"),
    ("who sings the song i feel it still", "Portugal. The Man.", "Portugal. The Man. is incorrect", "String", None, "name-with-its-own-periods-negated"),
    ("What is the probability?", "\\frac{1}{2}", "Final Answer: \\frac{1}{2}\n\n\n\n\\frac{2}{2}", None, None, "fraction-then-fraction-below"),
    ("How did it change?", "C", "\\boxed{(C) Stayed the same Decreased}", "Multiple Choice", ("Increased", "Decreased", "Stayed the same", "Doubled"), "letter-its-text-and-another-option"),
]


@pytest.mark.parametrize(("question", "reference", "response", "answer_type", "options"), [c[:5] for c in LATER], ids=[c[5] for c in LATER])
def test_forms_found_at_other_probe_seeds_are_never_accepted(question, reference, response, answer_type, options):
    j = judge_items([Item(question, reference, response, answer_type=answer_type, options=options)])[0]
    assert j.verdict is not True, (j.rule, j.reason)


def test_an_option_letter_with_its_text_and_an_explanation_is_accepted():
    options = ("Increased", "Decreased", "Stayed the same", "Doubled")
    response = "\\boxed{(C) Stayed the same, because it neither increased nor decreased over the period}"
    j = judge_items([Item("How did it change?", "C", response, answer_type="Multiple Choice", options=options)])[0]
    assert j.verdict is True, (j.rule, j.reason)
    assert _judge("when did cybermen first appear", "in 1966/1966", "They first appeared in 1966.").verdict is True


def test_held_out_seed_forms():
    # an option's whole text that opens like a letter is that option, not letter B
    options = ("B. F. Skinner", "Ivan Pavlov", "John Watson", "Sigmund Freud")
    j = judge_items([Item("Who first showed classical conditioning?", "B", "\\boxed{B. F. Skinner}", answer_type="Multiple Choice", options=options)])[0]
    assert j.verdict is False, (j.rule, j.reason)
    # two matrices where the reference has one
    two = "\\boxed{\\begin{pmatrix} 0 & 0 \\\\ 0 & 0 \\end{pmatrix} \\begin{pmatrix} 1 & 0 \\\\ 0 & 0 \\end{pmatrix}}"
    assert _judge("q", "\\begin{pmatrix} 0 & 0 \\\\ 0 & 0 \\end{pmatrix}", two).verdict is None
    # "as" opening the second item is no role gloss of the first
    assert _judge("who was the original host of what's my line", "John Daly", "John Daly and as a pH indicator").verdict is not True


def test_more_held_out_forms():
    # a currency reference written with a scale or notation of its own
    assert _judge("how much does it cost", "$174,000", "\\boxed{174000 \\times 10^{3}}").verdict is not True
    assert _judge("how much does it cost", "$174,000", "\\boxed{$174,000}").verdict is True
    # a long list with a quoted title in it is still a list
    listed = "Buffalo Bill, \"Fix You\", Frankie Valli, Russia, Mount Whitney, Roxette"
    assert _judge("who was the first to perform it", "Buffalo Bill", listed).verdict is not True
    # a second name whose words are rare is no place qualifier
    assert _judge("where does the song come from", "United Kingdom", "United Kingdom, Dustin Johnson").verdict is not True
