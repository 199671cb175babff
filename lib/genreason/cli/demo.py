"""`genreason demo`: build the demo database from the shipped sample and show what it holds.

Ingests data/sample/ (questions, and candidate answers whose labels become judge `reference`),
judges every candidate with the rule verifier, and prints the store's counts and how the rule
verifier agrees with the reference labels. `scripts/demo.sh` then starts the app on it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from genreason import store
from genreason.config import resolve_db_path

SAMPLE_DIR = Path(__file__).resolve().parents[3] / "data" / "sample"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database file (default: $GENREASON_DB or data/genreason.duckdb)")
    parser.add_argument("--sample", type=Path, default=SAMPLE_DIR, help="sample folder (default: data/sample)")
    parser.add_argument("--workers", type=int, default=None, help="rule-verifier processes (default: all cores)")


def run(args: argparse.Namespace) -> int:
    from genreason.ingest import IngestConfig, IngestError, stage_inputs, write_staged
    from genreason.stats import store_stats
    from genreason.verify.assess.compare import compare_judges
    from genreason.verify.rules.verifier import RuleVerifier

    questions, candidates = args.sample / "questions.jsonl", args.sample / "candidates.jsonl"
    missing = [str(p) for p in (questions, candidates) if not p.exists()]
    if missing:
        print(f"demo: sample files missing: {', '.join(missing)}", file=sys.stderr)
        return 1
    db = resolve_db_path(args.db)
    try:
        staged = stage_inputs([questions, candidates], IngestConfig(judge="reference", source="sample", progress=False))
        with store.connect(db) as con:
            result = write_staged(con, staged)
            items = store.candidate_items(con, judge_missing="rule")
        print(f"ingested the sample into {db}: {result.counts['questions_added']} new questions, "
              f"{result.counts['candidates_added']} new candidates, {result.counts['quarantined']} quarantined")
        if items:
            judgments = RuleVerifier(workers=args.workers).verify_batch(items)
            run_id = store.new_run_id("judge")
            with store.connect(db) as con:
                store.save_judgments(con, judgments, run_id=run_id)
            print(f"rule verifier judged {len(judgments)} candidates")
        with store.connect(db, read_only=True) as con:
            stats = store_stats(con)
            comparison = compare_judges(con, "rule", "reference", max_disagreements=5)
    except (IngestError, store.StoreError) as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1

    print(f"\nthe store holds {stats['questions']} questions and {stats['candidates']} candidate answers")
    for column in ("answer_type", "category", "difficulty"):
        values = ", ".join(f"{r['value']} {r['n']}" for r in stats["by"][column])
        print(f"  by {column}: {values}")
    m = comparison.metrics
    print(f"\nrule verifier vs reference labels over {m.get('n', 0)} answers: "
          f"accuracy {m.get('accuracy') or 0:.3f}, precision {m.get('precision') or 0:.3f}, "
          f"recall {m.get('recall') or 0:.3f}, kappa {m.get('kappa') or 0:.3f}, "
          f"{comparison.n_disagreements} disagreements")
    for pair in comparison.disagreements:
        print(f"  - {pair['item_id']}: reference {pair['verdict_b']}, rule {pair['verdict_a']} "
              f"({pair['reason_a']}); extracted {pair['extracted_a']!r} vs reference {pair['reference']!r}")
    print("\nnext: `genreason app` to browse it, `genreason compare --a rule --b reference` for the full comparison")
    return 0
