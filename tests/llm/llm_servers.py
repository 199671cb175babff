"""Servers for the backend tests (TEST HELPERS, never used by the product).

`FaultServer` is a small OpenAI-compatible HTTP server that misbehaves on cue.

It speaks just enough of /v1/completions, /v1/chat/completions and /v1/models for the
OpenAIBackend's retry, timeout and error paths to be exercised over a real socket: each
request takes the next scripted fault (a status code with headers and body, a slow reply, a
truncated JSON body, or a reply with fewer choices than asked), and answers normally when the
script is empty. A normal answer echoes the prompt, so tests can check ordering. It records
every request and the most requests it had in flight at once.

`free_port`, `wait_ready` and `stop_process` start and stop real servers (transformers serve)
robustly: readiness is polled against a deadline, and the process group is always ended.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx


@dataclass
class Fault:
    """One scripted reply. kind: "status", "slow", "truncated" or "one_choice"."""

    kind: str
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class Seen:
    """A request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float


class FaultServer:
    """Serve on 127.0.0.1 (or `bind`; a free port) in a background thread; a context manager."""

    def __init__(
        self,
        *,
        models: tuple[str, ...] = ("tiny",),
        latency_s: float = 0.0,
        bind: str = "127.0.0.1",
        host: str = "127.0.0.1",
    ) -> None:
        """bind: the address to listen on; host: the address clients are given in base_url."""
        self.models = models
        self.host = host
        self.latency_s = latency_s  # added to every normal reply
        self.faults: list[Fault] = []
        self.requests: list[Seen] = []
        self.max_in_flight = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((bind, 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self._httpd.server_address[1]}/v1"

    def script(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # ----- request handling -----

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self.faults.pop(0) if self.faults else None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _send(
                self, status: int, payload: Any, headers: dict[str, str] | None = None
            ) -> None:
                raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:  # noqa: N802
                if self.path.rstrip("/") == "/v1/models":
                    data = [{"id": m, "object": "model"} for m in server.models]
                    self._send(200, {"object": "list", "data": data})
                else:
                    self._send(404, {"detail": "Not Found"})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with server._lock:
                    server.requests.append(
                        Seen(self.path, dict(self.headers), body, time.monotonic())
                    )
                    server._in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server._in_flight)
                try:
                    self._answer(body)
                finally:
                    with server._lock:
                        server._in_flight -= 1

            def _answer(self, body: dict[str, Any]) -> None:
                if self.path not in ("/v1/completions", "/v1/chat/completions"):
                    self._send(404, {"detail": "Not Found"})
                    return
                fault = server._next_fault()
                if fault is not None and fault.kind == "status":
                    self._send(
                        fault.status, fault.body if fault.body is not None else {}, fault.headers
                    )
                    return
                if fault is not None and fault.kind == "slow":
                    time.sleep(fault.seconds)
                if body.get("model") not in server.models:
                    msg = f"The model `{body.get('model')}` does not exist."
                    self._send(
                        404, {"error": {"message": msg, "type": "NotFoundError", "code": 404}}
                    )
                    return
                time.sleep(server.latency_s)
                reply = self._completion(body, one=fault is not None and fault.kind == "one_choice")
                if fault is not None and fault.kind == "truncated":
                    raw = json.dumps(reply).encode()
                    self._send(200, raw[: len(raw) // 2])
                    return
                self._send(200, reply)

            def _completion(self, body: dict[str, Any], one: bool) -> dict[str, Any]:
                chat = self.path.endswith("/chat/completions")
                source = body["messages"][-1]["content"] if chat else body["prompt"]
                n = 1 if one else int(body.get("n") or 1)
                choices = []
                for i in range(n):
                    text = f"echo:{source}#{i} STOP tail"
                    choice: dict[str, Any] = {"index": i, "finish_reason": "length"}
                    if chat:
                        choice["message"] = {"role": "assistant", "content": text}
                    else:
                        choice["text"] = text
                    choices.append(choice)
                usage = {"prompt_tokens": len(str(source).split()), "completion_tokens": 5 * n}
                return {"id": "x", "object": "text_completion", "choices": choices, "usage": usage}

        return Handler


def non_loopback_address() -> str | None:
    """An address of this machine that is not loopback (for tests of key routing), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: no packet is sent for a UDP connect
            address = str(s.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen, deadline_s: float) -> None:
    """Poll `url` until it answers 200; fail early if the process died."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode} before it was ready")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready after {deadline_s:.0f}s")


def stop_process(proc: subprocess.Popen) -> None:
    """SIGTERM the server's process group (started with start_new_session), then SIGKILL."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)
