"""Stage 4, train: configure a GRPO run with the paper's reward, launch it as a job, watch it.

Picks a preset, a model folder (or builds the tiny model on the spot), and questions from a
snapshot or a file; launches the run as a background job (the same job the app's Training page
and `genreason train grpo` start), follows its progress, and draws its curves and a sample of
its completions from the run folder.

    marimo edit notebooks/04_train.py
    python notebooks/04_train.py --db data/genreason.duckdb --model tiny --steps 3
    python notebooks/04_train.py --db data/genreason.duckdb --snapshot demo --preset qwen3-4b-base \
        --model /models/Qwen3-4B-Base --steps 40
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")

with app.setup:
    from pathlib import Path

    import marimo as mo
    import pandas as pd
    import plotly.express as px

    from genreason import jobs
    from genreason.llm.tiny import tiny_model_dir
    from genreason.train import runs
    from genreason.train.config import PRESETS


@app.cell
def parameters():
    # Command-line arguments (python notebooks/04_train.py --steps 3 --db ...) set the defaults.
    _args = mo.cli_args()
    _sample = Path(mo.notebook_dir() or ".").parent / "data" / "sample" / "questions.jsonl"
    db_input = mo.ui.text(value=str(_args.get("db") or "data/genreason.duckdb"), label="database", full_width=True)
    preset_input = mo.ui.dropdown(list(PRESETS), value=str(_args.get("preset") or "tiny-cpu"), label="preset")
    model_input = mo.ui.text(value=str(_args.get("model") or "tiny"), label="model folder ('tiny' builds one)",
                             full_width=True)
    snapshot_input = mo.ui.text(value=str(_args.get("snapshot") or ""), label="snapshot (empty: questions file)")
    questions_input = mo.ui.text(value=str(_args.get("questions") or _sample), label="questions file", full_width=True)
    steps_input = mo.ui.number(value=int(_args.get("steps") or 3), start=1, stop=100_000, label="optimizer steps")
    limit_input = mo.ui.number(value=int(_args.get("limit") or 8), start=1, stop=10_000_000, label="questions")
    judge_input = mo.ui.dropdown(["rule", "model", "hybrid"], value=str(_args.get("judge") or "rule"), label="judge")
    launch = mo.ui.run_button(label="Launch")
    mo.vstack([db_input, mo.hstack([preset_input, judge_input, steps_input, limit_input]), model_input,
               snapshot_input, questions_input, launch])
    return (db_input, judge_input, launch, limit_input, model_input, preset_input, questions_input,
            snapshot_input, steps_input)


@app.cell
def start(db_input, judge_input, launch, limit_input, model_input, preset_input, questions_input,
          snapshot_input, steps_input):
    # In the editor the run waits for the button; as a script it starts straight away.
    mo.stop(not launch.value and mo.app_meta().mode != "script", mo.md("Press **Launch** to start the run."))
    _model = str(tiny_model_dir()) if model_input.value.strip() == "tiny" else model_input.value.strip()
    print(f"preset {preset_input.value}: {PRESETS[preset_input.value][1]}")
    _source = ({"snapshot": snapshot_input.value.strip()} if snapshot_input.value.strip()
               else {"questions_file": questions_input.value.strip()})
    job = jobs.start_job(db_input.value, "grpo", {
        "preset": preset_input.value, "model": _model, "judge": judge_input.value, **_source,
        "overrides": {"max_steps": str(int(steps_input.value)), "limit_questions": str(int(limit_input.value))}})
    mo.md(f"Started job `{job.id}` (pid {job.pid}) in `{job.run_dir}`")
    return (job,)


@app.cell
def watch(db_input, job):
    # Follows the job to its end; stop it from here with jobs.stop_job(db, job.id), the app, or
    # `genreason jobs stop JOB_ID` (it saves a checkpoint; jobs.resume_job continues it).
    finished = jobs.wait_job(db_input.value, job.id, poll_s=1.0,
                             on_update=lambda j: print(f"{j['state']:<8} step {j['progress'].get('step', 0)}"
                                                       f"/{j['progress'].get('total') or '?'}", flush=True))
    mo.stop(finished["state"] != "done",
            mo.md(f"Job ended **{finished['state']}**:\n\n```\n{finished['error'] or jobs.log_tail(job.run_dir)}\n```"))
    mo.md(f"Job `{job.id}` **done** at step {finished['progress'].get('step')}")
    return (finished,)


@app.cell
def curves(finished, job):
    _rows = runs.read_metrics(job.run_dir)
    _charts = []
    for _title, _names in runs.METRIC_GROUPS.items():
        _series = runs.metric_series(_rows, _names)
        if _series:
            _charts.append(px.line(pd.DataFrame(_series), x="step", y="value", color="metric", markers=True,
                                   title=_title, height=260))
    metrics_table = pd.DataFrame(_rows)
    print(metrics_table[[c for c in ("step", "reward", "reward_std", "kl", "entropy", "frac_reward_zero_std",
                                     "step_time_s") if c in metrics_table.columns]].to_string(index=False))
    mo.vstack(_charts)
    return (metrics_table,)


@app.cell
def completions(finished, job):
    _rows = runs.read_completions(job.run_dir, limit=50)
    mo.stop(not _rows, mo.md("No sampled completions were written."))
    mo.ui.table(pd.DataFrame(_rows)[["step", "id", "reward", "outcome", "extracted", "reference", "completion"]],
                label="sampled completions, newest step first")
    return


if __name__ == "__main__":
    app.run()
