"""Benchmark: the rule verifier against math-verify and normalised containment, same rows, one run.

Datasets (read from ../shared/realdata and data/sample; a missing one is skipped with a note):
- gsm8k: OpenAI GSM8K model solutions; reference = the number after "A:"/"####" of the ground
  truth; label = the file's `is_correct` (OpenAI's final-answer check). Seeded sample of --gsm8k.
- evouna_nq: EVOUNA NQ answers, human labels, rows whose `judge` is a bool; the golden answer's
  "/"-separated alternatives are accepted by all three judges.
- mmlu_pro: Llama-3.1-8B-Instruct outputs; reference = letter `answer` with `options`;
  label = the file's regex-extracted `pred` == `answer` (a rule label, the harness's regex).
- math_maj8: Qwen2.5-Math example, 100 MATH problems x 8 responses; label = its rule grader's
  `score`. Used for throughput on 8-responses-per-question batches.
- sample: data/sample labelled candidates (`label`), broken down by answer type and by case.

Judges:
- rule: genreason's RuleVerifier (worker processes, one per core; pool warmed before timing).
- math_verify: as the paper's code uses it: `parse(gold)`, `parse(response)`, `verify(gold, pred)`
  (default extraction configs and timeouts, main thread, one process).
- contains: normalised reference (SQuAD-style: lower case, no punctuation/articles) contained
  in the normalised response, any alternative.

Undecided counts as "not accepted". Run:
    .venv/bin/python bench/bench_rule_verifier.py --out bench/results/rule_verifier.md
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import re
import string
import sys
import time
from pathlib import Path

from genreason.ingest.offline import read_labelled_set
from genreason.judging import Item
from genreason.verify.assess.labelled import LabelledItem, labelled_items, scores_by_group
from genreason.verify.assess.metrics import score
from genreason.verify.rules.verifier import RuleVerifier

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT / ".." / "shared" / "realdata"


def squad_normalize(text: str) -> str:
    s = text.lower()
    s = "".join(c for c in s if c not in set(string.punctuation))
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def contains_judge(items: list[Item], split_alternatives: bool) -> tuple[list[bool], list[float]]:
    verdicts, seconds = [], []
    for it in items:
        t = time.perf_counter()
        alts = it.reference.split("/") if split_alternatives else [it.reference]
        resp = squad_normalize(it.response)
        verdicts.append(any(squad_normalize(a) and squad_normalize(a) in resp for a in alts))
        seconds.append(time.perf_counter() - t)
    return verdicts, seconds


def math_verify_judge(items: list[Item], split_alternatives: bool) -> tuple[list[bool], list[float]]:
    from math_verify import parse, verify

    verdicts, seconds = [], []
    for it in items:
        t = time.perf_counter()
        alts = it.reference.split("/") if split_alternatives else [it.reference]
        try:
            pred = parse(it.response)
            ok = any(verify(parse(a), pred) for a in alts)
        except Exception:
            ok = False
        verdicts.append(bool(ok))
        seconds.append(time.perf_counter() - t)
    return verdicts, seconds


def load_all(args: argparse.Namespace) -> dict[str, list[LabelledItem]]:
    sets: dict[str, list[LabelledItem]] = {}
    # One reader per format (ingest's), grouped as before: GSM8K by answer type, EVOUNA by
    # system, MMLU-Pro by category, MATH by level, the sample by answer type.
    def load(name: str, folder: Path, limit: int | None, group_by: str) -> list[LabelledItem]:
        return labelled_items(read_labelled_set(name, folder, limit=limit), dataset=name, group_by=group_by)

    loaders = {
        "gsm8k": lambda: load("gsm8k", REALDATA, args.gsm8k, "answer_type"),
        "evouna_nq": lambda: load("evouna_nq", REALDATA, args.limit, "model"),
        "mmlu_pro": lambda: load("mmlu_pro", REALDATA, args.limit, "category"),
        "math_maj8": lambda: load("math_maj8", REALDATA, args.limit, "difficulty"),
        "sample": lambda: load("sample", ROOT / "data" / "sample", args.limit, "answer_type"),
    }
    for name, loader in loaders.items():
        if args.only and name not in args.only:
            continue
        try:
            rows = loader()
        except FileNotFoundError as exc:
            logging.warning("skipping %s: %s", name, exc)
            continue
        if rows:
            sets[name] = rows
    return sets


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def fmt_row(cells: list[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gsm8k", type=int, default=2000, help="GSM8K rows (seeded sample)")
    ap.add_argument("--limit", type=int, default=None, help="cap rows of every other set")
    ap.add_argument("--only", nargs="*", help="datasets to run")
    ap.add_argument("--workers", type=int, default=None, help="rule-verifier worker processes")
    ap.add_argument("--timeout", type=float, default=5.0, help="rule-verifier per-item seconds")
    ap.add_argument("--judges", nargs="*", default=["rule", "math_verify", "contains"], help="judges to run")
    ap.add_argument("--out", type=Path, help="write the markdown report here")
    ap.add_argument("--misses", type=int, default=0, help="print this many rule disagreements per set")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("math_verify").setLevel(logging.CRITICAL)

    sets = load_all(args)
    verifier = RuleVerifier(timeout_s=args.timeout, workers=args.workers)
    verifier.verify_batch([Item("q", "1", "\\boxed{1}")])  # start the pool before timing

    lines = [
        "# Rule verifier benchmark",
        "",
        f"Command: `.venv/bin/python bench/bench_rule_verifier.py {' '.join(sys.argv[1:] if argv is None else argv)}`",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} CPU cores, "
        f"load average {os.getloadavg()[0]:.2f} at start, Python {platform.python_version()}.",
        "",
        "Undecided counts as not accepted. Throughput = judgments per second, wall clock, "
        f"rule verifier on {verifier._pool.n_workers if verifier._pool else 0} worker processes "
        "(pool started before timing), math-verify single process as in the paper's code.",
        "",
        "Datasets and labels: gsm8k = OpenAI GSM8K model solutions, reference = number after "
        "`A:`/`####` of the ground truth, label = the file's `is_correct` (seeded sample); "
        "evouna_nq = EVOUNA NQ, human labels (rows whose `judge` is a bool), `/`-separated "
        "golden-answer alternatives accepted by all three judges; mmlu_pro = Llama-3.1-8B-Instruct "
        "outputs, reference = the letter `answer` with `options`, label = the file's regex-extracted "
        "`pred` equals `answer` (the harness regex, not a human); math_maj8 = Qwen2.5-Math example, "
        "100 MATH problems x 8 responses (the 8-responses-per-question batch), label = its rule "
        "grader's `score`; sample = data/sample labelled candidates (hand-labelled).",
        "",
        "## Per dataset",
        "",
        fmt_row(["dataset", "n", "judge", "accuracy", "precision", "recall", "undecided", "judgments/s"]),
        fmt_row(["---"] * 8),
    ]
    details: list[str] = []
    summary: dict[str, dict[str, tuple]] = {}
    for name, rows in sets.items():
        items = [r.item for r in rows]
        labels = [r.label for r in rows]
        split = name == "evouna_nq"
        results: dict[str, tuple[list, float, list[float]]] = {}
        t = time.perf_counter()
        judgments = verifier.verify_batch(items)
        results["rule"] = ([j.verdict for j in judgments], time.perf_counter() - t, [j.cost.get("seconds", 0.0) for j in judgments])
        for judge, fn in (("math_verify", math_verify_judge), ("contains", contains_judge)):
            if judge in args.judges:
                t = time.perf_counter()
                verdicts, per_item = fn(items, split)
                results[judge] = (verdicts, time.perf_counter() - t, per_item)
        summary[name] = {}
        for judge, (verdicts, secs, _) in results.items():
            s = score(verdicts, labels)
            rate = len(items) / secs if secs else float("inf")
            summary[name][judge] = (s, rate)
            lines.append(fmt_row([name, s.n, judge, f"{s.accuracy:.3f}", _f(s.precision), _f(s.recall), s.undecided, f"{rate:,.0f}"]))
        group_name = "answer type" if name == "sample" else "group"
        details += [
            f"### {name}: by {group_name}",
            "",
            "Throughput here is items per CPU-second of judging work (the rule verifier's "
            "in-worker time; math-verify's per-call time), not wall clock.",
            "",
            fmt_row([group_name, "n", "judge", "accuracy", "precision", "recall", "undecided", "items/CPU-s"]),
            fmt_row(["---"] * 8),
        ]
        groups: dict[str, list[int]] = {}
        for i, r in enumerate(rows):
            groups.setdefault(r.group or "?", []).append(i)
        for g, idx in sorted(groups.items()):
            for judge, (verdicts, _, per_item) in results.items():
                s = score([verdicts[i] for i in idx], [labels[i] for i in idx])
                cpu = sum(per_item[i] for i in idx)
                details.append(fmt_row([g, s.n, judge, f"{s.accuracy:.3f}", _f(s.precision), _f(s.recall), s.undecided,
                                        f"{len(idx) / cpu:,.0f}" if cpu else "-"]))
        by_rule: dict[str, int] = {}
        for j in judgments:
            by_rule[j.rule or "?"] = by_rule.get(j.rule or "?", 0) + 1
        details += ["", "rule verifier, by deciding rule: " + ", ".join(f"{k} {v}" for k, v in sorted(by_rule.items(), key=lambda kv: -kv[1])), ""]
        if name == "sample":
            cases = labelled_items(read_labelled_set("sample", ROOT / "data" / "sample", limit=args.limit),
                                   dataset="sample", group_by="case")
            case_verdicts = [j.verdict for j in verifier.verify_batch([c.item for c in cases])]
            details += ["### sample: rule verifier by case (the sample's `case` field)", "",
                        fmt_row(["case", "n", "accuracy", "precision", "recall", "undecided"]), fmt_row(["---"] * 6)]
            for g, s in scores_by_group(case_verdicts, cases).items():
                details.append(fmt_row([g, s.n, f"{s.accuracy:.3f}", _f(s.precision), _f(s.recall), s.undecided]))
            details.append("")
        if args.misses:
            shown = 0
            for r, j in zip(rows, judgments, strict=True):
                if (j.verdict is True) != r.label and shown < args.misses:
                    shown += 1
                    print(f"[{name}] label={r.label} verdict={j.verdict} rule={j.rule} ref={r.item.reference[:60]!r} "
                          f"extracted={str(j.extracted)[:80]!r} reason={j.reason[:100]!r}")
    lines += ["", "## Rule verifier against math-verify (ratios)", "", fmt_row(["dataset", "accuracy ratio", "recall ratio", "throughput ratio"]), fmt_row(["---"] * 4)]
    for name, res in summary.items():
        if "math_verify" not in res:
            continue
        (rs, rr), (ms, mr) = res["rule"], res["math_verify"]
        ratio = lambda a, b: f"{a / b:.2f}" if b else "inf"  # noqa: E731
        lines.append(fmt_row([name, ratio(rs.accuracy, ms.accuracy), ratio(rs.recall or 0, ms.recall or 0), ratio(rr, mr)]))
    lines += ["", "## Breakdowns", ""] + details
    verifier.close()
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
