"""A scripted backend for unit tests: returns texts computed from each prompt, nothing learned.

Named as such (STYLE.md): it stands in for no product backend; it lets a test decide exactly
what an LLM "said" (valid JSON, broken JSON, a cut-off reply) to test the plumbing around it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from genreason.llm.base import Generation, Prompt, SamplingParams, as_messages

Reply = Callable[[str, int, int], "str | tuple[str, str]"]  # (last user text, sample index, attempt) -> text


class ScriptedBackend:
    """reply(prompt text, sample index, attempt) -> text or (text, finish_reason)."""

    name = "scripted"

    def __init__(self, reply: Reply, model: str = "scripted", delay_s: float = 0.0) -> None:
        self.reply = reply
        self.model = model
        self.delay_s = delay_s
        self.calls: list[tuple[int, SamplingParams]] = []

    def generate(self, prompts: Sequence[Prompt], params: SamplingParams, *, chat: bool = False) -> list[Generation]:
        self.calls.append((len(prompts), params))
        if self.delay_s:
            time.sleep(self.delay_s)
        out = []
        for prompt in prompts:
            messages = as_messages(prompt)
            first = messages[0]["content"]
            attempt = sum(1 for m in messages if m["role"] == "assistant")
            texts, reasons = [], []
            for k in range(params.n):
                got = self.reply(first, k, attempt)
                text, reason = got if isinstance(got, tuple) else (got, "stop")
                texts.append(text)
                reasons.append(reason)
            out.append(Generation(texts=texts, finish_reasons=reasons))
        return out
