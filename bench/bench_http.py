"""OpenAIBackend at concurrency 8 vs sequential calls, against local OpenAI-compatible servers.

    .venv/bin/python bench/bench_http.py --out bench/results/bench_http.md

Three servers, same prompts, both client modes (concurrency 1, then 8):
1. `transformers serve` with the tiny model, default mode: one inference thread runs one
   `generate` at a time, so concurrent requests queue up and the server, not the client,
   bounds throughput (model-bound).
2. `transformers serve --continuous-batching`: the server batches concurrent requests.
3. A minimal OpenAI-compatible server of this script with a fixed per-request latency and
   no compute: it shows what the client's concurrency does when the server can overlap
   requests (as vLLM or a hosted API can). Target: >= 3x at concurrency 8.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_generation import bench_prompts, machine  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")


class FixedLatencyServer:
    """/v1/completions that answers every request after `latency_s`, many at once."""

    def __init__(self, latency_s: float) -> None:
        latency = latency_s

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                time.sleep(latency)
                reply = {
                    "object": "text_completion",
                    "model": body["model"],
                    "choices": [
                        {"index": 0, "text": " Final Decision: Yes", "finish_reason": "stop"}
                    ],
                    "usage": {"prompt_tokens": len(body["prompt"].split()), "completion_tokens": 4},
                }
                raw = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_transformers_serve(
    model: str, extra: list[str], threads: int
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    exe = Path(sys.executable).with_name("transformers")
    cmd = [
        str(exe),
        "serve",
        model,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--device",
        "cpu",
        *extra,
    ]
    env = {**os.environ, **({"OMP_NUM_THREADS": str(threads)} if threads else {})}
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc, f"http://127.0.0.1:{port}/v1"
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop(proc)
    raise TimeoutError("transformers serve not ready after 120 s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def compare(model: str, base_url: str, prompts: list[str], params, concurrency: int) -> dict:
    from genreason.llm.openai import OpenAIBackend

    seq = OpenAIBackend(model, base_url, concurrency=1, timeout_s=300)
    par = OpenAIBackend(model, base_url, concurrency=concurrency, timeout_s=300)
    seq.generate(prompts[:1], params)  # warm up: load, compile, open connections
    par.generate(prompts[:concurrency], params)
    t0 = time.perf_counter()
    a = seq.generate(prompts, params)
    t_seq = time.perf_counter() - t0
    t0 = time.perf_counter()
    b = par.generate(prompts, params)
    t_par = time.perf_counter() - t0
    same = sum(x.text == y.text for x, y in zip(a, b, strict=True))
    return {"seq": t_seq, "par": t_par, "ratio": t_seq / t_par, "same": same}


# The prompt suffix of General-Reasoner's training data (Ma et al., 2025; DESIGN.md section 3).
BOXED_SUFFIX = "Please reason step by step, and put your final answer within \\boxed{}."


def candidate_prompts(count: int) -> list[list[dict[str, str]]]:
    """Candidates-stage requests: a chat question with the paper's boxed-answer suffix."""
    return [
        [
            {
                "role": "user",
                "content": f"What is {i} + {i * 7}?{' Explain.' * (i % 3)}\n\n{BOXED_SUFFIX}",
            }
        ]
        for i in range(count)
    ]


