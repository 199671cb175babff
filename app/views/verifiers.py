"""Verifiers page: compare two judges, work through their disagreements, record human verdicts,
and run a verifier on the Dataset page's selection as a background job.

Any stored judge compares: rule, model, hybrid, human, imported reference labels. Judge A is
scored against judge B taken as truth (genreason.verify.assess.compare). Human verdicts are stored as
judgments of judge "human"; jobs are recorded in the store and write their own run folder.
"""

from __future__ import annotations

from typing import Any

import plotly.express as px
import plotly.graph_objects as go
import sidebar
import streamlit as st

import data
from genreason.jobs import ACTIVE
from genreason.store import StoreError
from genreason.store.browse import QuestionFilter
from genreason.verify.registry import VERIFIERS

TRUTH_JUDGES = ("human", "reference")  # preferred as judge B, in this order
GROUP_LABELS = {"answer_type": "Answer type", "category": "Subject", "difficulty": "Difficulty"}
OUTCOME_COLORS = {"both true": "#16a34a", "both false": "#64748b", "only A true": "#f59e0b",
                  "only B true": "#dc2626", "undecided": "#a855f7"}


def _fmt(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _matrix_figure(matrix: dict[str, dict[str, int]], a: str, b: str) -> go.Figure:
    labels = list(matrix)
    z = [[matrix[ra][cb] for cb in labels] for ra in labels]
    fig = go.Figure(go.Heatmap(z=z, x=labels, y=labels, colorscale="Blues", showscale=False,
                               text=[[f"{v:,}" for v in row] for row in z], texttemplate="%{text}",
                               hovertemplate=f"{a}: %{{y}}<br>{b}: %{{x}}<br>%{{z:,}}<extra></extra>"))
    fig.update_layout(height=300, margin={"l": 0, "r": 0, "t": 30, "b": 0},
                      xaxis_title=f"B: {b}", yaxis_title=f"A: {a}", yaxis={"autorange": "reversed"},
                      title="Agreement matrix")
    return fig


def _comparison(state: data.DbState, a: str, b: str) -> dict[str, Any]:
    result = data.comparison(state.path, state.version, a, b)
    m = result["metrics"]
    if not m["n"]:
        st.info(f"`{a}` and `{b}` have judged no candidate in common yet.")
        return result
    cols = st.columns(6)
    cols[0].metric("Items judged by both", f"{m['n']:,}")
    cols[1].metric("Agreement", _fmt(m["agreement"]))
    cols[2].metric("Cohen's kappa", _fmt(m["kappa"]))
    cols[3].metric("Precision (A vs B)", _fmt(m["precision"]))
    cols[4].metric("Recall (A vs B)", _fmt(m["recall"]))
    cols[5].metric("F1", _fmt(m["f1"]))
    left, right = st.columns([1, 2])
    left.plotly_chart(_matrix_figure(result["matrix"], a, b), config={"displayModeBar": False})
    with right:
        tabs = st.tabs([GROUP_LABELS[g] for g in result["bars"]])
        for tab, (group, rows) in zip(tabs, result["bars"].items(), strict=True):
            with tab:
                fig = px.bar(rows, x=group, y="share", color="outcome", custom_data=["count", "n"],
                             color_discrete_map=OUTCOME_COLORS, height=300)
                fig.update_traces(hovertemplate="%{x}: %{customdata[0]:,} of %{customdata[1]:,}")
                fig.update_layout(margin={"l": 0, "r": 0, "t": 10, "b": 0}, yaxis_tickformat=".0%",
                                  xaxis_title=None, legend_title=None)
                st.plotly_chart(fig, config={"displayModeBar": False}, key=f"bars_{group}")
                st.dataframe(result["breakdowns"][group], hide_index=True)
    return result


def _record(db: str, candidate_id: str, verdict: bool | None, note_key: str) -> None:
    """Button callback: runs before the rerun, so the whole rerun sees the new data version."""
    try:
        data.record_human_verdict(db, candidate_id, verdict, st.session_state.get(note_key, ""))
    except Exception as exc:  # shown to the person; the store is unchanged
        st.session_state["verdict_message"] = ("error", f"not stored: {exc}")
        return
    st.session_state["verdict_message"] = (
        "success", f"Stored human verdict {sidebar.verdict_text(verdict)} for `{candidate_id}`.")
    st.session_state[note_key] = ""


def _step(delta: int, size: int) -> None:
    st.session_state["queue_pos"] = min(max(1, st.session_state.get("queue_pos", 1) + delta), size)


def _judge_column(slot: Any, title: str, row: dict[str, Any], side: str) -> None:
    with slot.container(border=True):
        st.markdown(f"**{title}**: {sidebar.verdict_text(row[f'verdict_{side}'])}")
        st.markdown("Extracted answer")
        st.code(row[f"extracted_{side}"] or "(nothing recorded)", language=None, wrap_lines=True)
        st.markdown(f"Reason: {row[f'reason_{side}'] or '(none)'}")
        st.caption(f"rule: {row[f'rule_{side}'] or '-'}")


def _queue(state: data.DbState, result: dict[str, Any], a: str, b: str) -> None:
    items, total = result["disagreements"], result["n_disagreements"]
    st.subheader(f"Disagreements ({total:,})")
    if not items:
        st.caption("The two judges agree on every item they both judged.")
        return
    size = len(items)
    st.session_state["queue_pos"] = min(st.session_state.get("queue_pos", 1), size)
    nav = st.columns([1, 1, 1, 5], vertical_alignment="bottom")
    nav[0].button("Previous", key="queue_previous", on_click=_step, args=(-1, size),
                  disabled=st.session_state["queue_pos"] <= 1)
    nav[1].button("Next", key="queue_next", on_click=_step, args=(1, size),
                  disabled=st.session_state["queue_pos"] >= size)
    nav[2].number_input("Item", min_value=1, max_value=size, key="queue_pos")
    shown = f" (the first {size:,} are queued)" if size < total else ""
    nav[3].caption(f"Item {st.session_state['queue_pos']} of {size:,}{shown}")
    row = items[st.session_state["queue_pos"] - 1]
    tags = " · ".join(str(row.get(k) or "-") for k in ("answer_type", "category", "difficulty"))
    st.markdown(f"Candidate `{row['item_id']}` of question `{row['question_id']}` · {tags}")
    with st.container(border=True):
        st.markdown(row["question"])
        st.markdown("**Reference answer**")
        st.code(row["reference"], language=None, wrap_lines=True)
        with st.expander("Response", expanded=True):
            st.code(row["response"], language=None, wrap_lines=True)
    left, right = st.columns(2)
    _judge_column(left, f"A: {a}", row, "a")
    _judge_column(right, f"B: {b}", row, "b")

    human = [j for j in data.candidate_judgments(state.path, state.version, row["item_id"])
             if j["judge"] == "human"]
    st.markdown("**Your verdict** (stored as judge `human`, replacing an earlier one)")
    if human:
        st.caption(f"Stored: {sidebar.verdict_text(human[0]['verdict'])}, {human[0]['reason']}")
    note_key = f"note_{row['item_id']}"
    st.text_input("Note (optional)", key=note_key)
    buttons = st.columns([1, 1, 1, 4])
    for slot, (label, verdict) in zip(buttons, [("Correct", True), ("Incorrect", False),
                                                ("Can't tell", None)], strict=False):
        slot.button(label, key=f"verdict_{label}", on_click=_record,
                    args=(state.path, row["item_id"], verdict, note_key))
    message = st.session_state.pop("verdict_message", None)
    if message:
        getattr(st, message[0])(message[1])


def _describe(filters: QuestionFilter) -> str:
    parts = [f"{k}: {', '.join(getattr(filters, k))}" for k in
             ("category", "difficulty", "answer_type", "source", "status") if getattr(filters, k)]
    if filters.text.strip():
        parts.append(f"text contains “{filters.text.strip()}”")
    return "; ".join(parts) or "all questions"


def _stop(db: str, job_id: str) -> None:
    try:
        data.stop_job(db, job_id)
    except (ValueError, OSError, StoreError) as exc:
        st.session_state["job_message"] = ("error", f"could not stop {job_id}: {exc}")


def _start(state: data.DbState, judge: str, filters: QuestionFilter, unjudged: bool, limit: int) -> None:
    try:
        options = sidebar.model_options(judge)
        job = data.start_verify_job(state.path, judge, filters, judge_missing=unjudged, limit=limit,
                                    options=options, selection=_describe(filters))
    except (ValueError, OSError, StoreError) as exc:
        st.session_state["job_message"] = ("error", f"not started: {exc}")
        return
    st.session_state["job_message"] = ("success", f"Started job `{job.id}`.")
    st.session_state["jobs_active"] = True


def _run_panel(state: data.DbState) -> None:
    st.subheader("Run a verifier")
    filters: QuestionFilter = st.session_state.get("filters", QuestionFilter())
    st.caption(f"Selection from the Dataset page: {_describe(filters)}")
    cols = st.columns([1, 2, 1], vertical_alignment="bottom")
    judge = cols[0].selectbox("Verifier", list(VERIFIERS), key="run_judge")
    unjudged = cols[1].checkbox(f"Only candidates `{judge}` has not judged", value=True,
                                key="run_unjudged")
    available = data.count_candidates(state.path, state.version, filters, judge if unjudged else None)
    limit = cols[2].number_input("At most", min_value=1, value=1000, step=100, key="run_limit")
    if judge != "rule":
        st.caption(f"Backend from the sidebar: {st.session_state.get('backend')} · "
                   f"model {st.session_state.get('model') or '(not set)'}")
    st.button(f"Judge {min(available, int(limit)):,} of {available:,} candidates with `{judge}`",
              disabled=available == 0, on_click=_start,
              args=(state, judge, filters, unjudged, int(limit)), type="primary")
    message = st.session_state.pop("job_message", None)
    if message:
        getattr(st, message[0])(message[1])


def _jobs_body(db: str, polling: bool) -> None:
    try:
        jobs = data.recent_jobs(db, limit=8)
    except StoreError as exc:  # a writer holds the store; the next tick tries again
        st.caption(f"Jobs unavailable for the moment: {exc}")
        return
    active = any(j["state"] in ACTIVE for j in jobs)
    if active != polling:  # start or stop polling; a finished job also refreshes the page
        st.session_state["jobs_active"] = active
        st.rerun()
    if not jobs:
        st.caption("No jobs yet.")
        return
    for job in jobs:
        p, cfg = job["progress"], job["config"]
        total, done = p.get("total") or 0, p.get("done") or 0
        with st.container(border=True):
            head = st.columns([5, 1], vertical_alignment="center")
            head[0].markdown(f"`{job['id']}` · **{job['state']}** · {cfg.get('judge', job['kind'])} "
                             f"on {cfg.get('candidates', '?')} candidates ({cfg.get('selection') or '-'})")
            if job["state"] in ACTIVE:
                head[1].button("Stop", key=f"stop_{job['id']}", on_click=_stop, args=(db, job["id"]))
            st.progress(done / total if total else 0.0,
                        text=f"{done:,} / {total:,} judged" + (f" in {p['seconds']:.1f} s" if p.get("seconds") else ""))
            if job["error"] or p.get("error"):
                st.error(job["error"] or p.get("error"))
            st.caption(f"run folder: {job['run_dir']}")


def _page(state: data.DbState) -> None:
    judges = data.judge_names(state.path, state.version)
    if len(judges) < 2:
        st.info("Comparing needs two judges with stored verdicts; stored now: "
                + (", ".join(f"`{j}`" for j in judges) or "none")
                + ". Run a verifier below, or ingest labelled candidates "
                  "(`genreason ingest ... --judge reference`).")
    else:
        # Default: a verifier (A) scored against people or imported labels (B) when there are any.
        truth = next((j for j in TRUTH_JUDGES if j in judges), judges[1])
        scored = next(j for j in judges if j != truth)
        pick = st.columns(2)
        judge_a = pick[0].selectbox("Judge A (scored)", judges, index=judges.index(scored), key="judge_a")
        judge_b = pick[1].selectbox("Judge B (taken as truth)", judges, index=judges.index(truth),
                                    key="judge_b")
        if judge_a == judge_b:
            st.warning("Pick two different judges.")
        else:
            result = _comparison(state, judge_a, judge_b)
            if result["metrics"]["n"]:
                _queue(state, result, judge_a, judge_b)
    _run_panel(state)
    st.subheader("Jobs")
    polling = st.session_state.setdefault("jobs_active", False)
    st.fragment(run_every=1.0 if polling else None)(_jobs_body)(state.path, polling)


st.title("Verifiers")
sidebar.show_page(_page)
