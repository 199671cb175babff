"""`genreason probe`: adversarial answers against a judge; the false-positive rate per attack.

    genreason probe --judge rule --db data/genreason.duckdb --limit 50
    genreason probe --judge model --backend openai --model general-verifier \\
        --base-url http://localhost:8000/v1 --in questions.jsonl --json
    genreason probe --judge hybrid --model data/models/general-verifier --in questions.jsonl

Every probe answer is wrong by construction (empty, "Let's solve this step by step", the
question restated, several answers at once with the reference among them, "not <reference>",
...), so every True verdict is a false positive. The design notes report 5.9-28.5% for the
paper's verifier on such answers.

The judge options (--judge, --timeout, --workers, --backend, --model, --base-url,
--max-new-tokens, --send-rejected) are those of `genreason judge` (`add_verifier_arguments`,
`build_verifier` in genreason.cli.judge).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from genreason.cli.judge import MAX_COUNT, add_verifier_arguments, bounded_int, build_verifier


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_verifier_arguments(parser)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--in", dest="input", metavar="QUESTIONS",
                        help="questions file in any format `genreason ingest` reads (JSONL, Parquet, ...)")
    source.add_argument("--db", help="take the questions from this database")
    parser.add_argument("--map", dest="mapping", metavar="FIELD=COLUMN,...",
                        help="--in of another layout: which columns hold question, answer (and id, answer_type, options), as for ingest")
    parser.add_argument("--limit", type=bounded_int(1, MAX_COUNT), default=50, metavar="N", help="questions to probe (default 50)")
    parser.add_argument("--attacks", help="comma-separated attacks and generated families (default: all)")
    parser.add_argument("--renderings", help="comma-separated renderings: boxed, answer_line, bare (default: all)")
    parser.add_argument("--examples", type=bounded_int(0, 10_000), default=3, metavar="N", help="false positives shown per attack")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _percent(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:5.1f}%"


def render_text(report: Any) -> str:
    """The probe report as plain text for a terminal."""
    out = [
        f"false-positive probe of judge {report.judge!r}: {report.questions} questions, "
        f"{report.cases} adversarial responses (all wrong by construction)",
        f"false positives: {report.false_positives} ({_percent(report.fp_rate)}), undecided: {report.undecided}",
        "(the design notes report 5.9-28.5% for the paper's 1.5B verifier on such answers)",
        "",
        f"{'attack':<20} {'n':>6} {'FP':>5} {'FP rate':>8} {'undecided':>9}",
    ]
    for r in report.by_attack:
        out.append(f"{r['attack']:<20} {r['n']:>6} {r['false_positives']:>5} {_percent(r['fp_rate']):>8} {r['undecided']:>9}")
    out += ["", f"{'rendering':<20} {'n':>5} {'FP':>5} {'FP rate':>8} {'undecided':>9}"]
    for r in report.by_rendering:
        out.append(f"{r['rendering']:<20} {r['n']:>5} {r['false_positives']:>5} {_percent(r['fp_rate']):>8} {r['undecided']:>9}")
    if report.examples:
        out += ["", "examples of false positives:"]
        for e in report.examples:
            response = " ".join(e["response"].split())[:100]
            out.append(f"- [{e['attack']}/{e['rendering']}] reference {e['reference']!r}: {response!r} -> {e['reason']}")
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    from genreason.ingest.formats import generic_format, parse_mapping
    from genreason.ingest.offline import read_question_rows
    from genreason.verify.assess.probe import questions_from_rows, questions_from_store, run_probe

    if args.mapping and not args.input:
        print("error: --map describes the columns of an --in file", file=sys.stderr)
        return 2
    if args.input:
        path = Path(args.input)
        if not path.exists():
            print(f"error: no such file {path}", file=sys.stderr)
            return 2
        try:
            fmt = generic_format(parse_mapping(args.mapping)) if args.mapping else None
            questions = questions_from_rows(read_question_rows(path, limit=args.limit, fmt=fmt))
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    else:
        from genreason import store

        with store.connect(args.db, read_only=True) as con:
            questions = questions_from_store(con, limit=args.limit)
    if not questions:
        print("error: no questions with a reference answer to probe with", file=sys.stderr)
        return 1
    try:
        verifier = build_verifier(args)
    except (ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        report = run_probe(
            verifier,
            questions,
            attacks=_split(args.attacks),
            renderings=_split(args.renderings),
            examples_per_attack=args.examples,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        close = getattr(verifier, "close", None)
        if callable(close):
            close()
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, default=str, ensure_ascii=False))
    else:
        print(render_text(report))
    return 0
