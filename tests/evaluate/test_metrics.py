"""pass@k (unbiased), maj@k and mean accuracy on hand-computed cases."""

from __future__ import annotations

from math import comb

import pytest

from genreason.evaluate.judges import Scored
from genreason.evaluate.metrics import majority_correct, pass_at_k, summarize


def _s(qid: str, sample: int, verdict: bool, key: str | None) -> Scored:
    status = "correct" if verdict else ("no_answer" if key is None else "wrong")
    return Scored(qid, sample, key, verdict, status, "test", "", key)


@pytest.mark.parametrize(("n", "c", "k"), [(2, 1, 1), (5, 2, 2), (10, 3, 4), (8, 0, 8), (8, 8, 1), (16, 5, 8)])
def test_pass_at_k_is_chen_et_al_estimator(n: int, c: int, k: int) -> None:
    expected = 1 - comb(n - c, k) / comb(n, k)
    assert pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-12)


def test_pass_at_k_values_by_hand() -> None:
    assert pass_at_k(5, 2, 2) == pytest.approx(0.7)  # 1 - C(3,2)/C(5,2) = 1 - 3/10
    assert pass_at_k(4, 1, 1) == pytest.approx(0.25)
    with pytest.raises(ValueError, match="at least 4 samples"):
        pass_at_k(2, 1, 4)


def test_majority_vote_ties_go_to_the_first_answer_and_no_answers_do_not_vote() -> None:
    assert majority_correct([_s("q", 0, False, "12"), _s("q", 1, True, "13"), _s("q", 2, True, "13")])
    assert not majority_correct([_s("q", 0, False, "12"), _s("q", 1, True, "13")])  # tie: 12 came first
    assert majority_correct([_s("q", 0, False, None), _s("q", 1, False, None), _s("q", 2, True, "7")])
    assert not majority_correct([_s("q", 0, False, None)])


def test_summary_with_samples_and_categories() -> None:
    scored = [_s("a", 0, True, "1"), _s("a", 1, False, "2"), _s("a", 2, True, "1"), _s("a", 3, False, None),
              _s("b", 0, False, "5"), _s("b", 1, False, "5"), _s("b", 2, False, "6"), _s("b", 3, True, "4")]
    s = summarize(scored, {"a": "math", "b": "physics"})
    assert (s["questions"], s["outputs"], s["samples"], s["correct"]) == (2, 8, 4, 3)
    assert s["accuracy"] == pytest.approx(3 / 8)
    assert s["no_answer"] == 1
    assert s["pass_at"]["1"] == pytest.approx((2 / 4 + 1 / 4) / 2)
    assert s["pass_at"]["4"] == pytest.approx(1.0)
    assert s["maj_at"]["4"] == pytest.approx(0.5)  # a: "1" wins (right); b: "5" wins (wrong)
    assert s["maj_at"]["1"] == pytest.approx(0.5)
    assert s["by_category"]["math"]["accuracy"] == pytest.approx(0.5)
    assert s["by_category"]["physics"]["correct"] == 1
