"""Verifiers page: compare two judges, work through their disagreements, record human verdicts,
and run a verifier on the Dataset page's selection as a background job.

Any stored judge compares: rule, model, hybrid, human, imported reference labels. Judge A is
scored against judge B taken as truth (genreason.verify.assess.compare). A person's verdicts are
stored as judge `human:<name>` (the annotator name in the sidebar; `human` without one), so
annotators compare with each other like any two judges. Jobs are recorded in the store and
write their own run folder.
"""

from __future__ import annotations

from typing import Any

import disagreements
import plotly.express as px
import plotly.graph_objects as go
import record
import sidebar
import streamlit as st

import data
from genreason.jobs import ACTIVE
from genreason.store import StoreError
from genreason.store.browse import QuestionFilter
from genreason.verify.registry import VERIFIERS

ANY, VERDICT_WORD = disagreements.ANY, disagreements.VERDICT_WORD

TRUTH_JUDGES = ("reference", "human")  # judges taken as truth by default (and human:<name>)
GROUP_LABELS = {"answer_type": "Answer type", "category": "Subject", "difficulty": "Difficulty"}
OUTCOME_COLORS = {"both true": "#16a34a", "both false": "#64748b", "only A true": "#f59e0b",
                  "only B true": "#dc2626", "undecided": "#a855f7"}
RESUMABLE = ("failed", "stopped", "lost")  # job states the page offers to resume
SAMPLE_SEED = 0


