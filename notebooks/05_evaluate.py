"""Stage 5, evaluate: a model (or existing outputs) on the paper's benchmarks, next to the paper.

Rescores existing outputs in their own format (the default: the shared MMLU-Pro Llama-3.1
outputs, with agreement against MMLU-Pro's own extracted letter), or generates with a model
under a named protocol (`--mode run`, the tiny model with `--model tiny`). Scores are
deterministic: greedy, judges without randomness, an output without an answer counted wrong.
Shows the summary per category next to the paper's number, the questions answered wrong or
not at all, and, with `--against RUN_ID`, where another stored run differs. The result is
stored in the database (the same eval_runs the app's Evaluation page shows).

    marimo edit notebooks/05_evaluate.py
    python notebooks/05_evaluate.py --db data/genreason.duckdb
    python notebooks/05_evaluate.py --db data/genreason.duckdb --mode run --benchmark gsm8k --model tiny --limit 5
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")

with app.setup:
    import marimo as mo
    import pandas as pd
    import plotly.express as px

    from genreason import store
    from genreason.evaluate.judges import JUDGES
    from genreason.evaluate.loaders import BENCHMARKS, realdata_dir
    from genreason.evaluate.report import category_rows, k_rows, leaderboard
    from genreason.evaluate.runner import EvalConfig, rescore, run_evaluation, save_result
    from genreason.llm.tiny import tiny_model_dir
    from genreason.store.evals import compare_eval_runs, list_eval_runs


@app.cell
def parameters():
    # Command-line arguments (python notebooks/05_evaluate.py --mode run --limit 5 ...) set the defaults.
    _args = mo.cli_args()
    _llama = realdata_dir() / "mmlu_pro" / "model_outputs_Meta-Llama-3_1-8B-Instruct_sample.jsonl"
    db_input = mo.ui.text(value=str(_args.get("db") or "data/genreason.duckdb"), label="database", full_width=True)
    mode_input = mo.ui.dropdown(["rescore", "run"], value=str(_args.get("mode") or "rescore"), label="mode")
    bench_input = mo.ui.dropdown(list(BENCHMARKS), value=str(_args.get("benchmark") or "mmlu_pro"), label="benchmark")
    judge_input = mo.ui.dropdown(["default", *JUDGES], value=str(_args.get("judge") or "default"), label="judge")
    outputs_input = mo.ui.text(value=str(_args.get("in") or _llama), label="outputs file (rescore)", full_width=True)
    model_input = mo.ui.text(value=str(_args.get("model") or "tiny"), label="model folder (run; 'tiny' builds one)",
                             full_width=True)
    data_input = mo.ui.text(value=str(_args.get("data") or ""), label="benchmark file (GPQA/SuperGPQA)", full_width=True)
    limit_input = mo.ui.number(value=int(_args.get("limit") or 5), start=1, stop=1_000_000, label="questions (run)")
    tokens_input = mo.ui.number(value=int(_args.get("max-new-tokens") or 64), start=1, stop=65_536, label="max new tokens")
    against_input = mo.ui.text(value=str(_args.get("against") or ""), label="compare with stored run id")
    go = mo.ui.run_button(label="Evaluate")
    mo.vstack([db_input, mo.hstack([mode_input, bench_input, judge_input, limit_input, tokens_input]),
               outputs_input, model_input, data_input, against_input, go])
    return (against_input, bench_input, data_input, db_input, go, judge_input, limit_input, mode_input,
            model_input, outputs_input, tokens_input)


@app.cell
def evaluate(bench_input, data_input, db_input, go, judge_input, limit_input, mode_input, model_input,
             outputs_input, tokens_input):
    # In the editor the evaluation waits for the button; as a script it runs straight away.
    mo.stop(not go.value and mo.app_meta().mode != "script", mo.md("Press **Evaluate**."))
    _judge = None if judge_input.value == "default" else judge_input.value
    _data = data_input.value.strip() or None
    if mode_input.value == "rescore":
        result = rescore(bench_input.value, outputs_input.value.strip(), judge=_judge, data=_data)
    else:
        _model = str(tiny_model_dir()) if model_input.value.strip() == "tiny" else model_input.value.strip()
        result = run_evaluation(EvalConfig(
            benchmark=bench_input.value, backend="hf", model=_model, judge=_judge, data=_data,
            limit=int(limit_input.value), max_new_tokens=int(tokens_input.value), backend_options={"device": "cpu"}))
    with store.connect(db_input.value) as _con:
        run_id = save_result(_con, result)
    _s = result.summary
    print(f"{run_id}: accuracy {100 * _s['accuracy']:.2f}% over {_s['outputs']} outputs "
          f"(no answer {_s['no_answer']}, undecided {_s['undecided']}, both counted wrong); "
          f"protocol {result.run['protocol']}, judge {result.run['judge']}")
    mo.md(f"Stored run `{run_id}`: **{100 * _s['accuracy']:.1f}%** · model `{result.run['model']}` · "
          f"protocol `{result.run['protocol']}` · judge `{result.run['judge']}`")
    return result, run_id


@app.cell
def paper(db_input, run_id):
    with store.connect(db_input.value, read_only=True) as _con:
        runs = list_eval_runs(_con)
    _rows = leaderboard(runs)
    _cols = ["model", "protocol", "judge", *[b for b in BENCHMARKS if any(b in r for r in _rows)]]
    table = pd.DataFrame([{c: r.get(c) for c in _cols} for r in _rows])
    print(table.to_string(index=False))
    mo.vstack([mo.md(f"Stored runs next to the paper (newest per model, protocol, judge; `{run_id}` included)"),
               mo.ui.table(table)])
    return (runs,)


@app.cell
def categories(bench_input, result):
    _cats = pd.DataFrame(category_rows(result.summary))
    _paper = BENCHMARKS[bench_input.value].paper_score
    _fig = px.bar(_cats, x="accuracy", y="category", orientation="h", hover_data=["questions", "no_answer"],
                  title=f"accuracy by category (%); paper's overall: {_paper if _paper is not None else 'not reported'}")
    _ks = k_rows(result.summary)
    mo.vstack([_fig, mo.ui.table(pd.DataFrame(_ks)) if _ks else mo.md("One sample per question: no pass@k.")])
    return


@app.cell
def harness(result):
    _a = result.agreement
    mo.stop(_a is None, mo.md("These outputs carry no harness-extracted answer to compare with."))
    print(f"agreement with the harness letter: {_a['agree']}/{_a['harness_extracted']} = {100 * _a['agreement']:.2f}% "
          f"of the rows where it extracted one; by rule: {_a['by_harness_rule']}; "
          f"rows where it found none, judged here as: {_a['random_fill_judged_as']}")
    mo.vstack([mo.md("Where our judge and the harness's extracted letter differ"),
               mo.ui.table(pd.DataFrame(_a["disagreements"]))])
    return


@app.cell
def wrong(result):
    _rows = [r for r in result.records if not r["verdict"]]
    mo.stop(not _rows, mo.md("Every output was judged right."))
    _table = pd.DataFrame(_rows)[["question_id", "category", "status", "extracted", "reference", "reason"]]
    mo.ui.table(_table, label="wrong or unanswered (drill down: every record is stored with prompt and output)")
    return


@app.cell
def differ(against_input, db_input, run_id):
    mo.stop(not against_input.value.strip(), mo.md("Give `--against RUN_ID` to compare with another stored run."))
    with store.connect(db_input.value, read_only=True) as _con:
        _cmp = compare_eval_runs(_con, run_id, against_input.value.strip())
    print(_cmp["counts"])
    mo.vstack([mo.md(f"`{run_id}` vs `{against_input.value.strip()}`: {_cmp['counts']}"),
               mo.ui.table(pd.DataFrame(_cmp["differ"]))])
    return


if __name__ == "__main__":
    app.run()
