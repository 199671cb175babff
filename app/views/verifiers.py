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

TRUTH_JUDGES = ("reference", "human")  # judges taken as truth by default (and human:<name>)
GROUP_LABELS = {"answer_type": "Answer type", "category": "Subject", "difficulty": "Difficulty"}
OUTCOME_COLORS = {"both true": "#16a34a", "both false": "#64748b", "only A true": "#f59e0b",
                  "only B true": "#dc2626", "undecided": "#a855f7"}
VERDICT_WORD = {"true": "yes", "false": "no", "undecided": "undecided"}
ANY = "any"
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
    labels = list(matrix)
    words = [VERDICT_WORD.get(x, x) for x in labels]
    z = [[matrix[ra][cb] for cb in labels] for ra in labels]
    fig = go.Figure(go.Heatmap(z=z, x=words, y=words, colorscale="Blues", showscale=False,
                               text=[[f"{v:,}" for v in row] for row in z], texttemplate="%{text}",
                               hovertemplate=f"{a}: %{{y}}<br>{b}: %{{x}}<br>%{{z:,}}<extra></extra>"))
    fig.update_layout(height=300, margin={"l": 0, "r": 0, "t": 30, "b": 0},
                      xaxis_title=f"B: {b}", yaxis_title=f"A: {a}", yaxis={"autorange": "reversed"},
                      title="Agreement matrix (click a cell to queue it)", clickmode="event+select")
    return fig


def _on_cell_click() -> None:
    event = st.session_state.get("matrix_chart") or {}
    points = event.get("selection", {}).get("points", [])
    if points:
        words = {v: k for k, v in VERDICT_WORD.items()}
        cell = f"{words.get(points[0].get('y'))}|{words.get(points[0].get('x'))}"
        st.session_state["queue_cell"] = cell if cell.split("|")[0] != cell.split("|")[1] else ANY
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


# --- the disagreement queue --------------------------------------------------------------------


def _record(db: str, candidate_id: str, verdict: bool | None, note_key: str, size: int) -> None:
    """Button callback: runs before the rerun, so the whole rerun sees the new data version."""
    annotator = st.session_state.get("annotator", "")
    try:
        judge = data.record_human_verdict(db, candidate_id, verdict,
                                          st.session_state.get(note_key, ""), annotator)
    except Exception as exc:  # shown to the person; the store is unchanged
        st.session_state["verdict_message"] = ("error", f"not stored: {exc}")
        return
    st.session_state["verdict_message"] = (
        "success", f"Stored {sidebar.verdict_text(verdict)} as `{judge}` for `{candidate_id}`; "
                   "next item.")
    st.session_state[note_key] = ""
    _step(1, size)  # move on to the next disagreement


def _step(delta: int, size: int) -> None:
    st.session_state["queue_pos"] = min(max(1, st.session_state.get("queue_pos", 1) + delta),
                                        max(size, 1))


def _judge_column(slot: Any, title: str, row: dict[str, Any], side: str) -> None:
    with slot.container(border=True):
        st.markdown(f"**{title}**: {sidebar.verdict_text(row[f'verdict_{side}'])}")
        st.markdown("Extracted answer")
        st.code(row[f"extracted_{side}"] or "(nothing recorded)", language=None, wrap_lines=True)
        st.markdown(f"Reason: {row[f'reason_{side}'] or 'n/a'}")
        st.caption(f"rule: {row[f'rule_{side}'] or 'n/a'}")


def _label(verdict: Any) -> str:
    return "undecided" if verdict is None else ("true" if verdict else "false")


def _queue_filters(items: list[dict[str, Any]], a: str, b: str) -> list[dict[str, Any]]:
    cells = sorted({f"{_label(r['verdict_a'])}|{_label(r['verdict_b'])}" for r in items})
    types = sorted({str(r.get("answer_type") or "n/a") for r in items})
    subjects = sorted({str(r.get("category") or "n/a") for r in items})
    for key, options in (("queue_cell", cells), ("queue_type", types), ("queue_subject", subjects)):
        if st.session_state.get(key, ANY) not in (ANY, *options):
            st.session_state[key] = ANY
    cols = st.columns(3)

    def cell_name(cell: str) -> str:
        if cell == ANY:
            return "any cell"
        va, vb = cell.split("|")
        return f"A {VERDICT_WORD[va]}, B {VERDICT_WORD[vb]}"

    cell = cols[0].selectbox("Matrix cell", [ANY, *cells], key="queue_cell", format_func=cell_name)
    kind = cols[1].selectbox("Answer type", [ANY, *types], key="queue_type")
    subject = cols[2].selectbox("Subject", [ANY, *subjects], key="queue_subject")
    return [r for r in items
            if (cell == ANY or f"{_label(r['verdict_a'])}|{_label(r['verdict_b'])}" == cell)
            and (kind == ANY or str(r.get("answer_type") or "n/a") == kind)
            and (subject == ANY or str(r.get("category") or "n/a") == subject)]


