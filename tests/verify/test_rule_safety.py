"""Safety and time: nothing from a response runs as code, pathological answers end undecided
within the per-item limit, and the verifier works from worker threads (Streamlit, marimo)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from genreason.judging import Item
from genreason.verify.rules.verifier import RuleVerifier, judge_items


@pytest.fixture(scope="module")
def verifier():
    v = RuleVerifier(timeout_s=3.0, workers=2)
    yield v
    v.close()


def _payloads(marker: Path) -> list[str]:
    cmd = f"touch {marker}"
    return [
        f"__import__('os').system('{cmd}')",
        f"x + __import__('os').system('{cmd}')",
        f"eval(\"__import__('os').system('{cmd}')\")",
        f"exec(\"import os; os.system('{cmd}')\")",
        f"(lambda: __import__('subprocess').call(['touch', '{marker}']))()",
        f"[c for c in ().__class__.__base__.__subclasses__()][0]; __import__('os').system('{cmd}')",
        f"\\frac{{__import__('os').system('{cmd}')}}{{2}}",
        f"Symbol('x'); __import__('os').system('{cmd}')",
    ]


REFERENCES = [
    ("x^2 + 1", "Expression"),
    ("3", "Integer"),
    ("2.5", "Float"),
    ("[1, 2]", "List"),
    ("\\begin{pmatrix}1 & 0\\\\0 & 1\\end{pmatrix}", "Matrix"),
    ("Paris", "String"),
    ("4.9 J", None),
    ("x", None),
]


@pytest.mark.parametrize("wrap", ["\\boxed{{{}}}", "Final Answer: {}", "{}"], ids=["boxed", "final-answer-line", "bare"])
def test_code_in_answers_is_never_executed(tmp_path: Path, verifier: RuleVerifier, wrap: str) -> None:
    marker = tmp_path / "pwned"
    items = [
        Item("Compute it.", ref, wrap.format(payload), answer_type)
        for payload in _payloads(marker)
        for ref, answer_type in REFERENCES
    ]
    judgments = verifier.verify_batch(items)  # worker processes
    judgments += judge_items(items)  # and in this process
    assert not marker.exists(), "a response was executed as code"
    assert all(j.verdict is not True for j in judgments), [j.reason for j in judgments if j.verdict]


PATHOLOGICAL = [
    pytest.param("\\boxed{9^9^9^9}", "3", id="power-tower"),
    pytest.param("\\boxed{9^{9^{9^{9}}}}", "3", id="power-tower-braced"),
    pytest.param("\\boxed{9**9**9**9}", "x", id="python-power-tower"),
    pytest.param("\\boxed{1000000!}", "3", id="huge-factorial"),
    pytest.param("\\boxed{(10^{9})!}", "x^2", id="factorial-of-power"),
    pytest.param("\\boxed{2^{1000000000}}", "2", id="huge-exponent"),
    pytest.param("\\boxed{(999^{999})^{999}}", "2", id="power-of-a-power"),
    pytest.param("\\boxed{\\binom{999999}{499999}}", "2", id="huge-binomial"),
    pytest.param("\\boxed{" + "{" * 50_000 + "1" + "}" * 50_000 + "}", "1", id="100KB-nested-braces"),
    pytest.param("\\boxed{" + "(" * 3000 + "x" + ")" * 3000 + "}", "x", id="deep-parentheses"),
    pytest.param("\\boxed{" + "x+" * 5000 + "x}", "x", id="long-sum"),
]


@pytest.mark.parametrize(("response", "reference"), PATHOLOGICAL)
def test_pathological_inputs_end_undecided_quickly(verifier: RuleVerifier, response: str, reference: str) -> None:
    start = time.monotonic()
    judgment = verifier.verify(Item("q", reference, response))
    assert judgment.verdict is None, (judgment.rule, judgment.reason)
    assert time.monotonic() - start < 3.0 + 5.0  # the per-item limit plus a worker restart


def test_an_item_over_the_time_limit_is_undecided_and_the_rest_still_judged() -> None:
    # A 30,000-digit binomial takes sympy most of a second; with a 0.05 s limit the worker
    # is killed and replaced, the item is undecided and its neighbours are still judged.
    slow = "\\boxed{\\binom{99999}{49999}}"
    items = [Item("q", "18", "\\boxed{18}"), Item("q", "x", slow), Item("q", "x", "\\boxed{x}"), Item("q", "5", "\\boxed{6}")]
    with RuleVerifier(timeout_s=0.05, workers=1) as v:
        v.verify_batch([Item("q", "1", "\\boxed{1}")])  # start the worker outside the timed part
        judgments = v.verify_batch(items)
        assert v._pool is not None and v._pool.timeouts >= 1
    assert [j.verdict for j in judgments] == [True, None, True, False]
    assert judgments[1].rule == "timeout" and "0.05" in judgments[1].reason


def test_works_from_worker_threads(verifier: RuleVerifier) -> None:
    results: dict[int, list] = {}
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            results[k] = verifier.verify_batch([Item("q", str(k), f"\\boxed{{{k}}}"), Item("q", "2 m", "\\boxed{200 cm}")])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert all([j.verdict for j in results[k]] == [True, True] for k in range(3))


def test_math_verify_is_called_without_its_signal_timeout_in_threads() -> None:
    """math-verify's own timeout uses signal.alarm, which fails off the main thread; the
    in-process path (workers=0) must still work there because it disables that timeout."""
    out: list = []
    item = Item("q", "\\{1, 2\\}", "\\boxed{\\{2, 1\\}}", "Expression")
    t = threading.Thread(target=lambda: out.append(RuleVerifier(workers=0).verify(item)))
    t.start()
    t.join(timeout=60)
    assert out and out[0].verdict is True, out
