"""CachedBackend over the real HFBackend: pay once, resume after an interruption."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from genreason.llm.base import Generation, ModelBackend, Prompt, SamplingParams
from genreason.llm.cache import CachedBackend, ResponseCache, cache_key
from genreason.llm.hf import HFBackend

PROMPTS = [f"Question {i}: what is {i} + {i}? Answer:" for i in range(6)]
PARAMS = SamplingParams(max_new_tokens=8)


class CountingHF(HFBackend):
    """The real HFBackend, recording which prompts reach it; can fail on a chosen call."""

    def __init__(self, *args, fail_on_call: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[list[Prompt]] = []
        self.fail_on_call = fail_on_call

    def generate(
        self, prompts: Sequence[Prompt], params: SamplingParams, *, chat: bool = False
    ) -> list[Generation]:
        self.calls.append(list(prompts))
        if self.fail_on_call is not None and len(self.calls) == self.fail_on_call:
            raise KeyboardInterrupt("simulated interruption")
        return super().generate(prompts, params, chat=chat)

    @property
    def prompts_sent(self) -> list[Prompt]:
        return [p for call in self.calls for p in call]


@pytest.fixture
def counting(tiny_model: Path) -> CountingHF:
    return CountingHF(str(tiny_model), device="cpu")


def test_second_run_makes_no_backend_calls(counting: CountingHF, tmp_path: Path) -> None:
    cached = CachedBackend(counting, tmp_path)
    assert isinstance(cached, ModelBackend) and (cached.name, cached.model) == (
        "hf",
        counting.model,
    )
    first = cached.generate(PROMPTS, PARAMS)
    assert counting.prompts_sent == PROMPTS and not any(g.cached for g in first)
    second = CachedBackend(counting, tmp_path).generate(
        PROMPTS, PARAMS
    )  # a new process would do this
    assert len(counting.calls) == 1
    assert [g.texts for g in second] == [g.texts for g in first]
    assert [g.completion_tokens for g in second] == [g.completion_tokens for g in first]
    assert all(g.cached for g in second)


def test_only_uncached_prompts_reach_the_backend(counting: CountingHF, tmp_path: Path) -> None:
    cached = CachedBackend(counting, tmp_path)
    cached.generate(PROMPTS[:3], PARAMS)
    mixed = cached.generate(PROMPTS[1:5] + [PROMPTS[4]], PARAMS)  # 2 known, 2 new, 1 duplicate
    assert counting.calls[1] == PROMPTS[3:5]
    assert [g.cached for g in mixed] == [True, True, False, False, False]
    assert (cached.hits, cached.misses) == (2, 5)


def test_interrupted_run_resumes_without_paying_twice(
    counting: CountingHF, tiny_model: Path, tmp_path: Path
) -> None:
    failing = CountingHF(str(tiny_model), device="cpu", fail_on_call=2)
    with pytest.raises(KeyboardInterrupt):
        CachedBackend(failing, tmp_path, chunk_size=2).generate(PROMPTS, PARAMS)
    assert len(ResponseCache(tmp_path)) == 2  # the first chunk was stored before the failure

    resumed = CachedBackend(counting, tmp_path, chunk_size=2).generate(PROMPTS, PARAMS)
    assert counting.prompts_sent == PROMPTS[2:]
    uncached = HFBackend(str(tiny_model), device="cpu").generate(PROMPTS, PARAMS)
    assert [g.texts for g in resumed] == [g.texts for g in uncached]


def test_key_covers_every_sampling_parameter(counting: CountingHF, tmp_path: Path) -> None:
    cached = CachedBackend(counting, tmp_path)
    variants = [
        PARAMS,
        SamplingParams(max_new_tokens=9),
        SamplingParams(max_new_tokens=8, stop=("x",)),
        SamplingParams(max_new_tokens=8, temperature=1.0),
        SamplingParams(max_new_tokens=8, temperature=1.0, seed=1),
        SamplingParams(max_new_tokens=8, temperature=1.0, n=2),
    ]
    for params in variants:
        cached.generate(PROMPTS[:1], params)
    assert len(counting.calls) == len(variants)
    cached.generate(PROMPTS[:1], PARAMS, chat=True)  # chat is a different request too
    assert len(counting.calls) == len(variants) + 1
    for params in variants:  # ... and every one of them is now answered from the cache
        assert cached.generate(PROMPTS[:1], params)[0].cached


def test_unseeded_sampling_is_cached_and_replayed(counting: CountingHF, tmp_path: Path) -> None:
    params = SamplingParams(max_new_tokens=8, temperature=1.0, n=3)
    first = CachedBackend(counting, tmp_path).generate(PROMPTS[:2], params)
    again = CachedBackend(counting, tmp_path).generate(PROMPTS[:2], params)
    assert len(counting.calls) == 1
    assert [g.texts for g in again] == [g.texts for g in first] and all(
        len(g.texts) == 3 for g in again
    )


def test_cache_key_is_stable_and_distinguishes_chat() -> None:
    a = cache_key("hf", "m", "p", PARAMS, False)
    assert a == cache_key("hf", "m", "p", SamplingParams(max_new_tokens=8), False)
    assert a != cache_key("hf", "m", "p", PARAMS, True)
    assert a != cache_key("openai", "m", "p", PARAMS, False)
    messages = [{"role": "user", "content": "p"}]
    assert cache_key("hf", "m", messages, PARAMS, False) == cache_key(
        "hf", "m", messages, PARAMS, True
    )


def test_threads_share_one_cache(counting: CountingHF, tmp_path: Path) -> None:
    cached = CachedBackend(counting, tmp_path, chunk_size=1)
    errors: list[BaseException] = []
    results: dict[int, list[str]] = {}

    def work(i: int) -> None:
        try:
            gens = cached.generate(PROMPTS[i % 3 : i % 3 + 3], PARAMS)
            results[i] = [g.text for g in gens]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(ResponseCache(tmp_path)) == 5  # PROMPTS[0:5], each stored once
    by_prompt: dict[str, set[str]] = {}
    for i, texts in results.items():
        for p, t in zip(PROMPTS[i % 3 : i % 3 + 3], texts, strict=True):
            by_prompt.setdefault(p, set()).add(t)
    assert all(len(v) == 1 for v in by_prompt.values())  # greedy: one answer per prompt
