"""ScriptedBackend: a TEST HELPER that answers prompts with fixed texts.

It stands in for a model only in unit tests of the verifiers' own logic (parsing
"Final Decision", routing, probe counting). It is never used by the product; the real code
paths are exercised with the tiny random-weight model through HFBackend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from genreason.llm.base import Generation, Prompt, SamplingParams


class ScriptedBackend:
    """Returns `reply(prompt)` (or the next text of a list) for every prompt; records each call."""

    name = "scripted"
    model = "scripted-test-backend"

    def __init__(self, reply: str | Sequence[str] | Callable[[str], str]) -> None:
        self._reply = reply
        self._served = 0
        self.calls: list[tuple[list[Prompt], SamplingParams, bool]] = []

    def _text(self, prompt: str) -> str:
        if callable(self._reply):
            return self._reply(prompt)
        if isinstance(self._reply, str):
            return self._reply
        text = self._reply[self._served]
        self._served += 1
        return text

    def generate(
        self, prompts: Sequence[Prompt], params: SamplingParams, *, chat: bool = False
    ) -> list[Generation]:
        self.calls.append((list(prompts), params, chat))
        out = []
        for p in prompts:
            text = self._text(p if isinstance(p, str) else str(p))
            out.append(
                Generation(
                    texts=[text],
                    prompt_tokens=len(str(p).split()),
                    completion_tokens=len(text.split()),
                    seconds=0.0,
                    finish_reasons=["stop"],
                )
            )
        return out


class ScriptedVerifier:
    """A TEST HELPER judge: verdicts come from `decide(item)` (a fixed value or a function).

    Used to drive routing and counting logic (hybrid, probe) with known verdicts; never a
    judge of the product. `batches` records the item ids of every verify_batch call.
    """

    def __init__(self, decide, name: str = "scripted") -> None:
        self.name = name
        self._decide = decide if callable(decide) else (lambda item: decide)
        self.batches: list[list[str | None]] = []

    def verify_batch(self, items):
        from genreason.judging import Judgment

        self.batches.append([i.item_id for i in items])
        return [
            Judgment(
                judge=self.name,
                verdict=(v := self._decide(item)),
                extracted=item.response,
                reason=f"scripted {v}",
                rule="scripted",
                detail={"scripted": True},
                cost={"seconds": 0.001},
                item_id=item.item_id,
            )
            for item in items
        ]
