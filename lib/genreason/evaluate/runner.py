"""Evaluation runs: generate with a model under a protocol (or read existing outputs), score, summarise.

Stage: evaluate. `run_evaluation` reads a benchmark, prompts a model backend
(`genreason.llm`: hf, vllm or openai) under a named protocol, judges every output
deterministically and returns an `EvalResult` (run row, per-output records, summary);
`rescore` does the same for outputs that already exist, in their own format. `save_result`
stores a result (`genreason.store.evals`). The CLI (`genreason eval`), the eval job and the
notebook all go through these functions.

    config = EvalConfig(benchmark="gsm8k", backend="hf", model="data/models/tiny", limit=5)
    result = run_evaluation(config)
    result = rescore("mmlu_pro", "model_outputs_...jsonl")
    with store.connect(db) as con:
        save_result(con, result)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from genreason.evaluate.judges import (
    DEFAULT_JUDGE,
    JUDGES,
    Scored,
    score_outputs,
    warm_rule_verifier,
)
from genreason.evaluate.loaders import (
    BenchQuestion,
    benchmark_spec,
    load_benchmark,
    questions_digest,
)
from genreason.evaluate.metrics import summarize
from genreason.evaluate.outputs import OutputRow, read_outputs
from genreason.evaluate.protocols import PROTOCOL_NAMES, Protocol, build_prompts, protocol_for
from genreason.store.runs import new_run_id

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (outputs done, total)


@dataclass(frozen=True)
class EvalConfig:
    """One evaluation run of a model on a benchmark."""

    benchmark: str  # mmlu_pro, gpqa, supergpqa, theoremqa, bbeh, math500, gsm8k
    backend: str  # hf, vllm or openai
    model: str  # model folder (hf, vllm) or served model name (openai)
    protocol: str = "zero-shot-boxed"  # see genreason.evaluate.protocols
    judge: str | None = None  # None: the benchmark's default judge
    data: str | None = None  # benchmark file; None: its copy in shared/realdata
    limit: int | None = None  # first N questions only
    seed: int = 0  # GPQA option shuffle seed
    max_new_tokens: int | None = None  # None: the protocol's limit
    samples: int = 1  # completions per question (pass@k, maj@k)
    temperature: float | None = None  # None: greedy for one sample, 1.0 for several
    fewshot_file: str | None = None  # MMLU-Pro validation split, for 5-shot-cot
    batch_size: int = 16  # prompts per generate call
    backend_options: dict[str, Any] = field(default_factory=dict)  # e.g. base_url, device

    def __post_init__(self) -> None:
        benchmark_spec(self.benchmark)
        if self.protocol not in PROTOCOL_NAMES or self.protocol == "external":
            raise ValueError(f"unknown protocol {self.protocol!r}; choose zero-shot-boxed or 5-shot-cot")
        if self.judge is not None and self.judge not in JUDGES:
            raise ValueError(f"unknown judge {self.judge!r}; choose one of {', '.join(JUDGES)}")
        if not str(self.model).strip():
            raise ValueError("model is empty: give a model folder or a served model name")
        if self.limit is not None and self.limit < 1:
            raise ValueError(f"limit must be >= 1, got {self.limit}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {self.batch_size}")
        self.make_protocol()  # validates samples, temperature and the protocol/benchmark pair

    def make_protocol(self) -> Protocol:
        return protocol_for(self.benchmark, self.protocol, max_new_tokens=self.max_new_tokens,
                            samples=self.samples, temperature=self.temperature)


@dataclass
class EvalResult:
    """A scored run: `run` (the eval_runs row), per-output `records`, and `agreement` with the
    outputs' own harness where the outputs file recorded its extracted answers."""

    run: dict[str, Any]
    records: list[dict[str, Any]]
    agreement: dict[str, Any] | None = None

    @property
    def summary(self) -> dict[str, Any]:
        return self.run["summary"]


def _records(
    questions: dict[str, BenchQuestion], rows: Sequence[OutputRow], scored: Sequence[Scored]
) -> list[dict[str, Any]]:
    return [
        {"question_id": r.question_id, "sample": r.sample, "category": questions[r.question_id].category,
         "reference": questions[r.question_id].answer, "prompt": r.prompt, "output": r.output,
         "extracted": s.extracted, "verdict": s.verdict, "status": s.status, "rule": s.rule,
         "reason": s.reason, "harness_pred": r.harness_pred}
        for r, s in zip(rows, scored, strict=True)
    ]


