"""Dataset page: facets, text search, distributions that follow the filters, a paged table and
one question's full record (reference, options, candidates, every judgment, provenance).

Filters live in st.session_state["filters"] (a QuestionFilter), so the Verifiers page can run a
judge on the same selection, and in the URL (?category=...&text=...&question=...), so a view can
be shared. Clicking a bar filters on its value. The table and the open question sit side by
side, above the charts; the selection exports as CSV, JSONL or Parquet.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
import record
import sidebar
import streamlit as st

import data
from genreason.display import difficulty_rank
from genreason.store.browse import QuestionFilter

FACET_LABELS = {
    "category": "Subject",
    "difficulty": "Difficulty",
    "answer_type": "Answer type",
    "source": "Source",
    "status": "Stage status",
}
CHART_ROWS = (("category", "answer_type"), ("difficulty", "source", "status"))
PAGE_SIZE = 50
MAX_BARS = 20
MAX_CANDIDATES = 20
MAX_EXPORT = 200_000
NONE_LABEL = "n/a"
TABLE_COLUMNS = {
    "id": st.column_config.TextColumn("Id", width="small"),
    "source": st.column_config.TextColumn("Source", width="small"),
    "category": st.column_config.TextColumn("Subject", width="small"),
    "difficulty": st.column_config.TextColumn("Difficulty", width="small"),
    "answer_type": st.column_config.TextColumn("Answer type", width="small"),
    "question": st.column_config.TextColumn("Question", width="large"),
    "answer": st.column_config.TextColumn("Answer", width="medium"),
}


def _widget_key(column: str) -> str:
    return f"filter_{column}"


def _restore_widgets() -> None:
    """Widget values vanish when another page runs; put the kept filters back first. The
    first visit of a session takes them from the URL, so a shared link opens the same view."""
    if not st.session_state.get("_url_read"):
        st.session_state["_url_read"] = True
        params = st.query_params
        if any(k in params for k in (*FACET_LABELS, "text", "question")):
            st.session_state["filters"] = QuestionFilter(
                text=params.get("text", ""),
                **{column: tuple(params.get_all(column)) for column in FACET_LABELS})
            if params.get("question"):
                st.session_state["open_question"] = params.get("question")
    kept: QuestionFilter = st.session_state.get("filters", QuestionFilter())
    for column in FACET_LABELS:
        st.session_state.setdefault(_widget_key(column), list(getattr(kept, column)))
    st.session_state.setdefault("filter_text", kept.text)


def _write_url(filters: QuestionFilter) -> None:
    """The view in the address bar: the filters and the open question."""
    wanted: dict[str, list[str] | str] = {c: list(getattr(filters, c)) for c in FACET_LABELS
                                          if getattr(filters, c)}
    if filters.text.strip():
        wanted["text"] = filters.text
    if (st.session_state.get("open_question") or "").strip():
        wanted["question"] = st.session_state["open_question"].strip()
    current = {k: (st.query_params.get_all(k) if k in FACET_LABELS else st.query_params.get(k))
               for k in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)


def _on_bar_click(column: str, chart_key: str) -> None:
    """A click (or box/lasso selection) on a chart filters that facet to the chosen bars."""
    event = st.session_state.get(chart_key)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    labels = sorted({p.get("y") for p in points if p.get("y") not in (None, NONE_LABEL)})
    if not labels:
        return
    current = sorted(st.session_state.get(_widget_key(column), []))
    st.session_state[_widget_key(column)] = [] if labels == current else labels


def _filters_form(values: dict[str, list[str]]) -> QuestionFilter:
    st.text_input("Search question and answer text", key="filter_text",
                  placeholder="a word or phrase, case-insensitive")
    columns = st.columns(len(FACET_LABELS))
    for slot, (column, label) in zip(columns, FACET_LABELS.items(), strict=True):
        chosen = st.session_state.get(_widget_key(column), [])
        options = values.get(column, []) + [v for v in chosen if v not in values.get(column, [])]
        slot.multiselect(label, options, key=_widget_key(column), placeholder="all")
    filters = QuestionFilter(
        text=st.session_state["filter_text"],
        **{column: tuple(st.session_state[_widget_key(column)]) for column in FACET_LABELS},
    )
    st.session_state["filters"] = filters
    return filters


def _chart(column: str, counts: list[tuple[str | None, int]], selected: tuple[str, ...]) -> None:
    if column == "difficulty":  # levels from easiest to hardest, not by count
        counts = sorted(counts, key=lambda vc: (difficulty_rank(vc[0]), -vc[1]))
    shown = counts[:MAX_BARS]
    labels = [NONE_LABEL if value is None else value for value, _ in shown]
    numbers = [n for _, n in shown]
    colors = ["#2563eb" if not selected or label in selected else "#cbd5e1" for label in labels]
    fig = go.Figure(go.Bar(x=numbers, y=labels, orientation="h", marker_color=colors,
                           text=[f"{n:,}" for n in numbers], textposition="auto",
                           hovertemplate="%{y}: %{x:,}<extra></extra>"))
    more = f" (top {MAX_BARS} of {len(counts)})" if len(counts) > MAX_BARS else ""
    fig.update_layout(
        title=FACET_LABELS[column] + more, height=90 + 24 * max(len(labels), 1),
        margin={"l": 0, "r": 10, "t": 36, "b": 0}, yaxis={"autorange": "reversed"},
        xaxis={"visible": False}, clickmode="event+select", dragmode=False, showlegend=False,
    )
    key = f"chart_{column}"
    st.plotly_chart(fig, key=key, on_select=lambda: _on_bar_click(column, key),
                    selection_mode="points", config={"displayModeBar": False})


def _open_row(ids: list[str]) -> None:
    rows = st.session_state["question_table"].get("selection", {}).get("rows", [])
    if rows:
        st.session_state["open_question"] = ids[rows[0]]


def _table(state: data.DbState, filters: QuestionFilter, total: int) -> None:
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if st.session_state.get("table_filters") != filters:  # new filters start at page 1
        st.session_state["table_filters"] = filters
        st.session_state["page_no"] = 1
    st.session_state["page_no"] = min(st.session_state.get("page_no", 1), pages)
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    page_no = left.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, key="page_no")
    frame = data.question_page(state.path, state.version, filters, page_no - 1, PAGE_SIZE)
    right.caption(f"Questions {(page_no - 1) * PAGE_SIZE + 1:,}–{min(page_no * PAGE_SIZE, total):,} "
                  f"of {total:,}, by id. Click a row to open it beside the table.")
    st.dataframe(
        frame.fillna(NONE_LABEL), hide_index=True, width="stretch", key="question_table",
        on_select=lambda: _open_row(frame["id"].tolist()), selection_mode="single-row",
        column_config=TABLE_COLUMNS, height=min(38 + 35 * len(frame), 600),
    )
    _export(state, filters, total)


def _export(state: data.DbState, filters: QuestionFilter, total: int) -> None:
    cols = st.columns([2, 3], vertical_alignment="center")
    fmt = cols[0].radio("Export format", ["csv", "jsonl", "parquet"], horizontal=True,
                        key="export_format", label_visibility="collapsed")
    shown = min(total, MAX_EXPORT)
    db = state.path
    cols[1].download_button(
        f"Export the selection ({shown:,} questions{'' if shown == total else ', the first'})",
        # A callable: the file is built only when the button is clicked, not on every rerun.
        data=lambda: data.export_selection(db, filters, fmt, MAX_EXPORT),
        file_name=f"questions.{fmt}", key="export_selection", on_click="ignore",
        icon=":material/download:")


def _question_view(state: data.DbState) -> None:
    st.subheader("Question record")
    question_id = st.text_input("Question id", key="open_question",
                                placeholder="click a table row, or type an id").strip()
    if not question_id:
        return
    q = data.question_detail(state.path, state.version, question_id)
    if q is None:
        st.warning(f"No question with id `{question_id}`.")
        return
    st.markdown(" ".join(
        f":{color}-badge[{label}: {q[key] or NONE_LABEL}]"
        for label, key, color in [("Subject", "category", "blue"), ("Difficulty", "difficulty", "orange"),
                                  ("Answer type", "answer_type", "green"), ("Source", "source", "gray")]
    ))
    record.question_text(q["question"], key="raw_question")
    record.options(q["options"], q["answer"])
    st.markdown("**Reference answer**")
    record.answer(q["answer"])
    with st.expander("Provenance"):
        run = q["ingest"] or {}
        st.markdown(f"Source **{q['source']}**, stored {q['created_at']:%Y-%m-%d %H:%M} by ingest "
                    f"run `{q['ingest_run']}` ({run.get('status', 'unknown')})")
        if run.get("config"):
            st.json({"files": run["config"].get("files"), "formats": run["config"].get("formats")},
                    expanded=False)
        if q["extra"]:
            st.markdown("Extra fields from the source record")
            st.json(q["extra"], expanded=False)
        if q["decisions"]:
            st.markdown("Stage decisions")
            st.dataframe(q["decisions"], hide_index=True)
        else:
            st.caption("No curation stage has decided on this question yet.")
        st.markdown("In snapshots: " + (", ".join(f"`{n}`" for n in q.get("snapshots", [])) or "none"))
    shown = f", the first {MAX_CANDIDATES} shown" if len(q["candidates"]) > MAX_CANDIDATES else ""
    st.markdown(f"**Candidates** ({len(q['candidates'])}{shown})")
    if not q["candidates"]:
        st.caption("No candidate responses stored for this question.")
    for i, c in enumerate(q["candidates"][:MAX_CANDIDATES]):
        verdicts = ", ".join(f"{j['judge']} {sidebar.verdict_text(j['verdict'])}"
                             for j in c["judgments"])
        with st.expander(f"{c['model'] or 'unknown model'} · `{c['id']}` · {verdicts or 'not judged'}",
                         expanded=i == 0):
            st.code(c["response"], language=None, wrap_lines=True)
            if c["judgments"]:
                st.dataframe(
                    [{"Judge": j["judge"], "Verdict": sidebar.verdict_text(j["verdict"], color=False),
                      "Extracted": j["extracted"] or NONE_LABEL, "Reason": j["reason"] or NONE_LABEL,
                      "Rule": j["rule"] or NONE_LABEL, "Run": j["run_id"] or NONE_LABEL}
                     for j in c["judgments"]],
                    hide_index=True,
                )
                st.caption("Each judge's record: how it parsed both answers, prompts, raw output")
                st.json({j["judge"]: j["detail"] for j in c["judgments"]}, expanded=False)


def _page(state: data.DbState) -> None:
    _restore_widgets()
    all_values = data.facet_summary(state.path, state.version, QuestionFilter()).values
    filters = _filters_form(all_values)
    summary = data.facet_summary(state.path, state.version, filters)
    st.caption(f"{summary.total:,} of {state.questions:,} questions match.")
    if summary.total == 0:
        st.info("No question matches these filters. Remove a filter or change the search text.")
    else:
        table, detail = st.columns([3, 2])
        with table:
            _table(state, filters, summary.total)
        with detail:
            _question_view(state)
        with st.expander("Distributions of the selection", expanded=True):
            for row in CHART_ROWS:
                for slot, column in zip(st.columns(len(row)), row, strict=True):
                    with slot:
                        _chart(column, summary.counts[column], getattr(filters, column))
    _write_url(filters)


st.title("Dataset")
sidebar.show_page(_page)
