"""genreason.display (LaTeX for Markdown, the right option) and genreason.rowexport."""

from __future__ import annotations

import io
import json

import pyarrow.parquet as pq
import pytest

from genreason.display import correct_option, markdown_math
from genreason.rowexport import rows_to_bytes


@pytest.mark.parametrize(("text", "shown"), [
    (r"Find \(x^2\) here", "Find $x^2$ here"),
    (r"Solve \[ x + 1 = 2 \]", "Solve $$x + 1 = 2$$"),
    (r"A = \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}.",
     r"A = $$\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}$$."),
    (r"Already $\frac{1}{2}$ math", r"Already $\frac{1}{2}$ math"),
    ("It costs $5 and $10 in total", r"It costs \$5 and \$10 in total"),
    ("plain text", "plain text"),
])
def test_markdown_math(text: str, shown: str) -> None:
    assert markdown_math(text) == shown


@pytest.mark.parametrize(("reference", "index"), [
    ("B", 1), ("(c)", 2), ("A.", 0), ("5 J", 1), ("  4   j ", 0), ("E", None), ("7 J", None),
])
def test_correct_option(reference: str, index: int | None) -> None:
    assert correct_option(["4 J", "5 J", "6 J", "none"], reference) == index


ROWS = [{"id": "q1", "question": "Q, with comma", "options": ["a", "b"], "n": 1},
        {"id": "q2", "question": "Q2", "options": None, "n": 2}]


def test_exports_round_trip() -> None:
    lines = rows_to_bytes(ROWS, "jsonl").decode().splitlines()
    assert [json.loads(line) for line in lines] == ROWS
    table = pq.read_table(io.BytesIO(rows_to_bytes(ROWS, "parquet")))
    assert table.to_pylist() == ROWS
    csv_text = rows_to_bytes(ROWS, "csv").decode()
    assert '"Q, with comma"' in csv_text and '"[""a"", ""b""]"' in csv_text
    with pytest.raises(ValueError, match="xlsx"):
        rows_to_bytes(ROWS, "xlsx")


def test_difficulty_levels_sort_from_easiest() -> None:
    from genreason.display import difficulty_rank

    labels = ["PhD", "University", "Senior High School", "Junior High School", "Primary School",
              "Graduate", "weird"]
    assert sorted(labels, key=difficulty_rank) == [
        "Primary School", "Junior High School", "Senior High School", "University", "Graduate",
        "PhD", "weird"]


@pytest.mark.parametrize(("text", "shown"), [
    (r"\frac{x - 3}{2}", r"$\frac{x - 3}{2}$"),
    (r"$x^2$", r"$x^2$"),
    ("x^{2}", "$x^{2}$"),
    ("42", None),
    ("Paris, France", None),
])
def test_answer_markdown(text: str, shown: str | None) -> None:
    from genreason.display import answer_markdown

    assert answer_markdown(text) == shown
