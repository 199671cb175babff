"""Benchmark: the generated false-positive probe of the rule verifier on every shared set.

For each set (the questions of the labelled sets in ../shared/realdata, the gold-only
benchmarks with typed answers, and the shipped sample), a seeded sample of questions is read
through ingest's one reader of that format (`genreason.ingest.offline.read_question_rows`),
every attack (fixed and generated, `genreason.verify.assess.probe`) is rendered three ways
(boxed, "Final Answer:" line, bare) and judged by the rule verifier. Every such answer is
wrong, so every accepted one is a false positive; undecided is counted apart (safe: a reward
pays nothing for it). The target is at most 0.5% accepted in every family on every set.

    .venv/bin/python bench/bench_probe.py --questions 120 --out bench/results/probe_generated.md

Writes the markdown report (and the same numbers as JSON beside it, with up to 5 accepted
examples per family and set, for the rule verifier's authors).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from genreason.ingest.offline import read_question_rows
from genreason.verify.assess.attacks import FAMILIES
from genreason.verify.assess.families import generate_attacks
from genreason.verify.assess.probe import ATTACKS, questions_from_rows, run_probe
from genreason.verify.rules.verifier import RuleVerifier

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT / ".." / "shared" / "realdata"

# (set name, file): labelled sets first (their questions), then gold-only benchmarks, the sample.
SETS: tuple[tuple[str, Path], ...] = (
    ("gsm8k", REALDATA / "gsm8k" / "model_solution_pairs.jsonl"),
    ("evouna_nq", REALDATA / "evouna" / "evouna_pairs.jsonl"),
    ("mmlu_pro", REALDATA / "mmlu_pro" / "model_outputs_Meta-Llama-3_1-8B-Instruct_sample.jsonl"),
    ("math_maj8", REALDATA / "qwen25math_rm_maj_example" / "math_cot_100.jsonl"),
    ("math500", REALDATA / "math500" / "test.jsonl"),
    ("theoremqa", REALDATA / "theoremqa" / "theoremqa_test.jsonl"),
    ("bbeh", REALDATA / "bbeh" / "bbeh_mini.jsonl"),
    ("sample", ROOT / "data" / "sample" / "questions.jsonl"),
)
TARGET = 0.005


def _pct(fp: int, n: int) -> str:
    return "-" if not n else f"{100 * fp / n:.1f}%"


def _cell(row: dict[str, Any] | None) -> str:
    if not row:
        return "-"
    flag = " **!**" if row["fp_rate"] > TARGET else ""
    return f"{_pct(row['false_positives'], row['n'])} ({row['false_positives']}/{row['n']}, undecided {row['undecided']}){flag}"


def run(args: argparse.Namespace) -> dict[str, Any]:
    verifier = RuleVerifier(timeout_s=args.timeout, workers=args.workers)
    results: dict[str, Any] = {}
    try:
        for name, path in SETS:
            if args.only and name not in args.only:
                continue
            if not path.exists():
                logging.warning("skipping %s: %s not found", name, path)
                continue
            questions = questions_from_rows(read_question_rows(path))
            if len(questions) > args.questions:
                questions = random.Random(args.seed).sample(questions, args.questions)
            started = time.perf_counter()
            report = run_probe(verifier, questions, attacks=args.attacks, examples_per_attack=5)
            seconds = time.perf_counter() - started
            logging.warning("%s: %d questions, %d cases, %d accepted, %.0f s", name, report.questions,
                            report.cases, report.false_positives, seconds)
            data = report.to_dict()
            for example in data["examples"]:  # keep the committed JSON small
                for key, value in example.items():
                    if isinstance(value, str) and len(value) > 300:
                        example[key] = value[:300] + "..."
            # Candidates the generators left out as possibly right, by family and reason.
            excluded: dict[str, int] = {}
            for q in questions:
                for family, _answer, why in generate_attacks(q.question, q.reference, options=q.options).excluded:
                    key = f"{family}: {why}"
                    excluded[key] = excluded.get(key, 0) + 1
            results[name] = data | {"seconds": round(seconds, 1), "excluded": excluded}
    finally:
        verifier.close()
    return results


def load_before(paths: list[Path]) -> dict[str, dict[str, dict[str, Any]]]:
    """set -> attack -> by_attack row, merged from earlier runs' JSON (later files win)."""
    merged: dict[str, dict[str, dict[str, Any]]] = {}
    for path in paths:
        for name, report in json.loads(path.read_text(encoding="utf-8")).items():
            for row in report["by_attack"]:
                merged.setdefault(name, {})[row["attack"]] = row
    return merged


def render_before_after(results: dict[str, Any], before: dict[str, dict[str, dict[str, Any]]], note: str) -> list[str]:
    sets = list(results)
    attacks = [a for a in (*ATTACKS, *FAMILIES) if any(a in before.get(s, {}) for s in sets)]
    lines = ["", "## Before -> after: accepted rate per attack and set", "", note, "",
             "| attack | " + " | ".join(sets) + " |", "| --- | " + " | ".join("---" for _ in sets) + " |"]
    for attack in attacks:
        cells = []
        for s in sets:
            old = before.get(s, {}).get(attack)
            new = next((r for r in results[s]["by_attack"] if r["attack"] == attack), None)
            if not old or not new:
                cells.append("-")
                continue
            flag = " **!**" if new["fp_rate"] > TARGET else ""
            cells.append(f"{_pct(old['false_positives'], old['n'])} -> {_pct(new['false_positives'], new['n'])}{flag}")
        lines.append(f"| {attack} | " + " | ".join(cells) + " |")
    return lines


