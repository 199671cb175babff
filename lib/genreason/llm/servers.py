"""Spreading requests over several OpenAI-compatible servers (many vLLM servers, one client).

    pool = ServerPool(["http://gpu1:8000/v1", "http://gpu2:8000/v1"])
    url = pool.acquire()          # the server with the fewest requests in flight
    try: ... finally: pool.release(url, failed=...)

`OpenAIBackend` takes one base URL or several (a list, or one string with commas) and asks the
pool for a server before every attempt, so a batch is spread over the servers by load and a
retry can land on another server. A server that refused the connection or timed out is
skipped for a cool-down that doubles with each further failure (capped) and is cleared by its
next success; when every server is cooling down, the one that comes back first is used, so a
batch keeps trying instead of failing while all of them restart.

Least-loaded placement rather than plain round robin: prompts differ in length and a vLLM
server with long generations in flight answers later, so counting what is in flight keeps
each server's queue near the same depth (the "least outstanding requests" policy of load
balancers such as Envoy and AWS ALB).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from urllib.parse import urlsplit


def normalise_base_url(base_url: str) -> str:
    """`base_url` without a trailing slash, with /v1 added to a bare http://host:port."""
    text = base_url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base_url must look like http://host:port/v1, got {base_url!r}")
    return text.rstrip("/") if parts.path.strip("/") else text.rstrip("/") + "/v1"


def split_base_urls(base_url: str | Sequence[str]) -> tuple[str, ...]:
    """The normalised base URLs from one URL, a comma-separated string or a list; no repeats."""
    parts = base_url.split(",") if isinstance(base_url, str) else list(base_url)
    urls = tuple(dict.fromkeys(normalise_base_url(p) for p in parts if str(p).strip()))
    if not urls:
        raise ValueError("base_url must name at least one server, e.g. http://127.0.0.1:8000/v1")
    return urls


class ServerPool:
    """In-flight counts and cool-downs for a fixed list of servers; thread-safe."""

    def __init__(
        self,
        urls: Sequence[str],
        *,
        cooldown_s: float = 1.0,
        max_cooldown_s: float = 30.0,
    ) -> None:
        if not urls:
            raise ValueError("ServerPool needs at least one URL")
        self.urls = tuple(urls)
        self.cooldown_s = cooldown_s
        self.max_cooldown_s = max_cooldown_s
        self._in_flight = dict.fromkeys(self.urls, 0)
        self._sent = dict.fromkeys(self.urls, 0)
        self._failures = dict.fromkeys(self.urls, 0)
        self._down_until = dict.fromkeys(self.urls, 0.0)
        self._turn = 0  # rotates the tie-break so equal servers take turns
        self._lock = threading.Lock()

    def acquire(self) -> str:
        """The server to send the next request to; call release() when it is answered."""
        with self._lock:
            now = time.monotonic()
            up = [u for u in self.urls if self._down_until[u] <= now]
            if up:
                n = len(self.urls)
                order = {u: (i - self._turn) % n for i, u in enumerate(self.urls)}
                url = min(up, key=lambda u: (self._in_flight[u], order[u]))
            else:
                url = min(self.urls, key=lambda u: self._down_until[u])
            self._turn = (self._turn + 1) % len(self.urls)
            self._in_flight[url] += 1
            self._sent[url] += 1
            return url

    def release(self, url: str, *, unreachable: bool = False) -> None:
        """A request to `url` finished; `unreachable` (refused or timed out) starts a cool-down."""
        with self._lock:
            self._in_flight[url] -= 1
            if unreachable:
                self._failures[url] += 1
                wait = self.cooldown_s * 2 ** (self._failures[url] - 1)
                self._down_until[url] = time.monotonic() + min(wait, self.max_cooldown_s)
            else:
                self._failures[url] = 0
                self._down_until[url] = 0.0

    def any_up(self) -> bool:
        """Is some server out of its cool-down right now?"""
        with self._lock:
            now = time.monotonic()
            return any(t <= now for t in self._down_until.values())

    def sent(self) -> dict[str, int]:
        """Requests sent to each server so far (for logs and benchmarks)."""
        with self._lock:
            return dict(self._sent)
