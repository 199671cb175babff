"""Question text for display: LaTeX made renderable by Markdown, and the right option found.

The app and notebooks show questions with Streamlit/marimo Markdown, which renders math only
between `$...$` and `$$...$$` (KaTeX). Web-crawled questions write math as `\\( \\)`, `\\[ \\]`,
bare `\\begin{pmatrix}...\\end{pmatrix}` environments, and use `$` for money. These functions
rewrite the text for display only; stored text never changes.

    markdown_math(r"Find \\(x\\) if \\begin{pmatrix}1&2\\end{pmatrix}")  # "$x$ ... $$...$$"
    correct_option(["4 J", "5 J"], "B")                              # 1
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_INLINE = re.compile(r"\\\((.+?)\\\)", re.S)
_DISPLAY = re.compile(r"\\\[(.+?)\\\]", re.S)
# A bare environment outside any $...$: \begin{pmatrix} ... \end{pmatrix}
_ENV = re.compile(r"(?<!\$)(\\begin\{(\w+\*?)\}.*?\\end\{\2\})(?!\$)", re.S)
_DOLLAR_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.S)
_MATHY = re.compile(r"[\\^_{}]|[a-zA-Z]\s*[=<>]|^\s*[a-zA-Z]\s*$")
_LETTER = re.compile(r"^\s*\(?([A-Za-z])\)?[.):]?\s*$")


def markdown_math(text: str) -> str:
    """`text` with its math in `$`/`$$` delimiters and money dollars escaped, for Markdown."""
    if not text:
        return text
    parts: list[str] = []
    last = 0
    # Existing $...$ spans that look like math are kept; the others are money ("$5 and $10").
    for match in _DOLLAR_MATH.finditer(text):
        inner = match.group().strip("$")
        if _MATHY.search(inner):
            parts.append(_convert(text[last:match.start()]))
            parts.append(match.group())
            last = match.end()
    parts.append(_convert(text[last:]))
    return "".join(parts)


_COMMAND = re.compile(r"\\[a-zA-Z]+|[\^_]\{")


def answer_markdown(text: str) -> str | None:
    """A short answer as Markdown math when it is LaTeX (`\frac{x-3}{2}`, `x^{2}`, or already
    delimited); None for plain text, which reads best as it is."""
    shown = markdown_math(text or "")
    if "$" in shown.replace("\\$", ""):
        return shown
    if "\n" not in text and _COMMAND.search(text or ""):
        return f"${text.strip()}$"
    return None


def _convert(chunk: str) -> str:
    chunk = chunk.replace("$", "\\$")
    chunk = _DISPLAY.sub(lambda m: f"$${m.group(1).strip()}$$", chunk)
    chunk = _INLINE.sub(lambda m: f"${m.group(1).strip()}$", chunk)
    return _ENV.sub(lambda m: f"$${m.group(1)}$$", chunk)


def correct_option(options: Sequence[str] | None, reference: str) -> int | None:
    """The index of the option the reference answer names: a letter ("C", "(c)", "C.") or
    the option's own text (case and surrounding spaces ignored); None when it names none."""
    if not options:
        return None
    letter = _LETTER.match(reference or "")
    if letter:
        index = ord(letter.group(1).upper()) - ord("A")
        return index if 0 <= index < len(options) else None
    wanted = " ".join((reference or "").split()).casefold()
    for index, text in enumerate(options):
        if " ".join(str(text).split()).casefold() == wanted:
            return index
    return None


# School levels in the order they come, by the words their names use (WebInstruct-verified
# writes "Primary School", "Junior High School", "Senior High School", "University", "PhD").
_LEVEL_WORDS = (
    (0, ("primary", "elementary", "grade school")),
    (1, ("junior", "middle school")),
    (2, ("senior", "high school", "secondary")),
    (3, ("university", "undergraduate", "college", "bachelor")),
    (4, ("graduate", "master")),
    (5, ("phd", "doctoral", "research")),
)


def difficulty_rank(value: str | None) -> int:
    """Where a difficulty label sits from easiest (0) to hardest (5); 99 for a label that
    names no known level, so it sorts after the known ones."""
    text = (value or "").casefold()
    # Checked in an order where a longer name wins: "undergraduate" before "graduate",
    # "junior high school" before "high school".
    levels = dict(_LEVEL_WORDS)
    for rank in (5, 3, 4, 1, 0, 2):
        if any(w in text for w in levels[rank]):
            return rank
    return 99
