"""A number too long for Python's int-to-text limit gets a verdict, not "internal error"
(issue 12 item 11: binom(99999, 49999) has about 30,100 digits)."""

from __future__ import annotations

import pytest

from genreason.judging import Item
from genreason.verify.rules.verifier import RuleVerifier


@pytest.mark.slow
def test_a_huge_binomial_is_judged_not_an_internal_error() -> None:
    item = Item(question="How many ways?", reference="2",
                response="The answer is \\boxed{\\binom{99999}{49999}}", answer_type="Float")
    with RuleVerifier(timeout_s=20) as verifier:
        [judgment] = verifier.verify_batch([item])
    assert judgment.rule != "error" and "internal error" not in judgment.reason
    assert judgment.verdict is False