def _fmt(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    return f"{round(value, digits) + 0.0:.{digits}f}"  # + 0.0: never "-0.000"


def _kappa(metrics: dict[str, Any]) -> str:
    # Kappa over fewer than two items is undefined in all but name (one item gives 0 or 1).
    return "n/a" if metrics["n"] < 2 else _fmt(metrics["kappa"])


def _is_truth(judge: str) -> bool:
    return judge in TRUTH_JUDGES or judge.startswith("human:")


def default_pair(judges: list[str], overlaps: dict[tuple[str, str], int]) -> tuple[str, str]:
    """A verifier (A) against the truth judge (B) it shares the most items with; reference
    labels before people on a tie, so one human verdict does not take the view over."""
    def shared(a: str, b: str) -> int:
        return overlaps.get((a, b), 0)

    truths = [j for j in judges if _is_truth(j)]
    scored = [j for j in judges if not _is_truth(j)] or judges
    best = max(((shared(a, b), b == "reference", a, b) for b in truths for a in scored if a != b),
               default=None)
    if best is not None and best[0] > 0:
        return best[2], best[3]
    pairs = sorted(((shared(a, b), a, b) for a in judges for b in judges if a != b), reverse=True)
    return (pairs[0][1], pairs[0][2]) if pairs else (judges[0], judges[1])


def _choose_pair(state: data.DbState, judges: list[str]) -> tuple[str, str]:
    overlaps = data.judge_overlaps(state.path, state.version)
    a, b = default_pair(judges, overlaps)
    # The person's last choice wins while both judges still exist (remembered across pages).
    kept_a, kept_b = sidebar.kept("judge_a"), sidebar.kept("judge_b")
    if kept_a in judges and kept_b in judges:
        a, b = kept_a, kept_b
    sidebar.restore("judge_a", a)
    sidebar.restore("judge_b", b)
    if st.session_state["judge_a"] not in judges:
        st.session_state["judge_a"] = a
    if st.session_state["judge_b"] not in judges:
        st.session_state["judge_b"] = b
    pick = st.columns(2)
    judge_a = pick[0].selectbox("Judge A (scored)", judges, key="judge_a")
    judge_b = pick[1].selectbox("Judge B (taken as truth)", judges, key="judge_b")
    sidebar.remember("judge_a", "judge_b")
    return judge_a, judge_b


def _matrix_figure(matrix: dict[str, dict[str, int]], a: str, b: str) -> go.Figure:
    """The agreement matrix as a grid of square markers: unlike a heatmap, scatter points can
    be selected, so a click on a cell reaches the page (Streamlit's on_select)."""
    labels = list(matrix)
    words = [VERDICT_WORD.get(x, x) for x in labels]
    cells = [(words[j], words[i], matrix[ra][cb]) for i, ra in enumerate(labels)
             for j, cb in enumerate(labels)]
    top = max((n for _, _, n in cells), default=0) or 1
    fig = go.Figure(go.Scatter(
        x=[c[0] for c in cells], y=[c[1] for c in cells], mode="markers+text",
        text=[f"{c[2]:,}" for c in cells], textfont={"color": [
            "white" if c[2] > top / 2 else "#1e293b" for c in cells]},
        marker={"symbol": "square", "size": 58, "color": [c[2] for c in cells],
                "colorscale": "Blues", "cmin": 0, "cmax": top, "line": {"width": 1, "color": "white"}},
        hovertemplate=f"{a}: %{{y}}<br>{b}: %{{x}}<br>%{{text}}<extra></extra>"))
    fig.update_layout(height=300, margin={"l": 0, "r": 0, "t": 30, "b": 0},
                      xaxis={"title": f"B: {b}", "categoryorder": "array", "categoryarray": words},
                      yaxis={"title": f"A: {a}", "categoryorder": "array",
                             "categoryarray": words[::-1]},
                      title="Agreement matrix", clickmode="event+select",
                      dragmode=False, plot_bgcolor="white")
    return fig


def _on_cell_click() -> None:
    event = st.session_state.get("matrix_chart") or {}
    points = event.get("selection", {}).get("points", [])
    if points:
        words = {v: k for k, v in VERDICT_WORD.items()}
        cell = f"{words.get(points[0].get('y'))}|{words.get(points[0].get('x'))}"
        _open_cell(cell if cell.split("|")[0] != cell.split("|")[1] else ANY)


def _cell_buttons(matrix: dict[str, dict[str, int]]) -> None:
    """One button per disagreeing cell of the matrix: a click opens the queue on that cell.

    The chart's own point selection depends on the browser delivering a plotly selection event;
    a button always reaches the page, by mouse or keyboard.
    """
    cells = [(ra, cb, n) for ra, row in matrix.items() for cb, n in row.items() if ra != cb and n]
    if not cells:
        return
    st.caption("Open the disagreement queue on one cell:")
    cols = st.columns(min(3, len(cells)))
    for i, (ra, cb, n) in enumerate(cells):
        cols[i % len(cols)].button(
            f"A {VERDICT_WORD[ra]}, B {VERDICT_WORD[cb]}: {n:,}", key=f"cell_{ra}_{cb}",
            on_click=_open_cell, args=(f"{ra}|{cb}",), use_container_width=True)


def _open_cell(cell: str) -> None:
    st.session_state["queue_cell"] = cell
    st.session_state["queue_pos"] = 1


def _comparison(state: data.DbState, a: str, b: str) -> dict[str, Any]:
    result = data.comparison(state.path, data.pair_version(state.path, a, b), a, b)
    m = result["metrics"]
    if not m["n"]:
        st.info(f"`{a}` and `{b}` have judged no candidate in common yet.")
        return result
    cols = st.columns(6)
    cols[0].metric("Items judged by both", f"{m['n']:,}")
    cols[1].metric("Agreement", _fmt(m["agreement"]))
    cols[2].metric("Cohen's kappa", _kappa(m))
    cols[3].metric("Precision (A vs B)", _fmt(m["precision"]))
    cols[4].metric("Recall (A vs B)", _fmt(m["recall"]))
    cols[5].metric("F1", _fmt(m["f1"]))
    left, right = st.columns([1, 2])
    with left:
        st.plotly_chart(_matrix_figure(result["matrix"], a, b), key="matrix_chart",
                        on_select=_on_cell_click, selection_mode="points",
                        config={"displayModeBar": False})
        _cell_buttons(result["matrix"])
    with right:
        tabs = st.tabs([GROUP_LABELS[g] for g in result["bars"]])
        for tab, (group, rows) in zip(tabs, result["bars"].items(), strict=True):
            with tab:
                fig = px.bar(rows, x=group, y="share", color="outcome", custom_data=["count", "n"],
                             color_discrete_map=OUTCOME_COLORS, height=300,
                             labels={group: GROUP_LABELS[group], "share": "Share", "outcome": ""})
                fig.update_traces(hovertemplate="%{x}: %{customdata[0]:,} of %{customdata[1]:,}")
                fig.update_layout(margin={"l": 0, "r": 0, "t": 10, "b": 0}, yaxis_tickformat=".0%",
                                  xaxis_title=None, legend_title=None)
                st.plotly_chart(fig, config={"displayModeBar": False}, key=f"bars_{group}")
                st.dataframe(result["breakdowns"][group], hide_index=True,
                             column_config=record.metric_columns(GROUP_LABELS[group], group))
    return result


def _annotators(state: data.DbState, judges: list[str]) -> None:
    people = [j for j in judges if j == "human" or j.startswith("human:")]
    if len(people) < 2:
        return
    st.subheader("Agreement between annotators")
    rows = []
    for i, first in enumerate(people):
        for second in people[i + 1:]:
            m = data.comparison(state.path, data.pair_version(state.path, first, second),
                                first, second)["metrics"]
            rows.append({"Annotator 1": first, "Annotator 2": second, "Items both judged": m["n"],
                         "Agreement": _fmt(m["agreement"]) if m["n"] else "n/a",
                         "Cohen's kappa": _kappa(m)})
    st.dataframe(rows, hide_index=True)


# --- running a verifier ------------------------------------------------------------------------


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


def _resume(db: str, job_id: str) -> None:
    try:
        data.resume_job(db, job_id)
    except (ValueError, OSError, StoreError) as exc:
        st.session_state["resume_message"] = ("error", f"could not resume {job_id}: {exc}")
        return
    st.session_state["resume_message"] = ("success", f"Resumed job `{job_id}`.")
    st.session_state["jobs_active"] = True


def _start(state: data.DbState, judge: str, filters: QuestionFilter, unjudged: bool, limit: int,
           available: int) -> None:
    try:
        options = sidebar.model_options(judge)
        selection = _describe(filters)
        if limit < available:
            selection += (f"; a sample of {limit:,} of {available:,} stratified by answer type "
                          f"and subject (seed {SAMPLE_SEED})")
        job = data.start_verify_job(state.path, judge, filters, judge_missing=unjudged, limit=limit,
                                    options=options, selection=selection)
    except (ValueError, OSError, StoreError) as exc:
        st.session_state["job_message"] = ("error", f"not started: {exc}")
        return
    st.session_state["job_message"] = ("success", f"Started job `{job.id}`.")
    st.session_state["jobs_active"] = True


def _run_panel(state: data.DbState) -> None:
    st.subheader("Run a verifier")
    filters: QuestionFilter = st.session_state.get("filters", QuestionFilter())
    st.caption(f"Selection from the Dataset page: {_describe(filters)}")
    sidebar.restore("run_judge", next(iter(VERIFIERS)))
    sidebar.restore("run_unjudged", True)
    sidebar.restore("run_limit", 1000)
    cols = st.columns([1, 2, 1], vertical_alignment="bottom")
    judge = cols[0].selectbox("Verifier", list(VERIFIERS), key="run_judge")
    unjudged = cols[1].checkbox(f"Only candidates `{judge}` has not judged", key="run_unjudged")
    available = data.count_candidates(state.path, state.version, filters, judge if unjudged else None)
    limit = cols[2].number_input("At most", min_value=1, step=100, key="run_limit",
                                 help="More candidates than this: a seeded sample, stratified by "
                                      "answer type and subject, not the first ones by id.")
    sidebar.remember("run_judge", "run_unjudged", "run_limit")
    if judge != "rule":
        st.caption(f"Backend from the sidebar: {st.session_state.get('backend')} · "
                   f"model {st.session_state.get('model') or '(not set)'}")
    if available > limit:
        st.caption(f"{available:,} candidates match: {int(limit):,} are sampled, stratified by "
                   f"answer type and subject (seed {SAMPLE_SEED}), so every kind is covered.")
    st.button(f"Judge {min(available, int(limit)):,} of {available:,} candidates with `{judge}`",
              disabled=available == 0, on_click=_start,
              args=(state, judge, filters, unjudged, int(limit), available), type="primary")
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
    message = st.session_state.pop("resume_message", None)  # from a button in this fragment
    if message:
        getattr(st, message[0])(message[1])
    if not jobs:
        st.caption("No jobs yet.")
        return
    for job in jobs:
        p, cfg = job["progress"], job["config"]
        total, done = p.get("total") or 0, p.get("done") or 0
        with st.container(border=True):
            head = st.columns([5, 1], vertical_alignment="center")
            head[0].markdown(f"`{job['id']}` · **{job['state']}** · {cfg.get('judge', job['kind'])} "
                             f"on {cfg.get('candidates', '?')} candidates ({cfg.get('selection') or 'n/a'})")
            if job["state"] in ACTIVE:
                head[1].button("Stop", key=f"stop_{job['id']}", on_click=_stop, args=(db, job["id"]))
            elif job["state"] in RESUMABLE:
                head[1].button("Resume", key=f"resume_{job['id']}", on_click=_resume,
                               args=(db, job["id"]),
                               help="Start it again in its run folder: what it judged is kept")
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
        judge_a, judge_b = _choose_pair(state, judges)
        if judge_a == judge_b:
            st.warning("Pick two different judges.")
        else:
            result = _comparison(state, judge_a, judge_b)
            if result["metrics"]["n"]:
                disagreements.show(state, result, judge_a, judge_b)
        _annotators(state, judges)
    _run_panel(state)
    st.subheader("Jobs")
    polling = st.session_state.setdefault("jobs_active", False)
    st.fragment(run_every=1.0 if polling else None)(_jobs_body)(state.path, polling)


st.title("Verifiers")
sidebar.show_page(_page)
