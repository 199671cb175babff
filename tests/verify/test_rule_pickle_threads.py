"""Ready for TRL (issue 8, item 7): a rule verifier pickles before and after use, its worker
pool is never pickled (each process starts its own, lazily), and 8 threads calling one
verifier at once get the same verdicts as a serial run."""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor

import pytest

from genreason.judging import Item
from genreason.verify.rules.pool import WorkerPool
from genreason.verify.rules.verifier import RuleVerifier

ITEMS = [
    Item("What is 2+3?", "5", "\\boxed{5}", "Integer"),
    Item("What is 2+3?", "5", "\\boxed{6}", "Integer"),
    Item("Which ocean is the largest?", "Pacific Ocean", "Ocean"),
    Item("Who developed relativity?", "Albert Einstein", "It was Einstein."),
    Item("Simplify.", "x^2+2x+1", "\\boxed{(x+1)^2}", "Expression"),
    Item("Which war ended in 1945?", "World War II", "World War I"),
    Item("Pick one.", "B", "The answer is (B)", "Multiple Choice", ("1", "2", "3", "4")),
    Item("How fast?", "3 m/s", "\\boxed{300 cm/s}"),
]


def _verdicts(verifier, items):
    return [(j.verdict, j.rule) for j in verifier.verify_batch(items)]


def test_in_process_verifier_pickles_and_is_thread_safe():
    v = RuleVerifier(workers=0)
    serial = _verdicts(v, ITEMS)
    clone = pickle.loads(pickle.dumps(v))
    with ThreadPoolExecutor(8) as ex:
        results = list(ex.map(lambda _: _verdicts(clone, ITEMS), range(8)))
    assert all(r == serial for r in results)


@pytest.mark.slow
def test_used_pool_verifier_pickles_and_serves_8_threads():
    v = RuleVerifier(workers=1, timeout_s=10)
    try:
        serial = _verdicts(v, ITEMS)  # starts the pool
        assert v._pool is not None
        data = pickle.dumps(v)  # after use: the pool stays behind
    finally:
        v.close()
    clone = pickle.loads(data)
    assert clone._pool is None and clone.name == v.name and clone.timeout_s == v.timeout_s
    try:
        with ThreadPoolExecutor(8) as ex:
            results = list(ex.map(lambda _: _verdicts(clone, ITEMS), range(8)))
        assert all(r == serial for r in results)
        assert clone._pool is not None  # one pool, started lazily by the first thread
        pickle.loads(pickle.dumps(clone))  # still pickles while its pool is running
    finally:
        clone.close()


def test_unused_verifier_pickles_without_a_pool():
    clone = pickle.loads(pickle.dumps(RuleVerifier(name="rule", timeout_s=2)))
    assert clone._pool is None and clone.timeout_s == 2


def test_a_worker_pool_refuses_to_pickle():
    pool = WorkerPool(workers=1)
    with pytest.raises(TypeError, match="pickle the RuleVerifier"):
        pickle.dumps(pool)
    pool.close()