def _queue_export(rows: list[dict[str, Any]], a: str, b: str) -> None:
    fmt = st.radio("Export format", ["csv", "jsonl", "parquet"], horizontal=True,
                   key="queue_export_format", label_visibility="collapsed")
    st.download_button(f"Export these {len(rows):,} disagreements", key="queue_export",
                       data=lambda: data.export_file(rows, fmt), on_click="ignore",
                       file_name=f"disagreements-{a}-vs-{b}.{fmt}", icon=":material/download:")


def _queue(state: data.DbState, result: dict[str, Any], a: str, b: str) -> None:
    everything = result["disagreements"]
    st.subheader(f"Disagreements ({result['n_disagreements']:,})")
    if not everything:
        st.caption("The two judges agree on every item they both judged.")
        return
    items = _queue_filters(everything, a, b)
    if not items:
        st.caption("No disagreement matches these filters.")
        return
    size = len(items)
    me = data.human_judge(st.session_state.get("annotator", ""))
    done = data.judged_by(state.path, state.version, me, tuple(r["item_id"] for r in items))
    st.session_state["queue_pos"] = min(st.session_state.get("queue_pos", 1), size)
    nav = st.columns([1, 1, 1, 4], vertical_alignment="bottom")
    nav[0].button("Previous", key="queue_previous", on_click=_step, args=(-1, size),
                  disabled=st.session_state["queue_pos"] <= 1, shortcut="K",
                  help="Keyboard: K")
    nav[1].button("Next", key="queue_next", on_click=_step, args=(1, size),
                  disabled=st.session_state["queue_pos"] >= size, shortcut="J", help="Keyboard: J")
    nav[2].number_input("Item", min_value=1, max_value=size, key="queue_pos")
    filtered = f" (of {len(everything):,} before the filters)" if size < len(everything) else ""
    nav[3].caption(f"Item {st.session_state['queue_pos']:,} of {size:,}{filtered} · "
                   f"{done:,} of {size:,} have a verdict by `{me}`")
    st.progress(done / size)
    row = items[st.session_state["queue_pos"] - 1]
    tags = " · ".join(str(row.get(k) or "n/a") for k in ("answer_type", "category", "difficulty"))
    st.markdown(f"Candidate `{row['item_id']}` of question `{row['question_id']}` · {tags}")
    detail = data.question_detail(state.path, state.version, row["question_id"]) or {}
    with st.container(border=True):
        record.question_text(row["question"], key=f"raw_q_{row['item_id']}")
        record.options(detail.get("options"), row["reference"])
        st.markdown("**Reference answer**")
        record.answer(row["reference"])
        with st.expander("Response", expanded=True):
            record.question_text(row["response"], key=f"raw_r_{row['item_id']}")
    left, right = st.columns(2)
    _judge_column(left, f"A: {a}", row, "a")
    _judge_column(right, f"B: {b}", row, "b")

    mine = [j for j in data.candidate_judgments(state.path, state.version, row["item_id"])
            if j["judge"] == me]
    st.markdown(f"**Your verdict** (stored as judge `{me}`, replacing an earlier one; "
                "set your name in the sidebar)")
    if mine:
        st.caption(f"Stored: {sidebar.verdict_text(mine[0]['verdict'])}, {mine[0]['reason']}")
    note_key = f"note_{row['item_id']}"
    st.text_input("Note (optional)", key=note_key)
    buttons = st.columns([1, 1, 1, 4])
    for slot, (label, verdict, key) in zip(buttons, [("Correct", True, "Y"), ("Incorrect", False, "N"),
                                                     ("Can't tell", None, "U")], strict=False):
        slot.button(label, key=f"verdict_{label}", on_click=_record, shortcut=key,
                    help=f"Keyboard: {key}",
                    args=(state.path, row["item_id"], verdict, note_key, size))
    message = st.session_state.pop("verdict_message", None)
    if message:
        getattr(st, message[0])(message[1])
    _queue_export(items, a, b)


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
                _queue(state, result, judge_a, judge_b)
        _annotators(state, judges)
    _run_panel(state)
    st.subheader("Jobs")
    polling = st.session_state.setdefault("jobs_active", False)
    st.fragment(run_every=1.0 if polling else None)(_jobs_body)(state.path, polling)


st.title("Verifiers")
sidebar.show_page(_page)
