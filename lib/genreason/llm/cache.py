"""Response cache: never pay twice for the same generation.

    backend = CachedBackend(OpenAIBackend(...), "data/cache/llm")
    backend.generate(prompts, params)   # only prompts not seen before reach the server

A generation is keyed by (backend name, model, prompt, chat flag, every sampling parameter),
so a change of model, temperature, max_new_tokens, stop strings, seed or n is a new key.
Sampling with temperature > 0 and no seed is cached too: a rerun returns the stored samples
instead of drawing new ones, which is what resuming an interrupted run needs. Ask for fresh
samples with a different seed (or a different cache dir).

Storage is one SQLite file (`responses.sqlite3`) in the cache dir, in WAL mode, written after
every chunk of `chunk_size` prompts, so a run that is interrupted loses at most one chunk.
Safe to share between threads of one process and between processes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

from genreason.llm.base import Generation, ModelBackend, Prompt, SamplingParams

log = logging.getLogger(__name__)

DEFAULT_CACHE_DIR = Path("data/cache/llm")


def cache_key(backend: str, model: str, prompt: Prompt, params: SamplingParams, chat: bool) -> str:
    """The hex key of one generation request."""
    request = {
        "backend": backend,
        "model": model,
        # A message list is always a chat request, whatever the flag says.
        "chat": bool(chat or not isinstance(prompt, str)),
        "prompt": prompt,
        "params": asdict(params),
    }
    blob = json.dumps(request, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


class ResponseCache:
    """A key -> Generation store in one SQLite file."""

    def __init__(self, cache_dir: str | os.PathLike[str] = DEFAULT_CACHE_DIR) -> None:
        self.path = Path(cache_dir) / "responses.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # One connection shared by threads, serialised by the lock; other processes wait on
        # SQLite's own file lock (busy_timeout) rather than failing.
        self._con = sqlite3.connect(self.path, check_same_thread=False, timeout=60.0)
        with self._lock:
            self._con.execute("PRAGMA journal_mode=WAL")
            self._con.execute(
                "CREATE TABLE IF NOT EXISTS responses ("
                " key TEXT PRIMARY KEY, backend TEXT, model TEXT, created REAL, value TEXT)"
            )
            self._con.commit()

    def get_many(self, keys: Iterable[str]) -> dict[str, Generation]:
        """The cached generations among `keys` (missing keys are absent from the result)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Generation] = {}
        with self._lock:
            for start in range(0, len(wanted), 500):  # stay under SQLite's parameter limit
                part = wanted[start : start + 500]
                marks = ",".join("?" * len(part))
                rows = self._con.execute(
                    f"SELECT key, value FROM responses WHERE key IN ({marks})", part
                ).fetchall()
                for key, value in rows:
                    found[key] = Generation(**json.loads(value), cached=True)
        return found

    def put_many(self, items: Iterable[tuple[str, str, str, Generation]]) -> None:
        """Store (key, backend, model, generation) rows; an existing key is replaced."""
        now = time.time()
        rows = []
        for key, backend, model, gen in items:
            value = asdict(gen)
            value.pop("cached", None)
            rows.append((key, backend, model, now, json.dumps(value, ensure_ascii=False)))
        with self._lock:
            self._con.executemany("INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?)", rows)
            self._con.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self._con.execute("SELECT count(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._con.close()


class CachedBackend:
    """Wraps any ModelBackend; only prompts missing from the cache reach it."""

    def __init__(
        self,
        backend: ModelBackend,
        cache_dir: str | os.PathLike[str] = DEFAULT_CACHE_DIR,
        *,
        chunk_size: int | None = None,
    ) -> None:
        """chunk_size: prompts sent to the inner backend per call; results are stored after
        each call, so it bounds what an interruption can lose. None: 64, or four times what
        the inner backend keeps in flight (many servers) if that is more, so a chunk never
        leaves servers idle."""
        if chunk_size is None:
            chunk_size = max(64, 4 * int(getattr(backend, "max_in_flight", 0) or 0))
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
        self.inner = backend
        self.name = backend.name
        self.model = backend.model
        self.cache = ResponseCache(cache_dir)
        self.chunk_size = chunk_size
        self.hits = 0  # generations answered from the cache
        self.misses = 0  # generations sent to the inner backend
        self._count_lock = threading.Lock()

    def generate(
        self, prompts: Sequence[Prompt], params: SamplingParams, *, chat: bool = False
    ) -> list[Generation]:
        """Cached generations for known prompts, the inner backend's for the rest, in order."""
        keys = [cache_key(self.name, self.model, p, params, chat) for p in prompts]
        found = self.cache.get_many(keys)
        todo: dict[str, Prompt] = {}
        for key, prompt in zip(keys, prompts, strict=True):
            if key not in found and key not in todo:
                todo[key] = prompt  # duplicates within a batch are generated once
        with self._count_lock:
            self.hits += len(prompts) - sum(1 for k in keys if k in todo)
            self.misses += len(todo)
        if todo:
            log.info("cache: %d of %d prompts to generate", len(todo), len(prompts))
        pending = list(todo.items())
        for start in range(0, len(pending), self.chunk_size):
            chunk = pending[start : start + self.chunk_size]
            gens = self.inner.generate([p for _, p in chunk], params, chat=chat)
            if len(gens) != len(chunk):
                raise RuntimeError(
                    f"{self.name} backend returned {len(gens)} generations for {len(chunk)} prompts"
                )
            self.cache.put_many(
                (k, self.name, self.model, g) for (k, _), g in zip(chunk, gens, strict=True)
            )
            found.update((k, g) for (k, _), g in zip(chunk, gens, strict=True))
        return [found[k] for k in keys]
