"""A verl-compatible reward function over our verifier, for training on an exported snapshot.

verl (the engine General-Reasoner trained with, on Ray across nodes) calls a custom reward
function per sample as `compute_score(data_source, solution_str, ground_truth, extra_info)`;
point it here from the trainer config:

    custom_reward_function.path=<site-packages>/genreason/curate/verl_reward.py
    custom_reward_function.name=compute_score

(`genreason snapshot export NAME --format verl` writes the exact path into its README.)
The score is the paper's reward (genreason.rewards.paper_reward: -0.5 without an extracted
answer, 1 - 0.05 * min(10, token length difference) when the judge accepts, else 0).
Machine knobs, read once per worker process: GENREASON_REWARD_JUDGE (a registry name,
default "rule", in-process), GENREASON_REWARD_TOKENIZER (the policy's tokenizer folder for
the length penalty; without it, tokens are counted as words and symbols, an approximation).
"""

from __future__ import annotations

import os
import re
import threading
from typing import Any

_LOCK = threading.Lock()
_STATE: dict[str, Any] = {}
_TOKEN = re.compile(r"\w+|[^\w\s]")


def _judge() -> Any:
    if "judge" not in _STATE:
        from genreason.verify.registry import make_verifier

        name = os.environ.get("GENREASON_REWARD_JUDGE", "rule")
        _STATE["judge"] = make_verifier(name, workers=0) if name == "rule" else make_verifier(name)
    return _STATE["judge"]


def _count_tokens(text: str) -> int:
    if "tokenizer" not in _STATE:
        path = os.environ.get("GENREASON_REWARD_TOKENIZER")
        if path:
            from transformers import AutoTokenizer

            _STATE["tokenizer"] = AutoTokenizer.from_pretrained(path)
        else:
            _STATE["tokenizer"] = None
    tok = _STATE["tokenizer"]
    return len(tok.encode(text, add_special_tokens=False)) if tok is not None else len(_TOKEN.findall(text))


def compute_score(data_source: str, solution_str: str, ground_truth: str,
                  extra_info: dict[str, Any] | None = None) -> float:
    """The paper's reward of one rollout against its reference (see the module docstring)."""
    from genreason.judging import NO_ANSWER, Item
    from genreason.rewards import paper_reward

    info = extra_info or {}
    options = info.get("options")
    item = Item(question=str(info.get("question") or ""), reference=str(ground_truth),
                response=str(solution_str), answer_type=info.get("answer_type"),
                options=tuple(options) if options is not None and len(options) else None)
    with _LOCK:
        judgment = _judge().verify_batch([item])[0]
        if not judgment.extracted or judgment.extracted == NO_ANSWER:
            return paper_reward(None, 0, False)
        return paper_reward(_count_tokens(judgment.extracted), _count_tokens(str(ground_truth)),
                            judgment.verdict is True)
