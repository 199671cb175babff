"""Evaluation protocols: how a benchmark question becomes a prompt, and how it is sampled.

Stage: evaluate. A `Protocol` is named, and its name goes into every result, so a zero-shot
score is never compared with a few-shot one by mistake.

- `zero-shot-boxed` (every benchmark): the paper's protocol (General-Reasoner,
  arXiv:2505.14652, evaluation section; DESIGN.md section 4): zero-shot, the question (with
  its options lettered A., B., ... for multiple choice), then the paper's suffix "Please
  reason step by step, and put your final answer within \\boxed{}.", through the model's chat
  template, greedy. The response limit defaults to 4096 tokens, the paper's training response
  limit (DESIGN.md section 3); pass `max_new_tokens` for a longer thinking budget.
- `5-shot-cot` (MMLU-Pro): MMLU-Pro's own harness (TIGER-AI-Lab/MMLU-Pro,
  evaluate_from_local.py): the preamble "The following are multiple choice questions (with
  answers) about {category}. Think step by step and then finish your answer with "the answer
  is (X)" where X is the correct letter choice.", five worked examples of the same category
  from MMLU-Pro's validation split (their `cot_content`), then the question ending in
  "Answer: Let's think step by step."; a raw completion (no chat template), greedy, 2048 new
  tokens, stopped at the next "Question:". The validation split is not in shared/realdata:
  pass its file (`fewshot_file`).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from genreason.evaluate.loaders import BenchmarkFileError, BenchQuestion, file_records
from genreason.verify.rules.choice import LETTERS

BOXED_SUFFIX = "Please reason step by step, and put your final answer within \\boxed{}."
MMLU_PRO_PREAMBLE = (
    "The following are multiple choice questions (with answers) about {category}. Think step by"
    ' step and then finish your answer with "the answer is (X)" where X is the correct letter choice.\n\n\n'
)


@dataclass(frozen=True)
class Protocol:
    """How questions are prompted and sampled; its `name` is part of every result.

    name: "zero-shot-boxed", "5-shot-cot", or "external" (rescored outputs of unknown origin).
    shots: worked examples before the question (0 = zero-shot).
    chat: apply the model's chat template (False: a raw completion prompt).
    max_new_tokens: response limit in tokens.
    temperature: 0 = greedy (the paper's and MMLU-Pro's setting).
    samples: completions per question (>1 for pass@k / maj@k; needs temperature > 0).
    stop: strings that end a completion.
    answer_marker: the answer format the prompt asks for, read first when judging
        ("answer_is": "the answer is (X)"; "boxed": \\boxed{}).
    """

    name: str
    shots: int = 0
    chat: bool = True
    max_new_tokens: int = 4096
    temperature: float = 0.0
    samples: int = 1
    stop: tuple[str, ...] = ()
    answer_marker: str = "boxed"

    def __post_init__(self) -> None:
        if self.name not in PROTOCOL_NAMES:
            raise ValueError(f"unknown protocol {self.name!r}; choose one of {', '.join(PROTOCOL_NAMES)}")
        if self.max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be >= 1, got {self.max_new_tokens}")
        if self.temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {self.temperature}")
        if self.samples < 1:
            raise ValueError(f"samples must be >= 1, got {self.samples}")
        if self.samples > 1 and self.temperature == 0:
            raise ValueError("several samples per question need temperature > 0 (greedy gives one answer)")
        if self.answer_marker not in ("boxed", "answer_is"):
            raise ValueError(f"answer_marker must be 'boxed' or 'answer_is', got {self.answer_marker!r}")


# "external": outputs rescored from elsewhere whose protocol is not known (rescore only).
PROTOCOL_NAMES = ("zero-shot-boxed", "5-shot-cot", "external")
# Which protocols each benchmark's harness defines (the paper's is available everywhere).
BENCHMARK_PROTOCOLS: dict[str, tuple[str, ...]] = {
    "mmlu_pro": ("zero-shot-boxed", "5-shot-cot"),
}


def protocol_for(
    benchmark: str,
    name: str = "zero-shot-boxed",
    *,
    max_new_tokens: int | None = None,
    samples: int = 1,
    temperature: float | None = None,
) -> Protocol:
    """The protocol `name` for `benchmark`, with its defaults unless overridden."""
    allowed = (*BENCHMARK_PROTOCOLS.get(benchmark, ("zero-shot-boxed",)), "external")
    if name not in allowed:
        raise ValueError(f"protocol {name!r} is not defined for {benchmark}; choose one of {', '.join(allowed)}")
    temp = temperature if temperature is not None else (1.0 if samples > 1 else 0.0)
    if name == "5-shot-cot":
        return Protocol(name, shots=5, chat=False, max_new_tokens=max_new_tokens or 2048, temperature=temp,
                        samples=samples, stop=("Question:",), answer_marker="answer_is")
    return Protocol(name, max_new_tokens=max_new_tokens or 4096, temperature=temp, samples=samples)


def format_options(options: Sequence[str]) -> str:
    """Options one per line as "A. text" (the layout MMLU-Pro's harness uses)."""
    return "\n".join(f"{LETTERS[i]}. {opt}" for i, opt in enumerate(options))


def zero_shot_prompt(question: BenchQuestion) -> str:
    """The paper's prompt: the question, its lettered options, the boxed-answer suffix."""
    body = question.question.strip()
    if question.options:
        body += "\n\nOptions:\n" + format_options(question.options)
    return f"{body}\n\n{BOXED_SUFFIX}"


def _cot_example(question: str, options: Sequence[str], cot: str | None) -> str:
    text = f"Question:\n{question}\nOptions:\n{format_options(options)}\n"
    if cot is None:
        return text + "Answer: Let's think step by step."
    return text + cot.replace("A: Let's think step by step.", "Answer: Let's think step by step.") + "\n\n"


def load_fewshot(path: str | os.PathLike[str]) -> dict[str, list[dict]]:
    """MMLU-Pro's validation split (JSONL/Parquet/CSV with question, options, cot_content,
    category), grouped by category in file order."""
    by_category: dict[str, list[dict]] = defaultdict(list)
    file = Path(path)
    for line, record in file_records(file):
        missing = [k for k in ("question", "options", "cot_content", "category") if not record.get(k)]
        if missing:
            raise BenchmarkFileError(f"{file}:{line}: a few-shot example lacks {', '.join(missing)}")
        by_category[str(record["category"])].append(record)
    if not by_category:
        raise BenchmarkFileError(f"{file} holds no few-shot examples")
    return dict(by_category)


def fewshot_prompt(question: BenchQuestion, examples: dict[str, list[dict]], shots: int = 5) -> str:
    """MMLU-Pro's 5-shot CoT prompt for `question` (examples of its category)."""
    category = question.category or ""
    pool = examples.get(category)
    if not pool or len(pool) < shots:
        have = len(pool or [])
        raise BenchmarkFileError(f"the few-shot file has {have} examples of category {category!r}; {shots} are needed")
    prompt = MMLU_PRO_PREAMBLE.replace("{category}", category)
    for ex in pool[:shots]:
        opts = ex["options"] if isinstance(ex["options"], list) else list(ex["options"])
        prompt += _cot_example(str(ex["question"]), [str(o) for o in opts], str(ex["cot_content"]))
    return prompt + _cot_example(question.question, question.options or (), None)


def build_prompts(
    protocol: Protocol, questions: Sequence[BenchQuestion], fewshot_file: str | os.PathLike[str] | None = None
) -> list[str]:
    """One prompt per question under `protocol`."""
    if protocol.shots == 0:
        return [zero_shot_prompt(q) for q in questions]
    if fewshot_file is None:
        raise BenchmarkFileError(
            "the 5-shot CoT protocol needs MMLU-Pro's validation split (its worked examples), which is "
            "not in shared/realdata; pass it as fewshot_file (--fewshot PATH)"
        )
    examples = load_fewshot(fewshot_file)
    return [fewshot_prompt(q, examples, protocol.shots) for q in questions]
