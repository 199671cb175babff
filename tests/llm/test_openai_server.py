"""OpenAIBackend against a real OpenAI-compatible server: `transformers serve` with the tiny model.

The server and HFBackend run the same weights with greedy decoding on CPU, so the texts
that come back over HTTP must equal the ones generated in-process.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from genreason.llm.base import SamplingParams
from genreason.llm.hf import HFBackend
from genreason.llm.openai import ModelNotFound, OpenAIBackend

pytestmark = pytest.mark.slow

PROMPTS = [
    "User: ### Question: What is 2+2?\n\n### Ground Truth Answer: 4\n\n### Student Answer: 4\n\nAssistant:",
    "Final Decision:",
    "The derivative of x^3 is",
    "Hi",
]
GREEDY = SamplingParams(max_new_tokens=12)


@pytest.fixture(scope="module")
def served(transformers_server: str, tiny_model: Path) -> OpenAIBackend:
    return OpenAIBackend(
        str(tiny_model), transformers_server, concurrency=4, timeout_s=60, backoff_s=0.1
    )


def test_completions_match_local_generation(served: OpenAIBackend, hf_backend: HFBackend) -> None:
    remote = served.generate(PROMPTS, GREEDY)
    local = hf_backend.generate(PROMPTS, GREEDY)
    assert [g.text for g in remote] == [g.text for g in local]
    assert [g.prompt_tokens for g in remote] == [g.prompt_tokens for g in local]
    assert all(g.completion_tokens == 12 and g.finish_reasons == ["length"] for g in remote)


def test_chat_completions_match_local_chat(served: OpenAIBackend, hf_backend: HFBackend) -> None:
    conversations = [
        [{"role": "user", "content": "What is 2+2?"}],
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Name a metal."}],
    ]
    remote = served.generate(conversations, GREEDY, chat=True)
    local = hf_backend.generate(conversations, GREEDY, chat=True)
    assert [g.text for g in remote] == [g.text for g in local]
    assert [g.prompt_tokens for g in remote] == [g.prompt_tokens for g in local]


def test_stop_strings_over_http(served: OpenAIBackend, hf_backend: HFBackend) -> None:
    full = hf_backend.generate(PROMPTS[:2], SamplingParams(max_new_tokens=20))
    for prompt, gen in zip(PROMPTS[:2], full, strict=True):
        stop = gen.text[6:9]
        params = SamplingParams(max_new_tokens=20, stop=(stop,))
        remote = served.generate([prompt], params)[0]
        # The server stops generating at the stop string; the client cuts it off the text.
        assert remote.text == gen.text[: gen.text.find(stop)]
        assert remote.finish_reasons == ["stop"]


def test_n_samples_when_the_server_ignores_n(served: OpenAIBackend) -> None:
    gen = served.generate(
        ["Final Decision:"], SamplingParams(max_new_tokens=8, temperature=1.0, n=3)
    )[0]
    assert len(gen.texts) == 3 and len(set(gen.texts)) > 1
    assert gen.completion_tokens == 3 * 8


def test_unknown_model_is_named_with_the_served_ones(
    transformers_server: str, tiny_model: Path
) -> None:
    backend = OpenAIBackend("qwen-verifier", transformers_server, backoff_s=0.01)
    with pytest.raises(ModelNotFound) as info:
        backend.generate(["x"], GREEDY)
    message = str(info.value)
    assert "'qwen-verifier'" in message and str(tiny_model) in message
