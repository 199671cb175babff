"""The Verifiers page's disagreement queue: the items two judges disagree on, filtered by
matrix cell, answer type and subject, one at a time with both judgments side by side, the
person's verdict buttons (stored as judge human:<name>, keys Y/N/U, then the next item) and
an export of what is queued.

Rendering only; the verdicts go to the store through app/data.py.
"""

from __future__ import annotations

from typing import Any

import record
import sidebar
import streamlit as st

import data

VERDICT_WORD = {"true": "yes", "false": "no", "undecided": "undecided"}
ANY = "any"


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


def show(state: data.DbState, result: dict[str, Any], a: str, b: str) -> None:
    """The queue of items where judge A and judge B disagree, with the verdict buttons."""
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
