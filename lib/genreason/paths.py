"""Confine user-typed file paths (database file, model folder) to allowed folders.

The app and other front ends let people type paths. Those paths must stay inside the project's
data folder or a folder the operator allowed through $GENREASON_ALLOWED_ROOTS (colon-separated),
so a form field cannot be used to open or create files elsewhere on the machine.

    roots = allowed_roots()
    db = confine_path(user_text, roots)   # ValueError naming the allowed roots otherwise
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from genreason.config import data_dir

ALLOWED_ROOTS_ENV = "GENREASON_ALLOWED_ROOTS"


class PathNotAllowedError(ValueError):
    """A user-typed path resolves outside every allowed root."""


def allowed_roots(extra: Sequence[str | os.PathLike[str]] = ()) -> list[Path]:
    """The data folder, each folder in $GENREASON_ALLOWED_ROOTS, then `extra`; resolved."""
    raw: list[str | os.PathLike[str]] = [data_dir()]
    raw += [part for part in os.environ.get(ALLOWED_ROOTS_ENV, "").split(os.pathsep) if part.strip()]
    raw += list(extra)
    roots: list[Path] = []
    for root in raw:
        resolved = Path(root).expanduser().resolve()
        if resolved not in roots:
            roots.append(resolved)
    return roots


def confine_path(path: str | os.PathLike[str], roots: Sequence[str | os.PathLike[str]]) -> Path:
    """`path` resolved (symlinks and '..' followed), if it lies inside one of `roots`.

    Relative paths are taken from the current folder, as a shell would. Raises
    PathNotAllowedError with the allowed roots and how to add one otherwise.
    """
    text = os.fspath(path)
    if not text.strip():
        raise PathNotAllowedError("empty path")
    if "\0" in text:
        raise PathNotAllowedError("path contains a NUL character")
    resolved = Path(text).expanduser().resolve()
    resolved_roots = [Path(r).expanduser().resolve() for r in roots]
    for root in resolved_roots:
        if resolved == root or resolved.is_relative_to(root):
            return resolved
    listed = ", ".join(str(r) for r in resolved_roots) or "(none)"
    raise PathNotAllowedError(
        f"{text!r} is outside the allowed folders ({listed}); move the file there or add its "
        f"folder to ${ALLOWED_ROOTS_ENV} (colon-separated) before starting the app"
    )
