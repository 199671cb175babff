"""Training page: launch GRPO or compact-verifier runs, watch their curves live, stop and resume.

Everything is read through app/data.py (jobs from the store, metrics and completions from run
folders) and started through lib (`genreason.jobs.start_job`, whose kind module validates the
settings before anything is recorded). The jobs section refreshes itself every two seconds
while a job is active. A GRPO run that ended with a model (its final/ folder or newest
checkpoint) can be evaluated in one click: an eval job (`genreason.jobs.eval`) whose progress
and scores show on the Evaluation page.
"""

from __future__ import annotations

import time
from typing import Any

import pandas as pd
import plotly.express as px
import sidebar
import streamlit as st

import data
from genreason import paths
from genreason.evaluate.loaders import BENCHMARKS, offline_benchmarks
from genreason.jobs import ACTIVE
from genreason.jobs.grpo import trained_model
from genreason.store import StoreError
from genreason.train import runs
from genreason.train.config import PRESETS
from genreason.verify.registry import VERIFIERS


def _launch(state: data.DbState, form: dict[str, Any]) -> None:
    try:
        overrides = runs.parse_settings(form["overrides"])
        # Typed paths stay inside the allowed folders (the data folder, $GENREASON_ALLOWED_ROOTS).
        model = str(paths.confine_path(form["model"], paths.allowed_roots()))
        if form["kind"] == "GRPO":
            source = {"snapshot": form["snapshot"]} if form["source"] == "Snapshot" else {
                "questions_file": str(paths.confine_path(form["questions_file"], paths.allowed_roots()))}
            config = {"preset": form["preset"], "model": model, **source,
                      "judge": form["judge"], "overrides": overrides}
            if form["judge"] != "rule":
                config["judge_options"] = sidebar.model_options(form["judge"])
            job = data.start_training_job(state.path, "grpo", config)
        else:
            job = data.start_training_job(state.path, "verifier-sft", {
                "base_model": model, "teacher": form["teacher"],
                "run_name": form["run_name"].strip(), "overrides": overrides})
    except (ValueError, OSError, StoreError) as exc:
        st.session_state["train_message"] = ("error", f"not started: {exc}")
        return
    st.session_state["train_message"] = ("success", f"Started job `{job.id}`.")
    st.session_state["train_active"] = True


def _launch_form(state: data.DbState) -> None:
    st.subheader("Launch a run")
    kind = st.radio("Kind", ["GRPO", "Verifier SFT"], horizontal=True, key="train_kind")
    form: dict[str, Any] = {"kind": kind}
    with st.form("launch", border=True):
        if kind == "GRPO":
            cols = st.columns(3)
            form["preset"] = cols[0].selectbox("Preset", list(PRESETS), index=list(PRESETS).index("tiny-cpu"))
            form["judge"] = cols[1].selectbox("Reward judge", list(VERIFIERS), key="train_judge")
            form["source"] = cols[2].radio("Questions from", ["Snapshot", "File"], horizontal=True)
            snapshots = data.snapshot_names(state.path, state.version)
            form["snapshot"] = st.selectbox("Snapshot", snapshots or ["(no snapshots yet)"],
                                            disabled=not snapshots)
            form["questions_file"] = st.text_input("Questions file (JSONL/Parquet)", key="train_qfile")
            st.caption(PRESETS[form["preset"]][1])
        else:
            judges = data.judge_names(state.path, state.version)
            form["teacher"] = st.selectbox("Teacher judge (labels)", judges or ["(no judgments yet)"])
            form["run_name"] = st.text_input("Run name (the judge becomes model:<run name>)", key="train_run_name")
        form["model"] = st.text_input("Model folder", key="train_model",
                                      help="a local model folder (`genreason tiny-model --out DIR` builds a tiny one)")
        form["overrides"] = st.text_area(
            "Overrides, one key=value per line", key="train_overrides",
            placeholder="max_steps=10\nlearning_rate=1e-6",
            help="Any setting of the run: max_steps, learning_rate, report_to=wandb, vllm=colocate, "
                 "audit_judge=rule (a second judge re-checks a sample of each step's rewards), ...")
        if st.form_submit_button("Launch", type="primary"):
            _launch(state, form)
    message = st.session_state.pop("train_message", None)
    if message:
        getattr(st, message[0])(message[1])


