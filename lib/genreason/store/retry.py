"""Retrying a write that meets a held database lock: a bounded number of tries, with backoff.

`connect` already waits GENREASON_LOCK_TIMEOUT seconds (default 15) for the lock. A write
that ends hours of work (a stage run's final save, a job's last record) must not fail
because another process (the app, a notebook, another job) held the file a little longer:
`retry_locked` tries it again, `attempts` times in all, sleeping `backoff_s`, then twice as
long each time (at most `max_backoff_s`) between tries, and logs every wait. What does not
succeed in the end raises the last `StoreLockedError`; the caller keeps its work on disk.

    policy = LockRetry.from_env()     # GENREASON_SAVE_ATTEMPTS, GENREASON_SAVE_BACKOFF
    retry_locked(lambda: save(db), policy=policy, what="stage run X: final save")
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from genreason.store.connection import StoreLockedError

log = logging.getLogger(__name__)

T = TypeVar("T")

ATTEMPTS_ENV = "GENREASON_SAVE_ATTEMPTS"
BACKOFF_ENV = "GENREASON_SAVE_BACKOFF"


@dataclass(frozen=True)
class LockRetry:
    """How often, and how patiently, a write retries when the database stays locked."""

    attempts: int = 5  # tries in all (1 = no retry); each try itself waits the lock timeout
    backoff_s: float = 5.0  # sleep before the second try; doubles after each further one
    max_backoff_s: float = 60.0  # the longest sleep between two tries

    def __post_init__(self) -> None:
        if not isinstance(self.attempts, int) or self.attempts < 1:
            raise ValueError(f"LockRetry.attempts must be an integer >= 1, got {self.attempts!r} "
                             f"(${ATTEMPTS_ENV})")
        if not self.backoff_s >= 0:
            raise ValueError(f"LockRetry.backoff_s must be >= 0 seconds, got {self.backoff_s!r} (${BACKOFF_ENV})")
        if not self.max_backoff_s >= self.backoff_s:
            raise ValueError(f"LockRetry.max_backoff_s ({self.max_backoff_s!r}) must be >= backoff_s "
                             f"({self.backoff_s!r})")

    @classmethod
    def from_env(cls) -> LockRetry:
        """The policy of this machine: $GENREASON_SAVE_ATTEMPTS tries, $GENREASON_SAVE_BACKOFF s."""
        try:
            attempts = int(os.environ.get(ATTEMPTS_ENV, cls.attempts))
            backoff = float(os.environ.get(BACKOFF_ENV, cls.backoff_s))
        except ValueError as exc:
            raise ValueError(f"${ATTEMPTS_ENV} must be an integer and ${BACKOFF_ENV} a number of "
                             f"seconds: {exc}") from exc
        return cls(attempts=attempts, backoff_s=backoff, max_backoff_s=max(cls.max_backoff_s, backoff))

    def delays(self) -> list[float]:
        """The sleeps between tries, in order (one fewer than the tries)."""
        return [min(self.backoff_s * 2 ** i, self.max_backoff_s) for i in range(self.attempts - 1)]


def retry_locked(
    write: Callable[[], T],
    *,
    policy: LockRetry | None = None,
    what: str = "write",
    on_retry: Callable[[int, float, StoreLockedError], None] | None = None,
) -> T:
    """Call `write()` until it does not raise StoreLockedError, at most `policy.attempts` times.

    on_retry(next attempt number, seconds about to be slept, the error) is called before each
    sleep (a runner reports "waiting for the lock" in its progress). Any other error goes up
    at once; the last StoreLockedError goes up, saying how many tries were made.
    """
    policy = policy or LockRetry.from_env()
    delays = policy.delays()
    started = time.monotonic()
    for attempt in range(1, policy.attempts + 1):
        try:
            return write()
        except StoreLockedError as exc:
            if attempt == policy.attempts:
                raise StoreLockedError(
                    f"{what}: still locked after {attempt} tries over {time.monotonic() - started:.0f} s "
                    f"(${ATTEMPTS_ENV}, ${BACKOFF_ENV} and GENREASON_LOCK_TIMEOUT set the patience). "
                    f"Last error: {exc}") from exc
            delay = delays[attempt - 1]
            log.warning("%s: database locked (try %d of %d); trying again in %.1f s: %s",
                        what, attempt, policy.attempts, delay, exc)
            if on_retry is not None:
                on_retry(attempt + 1, delay, exc)
            time.sleep(delay)
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover
