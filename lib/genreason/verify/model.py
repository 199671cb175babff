"""The paper's generative verifier: a language model judges answer equivalence.

General-Reasoner (Ma et al., 2025, arXiv:2505.14652, section 3.2) judges a student's short
answer with a 1.5B model (TIGER-Lab/general-verifier, from Qwen2.5-Math-1.5B): a raw completion
prompt (no chat template), greedy decoding, and a pass iff the output says
"Final Decision: Yes". `ModelVerifier` is exactly that, behind the `Verifier` seam: it reads
`Item`s and returns `Judgment`s whose detail holds the rendered prompt and the model's full
output, so every verdict can be re-read. All prompts of a batch go to the backend in one call.

    verifier = ModelVerifier(backend_name="hf", model="path/to/general-verifier")
    judgments = verifier.verify_batch(items)
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from typing import Any

from genreason.judging import NO_ANSWER, Item, Judgment
from genreason.llm.base import Generation, ModelBackend, SamplingParams
from genreason.verify.extract import extract_answer

log = logging.getLogger(__name__)

# The prompt, byte for byte, as published with the verifier: the model card of
# TIGER-Lab/general-verifier ("the verifier we used in General Reasoner", Usage section), which
# the design notes (shared/DESIGN.md, "Generative verifier") repeat. Lines end in "\n", the three
# fields are separated by a blank line, and the prompt ends with " Assistant:" and no newline.
# The training-time reward worker in the General-Reasoner repository (as mirrored in
# PakRTsensen/General-Reasoner-TPU, verifier.py @ 4d1d8a8c) words the second instruction line
# slightly differently ("Do Not solve the question by yourself, just check ..."); we follow the
# published model card, which is what users of the released verifier send.
VERIFIER_PROMPT_TEMPLATE = (
    "User: ### Question: {question}\n\n"
    "### Ground Truth Answer: {ground_truth}\n\n"
    "### Student Answer: {student_answer}\n\n"
    "For the above question, please verify if the student's answer is equivalent to the ground truth answer.\n"
    "Do not solve the question by yourself; just check if the student's answer is equivalent to the ground truth answer.\n"
    'If the student\'s answer is correct, output "Final Decision: Yes". If the student\'s answer is incorrect, output "Final Decision: No". Assistant:'
)

PASS_TAG = "Final Decision: Yes"
FAIL_TAG = "Final Decision: No"

NO_ANSWER_REASON = "no answer extracted"


def _escape_braces(text: str) -> str:
    """Double every brace so `str.format` reads the text as literal characters."""
    return text.replace("{", "{{").replace("}", "}}")


def render_prompt(question: str, ground_truth: str, student_answer: str) -> str:
    """The verifier prompt for one item, safe for any text (braces included).

    The design notes ask to escape braces before formatting the template. We insert each field
    as escaped literal text into the template in a single pass (so a field that happens to contain
    "{ground_truth}" is never substituted into), then let one `format()` call turn the escaped
    braces back into the original characters. Result: question, reference and answer appear in
    the prompt exactly as given, whatever braces they hold (LaTeX, JSON, sets, unbalanced ones).
    """
    fields = {
        "{question}": _escape_braces(question),
        "{ground_truth}": _escape_braces(ground_truth),
        "{student_answer}": _escape_braces(student_answer),
    }
    # Split the template on its placeholders and rebuild it with escaped values; the template's
    # own text has no other braces, so it passes through format() unchanged.
    pieces: list[str] = []
    rest = VERIFIER_PROMPT_TEMPLATE
    for placeholder, value in fields.items():
        head, sep, rest = rest.partition(placeholder)
        if not sep:  # guards an edit of the template that drops or reorders a field
            raise AssertionError(f"template lost its {placeholder} field")
        pieces += [head, value]
    pieces.append(rest)
    return "".join(pieces).format()


def parse_decision(output: str) -> tuple[bool | None, str, list[str]]:
    """Read the verdict from the verifier's output: (verdict, reason, decisions in order).

    True on "Final Decision: Yes", False on "Final Decision: No", None when neither appears
    (the output was cut at max_new_tokens or is garbled). When both appear, the first one
    counts: the model committed to it, and what follows is usually runaway generation.
    Note that the paper's reward tests `"Final Decision: Yes" in output`, which passes an output
    with "No" first and "Yes" later; the returned list of decisions keeps that case visible.
    Matching is case-sensitive, as in the paper's code.
    """
    found: list[tuple[int, str]] = []
    for tag, word in ((PASS_TAG, "Yes"), (FAIL_TAG, "No")):
        start = output.find(tag)
        while start != -1:
            found.append((start, word))
            start = output.find(tag, start + len(tag))
    decisions = [word for _, word in sorted(found)]
    if not decisions:
        return None, "no Final Decision in the model output", decisions
    first = decisions[0]
    verdict = first == "Yes"
    reason = f"model said Final Decision: {first}"
    others = set(decisions) - {first}
    if others:
        reason += f" (then also {', '.join(sorted(others))}; the first decision counts)"
    return verdict, reason, decisions


class ModelVerifier:
    """The paper's generative verifier behind the `Verifier` seam.

    backend: a built `ModelBackend`; when None, one is built from backend_name ("hf", "vllm",
        "openai"), model (path or served name) and base_url (OpenAI-compatible servers).
    max_new_tokens: the decoding budget (the paper used 1024-2048); greedy decoding always.
    name: the judge name written into each judgment.
    backend_options: extra keyword arguments for the backend constructor.

    The student answer is what `genreason.verify.extract.extract_answer` finds (the last
    \\boxed{...}, else an answer line). When nothing is found the verdict is False with reason
    "no answer extracted" and the model is not called: the paper's reward gives -0.5 for that
    case, below a plain wrong answer (0), so it is never a pass. (The paper's worker still sent
    such items to the model with the student answer rendered as "None"; we skip the call.)
    """

    def __init__(
        self,
        backend: ModelBackend | None = None,
        *,
        backend_name: str = "hf",
        model: str | None = None,
        base_url: str | None = None,
        max_new_tokens: int = 1024,
        name: str = "model",
        backend_options: dict[str, Any] | None = None,
    ) -> None:
        self.params = SamplingParams(max_new_tokens=max_new_tokens, temperature=0.0)
        self.name = name
        if backend is None:
            if not model:
                raise ValueError(
                    "ModelVerifier needs a model: pass model=PATH_OR_NAME (and backend_name, "
                    "base_url for a server) or a built backend"
                )
            from genreason.llm import make_backend

            options = dict(backend_options or {})
            if base_url:
                options["base_url"] = base_url
            backend = make_backend(backend_name, model, **options)
        self.backend = backend

    def describe(self) -> dict[str, Any]:
        """What this judge is, for run records: backend, model and decoding settings."""
        return {
            "judge": self.name,
            "backend": getattr(self.backend, "name", type(self.backend).__name__),
            "model": getattr(self.backend, "model", None),
            "max_new_tokens": self.params.max_new_tokens,
            "temperature": self.params.temperature,
            # The prompt is part of the judge: a changed template is another judge.
            "prompt_sha256": hashlib.sha256(VERIFIER_PROMPT_TEMPLATE.encode()).hexdigest()[:16],
        }

    def close(self) -> None:
        """Release the backend's resources (an HTTP client), where it holds any."""
        close = getattr(self.backend, "close", None)
        if callable(close):
            close()

    def verify_batch(self, items: Sequence[Item]) -> list[Judgment]:
        """Judge every item; all prompts go to the backend in one call."""
        judgments: list[Judgment | None] = [None] * len(items)
        prompts: list[str] = []
        pending: list[tuple[int, str, str]] = []  # (index, student answer, extraction method)
        for i, item in enumerate(items):
            if not isinstance(item.reference, str) or not item.reference.strip():
                raise ValueError(
                    f"item {item.item_id or i} has an empty reference answer; "
                    "the verifier needs a ground truth to compare with"
                )
            extraction = extract_answer(item.response)
            # An empty \boxed{} counts as no answer, as in the paper's worker (which tests the
            # extracted string's truthiness).
            if extraction.answer is None or not extraction.answer.strip():
                judgments[i] = Judgment(
                    judge=self.name,
                    verdict=False,
                    extracted=NO_ANSWER,
                    reason=NO_ANSWER_REASON,
                    rule="model:no-answer",
                    detail={"extraction": extraction.method, "prompt": None, "output": None},
                    cost={"seconds": 0.0, "tokens": 0},
                    item_id=item.item_id,
                )
                continue
            prompts.append(render_prompt(item.question, item.reference, extraction.answer))
            pending.append((i, extraction.answer, extraction.method))

        if prompts:
            started = time.perf_counter()
            generations = self.backend.generate(prompts, self.params, chat=False)
            wall = time.perf_counter() - started
            if len(generations) != len(prompts):
                raise RuntimeError(
                    f"backend {self.backend.name!r} returned {len(generations)} generations "
                    f"for {len(prompts)} prompts"
                )
            log.info("model verifier judged %d items in %.2f s", len(prompts), wall)
            for (i, answer, method), prompt, gen in zip(pending, prompts, generations, strict=True):
                judgments[i] = self._judgment(items[i], answer, method, prompt, gen, wall / len(prompts))
        return [j for j in judgments if j is not None]

    def _judgment(
        self, item: Item, answer: str, method: str, prompt: str, gen: Generation, share_s: float
    ) -> Judgment:
        output = gen.text
        verdict, reason, decisions = parse_decision(output)
        finish = gen.finish_reasons[0] if gen.finish_reasons else None
        if verdict is None and finish == "length":
            reason += f" (stopped at max_new_tokens={self.params.max_new_tokens})"
        return Judgment(
            judge=self.name,
            verdict=verdict,
            extracted=answer,
            reason=reason,
            rule="model",
            detail={
                "extraction": method,
                "prompt": prompt,
                "output": output,
                "decisions": decisions,
                "finish_reason": finish,
                "backend": self.backend.name,
                "model": self.backend.model,
            },
            cost={
                # Backends report per-prompt seconds when they can; otherwise an equal share
                # of the batch's wall time.
                "seconds": gen.seconds if gen.seconds > 0 else share_s,
                "prompt_tokens": gen.prompt_tokens,
                "completion_tokens": gen.completion_tokens,
                "tokens": gen.prompt_tokens + gen.completion_tokens,
            },
            item_id=item.item_id,
        )
