"""The process-parallel batch runner: order, grouping by reference, reuse, crash recovery."""

from __future__ import annotations

import pytest

from genreason.judging import Item, Judgment
from genreason.verify.rules.pool import WorkerPool
from genreason.verify.rules.verifier import RuleVerifier, judge_items


@pytest.fixture(scope="module")
def pool():
    p = WorkerPool(workers=2, timeout_s=5.0)
    yield p
    p.close()


def _items() -> list[Item]:
    items = []
    for q in range(6):  # 6 questions x 8 responses, interleaved so groups are not contiguous
        for k in range(8):
            items.append(Item(f"q{q}", str(q), f"\\boxed{{{q if k % 2 == 0 else q + 1}}}", item_id=f"{q}-{k}"))
    return items[::2] + items[1::2]


def test_results_come_back_in_input_order_and_match_in_process(pool: WorkerPool) -> None:
    items = _items()
    judgments = pool.run(items)
    assert [j.item_id for j in judgments] == [i.item_id for i in items]
    assert all(isinstance(j, Judgment) and j.judge == "rule" for j in judgments)
    assert [j.verdict for j in judgments] == [j.verdict for j in judge_items(items)]


def test_groups_by_reference_and_chunks_large_groups(pool: WorkerPool) -> None:
    items = [Item("q", "7", f"\\boxed{{{k}}}") for k in range(40)] + [Item("other", "7", "\\boxed{7}")]
    tasks = pool._tasks(items)
    # one question with 40 responses -> cut at 16; the last 8 share a task with the other question
    assert [len(t.items) for t in tasks] == [16, 16, 9]
    assert [it.question for _, it in tasks[-1].items] == ["q"] * 8 + ["other"]
    small = [Item(f"q{k}", "7", "\\boxed{7}") for k in range(20)]  # 20 references, one response each
    assert [len(t.items) for t in pool._tasks(small)] == [16, 4]


def test_workers_survive_between_batches(pool: WorkerPool) -> None:
    pool.run([Item("q", "1", "\\boxed{1}")])
    pids = {w.process.pid for w in pool._workers}
    pool.run([Item("q", "2", "\\boxed{2}")] * 4)
    assert {w.process.pid for w in pool._workers} == pids


def test_a_crashed_worker_is_replaced_and_its_item_undecided() -> None:
    with RuleVerifier(timeout_s=5.0, workers=1) as v:
        v.verify(Item("q", "1", "\\boxed{1}"))
        pool = v._pool
        assert pool is not None
        pool._workers[0].process.kill()  # as if the OS killed it (out of memory)
        judgments = v.verify_batch([Item("q", "3", "\\boxed{3}"), Item("q", "4", "\\boxed{4}")])
    # the first task may be lost with the dead worker (undecided), never judged wrongly
    assert all(j.verdict in (True, None) for j in judgments)
    assert judgments[-1].verdict is True or judgments[-1].rule == "timeout"


def test_empty_batch_and_bad_configuration() -> None:
    assert RuleVerifier(workers=1).verify_batch([]) == []
    with pytest.raises(ValueError, match="timeout_s"):
        RuleVerifier(timeout_s=0)
    with pytest.raises(ValueError, match="empty reference"):
        RuleVerifier(workers=0).verify(Item("q", " ", "\\boxed{1}"))