def _stop(db: str, job_id: str) -> None:
    try:
        data.stop_job(db, job_id)
    except (ValueError, OSError, StoreError) as exc:
        st.session_state["train_message"] = ("error", f"could not stop {job_id}: {exc}")


def _resume(db: str, job_id: str) -> None:
    try:
        data.resume_job(db, job_id)
    except (ValueError, OSError, StoreError) as exc:
        st.session_state["train_message"] = ("error", f"could not resume {job_id}: {exc}")
        return
    st.session_state["train_active"] = True


def _evaluate(db: str, job_id: str, model: str) -> None:
    benchmark = st.session_state[f"evb_{job_id}"]
    limit = int(st.session_state[f"evl_{job_id}"]) or None
    try:
        started = data.start_eval_job(db, model, benchmark, limit=limit)
    except (ValueError, OSError, StoreError) as exc:
        st.session_state[f"evmsg_{job_id}"] = ("error", f"evaluation not started: {exc}")
        return
    size = f"the first {limit} questions of " if limit else ""
    st.session_state[f"evmsg_{job_id}"] = (
        "success", f"Started evaluation job `{started.id}`: `{model}` on {size}{BENCHMARKS[benchmark].title}. "
                   "Its progress and, once it ends, its scores are on the Evaluation page.")


def _evaluate_controls(db: str, job: dict[str, Any], model: Any) -> None:
    """One click evaluates the run's final model (or newest checkpoint) on a benchmark (issue 11)."""
    key = job["id"]
    benchmarks = offline_benchmarks()
    if not benchmarks:
        st.caption(f"`{model}` can be evaluated from the Evaluation page (no benchmark file in the shared "
                   "real data here: give one there).")
        return
    cols = st.columns([3, 2, 2, 1], vertical_alignment="bottom")
    cols[0].markdown(f"Evaluate `{model.name}` of this run")
    cols[1].selectbox("Benchmark", benchmarks, format_func=lambda b: BENCHMARKS[b].title, key=f"evb_{key}",
                      index=benchmarks.index("gsm8k") if "gsm8k" in benchmarks else 0)
    cols[2].number_input("Questions (--limit, 0 = all)", min_value=0, value=50, step=10, key=f"evl_{key}")
    cols[3].button("Evaluate", key=f"eval_{key}", on_click=_evaluate, args=(db, key, str(model)))
    message = st.session_state.pop(f"evmsg_{key}", None)
    if message:
        getattr(st, message[0])(message[1])
        if message[0] == "success":
            st.page_link("views/evaluation.py", label="Open the Evaluation page", icon=":material/fact_check:")
    done = data.checkpoint_evals(db, str(model))
    if done:
        st.caption("Evaluations of this model: " + ", ".join(
            f"`{j['id']}` {j['config']['eval']['benchmark']} {j['state']}" for j in done[:5]))


def _eta(seconds: Any) -> str:
    if not isinstance(seconds, (int, float)):
        return "-"
    return f"{seconds / 60:.1f} min" if seconds >= 90 else f"{seconds:.0f} s"


def _job_row(db: str, job: dict[str, Any]) -> None:
    p, cfg = job["progress"], job["config"]
    what = cfg.get("preset") or cfg.get("run_name") or ""
    with st.container(border=True, key=f"job_{job['id']}"):
        head = st.columns([6, 1, 1], vertical_alignment="center")
        eta = f" · ETA {_eta(p.get('eta_s'))}" if job["state"] in ACTIVE else ""
        started = f"{job['started_at']:%Y-%m-%d %H:%M:%S}" if job["started_at"] else "-"
        head[0].markdown(f"`{job['id']}` · {job['kind']} {what} · **{job['state']}** · "
                         f"started {started}{eta}")
        if job["state"] in ACTIVE:
            head[1].button("Stop", key=f"stop_{job['id']}", on_click=_stop, args=(db, job["id"]))
        elif job["state"] in ("stopped", "failed", "lost"):
            head[1].button("Resume", key=f"resume_{job['id']}", on_click=_resume, args=(db, job["id"]))
        show_log = head[2].toggle("Log", key=f"log_{job['id']}")
        step, total = p.get("step") or 0, p.get("total") or 0
        st.progress(min(step / total, 1.0) if total else 0.0,
                    text=f"step {step} / {total or '?'}" + (f" · reward {p['reward']:.3f}"
                                                           if isinstance(p.get("reward"), float) else ""))
        if job["error"] or p.get("error"):
            st.error(job["error"] or p.get("error"))
        model = trained_model(job)
        if model is not None:
            _evaluate_controls(db, job, model)
        if show_log:
            st.code(data.job_log(job["run_dir"]), language=None)


