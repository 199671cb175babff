"""Prompt files: shipped as package data under genreason/prompts/, readable and overridable.

    text = load_prompt("extract")                      # genreason/prompts/extract.md
    text = load_prompt("extract", "my_extract.md")     # the user's own file instead
    prompt = render(text, document=doc)

Placeholders are `{name}`; only the names passed to `render` are filled, in one pass, so the
JSON examples in a prompt and braces inside a document are left as they are.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

PROMPT_NAMES = ("extract", "annotate")


def prompt_path(name: str) -> Path:
    """Where the shipped prompt `name` lives (for people who want to read or copy it)."""
    if name not in PROMPT_NAMES:
        raise ValueError(f"unknown prompt {name!r}; shipped prompts: {', '.join(PROMPT_NAMES)}")
    return Path(str(resources.files("genreason") / "prompts" / f"{name}.md"))


def load_prompt(name: str, override: str | os.PathLike[str] | None = None) -> str:
    """The prompt text: the file `override` when given, else the shipped one."""
    path = Path(override) if override else prompt_path(name)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read the {name} prompt from {path}: {exc.strerror}") from exc


def render(template: str, **values: str) -> str:
    """Fill `{name}` for each given name (one pass: filled text is never re-read)."""
    if not values:
        return template
    pattern = re.compile(r"\{(" + "|".join(re.escape(k) for k in values) + r")\}")
    return pattern.sub(lambda m: str(values[m.group(1)]), template)


def check_placeholders(template: str, names: tuple[str, ...], where: str) -> None:
    """ValueError when a prompt file lacks a placeholder the stage fills."""
    missing = [n for n in names if "{" + n + "}" not in template]
    if missing:
        raise ValueError(f"{where}: the prompt has no {', '.join('{' + n + '}' for n in missing)} "
                         "placeholder; the stage fills it with the row's text")
