"""The sidebar every page shares, and the checks pages run before they query.

Which database to open (default $GENREASON_DB or data/genreason.duckdb) and which model backend
a model or hybrid judging job uses. Typed paths are confined to the allowed folders (the data
folder and $GENREASON_ALLOWED_ROOTS) by `genreason.paths`; the default database, chosen by
whoever started the app, is always allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

import data
from genreason import store
from genreason.config import SETTINGS_KEYS, default_db_path, load_settings, save_settings
from genreason.llm import BACKENDS, keys
from genreason.llm.servers import split_base_urls
from genreason.paths import PathNotAllowedError, allowed_roots, confine_path

LOCAL_BACKENDS = ("hf", "vllm")  # their model is a path on this machine; openai's is a served name
# How every page shows a verdict (plain symbols: no emoji font needed).
VERDICT_TEXT = {True: "✓ yes", False: "✗ no", None: "? undecided"}
VERDICT_COLOR = {True: "green", False: "red", None: "violet"}


def verdict_text(verdict: bool | None, *, color: bool = True) -> str:
    """A verdict as text, in Streamlit markdown colour unless color=False."""
    text = VERDICT_TEXT.get(verdict, str(verdict))
    return f":{VERDICT_COLOR[verdict]}[{text}]" if color and verdict in VERDICT_COLOR else text


def _choose_db(text: str) -> tuple[str | None, str]:
    """The database file for a typed path, or None and why not (never an exception)."""
    if not text.strip():
        return None, (f"no database file given: type one, e.g. {default_db_path()} "
                      "(the default)")
    try:
        default = default_db_path().expanduser().resolve()
        chosen = confine_path(text, [*allowed_roots(), default.parent])
    except PathNotAllowedError as exc:
        return None, str(exc)
    if chosen.is_dir():
        return None, (f"{text} is a folder; give a database file inside it, e.g. "
                      f"{chosen / 'genreason.duckdb'}")
    return str(chosen), ""


def render() -> None:
    """Draw the sidebar; leaves the chosen database in st.session_state["db"] (None if refused)."""
    with st.sidebar:
        st.session_state.setdefault("db_path", str(default_db_path()))
        st.text_input("Database file", key="db_path",
                      help="A DuckDB file inside the data folder or $GENREASON_ALLOWED_ROOTS.")
        db, error = _choose_db(st.session_state["db_path"])
        st.session_state["db"], st.session_state["db_error"] = db, error
        if error:
            st.error(error)
        _load_settings()
        st.text_input("Your name (annotator)", key="annotator", on_change=_save_settings,
                      placeholder="e.g. ada",
                      help="Your verdicts are stored as judge human:<name> (human without one).")
        with st.expander("Model backend (model and hybrid judging)"):
            st.selectbox("Backend", list(BACKENDS), key="backend", on_change=_save_settings)
            st.text_input("Model path or served name", key="model", on_change=_save_settings,
                          help="hf / vllm: a model folder in an allowed folder; "
                               "openai: the name the server serves.")
            st.text_input("Base URL (openai backend)", key="base_url", on_change=_save_settings,
                          placeholder="http://127.0.0.1:8000/v1",
                          help="Several servers: separate their URLs with commas.")
            _key_notice(st.session_state.get("base_url") or "")
        if st.button("Reload data", help="Drop cached query results and read the store again"):
            st.cache_data.clear()
            data.comparison.clear()


def _load_settings() -> None:
    """Model settings and the annotator name come back from the last session (data folder)."""
    if st.session_state.get("_settings_loaded"):
        return
    st.session_state["_settings_loaded"] = True
    for key, value in load_settings(_settings_folder()).items():
        if key == "backend" and value not in BACKENDS:
            continue
        st.session_state.setdefault(key, value)


def _settings_folder() -> Path:
    """Settings live beside the default database (the operator's data folder)."""
    return default_db_path().expanduser().parent


def _save_settings() -> None:
    try:
        save_settings({k: st.session_state.get(k) or "" for k in SETTINGS_KEYS}, _settings_folder())
    except OSError:  # a read-only data folder: the settings last for this session only
        pass


def restore(key: str, default: Any) -> None:
    """Before drawing widget `key`: bring back the value it had on an earlier page visit
    (Streamlit forgets the state of widgets a page run does not draw)."""
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(f"_kept_{key}", default)


def remember(*keys: str) -> None:
    """After drawing widgets: keep their values for the next visit (see restore)."""
    for key in keys:
        if key in st.session_state:
            st.session_state[f"_kept_{key}"] = st.session_state[key]


def kept(key: str) -> Any:
    """The value remembered for widget `key`, or None."""
    return st.session_state.get(f"_kept_{key}")


def _key_notice(base_url: str) -> None:
    """Say when the API key will be withheld from a typed server (genreason.llm.keys)."""
    try:
        urls = split_base_urls(base_url) if base_url.strip() else ()
    except ValueError:
        return  # model_options says what is wrong when a job is started
    hosts = keys.key_hosts_from_env()
    withheld = [u for u in urls if not keys.key_allowed(u, hosts)]
    if withheld:
        st.caption(f"No API key is sent to this host ({', '.join(withheld)}): it is not in "
                   f"${keys.KEY_HOSTS_ENV} (loopback only by default); requests go without one.")


def model_options(judge: str) -> dict[str, Any]:
    """Verifier options from the sidebar for `judge`; ValueError saying what to fill in."""
    if judge == "rule":
        return {}
    backend = st.session_state.get("backend") or "hf"
    model = (st.session_state.get("model") or "").strip()
    base_url = (st.session_state.get("base_url") or "").strip()
    if not model:
        raise ValueError(f"the {judge} verifier needs a model: set it in the sidebar's Model backend")
    if backend in LOCAL_BACKENDS:
        model = str(confine_path(model, allowed_roots()))
    elif not base_url.startswith(("http://", "https://")):
        raise ValueError("the openai backend needs a base URL starting with http:// or https://")
    else:
        split_base_urls(base_url)  # ValueError naming the malformed one of several
    options: dict[str, Any] = {"backend_name": backend, "model": model}
    if base_url and backend == "openai":
        options["base_url"] = base_url
    return options if judge == "model" else {"model_options": options}


def require_data() -> data.DbState:
    """The database's state, or stop the page with the next step when there is nothing to show."""
    db = st.session_state.get("db")
    if db is None:
        st.warning("Choose a database file in the sidebar: "
                   + (st.session_state.get("db_error") or "no path given"))
        st.stop()
    state = data.db_state(db)
    next_step = ("# the shipped sample, its reference labels and the rule verifier's judgments\n"
                 f"genreason demo --db {db}\n"
                 "# or your own questions (JSONL, JSON, CSV, Parquet, datasets folders)\n"
                 f"genreason ingest YOUR_FILE.jsonl --db {db}")
    if state.status == "missing":
        st.info(f"No database at `{db}` yet. Create it from a terminal, then press "
                "**Reload data** in the sidebar:")
        st.code(next_step, language="bash", wrap_lines=True)
        st.stop()
    if state.status == "error":
        st.error(state.message)
        st.stop()
    if state.status == "empty":
        st.info(f"The database `{db}` has no questions yet. Load some from a terminal, then "
                "press **Reload data** in the sidebar:")
        st.code(next_step, language="bash", wrap_lines=True)
        st.stop()
    return state


def show_page(body: Callable[[data.DbState], None]) -> None:
    """Run a page's body on the chosen database; a busy or broken store becomes a message."""
    state = require_data()
    try:
        body(state)
    except store.StoreError as exc:  # e.g. another process held the write lock too long
        st.error(str(exc))
        st.button("Try again")
