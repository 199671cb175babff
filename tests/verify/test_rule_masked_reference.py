"""References with punctuation or many words of their own, inside answers that hedge or list.

The guards read an answer's sentences and items; a reference such as "Captain America: Civil
War", "Passion. Connected." or a ten-word list used to break that reading, so a second answer
or a denial beside it went unseen (`genreason.verify.rules.guards.masking`). Hand-made cases in
the shapes of open-domain QA and of word-list puzzles; ids name the case.
"""

from __future__ import annotations

import pytest

from genreason.judging import Item
from genreason.verify.rules.guards.masking import mask_reference
from genreason.verify.rules.verifier import judge_items

LONG_TITLE = "The Curious Case of Benjamin Button Story Of A Long Life Told"
WORDS = "article, axe, floor, hardware, law, map, recommendation, root, sheep, washer"
TRUTHS = "Is Ana, Bo and Cy telling the truth? Answer with yes, no or unknown for each, e.g. <yes, no, yes>."


def _verdict(question: str, reference: str, response: str) -> bool | None:
    return judge_items([Item(question, reference, response)])[0].verdict


# (question, reference, response, id): a second answer, a hedge or a denial beside the reference.
NOT_TRUE = [
    ("which marvel film came out in 2016", "Captain America: Civil War", "Captain America: Civil War, Doctor Strange", "colon-title-comma-second"),
    ("which marvel film came out in 2016", "Captain America: Civil War", "0 or Captain America: Civil War or none of the above", "colon-title-or-list"),
    ("which marvel film came out in 2016", "Captain America: Civil War", "It could be 3, 7, none of the above or Captain America: Civil War.", "colon-title-stuffed"),
    ("what was the slogan of the 2018 winter olympics", "Passion. Connected.", "anything but Passion. Connected.", "stops-title-denied"),
    ("who won the silver medal in figure skating", "Evgenia Medvedeva", "\\boxed{Evgenia Medvedeva. It could also be Alina Zagitova.}", "name-then-could-also"),
    ("sort these words", WORDS, f"\\boxed{{0 or {WORDS} or none of the above}}", "word-list-or-list"),
    ("sort these words", WORDS, f"\\boxed{{both {WORDS} and none of the above}}", "word-list-both"),
    ("sort these words", WORDS, f"anything but {WORDS}", "word-list-denied"),
    (TRUTHS, "yes, yes, no", "\\boxed{yes, yes, no, yes}", "truth-list-one-more"),
    (TRUTHS, "yes, yes, no", "\\boxed{yes, yes, no and no}", "truth-list-and-one-more"),
    (TRUTHS, "yes, yes, no", "\\boxed{yes, yes, no. It could also be yes.}", "truth-list-could-also"),
    (TRUTHS, "yes, yes, no", "\\boxed{yes}", "truth-list-one-element"),
    ("who beat the university of virginia in basketball", "Virginia Tech/West Virginia", "West", "everyday-word-plus-question-word"),
    ("when did the one child policy end", "January 1, 2016", "January 1, 2016\n\n\n\n\nJanuary 0, 2016", "impossible-day-below"),
    ("who played the young john connor", "Michael Edwards/Edward Furlong", "\\boxed{Edward}", "given-name-is-no-surname"),
    ("what is the song by panic at the disco", "I Write Sins Not Tragedies", "\\boxed{It is not I Write Sins Not Tragedies.}", "denied-title-holding-not"),
    ("how many hospitals are in the country", "5,534 registered hospitals/5,534", "\\boxed{5,534 registered hospitals, 6,534 registered hospitals}", "same-words-other-number"),
    (
        "who was the prime minister",
        "Rob Reiner",
        "\\boxed{Manhattan, Real Madrid, in the cell nucleus, Rob Reiner, I Write Sins Not Tragedies, when commissioned}",
        "six-values-last-with-clause-word",
    ),
    (
        "who drafted the declaration",
        "John Humphrey/Alexander E. Bogomolov/Eleanor Roosevelt",
        "not John Humphrey/Alexander E. Bogomolov/Eleanor Roosevelt",
        "whole-reference-denied-initial-inside",
    ),
    ("sort these words", WORDS, f"Final Answer: {WORDS}\n\n\n\n{WORDS.replace('root', 'rot')}", "word-list-look-alike-below"),
    ("how many nuclear power plants are in washington", "3", "\\boxed{3 \\times 10^{3}}", "number-with-scale-in-exponent"),
    ("solve the differential equation", "y = A \\cos x + B \\sin x", "anything but y = A \\cos x + B \\sin x", "formula-anything-but"),
    ("who won the first season", "Jackie DaFonseca", "\\boxed{Jackie DaFonseca, as early as 1671}", "comparison-as-is-no-gloss"),
    (
        "what is the content of a message called",
        "information",
        "It could be 14, 35 or information. I cannot decide between them without more information.",
        "ends-undecided",
    ),
    ("who wrote the game's story", "hunt", "\\boxed{hunt and Alicia Vikander as Lara Croft}", "role-given-to-another-name"),
    ("where does patience is a virtue come from", '"Psychomachia"', '\\boxed{"Psychomachia", Todd Bridges}', "title-is-no-place"),
    ("who took control of korea in 1910 after japan", "Empire of Japan", "\\boxed{Empire}", "head-noun-of-an-of-phrase"),
    (TRUTHS, "yes, yes, no", "Is Ana, Bo and Cy telling the truth? yes, no or unknown for each.", "list-words-scattered"),
    ("who founded the guinness book", "Sir Hugh Beaver,/Hugh Beaver", "\\boxed{Sir Hugh Beaver, Ptolemy}", "alternative-with-trailing-comma"),
    ("what rank is a chief petty officer", "E-8s senior chief/E-9s master chief", "\\boxed{E-8s senior chief, E-9s senior chief}", "words-of-two-alternatives-mixed"),
    ("where did the crown prince go to college", "King Saud University", "\\boxed{King Saud University, George Washington Steele}", "three-word-name-is-no-place"),
    (
        "who won the silver medal",
        "Evgenia Medvedeva",
        "\\boxed{the defendant breached this duty, Sicily, Ray Charles, 1998, Malware, Luke Bryan, Evgenia Medvedeva, "
        "Old Trafford, Dido, birch, 2020, Manchuria, Princeton}",
        "dozen-values-opening-with-a-clause",
    ),
    # from the review of the masking change
    ("where is the louvre", "Paris, France", "Paris, France, London", "qualified-place-then-another"),
    ("where is the gathering place", "Tulsa, Oklahoma", "Tulsa, Oklahoma, Dallas", "qualified-place-then-another-city"),
    ("which film won", LONG_TITLE, f"{LONG_TITLE} or Fight Club", "long-title-or-another"),
    ("which film won", LONG_TITLE, f"either {LONG_TITLE} or Fight Club", "long-title-either-or"),
    ("which novel did he write", "War and Peace", "War and Peace. Anna Karenina.", "two-one-phrase-sentences"),
    ("which novel did he write", "War and Peace", "War and Peace vs Anna Karenina", "versus"),
    ("which novel did he write", "War and Peace", "War and Peace & Anna Karenina", "ampersand"),
    ("when was it released", "29 January 2018/February 2018", "one of 29 January 2018, March 2018", "date-keeps-its-value-shape"),
    ("where is the gathering place", "Tulsa, Oklahoma", "Tulsa, Oklahoma is wrong; Dallas", "short-correction-answers-alone"),
    ("A current flows in the wire. What is the current?", "2 A", "2", "article-a-is-no-ampere"),
    ("who sang with michael jackson on the song", "Jermaine Jackson", "\\boxed{Jermaine}", "given-name-plus-question-surname"),
    ("where did people drink during prohibition", "Speakeasies", "\\boxed{Speakeasies, from 0.01 to 10 nanometers}", "phrase-holding-a-value"),
    ("What is the period of the second pendulum?", "3 s", "3", "ordinal-second-is-no-unit"),
]

