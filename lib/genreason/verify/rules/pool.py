"""Process-parallel batch judging with a per-item time limit that works from any thread.

Stage: verify (the runner under `RuleVerifier`). Items are grouped by reference so each
reference is parsed once per task; groups are packed into tasks of about `CHUNK` items and
handed to worker processes (one per core by default), which send each task's judgments back
in one message. The parent waits on the workers' pipes, never on a signal: a task that runs
past its time gets its worker killed and replaced and its items judged again one by one, and
an item that runs past `timeout_s` alone is judged undecided (rule "timeout"). This is why it works off the main thread (Streamlit, marimo,
TRL reward workers), where math-verify's own `signal.alarm` timeout cannot run; math-verify
is called inside the workers with its timeout disabled.

Workers are fresh interpreters (`python -c ...` through `subprocess`) talking pickled messages
over their stdin/stdout pipes: nothing is forked from a parent that has threads, and unlike
`multiprocessing`'s spawn/forkserver nothing re-imports the caller's `__main__` (a notebook or
script without a main guard). Each worker caps its own address space, so a runaway
computation fails with MemoryError instead of taking the machine down.
"""

from __future__ import annotations

import atexit
import logging
import os
import subprocess
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from genreason.judging import NO_ANSWER, Item, Judgment
from genreason.verify.extract import extract_answer

logger = logging.getLogger(__name__)

CHUNK = 16  # items per task: small enough to spread one large group over all workers
MEMORY_LIMIT_BYTES = 6 * 1024**3
_WORKER_CODE = "from genreason.verify.rules.pool import worker_main; worker_main()"


def worker_main() -> None:
    """Worker process entry: judge tasks read from stdin, write progress to stdout."""
    # The protocol owns the original stdout; anything printed goes to stderr instead.
    conn_in = Connection(os.dup(0), writable=False)
    conn_out = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)
    _worker_loop(conn_in, conn_out)


