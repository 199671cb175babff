"""Where things live: the database file, run folders and caches.

Environment variables are only for machine knobs: GENREASON_DB (database file),
GENREASON_DATA (data folder; default the repository's data/), GENREASON_LOCK_TIMEOUT (seconds to wait for a locked database), GENREASON_SAVE_ATTEMPTS and
GENREASON_SAVE_BACKOFF (how often and how patiently a final save retries a held lock;
genreason.store.retry).
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATA_DIR = Path("data")
DEFAULT_DB_NAME = "genreason.duckdb"


def repo_root() -> Path | None:
    """The checkout this package runs from (editable install), or None when installed."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() and (root / "lib" / "genreason").is_dir() else None


def data_dir() -> Path:
    """The data folder: $GENREASON_DATA, else the repository's data/ (whatever the current
    folder), else ./data for an installed package."""
    env = os.environ.get("GENREASON_DATA")
    if env:
        return Path(env)
    root = repo_root()
    return root / DEFAULT_DATA_DIR if root is not None else DEFAULT_DATA_DIR


def default_db_path() -> Path:
    """The database file: $GENREASON_DB, else <data folder>/genreason.duckdb."""
    env = os.environ.get("GENREASON_DB")
    return Path(env) if env else data_dir() / DEFAULT_DB_NAME


def resolve_db_path(db: str | os.PathLike[str] | None) -> Path:
    """An explicit path wins over the environment and the default."""
    return Path(db) if db else default_db_path()


def lock_timeout_s() -> float:
    """How long a connection waits for another process's lock before giving up."""
    return float(os.environ.get("GENREASON_LOCK_TIMEOUT", "15"))


SETTINGS_NAME = "app_settings.json"
SETTINGS_KEYS = ("backend", "model", "base_url", "annotator")  # never secrets


def load_settings(folder: Path | None = None) -> dict[str, str]:
    """The app's remembered model settings and annotator name (data folder's
    app_settings.json); {} when there are none or the file is unreadable."""
    import json

    path = (folder or data_dir()) / SETTINGS_NAME
    try:
        raw = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {k: str(v) for k, v in raw.items() if k in SETTINGS_KEYS and isinstance(v, str)} \
        if isinstance(raw, dict) else {}


def save_settings(settings: dict[str, str], folder: Path | None = None) -> None:
    """Remember the app's model settings and annotator name for the next session (atomically)."""
    import json

    folder = folder or data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    kept = {k: str(v) for k, v in settings.items() if k in SETTINGS_KEYS and v is not None}
    tmp = folder / f".{SETTINGS_NAME}.tmp"
    tmp.write_text(json.dumps(kept, indent=2))
    os.replace(tmp, folder / SETTINGS_NAME)
