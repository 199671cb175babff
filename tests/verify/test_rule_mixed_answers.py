"""Two answers given as one: the reference with a value of another shape beside it on the answer
line ("tRNA, O(log n)"), and another short answer left below the answer line ("(G)" ... "none").

Hand-made cases (not the probe's): every attack is never judged True, and the look-alikes that
state one answer (a place qualified by its region, an answer sentence holding a year, "x = 3",
"B) Paris", prose or the answer repeated after the answer line) stay accepted. A long run of
spaces parts the answer line as a line break does (`genreason.verify.extract`). Ids name the
family and the case.
"""

from __future__ import annotations

import pytest

from genreason.judging import Item
from genreason.verify.rules.guards.hedges import mixed_items
from genreason.verify.rules.verifier import judge_items

CAPITALS = ("Sydney", "Canberra", "Melbourne", "Perth")
# Items of every shape, the reference among them; twice over, longer than a short answer (600).
LONG_LIST = [
    "19.47 degrees", "11/12", "2.00 mol of water", "the Treaty of Westphalia", "Mars", "[2, 5]", "10 percent",
    "a monopoly market", "167 kJ per mole", "(C)", "\\ln(x^2 + 1) + C", "the Atlantic Ocean", "Marie Curie",
    "photosynthesis in plants", "O(n log n)", "y = Ce^{3x}", "Johannes Gutenberg", "the mitochondria",
    "3.14159", "Mount Kilimanjaro", "the Pythagorean theorem", "42", "Alexander Fleming", "the Sahara Desert", "7",
]


def _judge(question: str, reference: str, response: str, answer_type: str | None = None, options=None):
    return judge_items([Item(question, reference, response, answer_type=answer_type, options=options)])[0]


# (question, reference, response, id): the reference plus a second answer of another shape.
MIXED = [
    ("Which gas do plants take in for photosynthesis?", "carbon dioxide", "Final Answer: carbon dioxide, 42", "word-then-number"),
    ("Which organelle makes most of a cell's ATP?", "mitochondria", "\\boxed{mitochondria, x^2 + 1}", "word-then-formula"),
    ("What is the capital of Australia?", "Canberra", "Final Answer: Canberra, (C)", "word-then-option-letter"),
    ("What is the capital of Australia?", "Canberra", "Final Answer: 17, Canberra", "number-then-word"),
    ("What is the capital of Australia?", "Canberra", "Final Answer: Canberra; 3.5", "semicolon"),
    (
        "What is the capital of Australia?",
        "Canberra",
        "Final Answer: Canberra, 17, (B), it was opened, no, no, jigsaw puzzle",
        "many-heterogeneous-items",
    ),
    ("Which planet is known as the Red Planet?", "Mars", "\\boxed{\\text{Mars}, \\frac{1}{2}}", "boxed-text-and-fraction"),
    ("Which planet is known as the Red Planet?", "Mars", "Final Answer: Mars and \\ln(x^2 + 1) + C", "and-joined-formula"),
    ("Which option names the antecedent?", "(E)", "Final Answer: (E) and it was opened", "option-string-and-words"),
    ("Which option names the antecedent?", "(E)", "\\boxed{(E), the drawer}", "option-string-comma-words"),
    ("Which rivers bound Mesopotamia?", "Tigris/Euphrates", "Final Answer: Tigris/Euphrates, 1992", "whole-alternatives-then-year"),
    ("Which planet is known as the Red Planet?", "Mars", "Final Answer: " + ", ".join(LONG_LIST * 2), "long-list-of-many-items"),
]


@pytest.mark.parametrize("question,reference,response", [c[:3] for c in MIXED], ids=[c[3] for c in MIXED])
def test_reference_beside_a_value_is_not_accepted(question, reference, response):
    j = _judge(question, reference, response, "String")
    assert j.verdict is not True, j.reason


def test_letter_joined_to_another_answer_is_not_a_choice():
    options = ("London", "Paris", "Rome")
    for response in ("Final Answer: B) and C)", "Final Answer: (B) or it is Rome", "Final Answer: B. plus A"):
        j = _judge("What is the capital of France?", "B", response, "Multiple Choice", options)
        assert j.verdict is not True, (response, j.reason)


