"""OpenAIBackend against a local fault-injecting server: retries, timeouts, clear errors."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator

import pytest
from llm_servers import Fault, FaultServer, free_port

from genreason.llm import make_backend
from genreason.llm.base import BackendError, ModelBackend, SamplingParams
from genreason.llm.openai import AuthRefused, ModelNotFound, OpenAIBackend, ServerUnreachable

PARAMS = SamplingParams(max_new_tokens=5)
KEY_ENV = "GENREASON_TEST_KEY"


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer(models=("tiny", "other")) as srv:
        yield srv


def client(server: FaultServer, **options) -> OpenAIBackend:
    options = {
        "api_key_env": KEY_ENV,
        "backoff_s": 0.01,
        "max_retries": 3,
        "timeout_s": 5.0,
        **options,
    }
    return OpenAIBackend("tiny", server.base_url, **options)


def test_completion_request_and_reply(server: FaultServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    backend = make_backend("openai", "tiny", base_url=server.base_url, api_key_env=KEY_ENV)
    assert isinstance(backend, ModelBackend)
    params = SamplingParams(max_new_tokens=7, temperature=0.5, top_p=0.9, stop=("STOP",), seed=3)
    gen = backend.generate(["two plus two"], params)[0]
    seen = server.requests[0]
    assert seen.path == "/v1/completions"
    assert seen.body == {
        "model": "tiny",
        "prompt": "two plus two",
        "max_tokens": 7,
        "temperature": 0.5,
        "top_p": 0.9,
        "stop": ["STOP"],
        "seed": 3,
    }
    assert "authorization" not in {k.lower() for k in seen.headers}  # no key set: no header
    assert gen.texts == ["echo:two plus two#0 "]  # cut before the stop string, client-side too
    assert gen.finish_reasons == ["stop"]
    assert (gen.prompt_tokens, gen.completion_tokens) == (3, 5) and gen.seconds > 0


def test_messages_go_to_chat_completions(server: FaultServer) -> None:
    backend = client(server)
    messages = [{"role": "system", "content": "s"}, {"role": "user", "content": "hello"}]
    gens = backend.generate([messages, "as user"], PARAMS, chat=True)
    assert [r.path for r in server.requests] == ["/v1/chat/completions"] * 2
    assert {tuple(m["content"] for m in r.body["messages"]) for r in server.requests} == {
        ("s", "hello"),
        ("as user",),
    }
    assert [g.text for g in gens] == ["echo:hello#0 STOP tail", "echo:as user#0 STOP tail"]


def test_n_is_completed_when_the_server_ignores_it(server: FaultServer) -> None:
    server.script(Fault("one_choice"))
    gen = client(server).generate(["p"], SamplingParams(max_new_tokens=5, temperature=1.0, n=3))[0]
    assert len(gen.texts) == 3
    assert [r.body.get("n") for r in server.requests] == [3, 2]  # asked again for the 2 missing
    assert gen.completion_tokens == 5 + 10


def test_retries_5xx_then_succeeds(server: FaultServer) -> None:
    server.script(Fault("status", 500, {"error": {"message": "boom"}}), Fault("status", 503))
    gen = client(server).generate(["p"], PARAMS)[0]
    assert gen.text.startswith("echo:p") and len(server.requests) == 3


def test_gives_up_after_max_retries(server: FaultServer) -> None:
    server.script(*[Fault("status", 502, {"detail": "bad gateway"})] * 5)
    with pytest.raises(BackendError, match=r"after 3 attempts.*502.*bad gateway"):
        client(server, max_retries=2).generate(["p"], PARAMS)
    assert len(server.requests) == 3


def test_429_honours_retry_after_seconds(server: FaultServer) -> None:
    server.script(Fault("status", 429, {"error": {"message": "slow down"}}, {"Retry-After": "1"}))
    client(server).generate(["p"], PARAMS)
    first, second = server.requests
    assert second.at - first.at >= 0.95  # waited what the server asked, not the 10 ms backoff


def test_429_honours_retry_after_http_date(server: FaultServer) -> None:
    when = email.utils.formatdate(time.time() + 2, usegmt=True)  # second resolution: waits 1-2 s
    server.script(Fault("status", 429, {}, {"Retry-After": when}))
    client(server).generate(["p"], PARAMS)
    first, second = server.requests
    assert second.at - first.at >= 0.9


def test_truncated_json_is_retried(server: FaultServer) -> None:
    server.script(Fault("truncated"))
    gen = client(server).generate(["p"], PARAMS)[0]
    assert gen.text.startswith("echo:p") and len(server.requests) == 2


def test_slow_reply_times_out_and_is_retried(server: FaultServer) -> None:
    server.script(Fault("slow", seconds=1.5))
    started = time.perf_counter()
    gen = client(server, timeout_s=0.5).generate(["p"], PARAMS)[0]
    assert gen.text.startswith("echo:p") and len(server.requests) == 2
    assert time.perf_counter() - started < 1.4  # did not wait for the slow reply


def test_always_slow_gives_a_timeout_error(server: FaultServer) -> None:
    server.script(*[Fault("slow", seconds=1.0)] * 3)
    with pytest.raises(ServerUnreachable, match=r"timed out after 0.3s"):
        client(server, timeout_s=0.3, max_retries=1).generate(["p"], PARAMS)


def test_refused_key_names_the_variable_never_the_key(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-test-THIS-MUST-NOT-LEAK-1234"
    monkeypatch.setenv(KEY_ENV, secret)
    # Some servers echo the key they refused; the message must still not contain it.
    server.script(
        Fault("status", 401, {"error": {"message": f"Incorrect API key provided: {secret}"}})
    )
    with pytest.raises(AuthRefused) as info:
        client(server).generate(["p"], PARAMS)
    message = str(info.value)
    assert KEY_ENV in message and "currently set" in message
    assert secret not in message and "THIS-MUST-NOT-LEAK" not in message
    assert server.requests[0].headers.get("Authorization") == f"Bearer {secret}"
    assert len(server.requests) == 1  # a refused key is not retried
    assert secret not in repr(client(server).__dict__)  # nor kept on the backend


def test_missing_model_lists_the_served_ones(server: FaultServer) -> None:
    backend = OpenAIBackend("no-such-model", server.base_url, backoff_s=0.01)
    with pytest.raises(ModelNotFound) as info:
        backend.generate(["p"], PARAMS)
    message = str(info.value)
    assert "'no-such-model'" in message and "/v1/models" in message
    assert "tiny, other" in message
    assert len(server.requests) == 1


def test_wrong_path_says_to_check_base_url(server: FaultServer) -> None:
    backend = OpenAIBackend("tiny", server.base_url.replace("/v1", "/api"), backoff_s=0.01)
    with pytest.raises(ModelNotFound, match=r"base_url right"):
        backend.generate(["p"], PARAMS)


def test_other_client_errors_are_not_retried(server: FaultServer) -> None:
    server.script(Fault("status", 400, {"error": {"message": "max_tokens is too large"}}))
    with pytest.raises(BackendError, match=r"HTTP 400.*max_tokens is too large"):
        client(server).generate(["p"], PARAMS)
    assert len(server.requests) == 1


def test_connection_refused_names_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    backend = OpenAIBackend("tiny", url, backoff_s=0.01, max_retries=2)
    with pytest.raises(
        ServerUnreachable, match=rf"{url}/completions.*after 3 attempts.*is the server running"
    ):
        backend.generate(["p"], PARAMS)


def test_unresolvable_host_names_the_host() -> None:
    backend = OpenAIBackend(
        "tiny", "http://no-such-host.invalid:8000/v1", backoff_s=0.01, max_retries=1
    )
    with pytest.raises(ServerUnreachable, match=r"no-such-host\.invalid"):
        backend.generate(["p"], PARAMS)


def test_concurrency_is_bounded_and_order_kept() -> None:
    with FaultServer(models=("tiny",), latency_s=0.15) as srv:
        prompts = [f"prompt {i}" for i in range(16)]
        started = time.perf_counter()
        gens = OpenAIBackend("tiny", srv.base_url, concurrency=4).generate(prompts, PARAMS)
        elapsed = time.perf_counter() - started
    assert [g.text for g in gens] == [f"echo:prompt {i}#0 STOP tail" for i in range(16)]
    assert srv.max_in_flight == 4
    assert elapsed < 16 * 0.15 / 2  # well under the sequential time


def test_a_failure_stops_the_rest_of_the_batch(server: FaultServer) -> None:
    server.script(Fault("status", 403, {"detail": "forbidden"}))
    with pytest.raises(AuthRefused):
        client(server, concurrency=2).generate([f"p{i}" for i in range(40)], PARAMS)
    assert len(server.requests) < 40


def test_base_url_forms() -> None:
    assert OpenAIBackend("m", "http://h:8000").base_url == "http://h:8000/v1"
    assert OpenAIBackend("m", "http://h:8000/v1/").base_url == "http://h:8000/v1"
    assert (
        OpenAIBackend("m", "https://api.example.com/openai/v1").base_url
        == "https://api.example.com/openai/v1"
    )
    with pytest.raises(ValueError, match="base_url"):
        OpenAIBackend("m", "localhost:8000")
