"""How the pages show one question or response: rendered LaTeX with a raw toggle, options on
their own lines with the right one marked, and the column headers of metric tables.

Rendering only: the text rewriting is `genreason.display` (lib), so pages hold no regexes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from genreason.display import answer_markdown, correct_option, markdown_math


def question_text(text: str, *, key: str) -> None:
    """`text` as Markdown with its math rendered; a toggle shows the raw text instead."""
    raw = st.toggle("Raw text", key=key, help="Show the text exactly as stored (LaTeX unrendered)")
    if raw:
        st.code(text or "", language=None, wrap_lines=True)
    else:
        st.markdown(markdown_math(text or ""))


def answer(text: str) -> None:
    """A reference or extracted answer: rendered math (and the raw text beneath) when it is
    LaTeX, else the text code-style."""
    rendered = answer_markdown(text or "")
    if rendered is not None:
        st.markdown(rendered)
    st.code(text or "", language=None, wrap_lines=True)


def options(choices: Sequence[str] | None, reference: str) -> None:
    """Multiple-choice options, one per line, the one the reference names marked ✓."""
    if not choices:
        return
    right = correct_option(choices, reference)
    lines = []
    for i, text in enumerate(choices):
        line = f"**{chr(65 + i)}.** {markdown_math(str(text))}"
        lines.append(f":green[{line} ✓ (reference)]" if i == right else line)
    st.markdown("**Options**")
    st.markdown("  \n".join(lines))


def metric_columns(group_label: str, group_key: str) -> dict[str, Any]:
    """Readable headers and number formats for a breakdown table (one row per group value)."""
    number = st.column_config.NumberColumn
    return {
        group_key: st.column_config.TextColumn(group_label, width="medium"),
        "n": number("Items", format="localized"),
        "agreement": number("Agreement", format="%.3f"),
        "kappa": number("Kappa", format="%.3f"),
        "accuracy": number("Accuracy", format="%.3f"),
        "precision": number("Precision", format="%.3f"),
        "recall": number("Recall", format="%.3f"),
        "f1": number("F1", format="%.3f"),
        "a_undecided": number("A undecided", format="localized"),
        "b_undecided": number("B undecided", format="localized"),
    }
