"""OpenAI-compatible HTTP backend: vLLM serve, SGLang, `transformers serve`, hosted APIs.

    backend = OpenAIBackend("Qwen/Qwen2.5-1.5B", base_url="http://127.0.0.1:8000/v1")
    gens = backend.generate(prompts, SamplingParams(max_new_tokens=512), chat=False)

Raw string prompts go to `/v1/completions` (the paper's verifier prompt is a raw completion);
message lists, or any prompt with `chat=True`, go to `/v1/chat/completions`. One request per
prompt, `concurrency` of them in flight at once from a thread pool sharing one httpx client.

Several servers (many vLLM servers behind one client): give base_url a list or a comma-separated
string. `concurrency` is then per server (concurrency x servers requests in flight in all),
each attempt goes to the server with the fewest requests in flight, and a server that refuses
connections or times out is skipped for a while, so retries land on the others
(`genreason.llm.servers`). Results come back in the order given, whichever server answered.

Failures, and what happens:
- 429 and 5xx, connection errors, timeouts, a reply that is not JSON: retried up to
  `max_retries` times with exponential backoff and jitter; a Retry-After header is honoured.
- connection refused after the retries, or a host name that does not resolve: BackendError
  naming the URL.
- 404 or an error naming the model: ModelNotFound naming the model and, when the server
  answers `GET {base_url}/models`, the names it does serve.
- 401/403: AuthRefused naming the environment variable the key is read from.
The API key is read from the environment at each request and never stored, logged or put in
an error message. It is sent only to hosts on the operator's allow-list (`genreason.llm.keys`:
$GENREASON_KEY_HOSTS or `key_hosts=`, loopback by default); other hosts get keyless requests
and a logged warning, so a base URL typed into a form cannot collect the key. A server that ignores `n` (transformers serve does) is asked again until
`n` completions are in hand. Stop strings are also cut client-side, since some servers return
the stop string itself.
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import random
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any
from urllib.parse import urlsplit

import httpx

from genreason.llm import keys
from genreason.llm.base import (
    BackendError,
    Generation,
    Prompt,
    SamplingParams,
    apply_stop,
    as_messages,
)
from genreason.llm.servers import ServerPool, split_base_urls

log = logging.getLogger(__name__)


class ServerUnreachable(BackendError):
    """No connection to the server (refused, unresolvable host, repeated timeouts)."""


class ModelNotFound(BackendError):
    """The server does not serve the requested model (or the endpoint does not exist)."""


class AuthRefused(BackendError):
    """The server refused the API key (HTTP 401/403)."""


class _Retryable(Exception):
    """A failure worth another attempt; `wait_s` is the server's Retry-After, if any."""

    def __init__(
        self, message: str, wait_s: float | None = None, *, unreachable: bool = False
    ) -> None:
        super().__init__(message)
        self.wait_s = wait_s
        self.unreachable = unreachable  # refused or timed out: cool this server down