def score_rows(
    benchmark: str, questions: Sequence[BenchQuestion], rows: Sequence[OutputRow], judge: str, protocol: Protocol
) -> tuple[list[Scored], list[dict[str, Any]], dict[str, Any]]:
    """Judge output rows; (verdicts, records, summary)."""
    scored = score_outputs(questions, [(r.question_id, r.sample, r.output) for r in rows], judge,
                           answer_marker=protocol.answer_marker)
    by_id = {q.id: q for q in questions}
    summary = summarize(scored, {qid: by_id[qid].category for qid in {r.question_id for r in rows}})
    return scored, _records(by_id, rows, scored), summary


def _run_row(benchmark: str, model: str, protocol: Protocol, judge: str, mode: str, summary: dict[str, Any],
             questions: Sequence[BenchQuestion], seconds: float, **extra: Any) -> dict[str, Any]:
    return {
        "id": extra.pop("run_id", None) or new_run_id(f"eval-{benchmark}"), "benchmark": benchmark, "model": model,
        "protocol": protocol.name, "judge": judge, "mode": mode, "questions_digest": questions_digest(list(questions)),
        "questions": summary["questions"], "samples": summary["samples"], "accuracy": summary["accuracy"],
        "summary": summary, "seconds": round(seconds, 3), **extra,
    }


def generate_outputs(
    backend: Any, protocol: Protocol, questions: Sequence[BenchQuestion], prompts: Sequence[str],
    *, batch_size: int = 16, on_progress: Progress | None = None, should_stop: Callable[[], bool] | None = None,
) -> list[OutputRow]:
    """Sample `protocol.samples` completions per prompt with `backend`, batch by batch."""
    from genreason.llm.base import SamplingParams

    params = SamplingParams(max_new_tokens=protocol.max_new_tokens, temperature=protocol.temperature,
                            n=protocol.samples, stop=protocol.stop, seed=0 if protocol.temperature > 0 else None)
    rows: list[OutputRow] = []
    for start in range(0, len(questions), batch_size):
        if should_stop is not None and should_stop():
            break
        batch_q, batch_p = questions[start:start + batch_size], prompts[start:start + batch_size]
        generations = backend.generate(list(batch_p), params, chat=protocol.chat)
        for q, prompt, gen in zip(batch_q, batch_p, generations, strict=True):
            rows += [OutputRow(q.id, i, text, prompt) for i, text in enumerate(gen.texts)]
        if on_progress is not None:
            on_progress(min(start + batch_size, len(questions)), len(questions))
    return rows


def run_evaluation(
    config: EvalConfig, backend: Any = None, *, on_progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None, run_id: str | None = None,
) -> EvalResult:
    """Generate and score `config`'s run; `backend` defaults to make_backend(config.backend, config.model)."""
    protocol = config.make_protocol()
    questions = load_benchmark(config.benchmark, config.data, seed=config.seed, limit=config.limit)
    prompts = build_prompts(protocol, questions, config.fewshot_file)
    if (config.judge or DEFAULT_JUDGE[config.benchmark]) != "bbeh":
        warm_rule_verifier()  # its workers start while the model generates
    if backend is None:
        from genreason.llm import make_backend

        backend = make_backend(config.backend, config.model, **config.backend_options)
    t0 = time.perf_counter()
    rows = generate_outputs(backend, protocol, questions, prompts, batch_size=config.batch_size,
                            on_progress=on_progress, should_stop=should_stop)
    return result_from_rows(config, questions, rows, time.perf_counter() - t0, run_id=run_id)


def result_from_rows(
    config: EvalConfig, questions: Sequence[BenchQuestion], rows: Sequence[OutputRow], seconds: float,
    *, run_id: str | None = None,
) -> EvalResult:
    """Score generated rows of `config`'s run (the questions that have outputs) into a result."""
    protocol = config.make_protocol()
    judge = config.judge or DEFAULT_JUDGE[config.benchmark]
    asked = {r.question_id for r in rows}
    answered = [q for q in questions if q.id in asked]
    if not answered:
        raise ValueError("no outputs to score: nothing was generated")
    _, records, summary = score_rows(config.benchmark, answered, rows, judge, protocol)
    run = _run_row(config.benchmark, config.model, protocol, judge, "run", summary, answered, seconds,
                   backend=config.backend, source=config.data or "realdata",
                   config={**asdict(config), "protocol_settings": asdict(protocol)}, run_id=run_id)
    return EvalResult(run, records)


