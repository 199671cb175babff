"""`genreason compare`: how two judges agree over the candidates both judged.

    genreason compare --db data/genreason.duckdb --a rule --b human
    genreason compare --a model --b reference --by answer_type --disagreements 5
    genreason compare --a rule --b model --json > rule_vs_model.json

Judge A is scored against judge B as truth: the 3 x 3 agreement matrix (true / false /
undecided), Cohen's kappa, accuracy, precision, recall and F1, the same per answer type,
category and difficulty, and the items where they disagree, both records side by side.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from genreason.cli.judge import MAX_COUNT, bounded_int
from genreason.verify.assess.compare import GROUPS, LABELS, Comparison


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database file (default: $GENREASON_DB or data/genreason.duckdb)")
    parser.add_argument("--a", required=True, metavar="JUDGE", help="the judge to score (e.g. rule)")
    parser.add_argument("--b", required=True, metavar="JUDGE", help="the judge taken as truth (e.g. human)")
    parser.add_argument(
        "--by",
        action="append",
        choices=GROUPS,
        help="break down by this tag (repeatable; default: all of answer_type, category, difficulty)",
    )
    parser.add_argument("--disagreements", type=bounded_int(0, MAX_COUNT), default=10, metavar="N", help="disagreements to list (default 10)")
    parser.add_argument("--limit", type=bounded_int(1, MAX_COUNT), help="compare only the first N common candidates")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    cells = [[_fmt(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) if cells else len(c) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def _clip(text: Any, n: int = 160) -> str:
    s = " ".join(str(text or "").split()) or "-"
    return s if len(s) <= n else s[: n - 3] + "..."


def render_text(result: Comparison) -> str:
    """The comparison as plain text for a terminal."""
    a, b, m = result.judge_a, result.judge_b, result.metrics
    out = [f"{a} (A) vs {b} (B, taken as truth): {m['n']} common items", ""]
    matrix_rows = [{"A \\ B": f"A {la}", **{f"B {lb}": result.matrix[la][lb] for lb in LABELS}} for la in LABELS]
    out += [_table(matrix_rows, ["A \\ B", *(f"B {lb}" for lb in LABELS)]), ""]
    out.append(
        f"agreement {_fmt(m['agreement'])}  kappa {_fmt(m['kappa'])}  "
        f"accuracy {_fmt(m['accuracy'])} (on {m['scored']} items B decided)  "
        f"precision {_fmt(m['precision'])}  recall {_fmt(m['recall'])}  F1 {_fmt(m['f1'])}"
    )
    out.append(f"undecided: A {m['a_undecided']}, B {m['b_undecided']}")
    for by, rows in result.breakdowns.items():
        out += ["", f"by {by}:", _table(rows, [by, "n", "agreement", "kappa", "accuracy", "precision", "recall", "f1"])]
    if result.disagreements:
        out += ["", f"disagreements ({len(result.disagreements)} of {result.n_disagreements}):"]
        for d in result.disagreements:
            out += [
                f"- {d['item_id']} [{d.get('answer_type') or '-'}]  Q: {_clip(d['question'], 120)}",
                f"    reference: {_clip(d['reference'], 80)}",
                f"    response:  {_clip(d['response'])}",
                f"    A {_fmt(d['verdict_a'])} ({_clip(d['extracted_a'], 60)}): {_clip(d['reason_a'], 100)}",
                f"    B {_fmt(d['verdict_b'])} ({_clip(d['extracted_b'], 60)}): {_clip(d['reason_b'], 100)}",
            ]
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    from genreason import store
    from genreason.verify.assess.compare import compare_judges

    with store.connect(args.db, read_only=True) as con:
        judges = store.judge_names(con)
        for judge in (args.a, args.b):
            if judge not in judges:
                print(
                    f"no judgments by {judge!r} in the store; judges present: {', '.join(judges) or 'none'}",
                    file=sys.stderr,
                )
                return 2
        result = compare_judges(
            con,
            args.a,
            args.b,
            by=args.by or GROUPS,
            max_disagreements=args.disagreements,
            limit=args.limit,
        )
    if result.metrics["n"] == 0:
        print(f"{args.a} and {args.b} judged no candidate in common", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, default=str, ensure_ascii=False))
    else:
        print(render_text(result))
    return 0