def _worker_loop(conn_in: Connection, conn: Connection) -> None:
    """Receive (task_id, judge, items), send progress and judgments back."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = MEMORY_LIMIT_BYTES if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT_BYTES, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except Exception:  # not available on this platform: rely on the time limit alone
        pass
    logging.getLogger("math_verify").setLevel(logging.ERROR)
    from genreason.verify.rules.flow import judge_with_reference, reference_for
    from genreason.verify.rules.math.expression import to_sympy
    from genreason.verify.rules.text.common_words import zipf
    from genreason.verify.rules.units import unit_registry

    unit_registry()
    to_sympy("x+1")  # imports latex2sympy and its grammar before the first timed item
    zipf("the")  # loads the word-frequency list the sub-span and filler rules read
    conn.send(("ready", None, None, None))
    while True:
        try:
            msg = conn_in.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        task_id, judge, items = msg
        refs: dict[tuple, object] = {}
        judged: list[tuple[int, Judgment]] = []
        for index, item in items:
            key = _reference_key(item)
            if key not in refs:
                try:
                    refs[key] = reference_for(item)
                except BaseException as exc:  # noqa: BLE001 - this reference's items are undecided
                    refs[key] = f"{type(exc).__name__}: {exc}"
                if len(items) == 1:
                    conn.send(("ref", task_id, None, None))  # a lone item's time now runs on judging
            ref = refs[key]
            if isinstance(ref, str):
                judged.append((index, _undecided(item, judge, "reference", f"reference not usable: {ref}")))
                continue
            try:
                judgment = judge_with_reference(ref, item, judge)
            except BaseException as exc:  # noqa: BLE001 - MemoryError and friends: undecided
                judgment = _undecided(item, judge, "error", f"worker error: {type(exc).__name__}")
            judged.append((index, judgment))
        conn.send(("batch", task_id, None, judged))  # one message per task: less pipe traffic


def _reference_key(item: Item) -> tuple:
    return (item.reference, item.answer_type, item.options, item.question)


def _undecided(item: Item, judge: str, rule: str, reason: str) -> Judgment:
    ex = extract_answer(item.response)
    return Judgment(
        judge=judge,
        verdict=None,
        extracted=ex.answer if ex.answer is not None else NO_ANSWER,
        reason=reason,
        rule=rule,
        detail={"extraction": ex.method},
        item_id=item.item_id,
    )


@dataclass
class _Task:
    task_id: int
    items: list[tuple[int, Item]]
    ref_ready: bool = False


@dataclass
class _Worker:
    process: subprocess.Popen
    conn: Connection  # reads the worker's stdout
    send_conn: Connection  # writes the worker's stdin
    task: _Task | None = None
    deadline: float = 0.0
    ready: bool = False


class WorkerPool:
    """A set of judging worker processes kept alive between batches (see module docstring)."""

    def __init__(self, workers: int | None = None, timeout_s: float = 5.0, start_timeout_s: float = 120.0):
        self.n_workers = max(1, workers or os.cpu_count() or 1)
        self.timeout_s = timeout_s
        self.start_timeout_s = start_timeout_s
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._next_task = 0
        self.timeouts = 0
        atexit.register(_close_ref, weakref.ref(self))

    def __reduce__(self) -> tuple:
        raise TypeError(
            "a WorkerPool holds processes and pipes of this process and cannot be pickled; "
            "pickle the RuleVerifier instead, which starts its own pool where it is used"
        )

    # -- workers ---------------------------------------------------------------------------
    def _start_worker(self) -> _Worker:
        import genreason

        env = dict(os.environ)
        lib_dir = os.path.dirname(os.path.dirname(os.path.abspath(genreason.__file__)))
        env["PYTHONPATH"] = lib_dir + os.pathsep + env.get("PYTHONPATH", "")
        proc = subprocess.Popen(
            [sys.executable, "-c", _WORKER_CODE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        assert proc.stdin is not None and proc.stdout is not None
        read_conn = Connection(os.dup(proc.stdout.fileno()), writable=False)
        send_conn = Connection(os.dup(proc.stdin.fileno()), readable=False)
        proc.stdout.close()
        proc.stdin.close()
        worker = _Worker(proc, read_conn, send_conn, deadline=time.monotonic() + self.start_timeout_s)
        self._workers.append(worker)
        return worker

    def _stop_worker(self, worker: _Worker) -> None:
        try:
            worker.process.kill()
            worker.process.wait(timeout=5)
        except Exception:
            pass
        for conn in (worker.conn, worker.send_conn):
            try:
                conn.close()
            except Exception:
                pass
        self._workers.remove(worker)

    def close(self) -> None:
        """Stop all workers."""
        with self._lock:
            for worker in list(self._workers):
                try:
                    worker.send_conn.send(None)
                except Exception:
                    pass
            for worker in list(self._workers):
                try:
                    worker.process.wait(timeout=1)
                except Exception:
                    pass
                self._stop_worker(worker)

    # -- running ---------------------------------------------------------------------------
    def _tasks(self, items: Sequence[Item]) -> deque[_Task]:
        """Items grouped by reference (each parsed once per task), groups packed into tasks of
        about CHUNK items: small groups share a task, a large one is cut across several."""
        groups: dict[tuple, list[tuple[int, Item]]] = {}
        for i, item in enumerate(items):
            groups.setdefault(_reference_key(item), []).append((i, item))
        tasks: deque[_Task] = deque()
        current: list[tuple[int, Item]] = []
        for group in groups.values():
            for start in range(0, len(group), CHUNK):
                current.extend(group[start : start + CHUNK])
                if len(current) >= CHUNK:
                    tasks.append(self._task(current))
                    current = []
        if current:
            tasks.append(self._task(current))
        return tasks

    def _task(self, items: list[tuple[int, Item]]) -> _Task:
        self._next_task += 1
        return _Task(self._next_task, items)

    def run(self, items: Sequence[Item], judge: str = "rule") -> list[Judgment]:
        """Judge `items`; results in input order. Safe to call from any thread."""
        with self._lock:
            return self._run(list(items), judge)

    def _run(self, items: list[Item], judge: str) -> list[Judgment]:
        results: list[Judgment | None] = [None] * len(items)
        pending = self._tasks(items)
        while len(self._workers) < min(self.n_workers, len(pending)) or not self._workers:
            self._start_worker()
        while pending or any(w.task is not None for w in self._workers):
            now = time.monotonic()
            for worker in self._workers:
                if worker.ready and worker.task is None and pending:
                    task = pending.popleft()
                    worker.task = task
                    # a task of several items has the time of one item in all; past it, its
                    # items are judged again one by one (each under timeout_s), so only an
                    # item that is slow alone is judged undecided
                    worker.deadline = now + self.timeout_s
                    try:
                        worker.send_conn.send((task.task_id, judge, task.items))
                    except (OSError, ValueError):
                        worker.deadline = 0.0  # broken pipe: handled as a dead worker below
            busy = [w for w in self._workers if w.task is not None or not w.ready]
            if not busy:
                continue
            soonest = min(w.deadline for w in busy)
            ready = wait([w.conn for w in busy], timeout=max(0.0, soonest - time.monotonic()))
            for conn in ready:
                worker = next(w for w in self._workers if w.conn is conn)
                try:
                    kind, task_id, index, payload = conn.recv()
                except (EOFError, OSError):
                    self._fail(worker, pending, results, judge, "worker crashed")
                    continue
                if kind == "ready":
                    worker.ready = True
                    continue
                task = worker.task
                if task is None or task.task_id != task_id:
                    continue
                if kind == "ref":
                    task.ref_ready = True
                    worker.deadline = time.monotonic() + self.timeout_s
                elif kind == "batch":
                    for i, judgment in payload:
                        results[i] = judgment
                    worker.task = None
            now = time.monotonic()
            for worker in list(self._workers):
                if (worker.task is not None or not worker.ready) and now > worker.deadline:
                    if not worker.ready and worker.task is None:
                        raise RuntimeError(
                            f"rule-verifier worker did not start within {self.start_timeout_s:.0f}s"
                        )
                    self.timeouts += 1
                    self._fail(worker, pending, results, judge, f"no decision within {self.timeout_s:g}s")
        return [r if r is not None else _undecided(items[i], judge, "error", "lost") for i, r in enumerate(results)]

    def _fail(self, worker: _Worker, pending: deque[_Task], results: list, judge: str, why: str) -> None:
        """Kill a stuck or dead worker, judge its current item undecided, requeue the rest."""
        task = worker.task
        self._stop_worker(worker)
        self._start_worker()
        if task is None:
            return
        if len(task.items) > 1:
            # which item was slow is not known: judge each again alone, first in line
            for single in reversed(task.items):
                pending.appendleft(self._task([single]))
            return
        i, item = task.items[0]
        where = why if task.ref_ready else f"reference: {why}"
        results[i] = _undecided(item, judge, "timeout", where)
        logger.info("item %s judged undecided: %s", item.item_id if item.item_id else i, where)


def _close_ref(ref: weakref.ref) -> None:
    pool = ref()
    if pool is not None:
        pool.close()