class OpenAIBackend:
    """Generate through any OpenAI-compatible server with bounded concurrency and retries."""

    name = "openai"

    def __init__(
        self,
        model: str,
        base_url: str | Sequence[str] = "http://127.0.0.1:8000/v1",
        *,
        api_key_env: str = "OPENAI_API_KEY",
        concurrency: int = 8,
        timeout_s: float = 60.0,
        connect_timeout_s: float = 10.0,
        max_retries: int = 5,
        backoff_s: float = 0.5,
        max_backoff_s: float = 60.0,
        extra_body: Mapping[str, Any] | None = None,
        key_hosts: Sequence[str] | str | None = None,
    ) -> None:
        """model: the served model name. base_url: the API root, e.g. http://host:8000/v1 (a
        bare http://host:port gets /v1), or several (a list or "url1,url2") to spread requests
        over; concurrency is per server. api_key_env: environment variable holding the key
        (unset = no Authorization header, fine for local servers). extra_body: fields added
        to every request (e.g. {"top_k": 20} for vLLM). key_hosts: hosts allowed to receive
        the key (see genreason.llm.keys); None reads $GENREASON_KEY_HOSTS (default loopback)."""
        urls = split_base_urls(base_url)
        if concurrency < 1 or max_retries < 0 or timeout_s <= 0 or backoff_s < 0:
            raise ValueError(
                "need concurrency >= 1, max_retries >= 0, timeout_s > 0, backoff_s >= 0"
            )
        self.model = model
        self.base_urls = urls
        self.base_url = urls[0]  # the first server; messages name the one that failed
        self.servers = ServerPool(
            urls, cooldown_s=max(backoff_s, 0.05), max_cooldown_s=max_backoff_s
        )
        self.api_key_env = api_key_env
        self.concurrency = concurrency
        self.timeout_s = timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.extra_body = dict(extra_body or {})
        self.key_hosts = (
            keys.key_hosts_from_env() if key_hosts is None else keys.parse_key_hosts(key_hosts)
        )
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()
        self._rng = random.Random()

    # ----- public -----

    def generate(
        self, prompts: Sequence[Prompt], params: SamplingParams, *, chat: bool = False
    ) -> list[Generation]:
        """One request per prompt, `concurrency` per server at a time; results in the order
        given."""
        abort = threading.Event()
        if len(prompts) <= 1 or self.max_in_flight == 1:
            return [self._complete(p, params, chat, abort) for p in prompts]
        pool = ThreadPoolExecutor(max_workers=min(self.max_in_flight, len(prompts)))
        try:
            futures = [pool.submit(self._complete, p, params, chat, abort) for p in prompts]
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            for f in done:
                if f.exception() is not None:
                    raise f.exception()  # type: ignore[misc]
            return [f.result() for f in futures]
        finally:
            # On an error, drop the requests not yet started and stop the others retrying,
            # instead of paying for work whose batch has already failed.
            abort.set()
            pool.shutdown(wait=True, cancel_futures=True)

    @property
    def max_in_flight(self) -> int:
        """Requests in flight at most: concurrency per server times the servers."""
        return self.concurrency * len(self.base_urls)

    def close(self) -> None:
        """Close the HTTP connections (a later call opens new ones)."""
        with self._client_lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    # ----- one prompt -----

    def _complete(
        self, prompt: Prompt, params: SamplingParams, chat: bool, abort: threading.Event
    ) -> Generation:
        started = time.perf_counter()
        use_chat = chat or not isinstance(prompt, str)
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": params.max_new_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
        }
        if use_chat:
            body["messages"] = as_messages(prompt)
        else:
            body["prompt"] = prompt
        if params.stop:
            body["stop"] = list(params.stop)
        if params.seed is not None:
            body["seed"] = params.seed
        if params.json_schema is not None:
            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": "reply", "schema": params.json_schema}}
        body.update(self.extra_body)
        texts: list[str] = []
        reasons: list[str] = []
        prompt_tokens = completion_tokens = 0
        while len(texts) < params.n:
            want = params.n - len(texts)
            if want > 1:
                body["n"] = want
            else:
                body.pop("n", None)
            data = self._post("/chat/completions" if use_chat else "/completions", body, abort)
            choices = data.get("choices")
            if not isinstance(choices, list) or not choices:
                raise BackendError(f"reply has no choices: {_short(data)}")
            for choice in sorted(choices, key=lambda c: c.get("index", 0))[:want]:
                raw = (
                    (choice.get("message") or {}).get("content") if use_chat else choice.get("text")
                )
                text, stopped = apply_stop(raw or "", params.stop)
                texts.append(text)
                reasons.append("stop" if stopped else str(choice.get("finish_reason") or "stop"))
            usage = data.get("usage") or {}
            prompt_tokens = prompt_tokens or int(usage.get("prompt_tokens") or 0)
            completion_tokens += int(usage.get("completion_tokens") or 0)
        return Generation(
            texts, prompt_tokens, completion_tokens, time.perf_counter() - started, reasons
        )

    # ----- HTTP with retries -----

    def _http(self) -> httpx.Client:
        with self._client_lock:
            if self._client is None:
                self._client = httpx.Client(
                    timeout=httpx.Timeout(
                        self.timeout_s, connect=min(self.timeout_s, self.connect_timeout_s)
                    ),
                    limits=httpx.Limits(
                        max_connections=self.max_in_flight,
                        max_keepalive_connections=self.max_in_flight,
                    ),
                )
            return self._client

    def _headers(self, url: str) -> dict[str, str]:
        """The Authorization header for `url`: only for allowed hosts (genreason.llm.keys)."""
        key = os.environ.get(self.api_key_env)
        if not key:
            return {}
        if not keys.key_allowed(url, self.key_hosts):
            keys.warn_keyless(url, self.api_key_env)
            return {}
        return {"Authorization": f"Bearer {key}"}

    def _post(self, path: str, body: dict[str, Any], abort: threading.Event) -> dict[str, Any]:
        last, tries, url = "", 0, self.base_url + path
        for attempt in range(self.max_retries + 1):
            tries = attempt + 1
            server = self.servers.acquire()
            url, unreachable = server + path, False
            try:
                return self._post_once(server, url, body)
            except ServerUnreachable:
                unreachable = True
                raise
            except _Retryable as exc:
                last, unreachable, wait_s = str(exc), exc.unreachable, exc.wait_s
            finally:
                self.servers.release(server, unreachable=unreachable)
            if attempt == self.max_retries or abort.is_set():
                break
            if unreachable and self.servers.any_up():
                delay = 0.0  # another server is up: try it now, this one cools down meanwhile
            else:
                delay = wait_s if wait_s is not None else self._backoff(attempt)
            delay = min(delay, self.max_backoff_s)
            log.warning(
                "%s (attempt %d/%d); retrying in %.2fs",
                last,
                attempt + 1,
                self.max_retries + 1,
                delay,
            )
            time.sleep(delay)
        cls = (
            ServerUnreachable if last.startswith(("cannot connect", "timed out")) else BackendError
        )
        where = url if len(self.base_urls) == 1 else f"{len(self.base_urls)} servers (last {url})"
        raise cls(f"gave up on {where} after {tries} attempts: {last}")

    def _backoff(self, attempt: int) -> float:
        # Exponential backoff with jitter in [50%, 100%] of the step, so many clients that
        # failed together do not retry together.
        return self.backoff_s * (2**attempt) * self._rng.uniform(0.5, 1.0)

    def _post_once(self, server: str, url: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            resp = self._http().post(url, json=body, headers=self._headers(url))
        except httpx.TimeoutException as exc:
            raise _Retryable(
                f"timed out after {self.timeout_s:g}s waiting for {url} ({type(exc).__name__})",
                unreachable=True,
            ) from None
        except httpx.TransportError as exc:
            dns = _dns_failure(exc)
            if dns is not None and dns.errno != socket.EAI_AGAIN:
                host = urlsplit(url).hostname
                raise ServerUnreachable(
                    f"cannot resolve host {host!r} of base_url {server}: {dns.strerror}; "
                    "check the URL"
                ) from None
            raise _Retryable(
                f"cannot connect to {url}: {exc or type(exc).__name__}; is the "
                "server running and is base_url right?",
                unreachable=True,
            ) from None
        status = resp.status_code
        if status == 200:
            try:
                data = resp.json()
            except ValueError:
                raise _Retryable(
                    f"reply from {url} is not valid JSON: {_short(resp.text)}"
                ) from None
            if not isinstance(data, dict):
                raise BackendError(f"reply from {url} is not a JSON object: {_short(data)}")
            return data
        detail = self._scrub(_error_text(resp))
        if status in (401, 403):
            if os.environ.get(self.api_key_env) and not keys.key_allowed(url, self.key_hosts):
                raise AuthRefused(
                    f"{url} refused the request (HTTP {status}): {detail}. The key in "
                    f"${self.api_key_env} was not sent because this host is not in the key "
                    f"allow-list; add it to ${keys.KEY_HOSTS_ENV} if it should receive the key."
                )
            state = "set" if os.environ.get(self.api_key_env) else "NOT set"
            raise AuthRefused(
                f"{url} refused the request (HTTP {status}): {detail}. The key is read from "
                f"${self.api_key_env} (currently {state}); set it to a key this server accepts."
            )
        if status == 429 or status >= 500:
            raise _Retryable(f"HTTP {status} from {url}: {detail}", _retry_after(resp))
        if status == 404 or (status in (400, 422) and self.model in detail):
            raise ModelNotFound(self._model_hint(server, url, status, detail))
        raise BackendError(f"HTTP {status} from {url}: {detail}")

    def _model_hint(self, server: str, url: str, status: int, detail: str) -> str:
        """Say which model was missing and, if the server lists them, which ones it serves."""
        listing = f"{server}/models"
        try:
            resp = self._http().get(
                listing, headers=self._headers(listing), timeout=min(self.timeout_s, 10.0)
            )
            names = (
                [m.get("id") for m in resp.json().get("data", [])]
                if resp.status_code == 200
                else None
            )
        except (httpx.HTTPError, ValueError, AttributeError):
            names = None
        head = f"model {self.model!r} not available at {url} (HTTP {status}: {detail})."
        if names is None:
            return (
                f"{head} GET {listing} did not list models either: is base_url right "
                "(it usually ends in /v1)?"
            )
        if self.model in names:
            return (
                f"{head} The server lists it at {listing}, so the endpoint itself may be missing."
            )
        return f"{head} Served models (GET {listing}): {', '.join(map(str, names)) or 'none'}."

    def _scrub(self, text: str) -> str:
        """Remove the API key from server text we are about to show (some servers echo it)."""
        key = os.environ.get(self.api_key_env)
        return text.replace(key, "***") if key else text


def _dns_failure(exc: BaseException) -> socket.gaierror | None:
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return None
        if isinstance(seen, socket.gaierror):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _retry_after(resp: httpx.Response) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    value = resp.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _error_text(resp: httpx.Response) -> str:
    """The server's error message: OpenAI's {"error": {"message"}}, FastAPI's {"detail"}, or text."""
    try:
        data = resp.json()
    except ValueError:
        return _short(resp.text) or resp.reason_phrase
    if isinstance(data, dict):
        err = data.get("error")
        if isinstance(err, dict) and err.get("message"):
            return _short(err["message"])
        for key in ("detail", "message", "error"):
            if data.get(key):
                return _short(data[key])
    return _short(data)


def _short(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[:limit] + "..."
