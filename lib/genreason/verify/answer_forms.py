"""The answer inside the wrapping of the form it was written in: `\\text{B}`, `(B)`, `**B**`.

Stage: verify (after extraction). `extract_answer` finds the final answer as written; scoring
that a form was read (bench/bench_extraction.py) and comparing a letter or a number across
forms needs the same answer without its wrapping, which `answer_core` gives.

    answer_core("\\text{B}") == answer_core("Option B") == answer_core("(B)") == "B"
"""

from __future__ import annotations

import re

from genreason.verify.extract import brace_matches, clean_answer

_OPTION_WORD = re.compile(r"^(?:option|choice)\s*[_:]?\s*(?P<rest>\S.*)$", re.IGNORECASE)
_ONE_TOKEN_PARENS = re.compile(r"^\((?P<inner>[^\s(),]+)\)$|^(?P<bare>[A-Za-z0-9.+-]+)\)$")


def _unwrap_text_command(s: str) -> str:
    """`\\text{...}` (or \\textbf, \\mathrm, ...) around the whole answer, braces inside allowed."""
    m = re.match(r"^\\(?:text|textbf|mathrm|mathbf|textit|mbox)\s*\{", s)
    if m and brace_matches(s).get(m.end() - 1) == len(s) - 1:
        return s[m.end() : -1].strip()
    return s


def answer_core(text: str) -> str:
    """The answer inside its written form's wrapping: `\\text{B}`, `$B$`, `**B**`, `(B)`,
    `B)`, `Option B`, `Choice_B` all give `B` (also for numbers: `(18)` gives `18`).

    Parentheses come off one token only, so a tuple `(1, 2)` or an interval stays whole; a
    trailing sentence period comes off, a decimal point does not.
    """
    s = text.strip()
    for _ in range(6):
        before = s
        s = clean_answer(s)
        s = _unwrap_text_command(s)
        m = _OPTION_WORD.match(s)
        if m:
            s = m.group("rest").strip()
        m = _ONE_TOKEN_PARENS.match(s)
        if m:
            s = (m.group("inner") or m.group("bare")).strip()
        if s == before:
            break
    return s
