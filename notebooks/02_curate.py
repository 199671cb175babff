"""Stage 2, curate: the paper's pipeline, one cell per stage, each run through the stage runner.

extract (raw documents -> questions) · annotate (answer type, subject, difficulty) ·
difficulty (drop easy math) · candidates (N judged solutions) · pass_rate (keep 0 < pass < N) ·
dedup · decontaminate. Each cell says what its stage will do on the selection, runs it behind
its button (the candidates stage can also go to a background job with progress), and shows
the effect: counts before/after, histograms of pass rates, answer types, subjects and
difficulties, and the questions dropped and why. Stages are recorded like `genreason curate run`
records them, so a rerun skips what is done and `genreason curate status` shows the funnel.

    marimo edit notebooks/02_curate.py
    python notebooks/02_curate.py --db data/genreason.duckdb --stages annotate,difficulty,pass_rate,dedup
    python notebooks/02_curate.py --stages candidates,pass_rate --backend hf --model data/models/tiny \\
        --set candidates.n=4 --set candidates.max_new_tokens=32
    python notebooks/02_curate.py --stages extract,annotate --documents data/sample/raw_documents.jsonl \\
        --backend openai --model NAME --base-url http://localhost:8000/v1

Build the demo database first: `genreason demo`.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")

with app.setup:
    import argparse

    import marimo as mo
    import pandas as pd
    import plotly.express as px

    from genreason import store
    from genreason.curate.backend import LLMConfig
    from genreason.curate.difficulty import difficulty_values
    from genreason.curate.extract import read_documents
    from genreason.curate.pipeline import STAGES, build_stages, parse_settings
    from genreason.curate.rows import live_questions, load_questions
    from genreason.curate.runner import run_stage
    from genreason.curate.status import label_counts, stage_decisions


@app.cell
def parameters():
    # Command-line arguments (python notebooks/02_curate.py --stages ... --set ...) set the defaults.
    _parser = argparse.ArgumentParser()
    _parser.add_argument("--db", default="data/genreason.duckdb")
    _parser.add_argument("--stages", default="annotate,difficulty,pass_rate,dedup")
    _parser.add_argument("--set", dest="settings", action="append", default=[])
    _parser.add_argument("--backend", default="", choices=["", "hf", "vllm", "openai"])
    _parser.add_argument("--model", default="")
    _parser.add_argument("--base-url", default="")
    _parser.add_argument("--documents", default="")
    _args, _ = _parser.parse_known_args()
    db_input = mo.ui.text(value=_args.db, label="database", full_width=True)
    stages_input = mo.ui.multiselect(list(STAGES), value=[s for s in _args.stages.split(",") if s in STAGES],
                                     label="stages to run, in pipeline order")
    settings_input = mo.ui.text_area(value="\n".join(_args.settings), label="settings (stage.key=value per line)")
    backend_input = mo.ui.dropdown(["", "hf", "vllm", "openai"], value=_args.backend, label="LLM backend")
    model_input = mo.ui.text(value=_args.model, label="model (folder or served name)")
    base_url_input = mo.ui.text(value=_args.base_url, label="base URL(s), openai")
    documents_input = mo.ui.text(value=_args.documents, label="raw documents (extract)", full_width=True)
    mo.vstack([db_input, stages_input, settings_input, mo.hstack([backend_input, model_input, base_url_input]),
               documents_input])
    return (backend_input, base_url_input, db_input, documents_input, model_input, settings_input,
            stages_input)


@app.cell
def config(backend_input, base_url_input, model_input, settings_input):
    settings = parse_settings([line.strip() for line in settings_input.value.splitlines() if line.strip()])
    llm = (LLMConfig(backend=backend_input.value, model=model_input.value or None,
                     base_url=base_url_input.value or None) if backend_input.value else None)
    script = mo.app_meta().mode == "script"  # as a script, every chosen stage runs straight away
    pipeline = store.new_run_id("pipeline")  # ties this session's stage runs into one funnel
    return llm, pipeline, script, settings


@app.cell
def overview(db_input):
    # What the stages will see: the live questions and the label values in the data.
    with store.connect(db_input.value, read_only=True) as _con:
        _live = live_questions(_con)
        _levels = difficulty_values(_con)
        overview_labels = label_counts(_con, [r["id"] for r in _live])
    _figs = [px.bar(pd.DataFrame(v, columns=[k, "questions"]), x="questions", y=k, orientation="h",
                    title=f"{k} of the {len(_live):,} live questions", height=320)
             for k, v in overview_labels.items()]
    mo.vstack([mo.md(f"**{len(_live):,}** questions no stage has dropped. Difficulty values in the "
                     f"data: {', '.join(f'{v} ({n})' for v, n in _levels)}"), *_figs])
    return


@app.function
def stage_effect(db: str, result) -> mo.Html:
    """Counts, drop reasons, and up to 20 dropped questions with their evidence."""
    with store.connect(db, read_only=True) as _con:
        decided = stage_decisions(_con, result.run_id)
        kept = load_questions(_con, result.kept_ids[:50_000])
        labels = label_counts(_con, [r["id"] for r in kept])
    c = result.counts
    print(f"{result.stage}: {c['in']} in, {c['kept']} kept, {c['dropped']} dropped {c['drop_reasons']}")
    table = pd.DataFrame([{"question": d["question_id"], "reason": d["reason"],
                           "evidence": str(d["evidence"])[:300]} for d in decided if not d["kept"]][:20])
    parts = [mo.md(f"**{result.stage}**: {c['in']:,} in → {c['kept']:,} kept, {c['dropped']:,} dropped "
                   f"({c['processed']:,} done now, {c['skipped']:,} already done) · drops: {c['drop_reasons'] or '-'}")]
    rates = [d["evidence"]["pass_rate"] for d in decided if d["evidence"].get("pass_rate") is not None]
    if rates:
        parts.append(px.histogram(x=rates, nbins=20, title="pass rate per question", labels={"x": "pass rate"}))
    parts.append(px.bar(pd.DataFrame(labels["answer_type"], columns=["answer_type", "questions"]),
                        x="answer_type", y="questions", title="answer types kept"))
    if len(table):
        parts.append(mo.ui.table(table, label="dropped, and why", selection=None))
    return mo.vstack(parts)


@app.function
def run_one(name: str, db: str, settings: dict, llm, pipeline: str, chosen: list, *earlier, rows=None):
    """Build stage `name` from the settings and run it on what the last stage run before it
    kept (the first one: on every question none of the chosen stages dropped)."""
    [stage] = build_stages([name], {name: settings.get(name, {})}, llm)
    before = [r for r in earlier if r is not None]
    if rows is None and before:
        with store.connect(db, read_only=True) as _con:
            rows = load_questions(_con, before[-1].kept_ids)
    elif rows is None:
        stage.ignore_drops_by = tuple(chosen)
    return run_stage(stage, rows, db=db, pipeline=pipeline, progress=False)


@app.cell
def extract_cell(db_input, documents_input, llm, pipeline, script, settings, stages_input):
    # extract: an LLM turns each raw document into questions, or rejects it with a reason.
    run_extract = mo.ui.run_button(label="Run extract")
    extract_result = None
    if "extract" in stages_input.value and documents_input.value and (script or run_extract.value):
        extract_result = run_one("extract", db_input.value, settings, llm, pipeline, stages_input.value,
                                 rows=read_documents(documents_input.value))
    mo.vstack([run_extract, stage_effect(db_input.value, extract_result) if extract_result else
               mo.md("extract: needs raw documents and an LLM backend")])
    return (extract_result,)


@app.cell
def annotate_cell(db_input, extract_result, llm, pipeline, script, settings, stages_input):
    # annotate: answer type (LLM, or the rule guess from the reference), subject, difficulty.
    run_annotate = mo.ui.run_button(label="Run annotate")
    annotate_result = None
    if "annotate" in stages_input.value and (script or run_annotate.value):
        annotate_result = run_one("annotate", db_input.value, settings, llm, pipeline, stages_input.value,
                                  extract_result)
    mo.vstack([run_annotate, stage_effect(db_input.value, annotate_result) if annotate_result else
               mo.md("annotate: press the button (no LLM: answer types by rule, stored labels kept)")])
    return (annotate_result,)


@app.cell
def difficulty_cell(annotate_result, db_input, extract_result, pipeline, script, settings, stages_input):
    # difficulty: drop mathematics below the kept levels (default University, PhD).
    run_difficulty = mo.ui.run_button(label="Run difficulty")
    difficulty_result = None
    if "difficulty" in stages_input.value and (script or run_difficulty.value):
        difficulty_result = run_one("difficulty", db_input.value, settings, None, pipeline, stages_input.value,
                                    extract_result, annotate_result)
    mo.vstack([run_difficulty, stage_effect(db_input.value, difficulty_result) if difficulty_result else
               mo.md("difficulty: press the button")])
    return (difficulty_result,)


@app.cell
def candidates_cell(annotate_result, db_input, difficulty_result, extract_result, llm, pipeline, script,
                    settings, stages_input):
    # candidates: N sampled solutions per question (the paper's suffix), judged. Long: a job
    # runs it in the background (progress in the job's progress.json and the Curation page).
    run_candidates = mo.ui.run_button(label="Run candidates here")
    job_candidates = mo.ui.run_button(label="Run candidates as a background job")
    candidates_result = None
    _note = mo.md("candidates: needs an LLM backend and model")
    if "candidates" in stages_input.value and llm is not None:
        if script or run_candidates.value:
            candidates_result = run_one("candidates", db_input.value, settings, llm, pipeline, stages_input.value,
                                        extract_result, annotate_result, difficulty_result)
        elif job_candidates.value:
            from genreason.jobs.curate import start_curate_job

            _sets = [f"candidates.{k}={v}" for k, v in settings.get("candidates", {}).items()]
            _job = start_curate_job(db_input.value, ["candidates"], _sets,
                                    llm={"backend": llm.backend, "model": llm.model, "base_url": llm.base_url})
            _note = mo.md(f"started job `{_job.id}`; progress in `{_job.run_dir}/progress.json`")
    mo.vstack([mo.hstack([run_candidates, job_candidates]),
               stage_effect(db_input.value, candidates_result) if candidates_result else _note])
    return (candidates_result,)


@app.cell
def pass_rate_cell(annotate_result, candidates_result, db_input, difficulty_result, extract_result, pipeline,
                   script, settings, stages_input):
    # pass_rate: keep questions solved by some but not all candidates (0/N risky, N/N too easy).
    run_pass_rate = mo.ui.run_button(label="Run pass_rate")
    pass_rate_result = None
    if "pass_rate" in stages_input.value and (script or run_pass_rate.value):
        pass_rate_result = run_one("pass_rate", db_input.value, settings, None, pipeline, stages_input.value,
                                   extract_result, annotate_result, difficulty_result, candidates_result)
    mo.vstack([run_pass_rate, stage_effect(db_input.value, pass_rate_result) if pass_rate_result else
               mo.md("pass_rate: press the button (reads the stored candidates' verdicts)")])
    return (pass_rate_result,)


@app.cell
def dedup_cell(annotate_result, candidates_result, db_input, difficulty_result, extract_result,
               pass_rate_result, pipeline, script, settings, stages_input):
    # dedup: exact and near duplicates (MinHash LSH); one representative kept.
    run_dedup = mo.ui.run_button(label="Run dedup")
    dedup_result = None
    if "dedup" in stages_input.value and (script or run_dedup.value):
        dedup_result = run_one("dedup", db_input.value, settings, None, pipeline, stages_input.value,
                               extract_result, annotate_result, difficulty_result, candidates_result,
                               pass_rate_result)
    mo.vstack([run_dedup, stage_effect(db_input.value, dedup_result) if dedup_result else
               mo.md("dedup: press the button")])
    return (dedup_result,)


@app.cell
def decontaminate_cell(annotate_result, candidates_result, db_input, dedup_result, difficulty_result,
                       extract_result, pass_rate_result, pipeline, script, settings, stages_input):
    # decontaminate: 8-gram overlap with the benchmark files named in decontaminate.benchmarks.
    run_decontaminate = mo.ui.run_button(label="Run decontaminate")
    decontaminate_result = None
    _wanted = "decontaminate" in stages_input.value and settings.get("decontaminate", {}).get("benchmarks")
    if _wanted and (script or run_decontaminate.value):
        decontaminate_result = run_one("decontaminate", db_input.value, settings, None, pipeline,
                                       stages_input.value, extract_result, annotate_result, difficulty_result,
                                       candidates_result, pass_rate_result, dedup_result)
    mo.vstack([run_decontaminate, stage_effect(db_input.value, decontaminate_result) if decontaminate_result
               else mo.md("decontaminate: set decontaminate.benchmarks=FILE1,FILE2 and press the button")])
    return


if __name__ == "__main__":
    app.run()
