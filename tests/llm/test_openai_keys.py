"""The API key goes only to hosts the operator allowed (issue 12, item 1).

A listener stands in for a server someone typed into the sidebar: it must receive the
questions without the key unless its host is on the allow-list ($GENREASON_KEY_HOSTS or
`key_hosts=`, loopback by default), and the withheld key is logged as a warning.
"""

from __future__ import annotations

import logging

import pytest
from llm_servers import FaultServer, non_loopback_address

from genreason.llm.base import SamplingParams
from genreason.llm.keys import KEY_HOSTS_ENV, key_allowed, parse_key_hosts
from genreason.llm.openai import OpenAIBackend

PARAMS = SamplingParams(max_new_tokens=5)
KEY_ENV = "GENREASON_TEST_KEY"
SECRET = "sk-test-MUST-NOT-REACH-AN-UNLISTED-HOST"


def _auth_headers(server: FaultServer) -> list[str | None]:
    return [
        next((v for k, v in seen.headers.items() if k.lower() == "authorization"), None)
        for seen in server.requests
    ]


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, SECRET)
    monkeypatch.delenv(KEY_HOSTS_ENV, raising=False)


def test_loopback_receives_the_key_by_default() -> None:
    with FaultServer() as server:
        OpenAIBackend("tiny", server.base_url, api_key_env=KEY_ENV).generate(["q"], PARAMS)
    assert _auth_headers(server) == [f"Bearer {SECRET}"]


def test_a_host_left_off_the_allow_list_gets_no_key(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The operator allows only a hosted API, so the local listener is an unlisted host.
    monkeypatch.setenv(KEY_HOSTS_ENV, "api.example.com")
    with FaultServer() as server, caplog.at_level(logging.WARNING, "genreason.llm.keys"):
        backend = OpenAIBackend("tiny", server.base_url, api_key_env=KEY_ENV, backoff_s=0.01)
        gens = backend.generate(["the stored question"], PARAMS)
    assert gens[0].text.startswith("echo:the stored question")  # the request still went out
    assert _auth_headers(server) == [None]
    assert all(SECRET not in str(seen.headers) for seen in server.requests)
    assert KEY_HOSTS_ENV in caplog.text and "127.0.0.1" in caplog.text
    assert SECRET not in caplog.text


def test_a_non_loopback_address_of_this_machine_gets_no_key_by_default() -> None:
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    with FaultServer(bind="0.0.0.0", host=address) as server:
        OpenAIBackend("tiny", server.base_url, api_key_env=KEY_ENV).generate(["q"], PARAMS)
    assert _auth_headers(server) == [None]


def test_backend_key_hosts_replace_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_HOSTS_ENV, "api.example.com")
    with FaultServer() as server:
        OpenAIBackend(
            "tiny", server.base_url, api_key_env=KEY_ENV, key_hosts=["127.0.0.1"]
        ).generate(["q"], PARAMS)
    assert _auth_headers(server) == [f"Bearer {SECRET}"]


@pytest.mark.parametrize(
    ("url", "hosts", "allowed"),
    [
        ("http://127.0.0.1:8000/v1", ("loopback",), True),
        ("http://127.8.9.10/v1", ("loopback",), True),
        ("http://[::1]:8000/v1", ("loopback",), True),
        ("http://localhost:8000/v1", ("loopback",), True),
        ("http://10.0.0.5:8000/v1", ("loopback",), False),
        ("http://evil.example:8000/v1", ("loopback",), False),
        # Names are not resolved, and a look-alike suffix is not the allowed host.
        ("http://127.0.0.1.evil.example/v1", ("loopback",), False),
        ("https://api.openai.com/v1", ("api.openai.com",), True),
        ("https://API.OpenAI.com./v1", ("api.openai.com",), True),
        ("https://api.openai.com.evil.example/v1", ("api.openai.com",), False),
        ("http://gpu3.lab.example:8000/v1", ("*.lab.example",), True),
        ("http://evillab.example:8000/v1", ("*.lab.example",), False),
        ("http://user:pw@evil.example@127.0.0.1/v1", ("loopback",), True),
    ],
)
def test_key_allowed(url: str, hosts: tuple[str, ...], allowed: bool) -> None:
    assert key_allowed(url, parse_key_hosts(hosts)) is allowed


@pytest.mark.parametrize("bad", ["http://api.openai.com", "api.openai.com:443", "a/b", "*"])
def test_bad_allow_list_entries_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=KEY_HOSTS_ENV):
        parse_key_hosts(bad)


def test_a_refusal_from_an_unlisted_host_says_the_key_was_withheld(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from llm_servers import Fault

    from genreason.llm.openai import AuthRefused

    monkeypatch.setenv(KEY_HOSTS_ENV, "api.example.com")
    with FaultServer() as server:
        server.script(Fault("status", 401, {"error": {"message": "no key"}}))
        with pytest.raises(AuthRefused, match=f"not sent.*{KEY_HOSTS_ENV}"):
            OpenAIBackend("tiny", server.base_url, api_key_env=KEY_ENV).generate(["q"], PARAMS)