def _model_from_file(path: Path) -> str:
    m = re.match(r"(?:model_)?outputs?_(.+?)(?:_\d+shots?)?(?:_sample|_short)*$", path.stem)
    return m.group(1) if m else path.stem


def rescore(
    benchmark: str, outputs_path: str | os.PathLike[str], *, judge: str | None = None,
    protocol: str | None = None, data: str | None = None, model: str | None = None, seed: int = 0,
    where: dict[str, str] | None = None,
) -> EvalResult:
    """Score existing outputs (in their own format) without generating anything.

    protocol: the protocol the outputs were produced under, recorded with the result; for
    MMLU-Pro harness files (they carry `pred`) it defaults to 5-shot-cot, else "external"
    (not known). where: keep only records with these field values (one system of several).
    Files with a boolean correctness label (is_correct, label) get `label_agreement`.
    """
    if (judge or DEFAULT_JUDGE[benchmark]) != "bbeh":
        warm_rule_verifier()  # its workers start while the files are read
    questions = load_benchmark(benchmark, data, seed=seed)
    rows = read_outputs(outputs_path, benchmark, questions, where=where)
    if protocol is None:
        harness_file = benchmark == "mmlu_pro" and any(r.harness_pred is not None for r in rows)
        protocol = "5-shot-cot" if harness_file else "external"
    samples = max(r.sample for r in rows) + 1
    proto = protocol_for(benchmark, protocol, samples=samples)
    judge = judge or DEFAULT_JUDGE[benchmark]
    ids = {r.question_id for r in rows}
    answered = [q for q in questions if q.id in ids]
    t0 = time.perf_counter()
    scored, records, summary = score_rows(benchmark, answered, rows, judge, proto)
    seconds = time.perf_counter() - t0
    path = Path(outputs_path)
    model = model or _model_from_file(path)
    config = {"benchmark": benchmark, "outputs": str(path), "judge": judge, "protocol": protocol, "data": data,
              "seed": seed, "where": where}
    # Rescoring is idempotent: the same outputs, judge, protocol and model give the same run id,
    # so storing it again replaces the earlier result instead of adding a copy.
    digest = hashlib.sha256(path.read_bytes())
    digest.update(json.dumps({**config, "outputs": None, "model": model}, sort_keys=True).encode())
    run = _run_row(benchmark, model, proto, judge, "rescore", summary, answered, seconds, source=str(path),
                   config=config, run_id=f"eval-{benchmark}-rescore-{digest.hexdigest()[:12]}")
    agreement = None
    # MMLU-Pro's result files record the letter its harness extracted (genreason.evaluate.harness).
    if benchmark == "mmlu_pro" and any(r.harness_pred is not None for r in rows):
        from genreason.evaluate.harness import harness_agreement

        agreement = harness_agreement(rows, scored, {q.id: q.answer for q in answered})
        run["summary"]["harness_agreement"] = {k: v for k, v in agreement.items() if k != "disagreements"}
    labelled = [(s.verdict, r.label) for r, s in zip(rows, scored, strict=True) if r.label is not None]
    if labelled:
        # The file's own correctness labels, scored with the project's one scorer.
        from genreason.verify.assess.metrics import score

        ours, labels = zip(*labelled, strict=True)
        agree = score(list(ours), list(labels)).to_dict()
        run["summary"]["label_agreement"] = {k: agree[k] for k in ("n", "agreement", "kappa", "precision",
                                                                   "recall", "fp", "fn")}
    log.info("rescored %d outputs of %s in %.1f s: accuracy %.4f", len(rows), benchmark, seconds, summary["accuracy"])
    return EvalResult(run, records, agreement)


def save_result(con: Any, result: EvalResult, *, job_id: str | None = None) -> str:
    """Store `result` (run row and every record) in one transaction; return the run id."""
    from genreason.store.evals import save_eval_run

    run = {**result.run, "job_id": job_id or result.run.get("job_id")}
    save_eval_run(con, run, result.records)
    return run["id"]
