"""OpenAIBackend over several servers (issue 9 item 4): requests spread by load, per-server
concurrency, order kept, a dead server skipped, the cache shared across server lists."""

from __future__ import annotations

import time

import pytest
from llm_servers import Fault, FaultServer, free_port

from genreason.llm.base import SamplingParams
from genreason.llm.cache import CachedBackend
from genreason.llm.openai import OpenAIBackend, ServerUnreachable
from genreason.llm.servers import ServerPool, split_base_urls

PARAMS = SamplingParams(max_new_tokens=5)


def test_requests_are_spread_over_the_servers_in_order() -> None:
    with FaultServer(latency_s=0.05) as one, FaultServer(latency_s=0.05) as two:
        backend = OpenAIBackend("tiny", [one.base_url, two.base_url], concurrency=3)
        prompts = [f"prompt {i}" for i in range(30)]
        gens = backend.generate(prompts, PARAMS)
    assert [g.text for g in gens] == [f"echo:prompt {i}#0 STOP tail" for i in range(30)]
    assert len(one.requests) + len(two.requests) == 30
    assert min(len(one.requests), len(two.requests)) >= 10  # both did a fair share
    assert one.max_in_flight <= 3 and two.max_in_flight <= 3  # concurrency is per server
    assert max(one.max_in_flight, two.max_in_flight) == 3
    assert backend.max_in_flight == 6


def test_two_servers_finish_sooner_than_one() -> None:
    prompts = [f"p{i}" for i in range(12)]
    with FaultServer(latency_s=0.1) as one, FaultServer(latency_s=0.1) as two:
        started = time.perf_counter()
        OpenAIBackend("tiny", one.base_url, concurrency=2).generate(prompts, PARAMS)
        single = time.perf_counter() - started
        started = time.perf_counter()
        OpenAIBackend("tiny", f"{one.base_url},{two.base_url}", concurrency=2).generate(
            prompts, PARAMS
        )
        double = time.perf_counter() - started
    assert double < single * 0.8


def test_a_dead_server_is_skipped_and_the_batch_completes() -> None:
    dead = f"http://127.0.0.1:{free_port()}/v1"
    with FaultServer() as alive:
        backend = OpenAIBackend(
            "tiny", [dead, alive.base_url], concurrency=2, backoff_s=0.05, max_retries=3
        )
        gens = backend.generate([f"q{i}" for i in range(10)], PARAMS)
    assert [g.text for g in gens] == [f"echo:q{i}#0 STOP tail" for i in range(10)]
    assert len(alive.requests) == 10
    # The dead server was tried, then left alone while it cooled down.
    assert 1 <= backend.servers.sent()[dead] < 10


def test_every_server_dead_names_how_many() -> None:
    urls = [f"http://127.0.0.1:{free_port()}/v1" for _ in range(2)]
    backend = OpenAIBackend("tiny", urls, backoff_s=0.01, max_retries=2)
    with pytest.raises(ServerUnreachable, match=r"2 servers .*after 3 attempts"):
        backend.generate(["q"], PARAMS)


def test_a_retry_goes_to_another_server() -> None:
    with FaultServer() as one, FaultServer() as two:
        one.script(Fault("status", 503, {"detail": "overloaded"}))
        backend = OpenAIBackend("tiny", [one.base_url, two.base_url], concurrency=1,
                                backoff_s=0.01)
        gens = backend.generate(["q"], PARAMS)
    assert gens[0].text.startswith("echo:q")
    assert (len(one.requests), len(two.requests)) == (1, 1)


def test_the_cache_is_shared_whatever_servers_answer(tmp_path) -> None:
    with FaultServer() as one, FaultServer() as two:
        first = CachedBackend(OpenAIBackend("tiny", one.base_url), tmp_path)
        first.generate(["a", "b"], PARAMS)
        both = CachedBackend(OpenAIBackend("tiny", [one.base_url, two.base_url]), tmp_path)
        gens = both.generate(["a", "b", "c"], PARAMS)
    assert [g.cached for g in gens] == [True, True, False]
    assert len(one.requests) + len(two.requests) == 3


def test_base_url_lists() -> None:
    assert split_base_urls("http://a:1, http://b:2/v1/ ,http://a:1/v1") == (
        "http://a:1/v1",
        "http://b:2/v1",
    )
    with pytest.raises(ValueError, match="at least one"):
        split_base_urls(" , ")
    with pytest.raises(ValueError, match="base_url"):
        split_base_urls(["http://a:1", "b:2"])


def test_pool_prefers_the_least_loaded_and_cools_down_failures() -> None:
    pool = ServerPool(["a", "b"], cooldown_s=60)
    first, second = pool.acquire(), pool.acquire()
    assert {first, second} == {"a", "b"}
    pool.release("a", unreachable=True)
    assert pool.acquire() == "b"  # a is cooling down, b is busy but up
    pool.release("b")
    pool.release("b")
    assert pool.any_up()  # b is up


def test_the_cache_chunk_keeps_every_server_busy(tmp_path) -> None:
    urls = [f"http://127.0.0.1:{9000 + i}/v1" for i in range(8)]
    backend = OpenAIBackend("tiny", urls, concurrency=32)
    assert CachedBackend(backend, tmp_path).chunk_size == 4 * 8 * 32
    assert CachedBackend(OpenAIBackend("tiny"), tmp_path).chunk_size == 64
