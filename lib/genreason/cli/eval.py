"""`genreason eval`: evaluate a model on the paper's benchmarks, or rescore existing outputs.

    genreason eval run --benchmark gsm8k --backend hf --model data/models/tiny --limit 5
    genreason eval run --benchmark mmlu_pro --protocol 5-shot-cot --fewshot val.jsonl --backend openai \\
        --model Qwen3-14B --base-url http://127.0.0.1:8000/v1
    genreason eval rescore --benchmark mmlu_pro --in model_outputs_Meta-Llama-3_1-8B-Instruct_sample.jsonl
    genreason eval run --benchmark gsm8k --backend hf --model CHECKPOINT --job      # in the background
    genreason eval list [--benchmark mmlu_pro] [--json]
    genreason eval show RUN_ID [--json]

Scores are deterministic: greedy decoding, judges without randomness, an output without an
answer counted wrong (and reported). Every result names its model, protocol and judge and
is stored with each per-question record (`--no-store` to only print it).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from genreason.evaluate.judges import JUDGES
from genreason.evaluate.loaders import BENCHMARKS, BenchmarkFileError
from genreason.evaluate.protocols import PROTOCOL_NAMES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", help="database file (default: $GENREASON_DB or data/genreason.duckdb)")
        p.add_argument("--benchmark", required=True, choices=list(BENCHMARKS))
        p.add_argument("--data", help="benchmark file (default: its copy in shared/realdata; GPQA/SuperGPQA need one)")
        p.add_argument("--judge", choices=JUDGES, help="judge (default: the benchmark's own rules)")
        p.add_argument("--seed", type=int, default=0, help="GPQA option shuffle seed (default 0)")
        p.add_argument("--json", action="store_true", help="print the result as JSON")
        p.add_argument("--no-store", action="store_true", help="do not store the result")

    run = sub.add_parser("run", help="generate with a model and score")
    common(run)
    run.add_argument("--backend", required=True, choices=["hf", "vllm", "openai"])
    run.add_argument("--model", required=True, help="model folder (hf, vllm) or served model name (openai)")
    run.add_argument("--base-url", help="OpenAI-compatible server URL (openai backend)")
    run.add_argument("--protocol", default="zero-shot-boxed", choices=[p for p in PROTOCOL_NAMES if p != "external"])
    run.add_argument("--fewshot", help="MMLU-Pro validation split file, for --protocol 5-shot-cot")
    run.add_argument("--limit", type=int, help="first N questions only")
    run.add_argument("--max-new-tokens", type=int, help="response limit (default: the protocol's)")
    run.add_argument("--samples", type=int, default=1, help="completions per question (pass@k, maj@k)")
    run.add_argument("--temperature", type=float, help="default: 0 (greedy) for one sample, 1.0 for several")
    run.add_argument("--batch-size", type=int, default=16)
    run.add_argument("--device", help="hf backend device (auto, cpu, cuda)")
    run.add_argument("--job", action="store_true", help="run as a background job (genreason jobs list|logs)")

    rescore = sub.add_parser("rescore", help="score existing outputs in their own format")
    common(rescore)
    rescore.add_argument("--in", dest="inputs", required=True, metavar="OUTPUTS", help="outputs file (JSONL, ...)")
    rescore.add_argument("--model", help="model name to record (default: from the file name)")
    rescore.add_argument("--protocol", choices=PROTOCOL_NAMES, help="protocol the outputs came from")
    rescore.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE",
                         help="keep only records with this field value (repeatable), e.g. system=175b_verification")

    listing = sub.add_parser("list", help="stored evaluation runs")
    listing.add_argument("--db")
    listing.add_argument("--benchmark", choices=list(BENCHMARKS))
    listing.add_argument("--json", action="store_true")

    show = sub.add_parser("show", help="one stored run, per category")
    show.add_argument("run_id")
    show.add_argument("--db")
    show.add_argument("--json", action="store_true")


def _pct(x: Any) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def render_summary(run: dict[str, Any], agreement: dict[str, Any] | None = None) -> str:
    """A run as plain text: headline, k-sample scores, per category, harness agreement."""
    s = run["summary"]
    paper = BENCHMARKS[run["benchmark"]].paper_score
    lines = [
        f"{run['id']}  {BENCHMARKS[run['benchmark']].title}  model={run['model']}  protocol={run['protocol']}  judge={run['judge']}",
        f"accuracy {_pct(s['accuracy'])}%  ({s['correct']}/{s['outputs']} outputs, {s['questions']} questions)"
        f"  no answer {s['no_answer']}  undecided {s['undecided']} (both counted wrong)"
        + (f"  paper (General-Reasoner-Qw3-14B): {paper}" if paper is not None else ""),
    ]
    note = BENCHMARKS[run["benchmark"]].note
    if note and paper is not None:
        lines.append(f"note: {note}")
    for name in ("pass_at", "maj_at"):
        if name in s:
            lines.append(name.replace("_at", "@") + "  " + "  ".join(f"k={k}: {_pct(v)}" for k, v in s[name].items()))
    lines.append("category                         n   accuracy  no-answer")
    for cat, c in s["by_category"].items():
        lines.append(f"{cat[:30]:<30} {c['questions']:>5}   {_pct(c['accuracy']):>7}  {c['no_answer'] + c['undecided']:>9}")
    labels = s.get("label_agreement")
    if labels:
        lines.append(f"verdicts vs the file's own correctness labels ({labels['n']} outputs): agreement "
                     f"{_pct(labels['agreement'])}%, kappa {labels['kappa']:.3f}; we accept {labels['fp']} it marks "
                     f"wrong and reject {labels['fn']} it marks right")
    agreement = agreement or s.get("harness_agreement")
    if agreement:
        lines.append(
            f"agreement with the harness's extracted letter: {agreement['agree']}/{agreement['harness_extracted']}"
            f" = {_pct(agreement['agreement'])}% of the rows where it extracted one"
        )
        for rule, c in agreement["by_harness_rule"].items():
            lines.append(f"  harness rule {rule:<14} rows {c['rows']:>5}  agree {c['agree']:>5}")
        v = agreement.get("verdicts")
        if v:
            lines.append(f"  verdicts vs the harness's (pred == answer) on those rows: agreement {_pct(v['agreement'])}%,"
                         f" kappa {v['kappa']:.3f}, we accept {v['fp']} it rejects and reject {v['fn']} it accepts")
        if agreement.get("random_fill_judged_as"):
            lines.append(f"  rows where the harness found no letter (it guessed one) judged here as: {agreement['random_fill_judged_as']}")
    return "\n".join(lines)


def _store(args: argparse.Namespace, result: Any) -> None:
    from genreason import store
    from genreason.evaluate.runner import save_result

    with store.connect(args.db) as con:
        save_result(con, result)


def _print(args: argparse.Namespace, run: dict[str, Any], agreement: dict[str, Any] | None) -> None:
    if args.json:
        print(json.dumps({"run": run, "agreement": agreement}, default=str, indent=1))
    else:
        print(render_summary(run, agreement))


def _config(args: argparse.Namespace) -> dict[str, Any]:
    """`eval run`'s options as EvalConfig fields."""
    options = {k: v for k, v in (("base_url", args.base_url), ("device", args.device)) if v}
    return {"benchmark": args.benchmark, "backend": args.backend, "model": args.model, "protocol": args.protocol,
            "judge": args.judge, "data": args.data, "limit": args.limit, "seed": args.seed,
            "max_new_tokens": args.max_new_tokens, "samples": args.samples, "temperature": args.temperature,
            "fewshot_file": args.fewshot, "batch_size": args.batch_size, "backend_options": options}