def _jobs_body(db: str, polling: bool) -> None:
    try:
        found = data.training_jobs(db)
    except StoreError as exc:
        st.caption(f"Jobs unavailable for the moment: {exc}")
        return
    active = any(j["state"] in ACTIVE for j in found)
    if active != polling:
        st.session_state["train_active"] = active
        st.rerun()
    if not found:
        st.caption("No training jobs yet.")
        return
    for job in found:
        _job_row(db, job)
    _curves(found)


def _curves(found: list[dict[str, Any]]) -> None:
    with_metrics = [j for j in found if data.run_metrics(j["run_dir"], runs.files_version(j["run_dir"]))]
    st.subheader("Curves")
    if not with_metrics:
        st.caption("No metrics yet: the first point appears when a run finishes its first step.")
        return
    ids = [j["id"] for j in with_metrics]
    newest_grpo = next((j["id"] for j in with_metrics if j["kind"] == "grpo"), ids[0])
    chosen = st.multiselect("Runs (several overlay)", ids, default=[newest_grpo], key="train_runs")
    frames = []
    for job in with_metrics:
        if job["id"] in chosen:
            rows = data.run_metrics(job["run_dir"], runs.files_version(job["run_dir"]))
            for title, names in runs.METRIC_GROUPS.items():
                for point in runs.metric_series(rows, names):
                    frames.append({**point, "run": job["id"], "chart": title})
    if not frames:
        st.caption("Pick a run.")
        return
    df = pd.DataFrame(frames)
    cols = st.columns(2)
    for i, (title, group) in enumerate(df.groupby("chart", sort=False)):
        fig = px.line(group, x="step", y="value", color="run", line_dash="metric", markers=True,
                      title=title, height=280)
        fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend_title_text="")
        cols[i % 2].plotly_chart(fig, key=f"chart_{title}")


def _completions(found: list[dict[str, Any]]) -> None:
    grpo = [j for j in found if j["kind"] == "grpo"]
    st.subheader("Completions")
    if not grpo:
        st.caption("Sampled completions appear here for GRPO runs.")
        return
    cols = st.columns(3)
    job_id = cols[0].selectbox("Run", [j["id"] for j in grpo], key="completions_run")
    run_dir = next(j["run_dir"] for j in grpo if j["id"] == job_id)
    steps = runs.completion_steps(run_dir)
    step = cols[1].selectbox("Step", ["all", *steps[::-1]], key="completions_step")
    verdict = cols[2].selectbox("Verdict", runs.VERDICT_FILTERS, key="completions_verdict")
    rows = data.run_completions(run_dir, runs.files_version(run_dir),
                                None if step == "all" else int(step), verdict)
    if not rows:
        st.caption("No completions match.")
        return
    table = pd.DataFrame(rows)
    shown = [c for c in ("step", "id", "reward", "outcome", "extracted", "reference", "length_penalty",
                         "path", "completion") if c in table.columns]
    st.dataframe(table[shown], hide_index=True, width="stretch")
    audited = runs.read_audit(run_dir)
    if audited:
        st.markdown("**Where the audit judge disagreed with the reward**")
        st.dataframe(pd.DataFrame(audited), hide_index=True, width="stretch")


def _page(state: data.DbState) -> None:
    _launch_form(state)
    st.subheader("Jobs")
    polling = st.session_state.setdefault("train_active", False)
    st.fragment(run_every=2.0 if polling else None)(_jobs_body)(state.path, polling)
    try:
        _completions(data.training_jobs(state.path))
    except StoreError as exc:
        st.caption(f"Completions unavailable for the moment: {exc}")
    st.caption(f"Page rendered at {time.strftime('%H:%M:%S')}")


st.title("Training")
sidebar.show_page(_page)
