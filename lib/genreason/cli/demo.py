"""`genreason demo`: build the demo database from the shipped sample and curate it, offline.

1. Ingests data/sample/ (questions, and candidate answers whose labels become judge `reference`).
2. Judges every candidate with the rule verifier (the judge stage, through the stage runner).
3. Runs the curation pipeline that needs no LLM: annotate (rule answer types, stored labels
   kept), difficulty (drop mathematics below university level), pass_rate (the sample's
   stored candidates judged by `rule`; keep 0 < pass < N), dedup.
4. Freezes what was kept as snapshot `demo` (kept as it is when the demo runs again).
5. Prints the store's counts, the funnel and how the rule verifier agrees with the labels.
6. Trains a tiny model built on the spot for a few GRPO steps on the snapshot, as a job
   (`--no-train` skips it), so the Training page shows a finished run with its curves.
`scripts/demo.sh` then starts the app on it (the Curation page shows the funnel and snapshot).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from genreason import store
from genreason.config import resolve_db_path

SAMPLE_DIR = Path(__file__).resolve().parents[3] / "data" / "sample"
DEMO_STAGES = ("annotate", "difficulty", "pass_rate", "dedup")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database file (default: $GENREASON_DB or data/genreason.duckdb)")
    parser.add_argument("--sample", type=Path, default=SAMPLE_DIR, help="sample folder (default: data/sample)")
    parser.add_argument("--workers", type=int, default=None, help="rule-verifier processes (default: all cores)")
    parser.add_argument("--snapshot", default="demo", help="name of the snapshot to make (default: demo)")
    parser.add_argument("--no-train", action="store_true",
                        help="skip the tiny GRPO run on the snapshot (the Training page then has none)")


def run(args: argparse.Namespace) -> int:
    from genreason.curate.freeze import freeze_kept
    from genreason.curate.judge import JudgeConfig, JudgeStage
    from genreason.curate.pipeline import build_stages
    from genreason.curate.runner import run_pipeline, run_stage
    from genreason.ingest import IngestConfig, IngestError, stage_inputs, write_staged
    from genreason.stats import store_stats
    from genreason.store.snapshots import SnapshotError, get_snapshot
    from genreason.verify.assess.compare import compare_judges

    questions, candidates = args.sample / "questions.jsonl", args.sample / "candidates.jsonl"
    missing = [str(p) for p in (questions, candidates) if not p.exists()]
    if missing:
        print(f"demo: sample files missing: {', '.join(missing)}", file=sys.stderr)
        return 1
    db = resolve_db_path(args.db)
    rule_options = {"workers": args.workers}
    try:
        staged = stage_inputs([questions, candidates], IngestConfig(judge="reference", source="sample", progress=False))
        with store.connect(db) as con:
            result = write_staged(con, staged)
        print(f"ingested the sample into {db}: {result.counts['questions_added']} new questions, "
              f"{result.counts['candidates_added']} new candidates, {result.counts['quarantined']} quarantined")
        judged = run_stage(JudgeStage(JudgeConfig(judge="rule", options=rule_options)), db=db, progress=False)
        print(f"rule verifier judged {judged.counts['processed']} candidates "
              f"({judged.counts['skipped']} already judged)")
        stages = build_stages(DEMO_STAGES)  # every candidate is judged by now: pass_rate reads them
        steps = run_pipeline(stages, db=db, progress=False)
        print("\ncuration funnel (no LLM configured: answer types by rule, stored labels kept)")
        for s in steps:
            c = s.counts
            reasons = ", ".join(f"{k} {v}" for k, v in c["drop_reasons"].items()) or "-"
            print(f"  {s.stage:<11} {c['in']:>4} in  {c['kept']:>4} kept  {c['dropped']:>4} dropped  ({reasons})")
        with store.connect(db) as con:
            try:
                snap = freeze_kept(con, args.snapshot, source="sample", note="genreason demo: the sample, curated")
                print(f"\nsnapshot {snap['name']}: {snap['n_rows']} questions, hash {snap['content_hash'][:16]}")
            except SnapshotError:
                snap = get_snapshot(con, args.snapshot)
                print(f"\nsnapshot {snap['name']} exists already ({snap['n_rows']} questions); snapshots "
                      "are immutable, so it was left as it is")
        with store.connect(db, read_only=True) as con:
            stats = store_stats(con)
            comparison = compare_judges(con, "rule", "reference", max_disagreements=5)
    except (IngestError, store.StoreError, ValueError) as exc:
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
    if not args.no_train:
        from genreason.train.smoke import tiny_grpo_run

        print("\ntraining a tiny model on the snapshot for a few GRPO steps (CPU, about a minute)...")
        job = tiny_grpo_run(db, snapshot=args.snapshot)
        print(f"GRPO job {job['id']}: {job['state']} at step {job['progress'].get('step')}; "
              f"curves on the Training page, files in {job['run_dir']}")
    print(f"\nnext: `genreason app` to browse it (Curation page: funnel and snapshot), "
          f"`genreason curate status`, `genreason snapshot export {args.snapshot} --format verl --out DIR`")
    return 0
