"""Odd number notations and overflow (issue 8, item 1): read as what they are or refused,
never reinterpreted, and nothing raises."""

from __future__ import annotations

from fractions import Fraction

import pytest

from genreason.judging import Item
from genreason.verify.rules.numbers import numbers_match, odd_notation, parse_number, special_value
from genreason.verify.rules.verifier import judge_items


def judge(reference: str, response: str, answer_type: str | None = "Float"):
    return judge_items([Item("Compute the value.", reference, response, answer_type)])[0]


@pytest.mark.parametrize("wrap", ["{}", "\\boxed{{{}}}", "The answer is {}"])
def test_1e500_is_ten_to_the_500_not_e_times_500(wrap):
    # e * 500 = 1359.14...: a LaTeX parser's reading; the number is 10**500
    j = judge("1359.14", wrap.format("1e500"))
    assert j.verdict is False, j.reason
    assert parse_number("1e500").value == Fraction(10) ** 500


def test_1e_minus_500_is_tiny_not_e_minus_500():
    assert judge("-497.28", "\\boxed{1e-500}").verdict is False  # e - 500 = -497.28...
    assert judge("0", "\\boxed{1e-500}").verdict is False  # not zero either
    assert parse_number("1e-500").value == Fraction(1, 10**500)


def test_a_400_digit_number_is_read_exactly():
    big = "1" + "0" * 400
    assert judge("1", f"\\boxed{{{big}}}").verdict is False
    assert judge("1e400", f"\\boxed{{{big}}}").verdict is True  # equal values, exactly
    assert parse_number(big).value == 10**400


def test_references_beyond_floating_point_do_not_raise():
    for reference in ("1e400", "-1e400", "1e-400", "9" * 500):
        j = judge(reference, "\\boxed{5}")
        assert j.verdict is False and j.rule != "error", (reference, j.reason)


def test_infinity_and_nan():
    assert judge("5", "\\boxed{inf}").verdict is False
    assert judge("5", "\\boxed{\\infty}").verdict is False
    assert judge("5", "\\boxed{NaN}").verdict is False
    assert judge("\\infty", "\\boxed{inf}", None).verdict is True  # "inf" as written in code
    assert special_value("-inf") == "-infinity" and special_value("NaN") == "nan"
    assert special_value("5") is None


@pytest.mark.parametrize(
    ("reference", "answer"),
    [("31", "0x1F"), ("3", "0b11"), ("8", "0o10"), ("1000", "1_000"), ("1000000", "1_000_000")],
)
def test_programming_literals_are_refused_not_misread(reference, answer):
    # read before as 0 (hex, binary, octal) or 1 (underscores); refusing is the safe reading
    j = judge(reference, f"\\boxed{{{answer}}}", "Integer")
    assert j.verdict is None and "refused" in j.reason, j.reason
    assert odd_notation(answer)


def test_over_range_is_refused():
    assert odd_notation("1e5000") and odd_notation("10^{5000}") and odd_notation("1" * 1001)
    assert judge("1359.14", "\\boxed{1e5000}").verdict is not True
    assert odd_notation("1e2") is None and odd_notation("1,000") is None and odd_notation("x_1") is None


def test_ordinary_notations_still_read():
    assert judge("100", "\\boxed{1e2}", "Integer").verdict is True
    assert judge("1000", "\\boxed{1 000}", "Integer").verdict is True
    assert judge("0.5", "\\boxed{5e-1}").verdict is True
    assert judge("364000", "\\boxed{3.64 \\times 10^5}").verdict is True


def test_exact_tolerance_edges():
    # half a unit of the reference's last digit is inside, a hair more is not (no float error)
    ref = parse_number("3.14")
    assert numbers_match(ref, parse_number("3.145"))[0] is True
    assert numbers_match(ref, parse_number("3.1450001"))[0] is False
    assert numbers_match(parse_number("12"), parse_number("12." + "0" * 70 + "1"), integer=True)[0] is False
