"""Fixtures for the model backends: the tiny model (built once per session) and servers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# The server helpers live beside the tests (test helpers, never product code).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from llm_servers import free_port, stop_process, wait_ready  # noqa: E402

from genreason.llm.tiny import TinyModelConfig, tiny_model_dir  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def _one_torch_thread() -> Iterator[None]:
    """Run the tiny models on one thread. On a busy 2-core machine, torch's default of one
    spinning OpenMP thread per core made a 0.2 s test take 6-10 s; restored after the module."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight Qwen2-style model folder, built once for the test session."""
    return tiny_model_dir(TinyModelConfig(), tmp_path_factory.mktemp("tiny-models"))


@pytest.fixture(scope="session")
def hf_backend(tiny_model: Path):
    """An HFBackend on the tiny model, on CPU (the model loads on first use)."""
    from genreason.llm.hf import HFBackend

    return HFBackend(str(tiny_model), device="cpu", batch_size=8)


@pytest.fixture(scope="module")
def transformers_server(
    tiny_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`transformers serve` on 127.0.0.1 with the tiny model pinned; yields the /v1 base URL.

    Module-scoped, so the server is gone once its tests are done.
    """
    exe = Path(sys.executable).with_name("transformers")
    if not exe.exists():
        pytest.skip("the transformers CLI is not installed (pip install 'transformers[serving]')")
    port = free_port()
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    cmd = [
        str(exe),
        "serve",
        str(tiny_model),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--device",
        "cpu",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        try:
            wait_ready(f"http://127.0.0.1:{port}/health", proc, deadline_s=90)
        except (RuntimeError, TimeoutError) as exc:
            raise RuntimeError(
                f"{exc}; server log:\n{log_path.read_text(errors='replace')[-3000:]}"
            ) from None
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        stop_process(proc)
