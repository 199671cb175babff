"""Stage 1, ingest: load question files into the store and look at what landed.

    marimo edit notebooks/01_ingest.py                      # interactive
    python notebooks/01_ingest.py --db data/genreason.duckdb --path data/sample/questions.jsonl
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")

with app.setup:
    import argparse
    from pathlib import Path

    import marimo as mo
    import pandas as pd
    import plotly.express as px

    from genreason import store
    from genreason.config import default_db_path
    from genreason.ingest import IngestConfig, ingest
    from genreason.stats import store_stats


@app.cell
def parameters():
    # Command-line arguments (python notebooks/01_ingest.py --db ... --path ...) set the defaults.
    # Defaults do not depend on the current folder: the repository's sample and database.
    _sample = Path(mo.notebook_dir() or ".").resolve().parent / "data" / "sample"
    _parser = argparse.ArgumentParser(prog="python notebooks/01_ingest.py")
    _parser.add_argument("--db", default=str(default_db_path()), help="database file")
    _parser.add_argument("--path", action="append", default=None, help="a file to ingest (repeat)")
    _parser.add_argument("--judge", default="reference", help="judge name for labels")
    _parser.add_argument("--run", action="store_true",
                         help="ingest without waiting for the button (marimo export html ... -- --run)")
    _args, _ = _parser.parse_known_args()
    run_now = _args.run or mo.app_meta().mode == "script"
    paths = _args.path or [str(_sample / "questions.jsonl"), str(_sample / "candidates.jsonl")]
    db_input = mo.ui.text(value=_args.db, label="database", full_width=True)
    paths_input = mo.ui.text_area(value="\n".join(paths), label="files to ingest (one per line)", full_width=True)
    judge_input = mo.ui.text(value=_args.judge, label="judge name for labels")
    run = mo.ui.run_button(label="Ingest")
    mo.vstack([db_input, paths_input, judge_input, run])
    return db_input, judge_input, paths_input, run, run_now


@app.cell
def do_ingest(db_input, judge_input, paths_input, run, run_now):
    # In the editor ingest waits for the button; as a script it runs straight away.
    # Until the button is pressed, result is None and the overview shows the store as it is.
    result = None
    if run.value or run_now:
        _paths = [Path(p.strip()) for p in paths_input.value.splitlines() if p.strip()]
        with store.connect(db_input.value) as _con:
            result = ingest(_con, _paths, IngestConfig(judge=judge_input.value or None, progress=False))
    mo.md(
        f"**{result.run_id}**: read {result.counts['rows_read']:,} rows; "
        f"{result.counts['questions_added']:,} questions added, "
        f"{result.counts['questions_already_stored']:,} already stored, "
        f"{result.counts['candidates_added']:,} candidates, {result.counts['judgments_added']:,} labels, "
        f"{result.counts['quarantined']:,} quarantined"
        if result is not None else "Press **Ingest** to load the files; below is what the store holds now."
    )
    return (result,)


@app.cell
def quarantine(result):
    mo.stop(result is None, None)
    mo.stop(not result.quarantined, mo.md("No rows were quarantined."))
    mo.ui.table(pd.DataFrame([{"file": q.source_file, "line": q.line, "reason": q.reason}
                              for q in result.quarantined[:500]]), label="quarantined rows")
    return


@app.cell
def overview(db_input, result):
    # Shown before any ingest too (what is stored now); re-run after one.
    _db = Path(db_input.value)
    mo.stop(not _db.is_file(), mo.md(f"No database at `{_db}` yet: press **Ingest** to create it."))
    with store.connect(_db, read_only=True) as _con:
        stats = store_stats(_con)
    _charts = [
        px.bar(pd.DataFrame(stats["by"][col]), x="value", y="n", title=f"questions by {col}")
        for col in ("answer_type", "category", "difficulty")
    ]
    _after = f" (after {result.run_id})" if result is not None else ""
    print(f"{stats['questions']:,} questions, {stats['candidates']:,} candidates in {_db}{_after}")
    mo.vstack([mo.md(f"**{stats['questions']:,} questions, {stats['candidates']:,} candidates** "
                     f"in `{_db}`{_after}"), *_charts])
    return (stats,)


if __name__ == "__main__":
    app.run()