# (question, reference, response, id): one answer (or the set a question asks for), stated plainly.
TRUE = [
    ("which marvel film came out in 2016", "Captain America: Civil War", "Captain America: Civil War", "colon-title"),
    ("which marvel film came out in 2016", "Captain America: Civil War", "The answer is Captain America: Civil War.", "colon-title-sentence"),
    ("what was the slogan of the 2018 winter olympics", "Passion. Connected.", "\\boxed{Passion. Connected.}", "stops-title"),
    ("sort these words", WORDS, f"\\boxed{{{WORDS}}}", "word-list"),
    (TRUTHS, "yes, yes, no", "The answer is yes, yes, no.", "truth-list"),
    ("which river flows through egypt", "Nile River", "Nile", "rare-name-plus-question-word"),
    ("where is the gathering place located", "Tulsa, Oklahoma", "Tulsa, Oklahoma", "qualified-place"),
    ("who played the young john connor", "Michael Edwards/Edward Furlong", "\\boxed{Edwards}", "surname"),
    ("what is the song by panic at the disco", "I Write Sins Not Tragedies", "The song is I Write Sins Not Tragedies.", "title-holding-not"),
    ("what is the verdict", "not guilty", "not guilty", "reference-is-a-denial"),
    ("who played the nanny", "Emily Blunt", "\\boxed{Emily Blunt as Mary Poppins}", "role-given-to-the-reference"),
    ("where is the capital of georgia", "Tbilisi", "\\boxed{Tbilisi, Georgia}", "place-qualified"),
    ("what is the capital of australia", "Canberra", "\\boxed{Canberra, Australian Capital Territory}", "place-noun-qualifier"),
    ("how many people live there", "1 Million", "It has roughly 1 million residents", "reference-with-its-own-scale"),
    ("which band recorded detroit rock city", "Kiss", "\\boxed{Kiss, with the song on their album Destroyer}", "phrase-about-the-reference"),
    ("who was the first vice president to become president", "Sarvepalli Radhakrishnan", "Dr. Sarvepalli Radhakrishnan.", "title-abbreviation"),
    ("what is the current in amperes", "2 A", "2", "unit-named-by-the-question"),
    ("solve for x", "5", "We cannot determine x directly, so using y = 2 we get x = 5.", "cannot-then-a-value"),
    ("when did it become popular", "1980s", "It became popular in the 1980s.", "decade-is-no-quantity"),
    (
        "what languages are spoken in india the most",
        "Bengali/Telugu/Marathi/Hindi/English",
        "The most spoken languages in India are Hindi, Bengali, Telugu, Marathi, Tamil, Urdu, Gujarati, Kannada, Punjabi, Assamese, Sanskrit, and Odia.",
        "a-sentence-leading-into-a-dozen-names",
    ),
]


