"""Benchmark: final-answer extraction over the written forms models use, on real outputs.

Takes the shared MMLU-Pro Llama-3.1-8B outputs (letter answers) and OpenAI's GSM8K model
solutions (number answers), cuts each output's own final-answer line ("The answer is (X)."
and what follows it; GSM8K's "A: n" line), and writes the answer back in each style below,
programmatically. The rest of the output (the reasoning, with whatever it mentions) stays.
A response counts as extracted when `extract_answer` returns the answer written, both read
through `answer_core` (which takes off the form's wrapping: `\\text{}`, parentheses, bold,
"Option", a sentence's closing period).
Target: >= 99% per style.

    .venv/bin/python bench/bench_extraction.py --out bench/results/extraction.md
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from genreason.verify.answer_forms import answer_core
from genreason.verify.extract import extract_answer

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT / ".." / "shared" / "realdata"
TARGET = 0.99

# style -> how a final answer line is written (letter and number alike)
STYLES: dict[str, Callable[[str], str]] = {
    "\\boxed{X}": lambda a: f"\\boxed{{{a}}}",
    "\\boxed{\\text{X}}": lambda a: f"\\boxed{{\\text{{{a}}}}}",
    "$\\boxed{X}$": lambda a: f"The final answer is $\\boxed{{{a}}}$.",
    "(X)": lambda a: f"({a})",
    "X)": lambda a: f"{a})",
    "**X**": lambda a: f"**{a}**",
    "Answer: X": lambda a: f"Answer: {a}",
    "**Answer:** X": lambda a: f"**Answer:** {a}",
    "answer is (X).": lambda a: f"Therefore, the answer is ({a}).",
    "answer is X": lambda a: f"So the answer is {a}",
    "Choice_X": lambda a: f"Choice_{a}",
    "Option X": lambda a: f"Option {a}",
    "Final Answer: The final answer is X": lambda a: f"Final Answer: The final answer is {a}",
    "Final Answer: The final answer is $X$. I hope it is correct.": (
        lambda a: f"Final Answer: The final answer is ${a}$. I hope it is correct."
    ),
    "The correct answer is: X": lambda a: f"The correct answer is: {a}",
    "#### X": lambda a: f"#### {a}",
}

_MMLU_TAIL = re.compile(r"(?:the\s+)?(?:correct\s+)?answer\s+is\b", re.IGNORECASE)


def mmlu_cases(limit: int | None) -> list[tuple[str, str]]:
    """(body without its final answer, the letter) for each MMLU-Pro output."""
    path = REALDATA / "mmlu_pro" / "model_outputs_Meta-Llama-3_1-8B-Instruct_sample.jsonl"
    out = []
    for line in path.open(encoding="utf-8"):
        r = json.loads(line)
        text = r["generated_text"].rstrip()
        matches = list(_MMLU_TAIL.finditer(text))
        body = text[: matches[-1].start()] if matches else text.rsplit("\n", 1)[0]
        out.append((body.rstrip(), r["answer"]))
    return out[:limit]


def mmlu_text_cases(limit: int | None) -> list[tuple[str, str]]:
    """(body without its final answer, the gold option's text): the text analogue."""
    path = REALDATA / "mmlu_pro" / "model_outputs_Meta-Llama-3_1-8B-Instruct_sample.jsonl"
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    bodies = mmlu_cases(None)
    out = []
    for (body, letter), r in zip(bodies, rows, strict=True):
        text = " ".join(str(r["options"][ord(letter) - ord("A")]).split())
        out.append((body, text))
    return out[:limit]


# Forms that wrap one token only: a text answer is not written as "(Nitrogen fixation)" or
# "Choice_Nitrogen fixation".
TOKEN_ONLY = {"(X)", "X)", "Choice_X", "Option X", "answer is (X)."}


def gsm8k_cases(limit: int | None) -> list[tuple[str, str]]:
    """(solution without its "A: n" line, n) for each GSM8K model solution."""
    path = REALDATA / "gsm8k" / "model_solution_pairs.jsonl"
    out = []
    for line in path.open(encoding="utf-8"):
        r = json.loads(line)
        final = re.findall(r"(?:####|^A:)\s*(.+?)\s*$", r["ground_truth"], re.MULTILINE)[-1].replace(",", "")
        body = re.sub(r"\n?A:[^\n]*\s*$", "", r["solution"].rstrip())
        out.append((body.rstrip(), final))
    return out[:limit]


def measure(cases: list[tuple[str, str]], *, text: bool = False) -> dict[str, dict[str, object]]:
    results: dict[str, dict[str, object]] = {}
    for style, write in STYLES.items():
        if text and style in TOKEN_ONLY:
            results[style] = {"n": 0, "ok": 0, "rate": None, "misses": []}
            continue
        ok, misses = 0, []
        for body, answer in cases:
            response = f"{body}\n\n{write(answer)}"
            got = extract_answer(response)
            if got.answer is not None and answer_core(got.answer) == answer_core(answer):
                ok += 1
            elif len(misses) < 3:
                misses.append({"tail": response[-160:], "extracted": got.answer, "method": got.method})
        results[style] = {"n": len(cases), "ok": ok, "rate": ok / len(cases) if cases else None, "misses": misses}
    return results


def render(all_results: dict[str, dict[str, dict[str, object]]], command: str) -> str:
    sets = list(all_results)
    lines = [
        "# Final-answer extraction per written style",
        "",
        f"Command: `{command}`",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Each real output keeps its reasoning; its own "
        "final answer is cut and written back in the style (X = the gold letter for MMLU-Pro, the final "
        "number for GSM8K, the gold option's text for the text analogue). Extracted = `extract_answer` then "
        "`answer_core` of it equals `answer_core` of X. Target >= 99% per style.",
        "",
        "| style | " + " | ".join(sets) + " |",
        "| --- | " + " | ".join("---" for _ in sets) + " |",
    ]
    for style in STYLES:
        cells = []
        for s in sets:
            r = all_results[s][style]
            if r["rate"] is None:
                cells.append("n/a (one-token form)")
                continue
            flag = "" if r["rate"] >= TARGET else " **!**"
            cells.append(f"{100 * r['rate']:.1f}% ({r['ok']}/{r['n']}){flag}")
        lines.append(f"| `{style}` | " + " | ".join(cells) + " |")
    misses = [(s, st, m) for s in sets for st in STYLES for m in all_results[s][st]["misses"]]
    if misses:
        lines += ["", "## Misses (up to 3 per style and set)", ""]
        for s, st, m in misses:
            tail = " ".join(str(m["tail"]).split())[-110:]
            lines.append(f"- {s} `{st}`: ...`{tail}` -> {m['extracted']!r} ({m['method']})")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="outputs per set (default: all)")
    ap.add_argument("--out", type=Path, help="write the markdown report here")
    args = ap.parse_args(argv)
    command = ".venv/bin/python bench/bench_extraction.py " + " ".join(sys.argv[1:] if argv is None else argv)
    results = {
        "mmlu_pro (letters)": measure(mmlu_cases(args.limit)),
        "gsm8k (numbers)": measure(gsm8k_cases(args.limit)),
        "mmlu_pro (option text)": measure(mmlu_text_cases(args.limit), text=True),
    }
    report = render(results, command)
    print(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
