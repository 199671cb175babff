"""HFBackend through real transformers generation on the tiny model (CPU)."""

from __future__ import annotations

from pathlib import Path

import pytest

from genreason.llm import make_backend
from genreason.llm.base import ModelBackend, SamplingParams
from genreason.llm.hf import HFBackend

PROMPTS = [
    "User: ### Question: What is 2+2?\n\n### Ground Truth Answer: 4\n\n### Student Answer: 4\n\nAssistant:",
    "Hi",
    "The derivative of x^3 is",
    "Final Decision:",
    "\\boxed{\\frac{1}{2}} = 0.5; the probability is",
    "Which of the following is correct? (A) water (B) iron (C) copper (D) none of these. Answer:",
    "ok",
]
GREEDY = SamplingParams(max_new_tokens=16)


def test_is_a_model_backend_built_by_name(tiny_model: Path) -> None:
    backend = make_backend("hf", str(tiny_model), device="cpu")
    assert isinstance(backend, HFBackend) and isinstance(backend, ModelBackend)
    assert backend._model is None  # loads lazily, on the first generate


def test_missing_model_path_says_what_to_do(tmp_path: Path) -> None:
    backend = HFBackend(str(tmp_path / "nope"))  # constructing is fine: nothing loads yet
    with pytest.raises(FileNotFoundError, match="nope.*genreason tiny-model"):
        backend.generate(["x"], GREEDY)


def test_greedy_is_deterministic_and_depends_on_the_prompt(hf_backend: HFBackend) -> None:
    first = hf_backend.generate(PROMPTS, GREEDY)
    second = hf_backend.generate(PROMPTS, GREEDY)
    assert [g.texts for g in first] == [g.texts for g in second]
    assert len({g.text for g in first}) == len(PROMPTS)  # not one collapsed output


def test_batched_equals_one_by_one(hf_backend: HFBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    """Left padding and the attention mask must make padding invisible to the model."""
    monkeypatch.setattr(hf_backend, "batch_size", 4)  # 2 batches of mixed lengths
    together = hf_backend.generate(PROMPTS, GREEDY)
    monkeypatch.setattr(hf_backend, "batch_size", 1)
    alone = hf_backend.generate(PROMPTS, GREEDY)
    assert [g.text for g in together] == [g.text for g in alone]
    assert [g.prompt_tokens for g in together] == [g.prompt_tokens for g in alone]


def test_usage_counts_unpadded_prompt_and_generated_tokens(hf_backend: HFBackend) -> None:
    hf_backend.generate(["warm"], GREEDY)
    tok = hf_backend._tokenizer
    gens = hf_backend.generate(PROMPTS, GREEDY)
    for prompt, gen in zip(PROMPTS, gens, strict=True):
        assert gen.prompt_tokens == len(tok(prompt)["input_ids"])
        if gen.finish_reasons == ["length"]:
            assert gen.completion_tokens == GREEDY.max_new_tokens
        assert gen.seconds > 0 and not gen.cached


def test_stop_strings_cut_the_text(hf_backend: HFBackend) -> None:
    params = SamplingParams(max_new_tokens=24)
    full = hf_backend.generate(PROMPTS[:3], params)
    stops = []
    for gen in full:
        text = gen.text
        assert len(text) > 12, "need a longer output to pick a stop string from"
        stops.append(text[8:11])  # a piece from the middle of the greedy output
    for prompt, gen, stop in zip(PROMPTS[:3], full, stops, strict=True):
        cut = hf_backend.generate(
            [prompt], SamplingParams(max_new_tokens=24, stop=(stop, "\x00never"))
        )[0]
        assert cut.text == gen.text[: gen.text.find(stop)]
        assert cut.finish_reasons == ["stop"]
        assert cut.completion_tokens <= gen.completion_tokens


def test_n_samples_with_temperature(hf_backend: HFBackend) -> None:
    params = SamplingParams(max_new_tokens=12, temperature=1.0, n=4, seed=123)
    gens = hf_backend.generate(PROMPTS[:3], params)
    for gen in gens:
        assert len(gen.texts) == 4 and len(gen.finish_reasons) == 4
        assert len(set(gen.texts)) > 1  # samples differ
        assert 4 <= gen.completion_tokens <= 4 * 12  # summed over the 4 samples
    again = hf_backend.generate(PROMPTS[:3], params)
    assert [g.texts for g in again] == [g.texts for g in gens]  # the seed repeats them
    other = hf_backend.generate(
        PROMPTS[:3], SamplingParams(max_new_tokens=12, temperature=1.0, n=4, seed=7)
    )
    assert [g.texts for g in other] != [g.texts for g in gens]


def test_greedy_n_repeats_the_one_answer(hf_backend: HFBackend) -> None:
    one = hf_backend.generate(PROMPTS[:2], GREEDY)
    two = hf_backend.generate(PROMPTS[:2], SamplingParams(max_new_tokens=16, n=3))
    for a, b in zip(one, two, strict=True):
        assert b.texts == [a.text] * 3


def test_chat_applies_the_template(hf_backend: HFBackend) -> None:
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is 2+2?"},
    ]
    via_chat = hf_backend.generate([messages], GREEDY, chat=True)[0]
    hf_backend.generate(["warm"], GREEDY)
    rendered = hf_backend._tokenizer.apply_chat_template(
        messages, tokenize=False, add_generation_prompt=True
    )
    via_raw = hf_backend.generate([rendered], GREEDY)[0]
    assert via_chat.text == via_raw.text
    assert via_chat.prompt_tokens == via_raw.prompt_tokens
    # A message list is chat even without the flag; a string with chat=True is one user turn.
    assert hf_backend.generate([messages], GREEDY)[0].text == via_chat.text
    user_only = hf_backend.generate(["What is 2+2?"], GREEDY, chat=True)[0]
    assert user_only.text == hf_backend.generate([[messages[1]]], GREEDY)[0].text


def test_empty_batch(hf_backend: HFBackend) -> None:
    assert hf_backend.generate([], GREEDY) == []


def test_batches_are_left_padded(hf_backend: HFBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    """Padding goes before the prompt and is masked out (decoder-only models continue at the end)."""
    hf_backend.generate(["warm"], GREEDY)
    model, real_generate = hf_backend._model, hf_backend._model.generate
    seen = []

    def spy(**kwargs):
        seen.append((kwargs["input_ids"].tolist(), kwargs["attention_mask"].tolist()))
        return real_generate(**kwargs)

    monkeypatch.setattr(model, "generate", spy)
    hf_backend.generate(["Hi", PROMPTS[0]], GREEDY)
    ((ids, mask),) = seen
    pad = hf_backend._tokenizer.pad_token_id
    for row, row_mask in zip(ids, mask, strict=True):
        n_pad = row_mask.index(1)
        assert row_mask == [0] * n_pad + [1] * (len(row) - n_pad)  # zeros only on the left
        assert row[:n_pad] == [pad] * n_pad
    assert sorted(m.count(0) for m in mask)[0] == 0 and max(m.count(0) for m in mask) > 0