def test_mixed_items_names_what_it_found():
    found = mixed_items("tRNA, O(\\log n)", lambda item: item == "tRNA")
    assert found is not None and found.verdict is None
    assert found.items == ("tRNA", "O(\\log n)")
    assert mixed_items("tRNA", lambda item: item == "tRNA") is None  # one item
    assert mixed_items("Tulsa, Oklahoma", lambda item: item == "Tulsa") is None  # a qualifier, no value
    assert mixed_items("17, 18", lambda item: item == "17") is None  # the reference a value: the numeric rules judge it


# (question, reference, response, answer_type, options, id): one answer stated; must stay True.
ONE_ANSWER = [
    ("In which city is the Philbrook Museum of Art?", "Tulsa", "Final Answer: Tulsa, Oklahoma", "String", None, "city-state"),
    ("What is the capital of France?", "Paris", "Final Answer: Paris, France", "String", None, "city-country"),
    (
        "Who received the first Nobel Prize in Physics?",
        "Wilhelm Röntgen",
        "Final Answer: The Nobel Prize was awarded to Wilhelm Röntgen in 1901.",
        "String",
        None,
        "sentence-with-a-year",
    ),
    ("Solve 2x + 1 = 7.", "3", "Final Answer: x = 3", "Integer", None, "equation-for-a-number"),
    ("What is the capital of France?", "B", "Final Answer: B) Paris", "Multiple Choice", ("London", "Paris", "Rome"), "letter-and-its-text"),
    ("What is the capital of Australia?", "Canberra", "Final Answer: Canberra, Australian Capital Territory", "String", None, "capitalised-qualifier"),
    ("On what date did the event happen?", "May 31, 2012", "Final Answer: May 31, 2012", "String", None, "date-with-comma"),
]


@pytest.mark.parametrize(
    "question,reference,response,answer_type,options", [c[:5] for c in ONE_ANSWER], ids=[c[5] for c in ONE_ANSWER]
)
def test_one_answer_stays_accepted(question, reference, response, answer_type, options):
    j = _judge(question, reference, response, answer_type, options)
    assert j.verdict is True, j.reason


# Another answer left far below the answer line: the response ends with two answers.
TRAILING = [
    ("Which branch of philosophy studies knowledge?", "Epistemology", "Final Answer: Epistemology" + "\n" * 30 + "Ethics", "String", None, "word-then-word"),
    ("Which branch of philosophy studies knowledge?", "Epistemology", "Final Answer: Epistemology" + "\n" * 30 + "none", "String", None, "word-then-none"),
    ("Who holds the white ball at the end?", "(G)", "Final Answer: (G)" + "\n" * 30 + "none", "String", None, "option-string-then-none"),
    ("Which branch of philosophy studies knowledge?", "Epistemology", "Final Answer: Epistemology" + " " * 2000 + "Ethics", "String", None, "spaces-then-word"),
    ("What is the capital of Australia?", "B", "Final Answer: B" + " " * 500 + "Perth", "Multiple Choice", CAPITALS, "spaces-then-another-option"),
    ("Where does the story end?", "the old mill", "\\boxed{the old mill" + "\n" * 30 + "the river}", "String", None, "boxed-lines-then-words"),
    ("Where does the story end?", "the old mill", "\\boxed{the old mill" + " " * 900 + "nowhere}", "String", None, "boxed-spaces-then-word"),
    (
        "What is the capital of Australia?",
        "B",
        "Final Answer: B" + "\n" * 30 + "Melbourne",
        "Multiple Choice",
        CAPITALS,
        "letter-then-another-option-text",
    ),
    (
        "Which is the best way to describe the long-run aggregate supply curve?",
        "A",
        "Final Answer: A" + "\n" * 30 + "It slopes downward to the right.",
        "Multiple Choice",
        ("It is vertical.", "It slopes downward to the right.", "It is horizontal."),
        "letter-then-another-option-sentence",
    ),
]


# No marker: the last line is the answer, and a value far above it on the "same" line (2000
# spaces between) is not found in the whole response as if it were the answer. (A String
# reference there is still found: the whole-response search of prose answers, kept for
# open-domain QA, costs EVOUNA NQ accuracy when a short last line stops it.)
BARE_GAP = [
    ("What is 1/2 + 1/4?", "\\frac{3}{4}", "\\frac{3}{4}" + " " * 2000 + "\\frac{5}{4}", "Fraction", "fraction-then-fraction"),
    ("What is the area of a 3 cm by 5 cm rectangle?", "15\\mbox{ cm}^2", "15\\mbox{ cm}^2" + "\n" * 40 + "25\\mbox{ cm}^2", None, "untyped-quantity-lines-below"),
    ("What is the area of a 3 cm by 5 cm rectangle?", "15\\mbox{ cm}^2", "15\\mbox{ cm}^2" + " " * 2000 + "25\\mbox{ cm}^2", None, "untyped-quantity-far-below"),
]


