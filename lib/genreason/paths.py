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

from genreason.config import data_dir, default_db_path

ALLOWED_ROOTS_ENV = "GENREASON_ALLOWED_ROOTS"


class PathNotAllowedError(ValueError):
    """A user-typed path resolves outside every allowed root."""


def allowed_roots(extra: Sequence[str | os.PathLike[str]] = ()) -> list[Path]:
    """The data folder (the repository's data/ unless $GENREASON_DATA says otherwise), the
    folder of the database the operator chose ($GENREASON_DB or --db), each folder in
    $GENREASON_ALLOWED_ROOTS, then `extra`; resolved."""
    raw: list[str | os.PathLike[str]] = [data_dir()]
    if os.environ.get("GENREASON_DB"):
        raw.append(default_db_path().expanduser().parent)
    raw += [part for part in os.environ.get(ALLOWED_ROOTS_ENV, "").split(os.pathsep) if part.strip()]
    raw += list(extra)
    roots: list[Path] = []
    for root in raw:
        try:
            resolved = _resolve(root)
        except PathNotAllowedError:
            continue  # a root that cannot be resolved admits nothing
        if resolved not in roots:
            roots.append(resolved)
    return roots


def _resolve(path: str | os.PathLike[str]) -> Path:
    """`path` with ~ and symlinks resolved; PathNotAllowedError for a loop or a bad name."""
    try:
        return Path(path).expanduser().resolve()
    except RuntimeError as exc:  # Python 3.11-3.12 raise RuntimeError on a symlink loop
        raise PathNotAllowedError(f"{os.fspath(path)!r} cannot be resolved: {exc}") from None
    except (OSError, ValueError) as exc:
        raise PathNotAllowedError(f"{os.fspath(path)!r} cannot be resolved: {exc}") from None


def confine_path(path: str | os.PathLike[str], roots: Sequence[str | os.PathLike[str]]) -> Path:
    """`path` resolved (symlinks and '..' followed), if it lies inside one of `roots`.

    Relative paths are taken from the current folder, as a shell would. A symlink loop or a
    name the system refuses is refused too (PathNotAllowedError, never a traceback). Raises
    PathNotAllowedError with the allowed roots and how to add one otherwise.
    """
    text = os.fspath(path)
    if not text.strip():
        raise PathNotAllowedError("empty path")
    if "\0" in text:
        raise PathNotAllowedError("path contains a NUL character")
    resolved = _resolve(text)
    resolved_roots = [_resolve(r) for r in roots]
    for root in resolved_roots:
        if resolved == root or resolved.is_relative_to(root):
            return resolved
    listed = ", ".join(str(r) for r in resolved_roots) or "(none)"
    raise PathNotAllowedError(
        f"{text!r} is outside the allowed folders ({listed}); move the file there or add its "
        f"folder to ${ALLOWED_ROOTS_ENV} (colon-separated) before starting the app"
    )