def render(results: dict[str, Any], command: str, commit: str) -> str:
    sets = list(results)
    attacks = [a for a in (*ATTACKS, *FAMILIES) if any(r["attack"] == a for s in sets for r in results[s]["by_attack"])]
    lines = [
        "# Generated false-positive probe of the rule verifier",
        "",
        f"Command: `{command}`",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on commit {commit}, {os.cpu_count()} CPU cores "
        f"(shared), load average {os.getloadavg()[0]:.2f} at the end.",
        "",
        "Every response is wrong by construction (lib/genreason/verify/assess/attacks.py says what the "
        "generated families leave out as possibly right, and why). Cell: accepted rate (accepted/n, "
        f"undecided count). Undecided is safe (a reward pays nothing for it). **!** marks a rate over the "
        f"{100 * TARGET:.1f}% target. Each attack answer is rendered boxed, on a `Final Answer:` line and bare.",
        "",
        "## Accepted per attack and set",
        "",
        "| attack | " + " | ".join(sets) + " |",
        "| --- | " + " | ".join("---" for _ in sets) + " |",
    ]
    for attack in attacks:
        cells = []
        for s in sets:
            row = next((r for r in results[s]["by_attack"] if r["attack"] == attack), None)
            cells.append(_cell(row))
        kind = "generated" if attack in FAMILIES else "fixed"
        lines.append(f"| {attack} ({kind}) | " + " | ".join(cells) + " |")
    totals = []
    for s in sets:
        r = results[s]
        totals.append(f"{_pct(r['false_positives'], r['cases'])} of {r['cases']} ({r['questions']} questions, {r['seconds']} s)")
    lines.append("| **all** | " + " | ".join(totals) + " |")

    lines += ["", "## Accepted per generated family and answer type (all sets together)", "",
              "Answer type: declared by the set, else read from the reference's form.", "",
              "| family | answer type | n | accepted | rate | undecided |", "| --- | --- | --- | --- | --- | --- |"]
    merged: dict[tuple[str, str], list[int]] = {}
    for s in sets:
        for r in results[s]["by_attack_type"]:
            acc = merged.setdefault((r["attack"], r["answer_type"]), [0, 0, 0])
            acc[0] += r["n"]
            acc[1] += r["false_positives"]
            acc[2] += r["undecided"]
    for attack in [a for a in attacks if a in FAMILIES]:
        for (a, kind), (n, fp, und) in sorted(merged.items()):
            if a == attack:
                flag = " **!**" if n and fp / n > TARGET else ""
                lines.append(f"| {a} | {kind} | {n} | {fp} | {_pct(fp, n)}{flag} | {und} |")

    lines += ["", "## Left out as possibly right (not counted as attacks)", "",
              "Generated candidates that may be a correct answer, per family and reason, summed over the sets "
              "(lib/genreason/verify/assess/attacks.py explains each rule).", ""]
    totals_ex: dict[str, int] = {}
    for s in sets:
        for key, count in results[s].get("excluded", {}).items():
            totals_ex[key] = totals_ex.get(key, 0) + count
    lines += [f"- {key}: {count}" for key, count in sorted(totals_ex.items())] or ["None."]

    lines += ["", "## Over the target, per set, generated family and answer type", "",
              "Every (set, family, answer type) cell with more than 0.5% accepted (all cells are in the JSON).", ""]
    over = 0
    for s in sets:
        for r in results[s]["by_attack_type"]:
            if r["attack"] in FAMILIES and r["fp_rate"] > TARGET:
                over += 1
                lines.append(f"- {s} / {r['attack']} / {r['answer_type']}: {_pct(r['false_positives'], r['n'])} "
                             f"({r['false_positives']}/{r['n']}, undecided {r['undecided']})")
    if not over:
        lines.append("None.")

    lines += ["", "## Examples of accepted attacks (up to 2 per family and set)", ""]
    for s in sets:
        shown: dict[str, int] = {}
        for e in results[s]["examples"]:
            if shown.get(e["attack"], 0) >= 2:
                continue
            shown[e["attack"]] = shown.get(e["attack"], 0) + 1
            answer = " ".join(str(e["answer"]).split())[:90]
            lines.append(f"- {s} / {e['attack']} ({e['variant'] or '-'}, {e['rendering']}): reference "
                         f"`{e['reference'][:60]}`, answer `{answer}` -> {e['reason'][:90]}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--questions", type=int, default=120, help="questions per set (seeded sample)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", nargs="*", help="sets to run")
    ap.add_argument("--attacks", nargs="*", help="attacks and families to run (default: all)")
    ap.add_argument("--workers", type=int, default=None, help="rule-verifier worker processes")
    ap.add_argument("--timeout", type=float, default=5.0, help="rule-verifier seconds per item")
    ap.add_argument("--out", type=Path, help="markdown report (JSON written beside it)")
    ap.add_argument("--before", type=Path, nargs="*", help="JSON of earlier runs to compare with (merged)")
    ap.add_argument("--before-note", default="", help="what the earlier runs were (commit, command)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    command = ".venv/bin/python bench/bench_probe.py " + " ".join(sys.argv[1:] if argv is None else argv)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    results = run(args)
    report = render(results, command, commit)
    if args.before:
        report += "\n".join(render_before_after(results, load_before(args.before), args.before_note)) + "\n"
    print(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report, encoding="utf-8")
        args.out.with_suffix(".json").write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
