"""The tiny random-weight model: deterministic, offline-loadable, Qwen2/ChatML shaped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genreason.cli.main import main
from genreason.llm.tiny import (
    CHAT_TEMPLATE,
    TinyModelConfig,
    build_tiny_model,
    build_tokenizer,
    tiny_model_dir,
    training_corpus,
)

SMALL = TinyModelConfig(
    vocab_size=512, hidden_size=32, layers=1, heads=2, kv_heads=1, intermediate_size=64
)


def test_build_is_deterministic_given_the_seed(tmp_path: Path) -> None:
    a = build_tiny_model(tmp_path / "a", SMALL)
    b = build_tiny_model(tmp_path / "b", SMALL)
    c = build_tiny_model(tmp_path / "c", TinyModelConfig(**{**SMALL.__dict__, "seed": 1}))
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "model.safetensors").read_bytes() != (c / "model.safetensors").read_bytes()


def test_loads_offline_with_auto_classes(tiny_model: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model)
    model = AutoModelForCausalLM.from_pretrained(tiny_model)
    assert model.config.model_type == "qwen2"
    assert (tok.pad_token, tok.eos_token) == ("<|endoftext|>", "<|im_end|>")
    assert len(tok) == model.config.vocab_size == TinyModelConfig().vocab_size
    rendered = tok.apply_chat_template(
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "2+2?"}],
        tokenize=False,
        add_generation_prompt=True,
    )
    assert rendered == (
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n"
    )
    # The chat markers are single special tokens, not spelled out in bytes.
    ids = tok("<|im_start|>user\nhi<|im_end|>")["input_ids"]
    assert ids[0] == tok.convert_tokens_to_ids("<|im_start|>") and ids[-1] == tok.eos_token_id


def test_saved_tokenizer_matches_the_trained_one(tiny_model: Path) -> None:
    """transformers 5 rebuilds a qwen2 tokenizer's pipeline on load; ours must survive that."""
    from transformers import AutoTokenizer

    trained = build_tokenizer(TinyModelConfig().vocab_size, seed=0)
    loaded = AutoTokenizer.from_pretrained(tiny_model)
    texts = training_corpus(seed=7)[:200] + [
        "Final Decision: Yes",
        "\\boxed{\\frac{3}{4}}  and  4.9 N·m\n\nünïcode",
    ]
    for text in texts:
        assert loaded(text)["input_ids"] == trained(text)["input_ids"], text
        assert loaded.decode(loaded(text)["input_ids"]) == text


def test_tokenizer_learned_the_domain_text() -> None:
    tok = build_tokenizer(1024)
    # Frequent corpus phrases become few tokens; bytes alone would need one per character.
    assert len(tok("Final Decision: Yes")["input_ids"]) <= 6
    assert len(tok("\\boxed{")["input_ids"]) <= 3
    assert tok.chat_template == CHAT_TEMPLATE


def test_tiny_model_dir_builds_once(tmp_path: Path) -> None:
    first = tiny_model_dir(SMALL, tmp_path)
    stamp = (first / "model.safetensors").stat().st_mtime_ns
    again = tiny_model_dir(SMALL, tmp_path)
    assert again == first and (again / "model.safetensors").stat().st_mtime_ns == stamp
    other = tiny_model_dir(TinyModelConfig(**{**SMALL.__dict__, "layers": 2}), tmp_path)
    assert other != first
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tiny-")]  # no staging left


def test_cli_builds_a_model(tmp_path: Path) -> None:
    out = tmp_path / "m"
    assert (
        main(
            [
                "tiny-model",
                "--out",
                str(out),
                "--layers",
                "1",
                "--hidden",
                "32",
                "--heads",
                "2",
                "--kv-heads",
                "1",
                "--vocab-size",
                "600",
            ]
        )
        == 0
    )
    config = json.loads((out / "config.json").read_text())
    assert (config["num_hidden_layers"], config["hidden_size"], config["vocab_size"]) == (
        1,
        32,
        600,
    )
    assert main(["tiny-model", "--out", str(tmp_path / "bad"), "--hidden", "30"]) == 2


@pytest.mark.parametrize(
    "field, value",
    [("vocab_size", 100), ("hidden_size", 30), ("heads", 3), ("kv_heads", 3), ("init_std", 0.0)],
)
def test_config_rejects_bad_shapes(field: str, value: float) -> None:
    with pytest.raises(ValueError):
        TinyModelConfig(**{field: value})
