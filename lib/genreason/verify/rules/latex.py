"""LaTeX text commands: the one place `\\text{...}` and its relatives are unwrapped.

Stage: verify (parsing half, used by every reader of answers and references). Models wrap
words, units and even whole answers in text-style commands (`\\text{Paris}`,
`\\mathrm{m/s}`, `\\textbf{B}`, `\\operatorname{sin}`); every rule reads the content the same
way through `unwrap_text`, so a new command is added here once.

    from genreason.verify.rules.latex import unwrap_text
    unwrap_text(r"\\text{blue, \\textbf{green}}")  # -> "blue, green"
"""

from __future__ import annotations

import re

# Commands whose single argument is shown as (styled) text; longest first so that `\textbf`
# is not read as `\text` followed by "bf".
TEXT_COMMANDS = (
    "operatorname", "textbf", "textit", "textrm", "texttt", "textsf", "mathrm", "mathbf",
    "mathit", "mathsf", "mathtt", "text", "mbox", "emph", "rm",
)
_TEXT_COMMAND = re.compile(r"\\(?:" + "|".join(TEXT_COMMANDS) + r")\s*\{([^{}]*)\}")
_MAX_DEPTH = 3  # "\text{\textbf{B}}": inner commands first, a few levels deep


def unwrap_text(text: str, *, pad: bool = False) -> str:
    """`text` with every text-style command replaced by its argument.

    pad: put a space on each side of the argument ("x=8\\text{or}x=-2" -> "x=8 or x=-2"),
    for readers that split words; without it the argument is glued in place ("5\\,\\text{m}").
    """
    if "\\" not in text:
        return text
    repl = r" \1 " if pad else r"\1"
    for _ in range(_MAX_DEPTH):
        unwrapped = _TEXT_COMMAND.sub(repl, text)
        if unwrapped == text:
            break
        text = unwrapped
    return text
