"""Evaluation page: stored benchmark results next to the paper's numbers, per category, two runs
side by side with the questions where they differ, drill-down to each question's record, and
an evaluation launched as a background job.

Everything is read through app/data.py (cached lib queries over `genreason.store.evals`);
tables come from `genreason.evaluate.report`; jobs start through `genreason.jobs.eval`.
A database holding only evaluation results (from `genreason eval rescore`) is shown too.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.express as px
import sidebar
import streamlit as st

import data
from genreason.evaluate.judges import JUDGES
from genreason.evaluate.loaders import BENCHMARKS
from genreason.evaluate.report import category_rows, k_rows, leaderboard, run_label
from genreason.jobs import ACTIVE
from genreason.paths import PathNotAllowedError, allowed_roots, confine_path
from genreason.store import StoreError

STATUSES = ("correct", "wrong", "no_answer", "undecided")
RECORD_COLUMNS = ["question_id", "sample", "category", "status", "extracted", "reference", "reason"]


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _state() -> data.DbState | None:
    db = st.session_state.get("db")
    if db is None:
        st.warning("Choose a database file in the sidebar.")
        return None
    state = data.db_state(db)
    if state.status == "missing":
        st.info(f"No database at `{db}` yet. Score a model from a terminal, e.g.:")
        st.code(f"genreason eval rescore --db {db} --benchmark mmlu_pro --in OUTPUTS.jsonl\n"
                f"genreason eval run --db {db} --benchmark gsm8k --backend hf --model MODEL_DIR --limit 50",
                language="bash", wrap_lines=True)
        return None
    if state.status == "error":
        st.error(state.message)
        return None
    return state


def _paper_table(runs: list[dict[str, Any]]) -> None:
    st.subheader("Next to the paper")
    rows = leaderboard(runs)
    benchmarks = [b for b in BENCHMARKS if any(b in r for r in rows)]
    table = pd.DataFrame([{k: r.get(k) for k in ["model", "protocol", "judge", *benchmarks]} for r in rows])
    table = table.rename(columns={b: BENCHMARKS[b].title for b in benchmarks})
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption("Accuracy in percent; each cell is the newest run of that model, protocol and judge. "
               "The paper's row is General-Reasoner-Qw3-14B (arXiv:2505.14652). Outputs without an "
               "answer count as wrong, never as a guessed letter.")


def _run_choice(runs: list[dict[str, Any]], label: str, key: str, benchmark: str | None = None,
                index: int = 0) -> dict[str, Any] | None:
    pool = [r for r in runs if benchmark is None or r["benchmark"] == benchmark]
    if not pool:
        return None
    names = {r["id"]: f"{BENCHMARKS[r['benchmark']].title} · {run_label(r)} · {_pct(r['accuracy'])} · {r['id']}"
             for r in pool}
    chosen = st.selectbox(label, list(names), format_func=names.get, key=key, index=min(index, len(names) - 1))
    return next(r for r in pool if r["id"] == chosen)


def _drill_down(state: data.DbState, run: dict[str, Any], category: str | None) -> None:
    cols = st.columns([1, 1, 2])
    cats = ["(all)", *run["summary"]["by_category"]]
    chosen = cols[0].selectbox("Category", cats, index=cats.index(category) if category in cats else 0, key="ev_cat")
    status = cols[1].selectbox("Status", ["(any)", *STATUSES], key="ev_status")
    records = data.eval_records(state.path, state.version, run["id"], None if chosen == "(all)" else chosen,
                                None if status == "(any)" else status)
    cols[2].caption(f"{len(records):,} records")
    if records.empty:
        st.info("No questions match.")
        return
    event = st.dataframe(records[RECORD_COLUMNS], hide_index=True, width="stretch", height=300,
                         on_select="rerun", selection_mode="single-row", key="ev_records")
    picked = event.selection.rows if event and event.selection else []
    if picked:
        row = records.iloc[picked[0]]
        full = data.eval_question(state.path, state.version, run["id"], row["question_id"])
        rec = next(r for r in full if r["sample"] == row["sample"])
        st.markdown(f"**{rec['question_id']}** (sample {rec['sample']}): {sidebar.verdict_text(bool(rec['verdict']))} "
                    f"· status `{rec['status']}` · rule `{rec['rule']}` · reference `{rec['reference']}`")
        st.markdown(f"Extracted: `{rec['extracted']}` · {rec['reason']}")
        if rec.get("harness_pred"):
            st.markdown(f"The outputs' own harness extracted: `{rec['harness_pred']}`")
        left, right = st.columns(2)
        left.text_area("Prompt", rec["prompt"] or "(not recorded: rescored outputs)", height=260, disabled=True)
        right.text_area("Output", rec["output"], height=260, disabled=True)


def _run_detail(state: data.DbState, runs: list[dict[str, Any]]) -> None:
    st.subheader("One run")
    run = _run_choice(runs, "Run", "ev_run")
    if run is None:
        return
    s = run["summary"]
    cols = st.columns(6)
    cols[0].metric("Accuracy", _pct(s["accuracy"]))
    paper = BENCHMARKS[run["benchmark"]].paper_score
    cols[1].metric("Paper (Qw3-14B)", "-" if paper is None else f"{paper:.1f}%")
    cols[2].metric("Questions", f"{s['questions']:,}")
    cols[3].metric("Samples / question", s["samples"])
    cols[4].metric("No answer (wrong)", f"{s['no_answer']:,}")
    cols[5].metric("Undecided (wrong)", f"{s['undecided']:,}")
    st.caption(f"model `{run['model']}` · protocol `{run['protocol']}` · judge `{run['judge']}` · "
               f"{run['mode']} · source `{run.get('source') or '-'}`")
    if BENCHMARKS[run["benchmark"]].note:
        st.caption("Note: " + BENCHMARKS[run["benchmark"]].note)
    agreement = s.get("harness_agreement")
    if agreement:
        st.caption(f"Agreement with the outputs' own harness letter: {agreement['agree']}/"
                   f"{agreement['harness_extracted']} ({_pct(agreement['agreement'])}) of the rows where it "
                   f"extracted one; rows where it found none: {agreement['random_fill_judged_as']}")
    ks = k_rows(s)
    if ks:
        st.plotly_chart(px.line(pd.DataFrame(ks), x="k", y="value", color="metric", markers=True,
                                title="pass@k and maj@k (%)"), key="ev_k")
    cats = pd.DataFrame(category_rows(s))
    fig = px.bar(cats, x="accuracy", y="category", orientation="h", hover_data=["questions", "no_answer"],
                 title="Accuracy by category (%) — click a bar for its questions")
    fig.update_layout(height=max(250, 24 * len(cats)), yaxis={"autorange": "reversed"})
    event = st.plotly_chart(fig, on_select="rerun", key="ev_cats")
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    _drill_down(state, run, points[0].get("y") if points else None)


def _side_by_side(state: data.DbState, runs: list[dict[str, Any]]) -> None:
    st.subheader("Two runs side by side")
    benchmark = st.selectbox("Benchmark", sorted({r["benchmark"] for r in runs}),
                             format_func=lambda b: BENCHMARKS[b].title, key="ev_cmp_bench")
    cols = st.columns(2)
    with cols[0]:
        a = _run_choice(runs, "Run A", "ev_a", benchmark)
    with cols[1]:
        b = _run_choice(runs, "Run B", "ev_b", benchmark, index=1)
    if a is None or b is None or a["id"] == b["id"]:
        st.caption("Pick two different runs of the same benchmark.")
        return
    result = data.eval_comparison(state.path, state.version, a["id"], b["id"])
    c = result["counts"]
    m = st.columns(5)
    m[0].metric("Both right", f"{c['both_right']:,}")
    m[1].metric("Both wrong", f"{c['both_wrong']:,}")
    m[2].metric("Only A right", f"{c['only_a_right']:,}")
    m[3].metric("Only B right", f"{c['only_b_right']:,}")
    m[4].metric("In one run only", f"{c['only_in_a'] + c['only_in_b']:,}")
    differ = pd.DataFrame(result["differ"])
    if differ.empty:
        st.info("The two runs agree on every question they share (first sample).")
        return
    st.dataframe(differ, hide_index=True, width="stretch", height=320)


def _launch(state: data.DbState) -> None:
    st.subheader("Evaluate a model or checkpoint")
    with st.form("ev_launch"):
        cols = st.columns(4)
        benchmark = cols[0].selectbox("Benchmark", list(BENCHMARKS), format_func=lambda b: BENCHMARKS[b].title)
        backend = cols[1].selectbox("Backend", ["hf", "vllm", "openai"])
        limit = cols[2].number_input("Questions (0 = all)", min_value=0, value=50, step=10)
        judge = cols[3].selectbox("Judge", ["(benchmark default)", *JUDGES])
        model = st.text_input("Model folder or checkpoint (served model name for openai)", key="ev_model")
        bench_file = st.text_input("Benchmark file (GPQA / SuperGPQA; blank: shared copy)", key="ev_data")
        base_url = st.text_input("Server URL (openai backend)", key="ev_base_url", placeholder="http://127.0.0.1:8000/v1")
        if st.form_submit_button("Start evaluation job", type="primary") and model.strip():
            try:
                roots = allowed_roots()
                path = model.strip() if backend == "openai" else str(confine_path(model.strip(), roots))
                options: dict[str, Any] = {"backend": backend, "limit": int(limit) or None,
                                           "judge": None if judge.startswith("(") else judge,
                                           "data": str(confine_path(bench_file.strip(), roots)) if bench_file.strip() else None}
                if backend == "openai" and base_url.strip():
                    options["backend_options"] = {"base_url": base_url.strip()}
                job = data.start_eval_job(state.path, path, benchmark, **options)
                st.success(f"Started job `{job.id}`.")
            except (ValueError, PathNotAllowedError, StoreError, OSError) as exc:
                st.error(f"not started: {exc}")
    jobs = data.eval_jobs(state.path)
    if jobs:
        st.dataframe(pd.DataFrame([{
            "job": j["id"], "state": j["state"], "done": j["progress"].get("done"), "total": j["progress"].get("total"),
            "accuracy": _pct(j["progress"].get("accuracy")) if j["progress"].get("accuracy") is not None else "",
            "benchmark": j["config"].get("eval", {}).get("benchmark"), "model": j["config"].get("eval", {}).get("model"),
            "error": (j.get("error") or "")[:200]} for j in jobs]), hide_index=True, width="stretch")
        if any(j["state"] in ACTIVE for j in jobs):
            st.button("Refresh progress", key="ev_refresh")


def _page() -> None:
    st.title("Evaluation")
    state = _state()
    if state is None:
        return
    try:
        runs = data.eval_runs(state.path, state.version)
        if runs:
            _paper_table(runs)
            _run_detail(state, runs)
            _side_by_side(state, runs)
        else:
            st.info("No evaluation results yet. Start one below, or from a terminal: "
                    "`genreason eval rescore --benchmark mmlu_pro --in OUTPUTS.jsonl`.")
        _launch(state)
    except StoreError as exc:
        st.error(str(exc))
        st.button("Try again")


_page()