def _generate(args: argparse.Namespace) -> Any:
    """`eval run`: inline (the result), or as a background job (None, after saying which)."""
    from genreason.evaluate.runner import EvalConfig, run_evaluation

    if args.job:
        from genreason.jobs import start_job

        job = start_job(args.db, "eval", {"eval": _config(args)})
        print(f"started job {job.id} in {job.run_dir} (genreason jobs logs {job.id})")
        return None

    def progress(done: int, total: int) -> None:
        print(f"generated {done}/{total} questions", file=sys.stderr, flush=True)

    return run_evaluation(EvalConfig(**_config(args)), on_progress=progress)


def _rescore(args: argparse.Namespace) -> Any:
    from genreason.evaluate.runner import rescore

    where = dict(w.split("=", 1) for w in args.where if "=" in w)
    if len(where) != len(args.where):
        raise ValueError("--where takes FIELD=VALUE")
    return rescore(args.benchmark, args.inputs, judge=args.judge, protocol=args.protocol, data=args.data,
                   model=args.model, seed=args.seed, where=where or None)


def _list(args: argparse.Namespace) -> int:
    from genreason import store
    from genreason.store.evals import list_eval_runs

    with store.connect(args.db, read_only=True) as con:
        runs = list_eval_runs(con, benchmark=args.benchmark)
    if args.json:
        print(json.dumps(runs, default=str, indent=1))
        return 0
    for r in runs:
        print(f"{r['id']}  {r['benchmark']:<10} {_pct(r['accuracy']):>6}%  n={r['questions']:<6} "
              f"{r['mode']:<8} protocol={r['protocol']}  judge={r['judge']}  model={r['model']}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from genreason import store
    from genreason.store.evals import eval_run

    with store.connect(args.db, read_only=True) as con:
        found = eval_run(con, args.run_id)
    if found is None:
        print(f"no evaluation run {args.run_id!r}", file=sys.stderr)
        return 1
    _print(args, found, None)
    return 0


def run(args: argparse.Namespace) -> int:
    from genreason import store

    try:
        if args.action in ("list", "show"):
            return _list(args) if args.action == "list" else _show(args)
        result = _generate(args) if args.action == "run" else _rescore(args)
        if result is None:  # started as a job
            return 0
        if not args.no_store:
            _store(args, result)
    except (BenchmarkFileError, ValueError, store.StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    _print(args, result.run, result.agreement)
    return 0