@pytest.mark.parametrize("question,reference,response,answer_type", [c[:4] for c in BARE_GAP], ids=[c[4] for c in BARE_GAP])
def test_bare_answer_past_a_long_gap_is_not_accepted(question, reference, response, answer_type):
    j = _judge(question, reference, response, answer_type)
    assert j.verdict is not True, j.reason


@pytest.mark.parametrize(
    "question,reference,response,answer_type,options", [c[:5] for c in TRAILING], ids=[c[5] for c in TRAILING]
)
def test_another_answer_below_is_not_accepted(question, reference, response, answer_type, options):
    j = _judge(question, reference, response, answer_type, options)
    assert j.verdict is None, j.reason  # undecided: the model in the hybrid decides
    # the answer-line guard ("hedge") or the text rule's list guard names the second answer
    assert j.rule == "hedge" or (j.rule == "string" and "another answer" in j.reason), (j.rule, j.reason)


# A value of the same kind lines below is joined to the answer by extraction ("19.47° 18.47 °"):
# the number rules must not read only the leading one.
SAME_KIND_BELOW = [
    ("What is the angle of refraction?", "19.47°", "Final Answer: 19.47°" + "\n" * 30 + "18.47 °", "Float", "degrees"),
    ("What is the interest rate?", "5%", "Final Answer: 5%" + "\n" * 30 + "4%", "Percentage", "percent"),
    ("How long is the rod?", "2.5 m", "Final Answer: 2.5 m 3.5 m", "Float", "metres-on-one-line"),
]


@pytest.mark.parametrize("question,reference,response,answer_type", [c[:4] for c in SAME_KIND_BELOW], ids=[c[4] for c in SAME_KIND_BELOW])
def test_second_value_after_the_unit_is_not_accepted(question, reference, response, answer_type):
    j = _judge(question, reference, response, answer_type)
    assert j.verdict is not True, j.reason


def test_number_with_words_after_it_stays_accepted():
    for response in ("Final Answer: 18 dollars", "Final Answer: 19.47°", "Final Answer: 5%"):
        reference = response.split(": ")[1].replace(" dollars", "")
        j = _judge("How much?", reference, response, None)
        assert j.verdict is True, (response, j.reason)


# What may follow an answer without being a second one.
AFTER_ONE_ANSWER = [
    ("What is the capital of Australia?", "B", "Final Answer: B\n\nI hope it is correct.", "Multiple Choice", CAPITALS, "prose"),
    ("What is the capital of Australia?", "B", "Final Answer: B\n\n\nCanberra", "Multiple Choice", CAPITALS, "its-option-text"),
    ("Which branch of philosophy studies knowledge?", "Epistemology", "Final Answer: Epistemology\n\nEpistemology", "String", None, "repeated"),
    ("How many apples are left?", "3", "\\boxed{3}\n\nThat is the number of apples left.", "Integer", None, "closing-sentence"),
    ("How many apples are left?", "3", "Final Answer: 3\n\n---", "Integer", None, "rule-line"),
    ("Where does the story end?", "the old mill", "\\boxed{the old mill\n\nthe old mill}", "String", None, "boxed-repeated"),
    (
        "Write the identity matrix of size 2.",
        "\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}",
        "\\boxed{\\begin{pmatrix} 1 & 0 \\\\\n 0 & 1\n\\end{pmatrix}}",
        "Matrix",
        None,
        "matrix-over-lines",
    ),
    ("Which branch of philosophy studies knowledge?", "Epistemology", "Final Answer: Epistemology" + " " * 2000 + "...", "String", None, "spaces-then-dots"),
]


@pytest.mark.parametrize(
    "question,reference,response,answer_type,options",
    [c[:5] for c in AFTER_ONE_ANSWER],
    ids=[c[5] for c in AFTER_ONE_ANSWER],
)
def test_text_after_one_answer_keeps_it_accepted(question, reference, response, answer_type, options):
    j = _judge(question, reference, response, answer_type, options)
    assert j.verdict is True, j.reason