def scale_out(model: str, args) -> list[str]:
    """Candidates-style generation (n samples per question, temperature 1.0) against one and
    two `transformers serve --continuous-batching` servers, at concurrency 1 and 8 per server."""
    from genreason.llm.base import SamplingParams
    from genreason.llm.openai import OpenAIBackend

    prompts = candidate_prompts(args.questions)
    params = SamplingParams(max_new_tokens=args.max_new_tokens, temperature=1.0, n=args.n)
    procs, urls = [], []
    try:
        for _ in range(2):
            proc, url = start_transformers_serve(model, ["--continuous-batching"], args.threads)
            procs.append(proc)
            urls.append(url)
        times: dict[tuple[int, int], float] = {}
        for servers in (1, 2):
            for conc in (1, args.concurrency):
                backend = OpenAIBackend(model, urls[:servers], concurrency=conc, timeout_s=300)
                backend.generate(prompts[: servers * conc], params)  # warm up
                t0 = time.perf_counter()
                gens = backend.generate(prompts, params)
                times[servers, conc] = time.perf_counter() - t0
                assert all(len(g.texts) == args.n for g in gens)
                sent = backend.servers.sent()
                print(
                    f"servers={servers} concurrency={conc}: {times[servers, conc]:.2f}s "
                    f"requests per server {list(sent.values())}",
                    flush=True,
                )
                backend.close()
    finally:
        for proc in procs:
            stop(proc)
    base = times[1, 1]
    gen_count = len(prompts) * args.n
    lines = [
        "| servers | concurrency per server | seconds | generations/s | vs 1 server, concurrency 1 |",
        "|---:|---:|---:|---:|---:|",
    ]
    for (servers, conc), t in times.items():
        lines.append(f"| {servers} | {conc} | {t:.2f} | {gen_count / t:.1f} | {base / t:.2f}x |")
    c = args.concurrency
    lines += [
        "",
        f"Ratios: two servers vs one at concurrency 1: {times[1, 1] / times[2, 1]:.2f}x; "
        f"at concurrency {c}: {times[1, c] / times[2, c]:.2f}x. Concurrency {c} vs 1 on one "
        f"server: {times[1, 1] / times[1, c]:.2f}x; on two: {times[2, 1] / times[2, c]:.2f}x.",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prompts", type=int, default=32)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.2, help="fixed server latency (s)")
    parser.add_argument("--threads", type=int, default=1, help="server torch threads (0 = default)")
    parser.add_argument("--out", help="also write the markdown report here")
    parser.add_argument(
        "--scale-out",
        action="store_true",
        help="instead: candidates-style generation over two servers vs one (--questions, --n)",
    )
    parser.add_argument("--questions", type=int, default=24, help="--scale-out: questions")
    parser.add_argument("--n", type=int, default=4, help="--scale-out: candidates per question")
    args = parser.parse_args(argv)
    if args.scale_out:
        return main_scale_out(args, argv)

    from genreason.llm.base import SamplingParams
    from genreason.llm.tiny import TinyModelConfig, tiny_model_dir

    model = str(tiny_model_dir(TinyModelConfig(), Path(tempfile.gettempdir()) / "genreason-bench"))
    prompts = bench_prompts(args.prompts)
    params = SamplingParams(max_new_tokens=args.max_new_tokens)
    header = machine()
    rows = []
    for label, extra in (
        ("transformers serve (default)", []),
        ("transformers serve --continuous-batching", ["--continuous-batching"]),
    ):
        proc, url = start_transformers_serve(model, extra, args.threads)
        try:
            rows.append((label, compare(model, url, prompts, params, args.concurrency)))
        finally:
            stop(proc)
    fixed = FixedLatencyServer(args.latency)
    try:
        rows.append(
            (
                f"fixed {args.latency * 1000:.0f} ms/request server (this script)",
                compare("fixed", fixed.base_url, prompts, params, args.concurrency),
            )
        )
    finally:
        fixed.close()

    command = "python bench/bench_http.py " + " ".join(sys.argv[1:] if argv is None else argv)
    lines = [
        f"# OpenAIBackend: concurrency {args.concurrency} vs sequential",
        "",
        f"Command: `{command.strip()}`",
        f"Machine: {header}",
        f"Prompts: {len(prompts)} verifier-style raw prompts to /v1/completions, greedy, "
        f"max_new_tokens={args.max_new_tokens}; tiny random-weight Qwen2 model (CPU) for transformers "
        f"serve (OMP_NUM_THREADS={args.threads or 'default'}). One warm-up call per mode, then one "
        "timed run each.",
        "",
        f"| server | sequential s | concurrency {args.concurrency} s | speed-up | same texts |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, r in rows:
        lines.append(
            f"| {label} | {r['seq']:.2f} | {r['par']:.2f} | {r['ratio']:.1f}x | {r['same']}/{len(prompts)} |"
        )
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(report)
    return 0


def main_scale_out(args, argv: list[str] | None) -> int:
    from genreason.llm.tiny import TinyModelConfig, tiny_model_dir

    model = str(tiny_model_dir(TinyModelConfig(), Path(tempfile.gettempdir()) / "genreason-bench"))
    header = machine()
    table = scale_out(model, args)
    command = "python bench/bench_http.py " + " ".join(sys.argv[1:] if argv is None else argv)
    lines = [
        f"# OpenAIBackend over several servers: two vs one, concurrency {args.concurrency} vs 1",
        "",
        f"Command: `nice -n 10 {command.strip()}`",
        f"Machine: {header}",
        f"Work: the candidates stage's request shape: {args.questions} chat questions with the "
        f"paper's boxed-answer suffix, n={args.n} samples each at temperature 1.0 "
        f"(transformers serve ignores `n`, so the client asks again until it has n), "
        f"max_new_tokens={args.max_new_tokens}; each server is `transformers serve "
        f"--continuous-batching` with the tiny random-weight Qwen2 model on CPU "
        f"(OMP_NUM_THREADS={args.threads or 'default'}). The backend is given one base URL or "
        "both; concurrency is per server. One warm-up call per setting, then one timed run.",
        "",
        *table,
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