@pytest.mark.parametrize(("q", "ref", "resp"), [c[:3] for c in NOT_TRUE], ids=[c[3] for c in NOT_TRUE])
def test_second_answer_beside_a_punctuated_reference_is_not_true(q, ref, resp):
    assert _verdict(q, ref, resp) is not True


@pytest.mark.parametrize(("q", "ref", "resp"), [c[:3] for c in TRUE], ids=[c[3] for c in TRUE])
def test_the_punctuated_reference_alone_stays_true(q, ref, resp):
    assert _verdict(q, ref, resp) is True


def test_mask_stands_in_for_each_alternative_and_gives_it_back():
    text = "Joaquin Phoenix and Reese Witherspoon starred in Captain America: Civil War."
    masked = mask_reference(text, ["Joaquin Phoenix", "Reese Witherspoon", "Captain America: Civil War"])
    assert "Phoenix" not in masked.text and "Civil" not in masked.text
    assert masked.text.endswith(".")  # the sentence's stop is not the title's
    assert masked.unmask(masked.text) == text
    # a name keeps its length; a title with marks of its own is one short item
    assert masked.text.count(masked.written[-1][0]) == 2
    assert len(masked.text.split(" starred in ")[1].split()) == 3


def test_a_formula_reference_is_left_as_written():
    assert mask_reference("p - q \\quad 17", ["p - q"]).text == "p - q \\quad 17"


def test_another_options_exact_text_below_the_letter_is_not_true():
    # options C and D share their words, not their text: C written below "D" is another answer
    options = ("num1 < num3", "num1 == num3", "num1 > num2 || num1 < num3", "num1 < num2 && num1 < num3")
    below = "Final Answer: D\n\n\n\n\nnum1 > num2 || num1 < num3"
    assert judge_items([Item("Which condition holds?", "D", below, options=options)])[0].verdict is not True
    again = "Final Answer: D\n\n\n\n\nnum1 < num2 && num1 < num3"
    assert judge_items([Item("Which condition holds?", "D", again, options=options)])[0].verdict is True


def test_no_placeholder_reaches_a_judgment():
    cases = [*NOT_TRUE, *TRUE, ("which film won", "The Curious Case of Benjamin Button", "The Curious Case of Benjamin Button, Fight Club", "cut")]
    judged = judge_items([Item(q, ref, resp) for q, ref, resp, _ in cases])
    for j in judged:
        assert "Zqxj" not in j.reason and "Zqxj" not in (j.extracted or ""), j.reason
