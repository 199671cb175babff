"""Benchmark: pass-rate judging of 10,000 questions x 8 candidates, rule verifier vs math-verify.

Candidates are real: the Qwen2.5-Math example in ../shared/realdata/qwen25math_rm_maj_example
(100 MATH problems x 8 sampled responses, each with its rule grader's `score`), read with the
ingest readers (format `sampled_math`). 10,000 questions are those 100 replicated 100 times
(replica r judges the same 800 responses again, in the same order; ids say the replica).
Replication lets both judges' parse caches see repeats (the rule verifier's LaTeX parser keeps
1,024 parsed expressions; math-verify caches its extraction regexes and up to 20 configs), so
the 800 distinct candidates are also judged once, first, each judge warmed on other text, as
the cold comparison.

Judges, as in bench/bench_rule_verifier.py:
- rule: genreason's RuleVerifier, its worker pool (one process per core) started before timing,
  judged in batches of 2,000 (the candidates stage's batch);
- math_verify: `parse(gold)`, `parse(response)`, `verify(gold, pred)` per candidate, one
  process, as the paper's code calls it.

Reported: wall-clock time and candidates/s for each, their ratio, the ratio of judging seconds
summed over candidates (the rule verifier's in-worker time per item against math-verify's time
per call: the ratio without the rule verifier's two processes), agreement with
the file's labels, and the pass-rate decisions (0/8 "risky", 8/8 "too easy", else kept) each
judge leads to. Run:
    nice -n 10 .venv/bin/python bench/bench_passrate.py --out bench/results/passrate.md
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path

from genreason.ingest.formats import FORMATS, RowError
from genreason.ingest.readers import read_records
from genreason.judging import Item
from genreason.verify.rules.verifier import RuleVerifier

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / ".." / "shared" / "realdata" / "qwen25math_rm_maj_example" / "math_cot_100.jsonl"


def load_candidates(path: Path) -> list[tuple[str, str, list[str], list[bool | None]]]:
    """(question, reference, 8 responses, 8 labels) per question, through the ingest mapper."""
    mapper = FORMATS["sampled_math"].mapper
    out = []
    for line, record, _ in read_records(path):
        if isinstance(record, RowError):
            raise SystemExit(f"{path}, line {line}: {record}")
        mapped = mapper(record)
        q = mapped.questions[0]
        out.append((str(q.question), str(q.answer), [c.response for _, c in mapped.candidates],
                    [c.label for _, c in mapped.candidates]))
    return out


def math_verify_judge(items: list[Item]) -> tuple[list[bool], float]:
    from math_verify import parse, verify

    verdicts, cpu = [], 0.0
    for it in items:
        t = time.perf_counter()
        try:
            ok = bool(verify(parse(it.reference), parse(it.response)))
        except Exception:  # math-verify raises on some inputs; the paper's code counts that as wrong
            ok = False
        cpu += time.perf_counter() - t
        verdicts.append(ok)
    return verdicts, cpu


def rule_judge(verifier: RuleVerifier, items: list[Item], batch: int) -> tuple[list[bool | None], float]:
    verdicts, cpu = [], 0.0
    for lo in range(0, len(items), batch):
        for j in verifier.verify_batch(items[lo:lo + batch]):
            verdicts.append(j.verdict)
            cpu += float(j.cost.get("seconds", 0.0))
    return verdicts, cpu


def pass_rate_decisions(verdicts: list[bool | None], k: int) -> list[str]:
    out = []
    for lo in range(0, len(verdicts), k):
        passed = sum(v is True for v in verdicts[lo:lo + k])
        out.append("risky" if passed == 0 else "too easy" if passed == k else "kept")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=int, default=10_000)
    ap.add_argument("--batch", type=int, default=2000, help="rule verifier batch size")
    ap.add_argument("--workers", type=int, default=None, help="rule verifier worker processes (default: one per core)")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("math_verify").setLevel(logging.CRITICAL)
    if not SOURCE.exists():
        raise SystemExit(f"{SOURCE}: not found (the shared realdata folder)")
    base = load_candidates(SOURCE)
    k = len(base[0][2])
    unique = [Item(q, ref, resp, item_id=f"0:{qi}:{c}") for qi, (q, ref, resps, _) in enumerate(base) for c, resp in enumerate(resps)]
    labels_unique = [lab for _, _, _, labs in base for lab in labs]
    reps = -(-args.questions // len(base))
    items = [Item(it.question, it.reference, it.response, item_id=f"{r}:{it.item_id[2:]}")
             for r in range(reps) for it in unique][:args.questions * k]
    labels = (labels_unique * reps)[:len(items)]
    load = os.getloadavg()[0]

    verifier = RuleVerifier(workers=args.workers)
    verifier.verify_batch([Item("warm up", "x^2+1", "so \\boxed{1+x^2}")])  # pool started, parser imported
    math_verify_judge([Item("warm up", "x^2+1", "so \\boxed{1+x^2}")])

    rows = []
    for name, its, labs in (("cold: 800 distinct candidates", unique, labels_unique),
                            (f"{len(items) // k:,} questions x {k} candidates", items, labels)):
        t = time.perf_counter()
        rv, rcpu = rule_judge(verifier, its, args.batch)
        rwall = time.perf_counter() - t
        t = time.perf_counter()
        mv, mcpu = math_verify_judge(its)
        mwall = time.perf_counter() - t
        agree = sum((a is True) == b for a, b in zip(rv, mv, strict=True)) / len(its)
        lab_r = sum((a is True) == bool(b) for a, b in zip(rv, labs, strict=True)) / len(its)
        lab_m = sum(a == bool(b) for a, b in zip(mv, labs, strict=True)) / len(its)
        dr, dm = pass_rate_decisions(rv, k), pass_rate_decisions(mv, k)
        rows.append((name, len(its), rwall, rcpu, mwall, mcpu, agree, lab_r, lab_m, Counter(dr), Counter(dm),
                     sum(a != b for a, b in zip(dr, dm, strict=True)), sum(v is None for v in rv)))
    workers = verifier._pool.n_workers if verifier._pool else 0
    verifier.close()

    lines = [
        "# Pass-rate judging benchmark: rule verifier vs math-verify", "",
        f"Command: `nice -n 10 .venv/bin/python bench/bench_passrate.py {' '.join(sys.argv[1:] if argv is None else argv)}`", "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} CPU cores (shared; load average {load:.2f} "
        f"at start), Python {platform.python_version()}. Rule verifier on {workers} worker processes, batches of {args.batch}; "
        "math-verify in one process (as the paper's code).", "",
        "Candidates: ../shared/realdata/qwen25math_rm_maj_example/math_cot_100.jsonl "
        f"({len(base)} MATH problems x {k} Qwen2.5-Math responses, label = its rule grader's `score`), replicated "
        f"{reps}x to {len(items) // k:,} questions (see the module docstring on caches; the cold row judges each distinct "
        "candidate once).", "",
        "| run | candidates | rule wall | rule cand/s | math-verify wall | math-verify cand/s | wall ratio (mv / rule) "
        "| judging-seconds ratio (mv / rule) | rule = mv | rule = label | mv = label | rule undecided |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, n, rwall, rcpu, mwall, mcpu, agree, lab_r, lab_m, _, _, _, und in rows:
        lines.append(f"| {name} | {n:,} | {rwall:.1f} s | {n / rwall:,.0f} | {mwall:.1f} s | {n / mwall:,.0f} | "
                     f"{mwall / rwall:.2f}x | {mcpu / rcpu:.2f}x | {agree:.3f} | {lab_r:.3f} | {lab_m:.3f} | {und} |")
    lines += ["", "Rule verdicts True count as accepted; False and undecided (the hybrid would ask a model) as not.",
              "", "Pass-rate decisions (0/8 risky, 8/8 too easy, else kept) each judge leads to:", "",
              "| run | rule: kept / risky / too easy | math-verify: kept / risky / too easy | questions decided differently |",
              "|---|---|---|---|"]
    for name, *_, dr, dm, differ, _ in rows:
        lines.append(f"| {name} | {dr['kept']:,} / {dr['risky']:,} / {dr['too easy']:,} | "
                     f"{dm['kept']:,} / {dm['risky']:,} / {dm['too easy']:,} | {differ:,} |")
    report = "\n".join(lines) + "\n"
    sys.stdout.write(report)
    if args.out:
        args.out.write_text(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
