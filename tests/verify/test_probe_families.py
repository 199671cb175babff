"""Generated probe families: built from each reference, wrong by construction, and what is left out.

Hand-made references (checked twice): each case names the construction it guards.
"""

from __future__ import annotations

import pytest

from genreason.verify.assess.attacks import (
    FAMILIES,
    alternatives,
    answer_shape,
    numeric_siblings,
    siblings,
)
from genreason.verify.assess.families import generate_attacks


def _answers(question: str, reference: str, family: str, **kw) -> set[str]:
    return {a.answer for a in generate_attacks(question, reference, families=[family], **kw).attacks}


def test_head_word_echoing_the_question_is_an_attack_but_the_distinctive_word_is_not():
    got = generate_attacks("Which ocean is the largest?", "Pacific Ocean", families=["head_word", "sub_span"])
    assert [(a.family, a.variant, a.answer) for a in got.attacks] == [("head_word", "echo", "Ocean")]
    assert ("sub_span", "Pacific") in {(f, x) for f, x, _ in got.excluded}  # may well be right


@pytest.mark.parametrize(
    ("question", "reference", "attack", "why"),
    [
        ("Which river flows through Egypt?", "Nile River", "River", "echo"),
        ("Which university was founded in 1636?", "Harvard University", "University", "echo"),
        ("Which war ended in 1945?", "World War II", "World War", "numeral"),
        ("Which king broke with Rome?", "Henry VIII", "Henry", "numeral"),
        ("Who was the 6th US president?", "John Quincy Adams", "John", "given_name"),
        ("What is the speed?", "4.9 km", "km", "numeral"),
        ("Name the capital city.", "City of London", "of", "function"),
    ],
)
def test_sub_spans_kept_as_attacks_say_why_they_are_wrong(question, reference, attack, why):
    got = generate_attacks(question, reference, families=["sub_span", "head_word"])
    assert (attack, why) in {(a.answer, a.variant) for a in got.attacks}


@pytest.mark.parametrize(
    ("question", "reference", "maybe_right"),
    [
        ("Who was the 6th US president?", "John Quincy Adams", "Adams"),  # a surname
        ("who got the first nobel prize in physics", "Wilhelm Conrad Röntgen", "Röntgen"),
        ("Who sang Yesterday?", "The Beatles", "Beatles"),  # only an article dropped
        ("What is the speed?", "4.9 km", "4.9"),  # the unit dropped
        ("Which ocean is the largest?", "Pacific Ocean", "Pacific"),
    ],
)
def test_spans_that_may_be_right_are_excluded(question, reference, maybe_right):
    got = generate_attacks(question, reference, families=["sub_span", "head_word"])
    assert maybe_right not in {a.answer for a in got.attacks}


def test_formulas_and_equations_give_no_word_spans():
    # "3" is the answer of "x = 3": a span of an equation may be equivalent by construction
    assert _answers("Solve for x.", "x = 3", "sub_span") == set()
    assert _answers("Simplify.", "x^{2} + 1", "sub_span") == set()


def test_siblings_are_neighbours_and_never_the_reference():
    assert siblings("World War II", None) == [("roman", "World War I"), ("roman", "World War III")]
    assert siblings("Henry VIII", None) == [("roman", "Henry VII"), ("roman", "Henry IX")]
    assert siblings("Yes", None) == [("boolean", "No")]
    assert numeric_siblings("18") == ["17", "19"]
    # decimals move in the second significant digit: beyond any rounding tolerance
    assert numeric_siblings("1359.14") == ["1259.14", "1459.14"]
    assert numeric_siblings("0.052") == ["0.050", "0.054"]  # two units of the last place
    assert numeric_siblings("0.05") == ["0.03", "0.07"]  # 0.049 would round to the reference
    mc = siblings("B", ("Mars", "Jupiter", "Venus"))
    assert ("letter A", "A") in mc and ("option text C", "Venus") in mc
    # a duplicate of the right option's text is not a wrong answer
    assert siblings("B", ("Jupiter", "Jupiter", "Venus")) == [("option text C", "Venus"), ("letter C", "C")]


def test_numbers_get_units_powers_and_odd_notations_that_change_the_value():
    units = _answers("How far?", "4.9 km", "unit_power")
    assert {"4.9 m", "49 km", "0.49 km", "4900 km"} <= units
    odd = _answers("How many?", "31", "odd_notation")
    assert {"1e500", "inf", "NaN", "0x31", "31_000"} <= odd  # 0x31 is 49; 31_000 is 31000
    assert any(len(a) > 400 and a.startswith("31") for a in odd)
    # an underscore in a decimal's fraction leaves it unchanged (Python reads 1.5_000 as 1.5)
    assert not any("_" in a for a in _answers("How much?", "1.5", "odd_notation"))
    assert _answers("How much?", "0", "unit_power") == set()  # scaling zero changes nothing
    assert "0.25" not in _answers("Share?", "25%", "unit_power")  # the same value as a fraction


def test_every_family_applies_and_no_attack_equals_the_reference_or_an_alternative():
    got = generate_attacks("Which planet is the largest? Name it.", "Jupiter/Jove", others=["Mars", "7"])
    assert alternatives("Jupiter/Jove") == ["Jupiter", "Jove"]
    assert alternatives("1/2") == ["1/2"] and alternatives("m/s") == ["m/s"]
    assert alternatives("3/4 cup") == ["3/4 cup"] and alternatives("AC/DC") == ["AC/DC"]
    assert alternatives("October 1976/August 15, 1971/1934") == ["October 1976", "August 15, 1971", "1934"]
    for a in got.attacks:
        assert a.answer.strip().lower() not in ("jupiter", "jove", "jupiter/jove")
    assert set(FAMILIES) >= {a.family for a in got.attacks}
    numeric = generate_attacks("How many legs?", "18", others=["3", "Paris"])
    assert {a.family for a in numeric.attacks} == set(FAMILIES) - {"sub_span", "head_word"}


def test_the_right_option_text_is_never_an_attack():
    got = generate_attacks("Which planet?", "B", options=("Mars", "Jupiter", "Venus"))
    assert "Jupiter" not in {a.answer for a in got.attacks}
    with pytest.raises(ValueError, match="unknown attack families"):
        generate_attacks("q", "r", families=["flattery"])


def test_answer_shapes():
    assert answer_shape("B", ("x", "y")) == "Multiple Choice"
    assert [answer_shape(r) for r in ("No", "1,359", "3.5", "25%", "4.9 J", "[1, 2]", "\\frac{1}{2}", "Paris")] == [
        "Boolean", "Integer", "Float", "Percentage", "Float (with unit)", "List", "Expression", "String"]
