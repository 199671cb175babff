"""VLLMBackend: a clear message without vLLM; real generation on a GPU machine."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from genreason.llm import make_backend
from genreason.llm.base import ModelBackend, SamplingParams
from genreason.llm.tiny import TinyModelConfig, tiny_model_dir

HAS_VLLM = importlib.util.find_spec("vllm") is not None


@pytest.mark.skipif(HAS_VLLM, reason="vllm is installed here")
def test_without_vllm_the_error_says_what_to_install(tiny_model: Path) -> None:
    with pytest.raises(ImportError, match=r"pip install genreason\[vllm\]"):
        make_backend("vllm", str(tiny_model))


def _cuda() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


@pytest.mark.gpu
@pytest.mark.skipif(not (HAS_VLLM and _cuda()), reason="needs vllm and a CUDA device")
def test_vllm_generates_raw_and_chat(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Head size 64: vLLM's attention kernels do not take the default tiny model's 16.
    config = TinyModelConfig(hidden_size=128, heads=2, kv_heads=1, intermediate_size=256)
    model = tiny_model_dir(config, tmp_path_factory.mktemp("vllm-tiny"))
    backend = make_backend(
        "vllm",
        str(model),
        dtype="float32",
        max_model_len=512,
        gpu_memory_utilization=0.3,
        enforce_eager=True,
    )
    assert isinstance(backend, ModelBackend)
    prompts = ["Final Decision:", "The derivative of x^3 is", "Hi"]
    greedy = backend.generate(prompts, SamplingParams(max_new_tokens=16))
    again = backend.generate(prompts, SamplingParams(max_new_tokens=16))
    assert [g.texts for g in greedy] == [g.texts for g in again]
    assert all(
        len(g.texts) == 1 and g.prompt_tokens > 0 and g.completion_tokens > 0 for g in greedy
    )

    text = greedy[0].text
    stop = text[4:7]
    cut = backend.generate(prompts[:1], SamplingParams(max_new_tokens=16, stop=(stop,)))[0]
    assert cut.text == text[: text.find(stop)] and cut.finish_reasons == ["stop"]

    params = SamplingParams(max_new_tokens=8, temperature=1.0, n=4, seed=5)
    samples = backend.generate(prompts[:2], params)
    assert all(len(g.texts) == 4 and len(set(g.texts)) > 1 for g in samples)
    assert [g.texts for g in backend.generate(prompts[:2], params)] == [g.texts for g in samples]

    chat = backend.generate(
        [[{"role": "user", "content": "What is 2+2?"}]], SamplingParams(max_new_tokens=8)
    )
    assert chat[0].prompt_tokens > 5  # the ChatML wrapping was applied
