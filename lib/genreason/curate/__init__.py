"""Curation: the paper's pipeline from raw documents to verified questions, as resumable stages.

Stages (one module each): extract (documents -> questions), annotate (answer type, subject,
difficulty), difficulty (drop easy math), candidates (N judged solutions per question),
pass_rate (keep 0 < pass < N), dedup, decontaminate; plus judge (judge stored candidates).
Every stage runs through `runner.run_stage` / `runner.run_pipeline`; snapshots and export
freeze and ship what they keep (`genreason.store.snapshots`, `curate.export`).

    genreason curate run --stages annotate,difficulty,pass_rate
    genreason curate status
"""
