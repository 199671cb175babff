"""Stage 3, verify with rules: the rule verifier's judgments next to reference labels.

Judges labelled candidates (the shipped sample, or a database's candidates that a labels
judge marked) with the typed rule verifier and shows how it agrees with the labels, overall
and by answer type, with the items where it disagrees and why.

    marimo edit notebooks/03_verify.py
    python notebooks/03_verify.py --limit 50
    python notebooks/03_verify.py --db data/genreason.duckdb --labels reference --limit 500
    marimo export html notebooks/03_verify.py -o report.html -- --run --limit 50   # a full report
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
    from genreason.ingest.offline import read_labelled_set
    from genreason.verify.assess.labelled import (
        agreement_rows,
        disagreement_rows,
        labelled_items,
        load_store_labelled,
    )
    from genreason.verify.rules.verifier import RuleVerifier


@app.cell
def parameters():
    # Command-line arguments (python notebooks/03_verify.py --limit 50 --db ...) set the defaults;
    # argparse, so --help prints them and stops instead of running the notebook.
    _sample = Path(mo.notebook_dir() or ".").resolve().parent / "data" / "sample"
    _parser = argparse.ArgumentParser(prog="python notebooks/03_verify.py",
                                      description="Judge labelled candidates with the rule verifier.")
    _parser.add_argument("--db", default=str(_sample), help="sample folder or database file")
    _parser.add_argument("--labels", default="reference", help="labels judge (database only)")
    _parser.add_argument("--limit", type=int, default=200, help="items to judge")
    _parser.add_argument("--timeout", type=float, default=5.0, help="seconds per item")
    _parser.add_argument("--run", action="store_true",
                         help="judge without waiting for the button (marimo export html ... -- --run)")
    _args, _ = _parser.parse_known_args()
    run_now = _args.run or mo.app_meta().mode == "script"
    source_input = mo.ui.text(value=_args.db, label="sample folder or database file", full_width=True)
    labels_input = mo.ui.text(value=_args.labels, label="labels judge (database only)")
    limit_input = mo.ui.number(value=_args.limit, start=1, stop=1_000_000, label="items")
    timeout_input = mo.ui.number(value=_args.timeout, start=0.1, stop=120, step=0.5, label="seconds per item")
    run = mo.ui.run_button(label="Judge")
    mo.vstack([source_input, mo.hstack([labels_input, limit_input, timeout_input]), run])
    return labels_input, limit_input, run, run_now, source_input, timeout_input


@app.cell
def load(labels_input, limit_input, source_input):
    _source = Path(source_input.value)
    if _source.is_dir():
        labelled = labelled_items(read_labelled_set("sample", _source, limit=int(limit_input.value)), dataset="sample")
    else:
        with store.connect(_source, read_only=True) as _con:
            labelled = load_store_labelled(_con, labels=labels_input.value, limit=int(limit_input.value))
    mo.md(f"{len(labelled):,} labelled items from `{_source}`")
    return (labelled,)


@app.cell
def judge(labelled, run, run_now, timeout_input):
    # In the editor judging waits for the button; as a script (or exported with --run) it runs
    # straight away.
    mo.stop(not run.value and not run_now, mo.md("Press **Judge** to run the rule verifier."))
    mo.stop(not labelled, mo.md("Nothing to judge: no labelled items found."))
    with RuleVerifier(timeout_s=float(timeout_input.value)) as _verifier:
        judgments = _verifier.verify_batch([li.item for li in labelled])
    return (judgments,)


@app.cell
def agreement(judgments, labelled):
    table = pd.DataFrame(agreement_rows([j.verdict for j in judgments], labelled))
    print(table.to_string(index=False))
    _by_type = table[table["group"] != "all"]
    _fig = px.bar(_by_type, x="group", y="accuracy", hover_data=["n", "precision", "recall", "undecided"],
                  title="rule verifier agreement with the labels, by answer type", range_y=[0, 1])
    # One page holds every row, so the "all" row is never pushed onto page 2.
    mo.vstack([mo.ui.table(table, label="agreement (undecided counts as not accepted)",
                           page_size=max(10, len(table))), _fig])
    return (table,)


@app.cell
def disagreements(judgments, labelled):
    _rows = disagreement_rows(judgments, labelled, limit=100)
    mo.stop(not _rows, mo.md("The rule verifier agrees with every label."))
    mo.ui.table(pd.DataFrame(_rows), label="where rules and labels disagree (reason and parse record)")
    return


if __name__ == "__main__":
    app.run()
