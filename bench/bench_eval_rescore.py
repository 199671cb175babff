"""Benchmark: rescoring 12,000+ benchmark outputs, and agreement with MMLU-Pro's harness.

Three measurements, one run:

1. Agreement: `genreason eval rescore` over the shared MMLU-Pro Llama-3.1-8B-Instruct outputs
   (1,400 rows of MMLU-Pro's 5-shot CoT run, each with `pred`, the letter its harness
   extracted). For judges `choice` (ours) and `choice+harness` (ours, then MMLU-Pro's own
   fallbacks), agreement with `pred` by the harness rule that produced it, and how the rows
   where the harness found no letter (it stored a random one) are judged here.
2. GSM8K: OpenAI's model solutions, one system at a time, against the file's `is_correct`.
3. Throughput: one output for each of MMLU-Pro's 12,032 test questions. The outputs are real
   model text: the 1,400 Llama-3.1 outputs assigned to the 12,032 question ids in turn (only
   their speed is measured, not their scores). Timed from reading the file to the summary,
   including the rule verifier's worker pool start, under both protocols: `5-shot-cot` (the
   prompt's "the answer is (X)" is read first) and `zero-shot-boxed` (our extraction first);
   under both, an extracted bare letter is compared in the scoring process and the rest go to
   the rule verifier's workers.

Run (from the repo root; the shared data beside it):
    nice -n 10 .venv/bin/python bench/bench_eval_rescore.py --out bench/results/eval_rescore.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

from genreason.evaluate.loaders import load_benchmark, realdata_dir
from genreason.evaluate.runner import rescore

LLAMA = "mmlu_pro/model_outputs_Meta-Llama-3_1-8B-Instruct_sample.jsonl"


def agreement_section(path: Path) -> list[str]:
    lines = ["## Agreement with MMLU-Pro's extracted letter (Llama-3.1-8B-Instruct, 1,400 outputs)", ""]
    lines += ["| judge | accuracy | harness extracted a letter | same letter | letter agreement | "
              "by harness rule (rows / same letter) | verdict agreement (kappa) on those rows | "
              "harness found none: judged here as |",
              "|---|---|---|---|---|---|---|---|"]
    examples = []
    for judge in ("choice", "choice+harness"):
        r = rescore("mmlu_pro", path, judge=judge)
        a = r.agreement
        rules = ", ".join(f"{k} {v['rows']}/{v['agree']}" for k, v in a["by_harness_rule"].items())
        v = a["verdicts"]
        lines.append(f"| `{judge}` | {100 * r.summary['accuracy']:.2f}% | {a['harness_extracted']} | {a['agree']} | "
                     f"{100 * a['agreement']:.2f}% | {rules} | {100 * v['agreement']:.2f}% ({v['kappa']:.3f}) | "
                     f"{a['random_fill_judged_as']} |")
        if judge == "choice":
            examples = a["disagreements"]
    lines += [
        "",
        "How to read it. MMLU-Pro's harness extracts the first \"answer is (X)\" (`primary`), else the last",
        "\"Answer: X\", else the last standalone letter A-J anywhere in the text (`last_letter`); where none",
        "matches it scores a random letter, and the file's `pred` then holds a letter no rule produced",
        "(`random fill`). `choice` reads the answer the prompt asked for, then our rule verifier (box,",
        "markers, option text); it refuses a letter picked out of prose (\"E. coli strain B\" is not an",
        "answer B), so the `last_letter` rows are no answers for it. `choice+harness` adds the harness's two",
        "fallbacks after ours. Both judge the random-fill rows by their text (no answer or wrong), never by",
        "a guess. On the rows whose letter came from the harness's main rule the two judges are the same.",
        "",
        "Rows where `choice` and the harness's letter differ (harness rule, its letter, ours, why):",
        "",
    ]
    for d in examples:
        lines.append(f"- `{d['question_id']}` {d['harness_rule']}: harness {d['pred']}, ours {d['ours'] or '-'} "
                     f"({d['status']}): {d['reason'][:110]}")
    return lines


def gsm8k_section() -> list[str]:
    path = realdata_dir() / "gsm8k" / "model_solution_pairs.jsonl"
    lines = ["## GSM8K: verdicts against OpenAI's is_correct labels (1,319 solutions per system)", "",
             "| system | accuracy (ours) | agreement with is_correct | kappa | we accept, it rejects | we reject, it accepts |",
             "|---|---|---|---|---|---|"]
    for system in ("6b_finetuning", "6b_verification", "175b_finetuning", "175b_verification"):
        r = rescore("gsm8k", path, where={"system": system}, model=system)
        a = r.summary["label_agreement"]
        lines.append(f"| {system} | {100 * r.summary['accuracy']:.2f}% | {100 * a['agreement']:.2f}% | {a['kappa']:.3f} | "
                     f"{a['fp']} | {a['fn']} |")
    return lines + ["", "`genreason eval rescore --benchmark gsm8k --in .../model_solution_pairs.jsonl --where system=NAME`", ""]


def make_outputs(folder: Path) -> Path:
    """One real Llama-3.1 output per MMLU-Pro test question (cycled), in MMLU-Pro's result format."""
    texts = [json.loads(line)["generated_text"] for line in (realdata_dir() / LLAMA).read_text().splitlines()]
    questions = load_benchmark("mmlu_pro")
    out = folder / "mmlu_pro_12k_outputs.jsonl"
    with out.open("w") as fh:
        for i, q in enumerate(questions):
            fh.write(json.dumps({"question_id": q.id.split(":", 1)[1], "generated_text": texts[i % len(texts)]}) + "\n")
    return out


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished (reaped) children: the verifier's workers."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def throughput_section(path: Path) -> list[str]:
    from genreason.evaluate import judges

    n = sum(1 for _ in path.open())
    lines = ["## Throughput: rescoring 12,032 outputs", "",
             "| protocol | outputs | wall seconds (read + judge + summarise, pool start included) | outputs/s | "
             "CPU seconds, all processes | through the rule verifier's workers | no answer |",
             "|---|---|---|---|---|---|---|"]
    loads = []
    for protocol in ("5-shot-cot", "zero-shot-boxed"):
        judges.shared_rule_verifier().close()
        judges.shared_rule_verifier.cache_clear()  # a cold pool each time: the CLI's case
        load_before, cpu0 = os.getloadavg()[0], _cpu_seconds()
        t0 = time.perf_counter()
        r = rescore("mmlu_pro", path, protocol=protocol)
        seconds = time.perf_counter() - t0
        judges.shared_rule_verifier().close()  # reap the workers so their CPU time is counted
        cpu = _cpu_seconds() - cpu0
        loads.append(f"{load_before:.1f} before / {os.getloadavg()[0]:.1f} after `{protocol}`")
        verified = sum(1 for rec in r.records if not str(rec["rule"]).startswith("choice:"))
        lines.append(f"| `{protocol}` | {n:,} | {seconds:.1f} | {n / seconds:,.0f} | {cpu:.1f} | {verified:,} | "
                     f"{r.summary['no_answer']:,} |")
    return lines + ["", "1-minute load average of this 2-core machine (other helpers' tests were running): "
                    + "; ".join(loads) + ". Wall time grows with the load; the CPU seconds do not: on two idle "
                    "cores the wall time would lie between the CPU seconds over two and the CPU seconds (the "
                    "scoring process and the verifier's two workers share the work). The outputs that reach the workers are those with no marker, mostly "
                    "repetitive text cut at the token limit; they cost the most."]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    args = parser.parse_args(argv)
    llama = realdata_dir() / LLAMA
    if not llama.exists():
        print(f"shared real data not found at {realdata_dir()}", file=sys.stderr)
        return 1
    report = ["# Evaluation rescoring: agreement with MMLU-Pro's harness, and speed", "",
              "Command: `nice -n 10 .venv/bin/python bench/bench_eval_rescore.py --out bench/results/eval_rescore.md`",
              f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}; "
              "other work was running on the machine at the same time.", ""]
    report += agreement_section(llama) + [""] + gsm8k_section()
    with tempfile.TemporaryDirectory() as tmp:
        report += throughput_section(make_outputs(Path(tmp)))
    text = "\n".join(report) + "\n"
    if args.out:
        args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
