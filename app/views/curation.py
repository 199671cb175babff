"""Curation page: the funnel of a pipeline run, drop reasons opening onto the dropped questions
with their evidence, snapshots with their provenance and downloads, and stages launched as a
background job whose progress shows here.

Everything comes from app/data.py (cached lib queries); the work runs in lib (curate, jobs).
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import sidebar
import streamlit as st

import data

STAGES = ("annotate", "difficulty", "candidates", "pass_rate", "dedup", "decontaminate")
NO_LLM_STAGES = ("annotate", "difficulty", "pass_rate", "dedup")


def _funnel_chart(steps: list[dict]) -> go.Figure:
    labels = [s["stage"] for s in steps]
    fig = go.Figure()
    fig.add_bar(x=labels, y=[s["kept"] for s in steps], name="kept", marker_color="#2e7d32")
    fig.add_bar(x=labels, y=[s["dropped"] for s in steps], name="dropped", marker_color="#c62828")
    fig.update_layout(barmode="stack", height=300, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      legend={"orientation": "h"}, yaxis_title="questions")
    return fig


def _funnel(state: data.DbState) -> None:
    st.subheader("Funnel")
    pipelines = data.curation_pipelines(state.path, state.version)
    if not pipelines:
        st.info("No curation stage has run on this database yet. Run one from a terminal "
                "(`genreason curate run --stages annotate,difficulty,pass_rate`) or launch one below.")
        return
    labels = {p["pipeline"]: f"{p['pipeline']} ({', '.join(p['stages'])})" for p in pipelines}
    pipeline = st.selectbox("Pipeline run", list(labels), format_func=labels.get, key="cur_pipeline")
    steps = data.curation_funnel(state.path, state.version, pipeline)
    st.plotly_chart(_funnel_chart(steps), use_container_width=True)
    st.dataframe([{"stage": s["stage"], "in": s["in"], "kept": s["kept"], "dropped": s["dropped"],
                   "done now": s["processed"], "already done": s["skipped"], "status": s["status"],
                   "seconds": round(s["seconds"] or 0, 1), "run": s["run_id"]} for s in steps],
                 hide_index=True, use_container_width=True)
    reasons = [(s["stage"], s["run_id"], reason, n) for s in steps for reason, n in s["drop_reasons"].items()]
    if not reasons:
        st.caption("Nothing was dropped in this run.")
        return
    st.markdown("**Drop reasons**: pick one to see the questions it dropped and why.")
    choice = st.radio("Drop reason", range(len(reasons)), key="cur_reason", horizontal=True,
                      format_func=lambda i: f"{reasons[i][0]}: {reasons[i][2]} ({reasons[i][3]})",
                      label_visibility="collapsed")
    stage, run_id, reason, n = reasons[choice]
    examples = data.dropped_examples(state.path, state.version, run_id, reason)
    st.caption(f"{len(examples)} of {n} questions dropped by {stage} as '{reason}'")
    for ex in examples:
        with st.expander(f"{ex['question_id']}: {str(ex['question'] or '')[:100]}"):
            st.markdown(ex["question"] or "(not a stored question: a raw document)")
            st.markdown(f"**Reference**: `{ex['answer']}` · {ex['answer_type']} · {ex['category']} · "
                        f"{ex['difficulty']}")
            st.markdown("**Evidence**")
            st.json(ex["evidence"], expanded=2)


def _snapshots(state: data.DbState) -> None:
    st.subheader("Snapshots")
    snaps = data.snapshot_records(state.path, state.version)
    with st.form("cur_snapshot"):
        cols = st.columns([2, 2, 3])
        name = cols[0].text_input("New snapshot name", placeholder="v1")
        required = cols[1].multiselect("Kept by stages", STAGES, default=[])
        note = cols[2].text_input("Note", placeholder="what it is for")
        if st.form_submit_button("Freeze kept questions") and name.strip():
            try:
                rec = data.create_snapshot(state.path, name.strip(), tuple(required), note)
                st.success(f"snapshot {rec['name']}: {rec['n_rows']} questions")
            except ValueError as exc:
                st.error(str(exc))
    if not snaps:
        st.caption("No snapshots yet.")
        return
    st.dataframe([{"name": s["name"], "questions": s["n_rows"], "created": s["created_at"],
                   "hash": s["content_hash"][:16], "note": s["note"]} for s in snaps],
                 hide_index=True, use_container_width=True)
    name = st.selectbox("Snapshot", [s["name"] for s in snaps], key="cur_snap")
    snap = next(s for s in snaps if s["name"] == name)
    st.markdown(f"**Provenance** of `{name}` (selection: `{json.dumps(snap['selection'])}`)")
    st.dataframe([{"stage": r["stage"], "run": r["run_id"], "config": r["config"].get("config_hash"),
                   "its questions": r["questions"]} for r in snap["stage_runs"]],
                 hide_index=True, use_container_width=True)
    cols = st.columns(3)
    for col, fmt, ext in zip(cols, ("parquet", "jsonl", "verl"), ("parquet", "jsonl", "parquet"), strict=True):
        col.download_button(f"Download {fmt}", data.snapshot_export(state.path, state.version, name, fmt),
                            file_name=f"{name}{'-verl' if fmt == 'verl' else ''}.{ext}", key=f"dl_{fmt}")
    st.caption(f"For an HF dataset folder or verl with its reward module: "
               f"`genreason snapshot export {name} --format hf|verl --out DIR`")


@st.fragment(run_every=3)
def _jobs(state: data.DbState) -> None:
    found = data.curate_jobs(state.path)
    if not found:
        st.caption("No curate jobs yet.")
        return
    for job in found:
        p = job["progress"]
        total = p.get("total") or 0
        st.markdown(f"`{job['id']}` **{job['state']}** · stage {p.get('step') or '-'} · "
                    f"{p.get('done', 0)}/{total or '?'}")
        if total:
            st.progress(min(1.0, p.get("done", 0) / total))
        if job.get("error"):
            st.error(job["error"][:500])


def _launch(state: data.DbState) -> None:
    st.subheader("Run stages")
    with st.form("cur_launch"):
        stages = st.multiselect("Stages, in order", STAGES, default=list(NO_LLM_STAGES[:3]), key="cur_stages")
        settings = st.text_area("Settings (one stage.key=value per line)", key="cur_settings",
                                placeholder="pass_rate.low=0.1\ndifficulty.keep_levels=University,PhD")
        if st.form_submit_button("Launch as a background job") and stages:
            lines = [line.strip() for line in settings.splitlines() if line.strip()]
            try:
                job = data.start_curate_job(state.path, list(stages), lines)
                st.success(f"started job {job.id}")
            except ValueError as exc:
                st.error(str(exc))
    st.caption("Stages that need an LLM (candidates, extract, annotate with a model) take "
               "candidates.llm / annotate.llm settings (e.g. `candidates.backend=openai`, "
               "`candidates.model=NAME`, `candidates.base_url=URL`), or run them from the CLI.")
    _jobs(state)


def _page(state: data.DbState) -> None:
    st.title("Curation")
    _funnel(state)
    _snapshots(state)
    _launch(state)


sidebar.show_page(_page)
