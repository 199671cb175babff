"""Every store read and write the app makes, in one place, with the caching around them.

Reads are `st.cache_data` wrappers over short-lived lib queries, keyed on the database path and
a version key: the store's `data_version` (bumped by every committed write) and the file's
identity (a deleted and recreated file starts counting again). So a page shows new data on its
next rerun after any process writes, and a cached answer is never stale. Each query opens a
read-only connection and closes it before returning: the app holds no connection between
interactions, so a notebook or the CLI can write while the app is open.
No connection is ever cached (st.cache_resource is not used for the database).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from genreason import jobs, rowexport, stats, store
from genreason.store import browse
from genreason.verify.assess import compare

# DuckDB refuses a read-only and a read-write connection to one file inside one process at the
# same moment, and Streamlit serves sessions from threads: one lock serialises our brief uses.
_DB_LOCK = threading.Lock()
READ_TIMEOUT_S = 5.0  # wait this long for another process's write lock, then say "busy"
WRITE_TIMEOUT_S = 15.0


@contextmanager
def _reading(db: str) -> Iterator[Any]:
    with _DB_LOCK, store.connect(db, read_only=True, timeout_s=READ_TIMEOUT_S) as con:
        yield con


@contextmanager
def _writing(db: str) -> Iterator[Any]:
    with _DB_LOCK, store.connect(db, timeout_s=WRITE_TIMEOUT_S) as con:
        yield con


@dataclass(frozen=True)
class DbState:
    """What the app can show: status is "missing", "error", "empty" or "ready"."""

    path: str
    status: str
    version: str = ""  # cache key: file identity and data_version
    questions: int = 0
    message: str = ""


def db_state(db: str) -> DbState:
    """Checked on every rerun (one brief connection): is there data, and which version."""
    path = Path(db)
    if not path.is_file():
        return DbState(db, "missing")
    try:
        with _reading(db) as con:
            file = path.stat()
            version = f"{file.st_dev}:{file.st_ino}:{store.data_version(con)}"
    except store.StoreError as exc:
        return DbState(db, "error", message=str(exc))
    count = question_count(db, version)
    return DbState(db, "ready" if count else "empty", version, count)


@st.cache_data(max_entries=32, show_spinner=False)
def question_count(db: str, version: str) -> int:
    with _reading(db) as con:
        return browse.count_questions(con, browse.QuestionFilter())


# --- dataset page -------------------------------------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def facet_table(db: str, version: str, text: str) -> list[dict[str, Any]]:
    """One scan per text search; every facet filter on top is answered from it in memory."""
    with _reading(db) as con:
        return browse.facet_table(con, text)


def facet_summary(db: str, version: str, filters: browse.QuestionFilter) -> browse.FacetSummary:
    return browse.facet_summary(facet_table(db, version, filters.text), filters)


@st.cache_data(max_entries=128, show_spinner=False)
def question_page(
    db: str, version: str, filters: browse.QuestionFilter, page: int, page_size: int
) -> pd.DataFrame:
    with _reading(db) as con:
        rows = browse.question_page(con, filters, limit=page_size, offset=page * page_size)
    return pd.DataFrame(rows, columns=["id", "source", "category", "difficulty", "answer_type",
                                       "question", "answer"])


@st.cache_data(max_entries=64, show_spinner=False)
def question_detail(db: str, version: str, question_id: str) -> dict[str, Any] | None:
    with _reading(db) as con:
        return browse.question_detail(con, question_id)


# --- verifiers page -----------------------------------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def judge_names(db: str, version: str) -> list[str]:
    with _reading(db) as con:
        return store.judge_names(con)


@st.cache_data(max_entries=32, show_spinner=False)
def judge_overlaps(db: str, version: str) -> dict[tuple[str, str], int]:
    """Candidates judged by both, for every ordered pair of judges."""
    with _reading(db) as con:
        return stats.judge_overlaps(con)


def pair_version(db: str, judge_a: str, judge_b: str) -> str:
    """A cache key that changes only when a judgment of judge A or B changes (one brief query),
    so a human verdict under a third name does not recompute the comparison."""
    with _reading(db) as con:
        return stats.judges_version(con, [judge_a, judge_b])


# cache_resource, not cache_data: the uncapped disagreement list can be tens of thousands of rows
# with their texts, and cache_data would copy (pickle) it on every rerun. Pages only read it.
# (No connection is cached: the key is the pair's judgment version, the value plain data.)
@st.cache_resource(max_entries=16, show_spinner=False)
def comparison(db: str, pair_key: str, judge_a: str, judge_b: str) -> dict[str, Any]:
    """Metrics, matrix, breakdowns, chart rows per group and every disagreement (no cap).

    pair_key: `pair_version(db, judge_a, judge_b)`."""
    with _reading(db) as con:
        pairs = compare.load_pairs(con, judge_a, judge_b)
    result = compare.compare_pairs(pairs, judge_a, judge_b, max_disagreements=None)
    return {
        **result.to_dict(),
        "bars": {by: compare.agreement_by(pairs, by) for by in compare.GROUPS},
    }


@st.cache_data(max_entries=64, show_spinner=False)
def candidate_judgments(db: str, version: str, candidate_id: str) -> list[dict[str, Any]]:
    with _reading(db) as con:
        return browse.candidate_judgments(con, candidate_id)


@st.cache_data(max_entries=64, show_spinner=False)
def count_candidates(
    db: str, version: str, filters: browse.QuestionFilter, judge_missing: str | None
) -> int:
    with _reading(db) as con:
        return browse.count_candidates(con, filters, judge_missing=judge_missing)


def record_human_verdict(
    db: str, candidate_id: str, verdict: bool | None, note: str, annotator: str = ""
) -> str:
    """Store a person's verdict as judge `human:<annotator>` (`human` without a name); the
    version bump refreshes every cached read. Returns the judge name."""
    judge = human_judge(annotator)
    with _writing(db) as con:
        compare.record_human_verdict(con, candidate_id, verdict, note, judge=judge)
    return judge


@st.cache_data(max_entries=64, show_spinner=False)
def judged_by(db: str, version: str, judge: str, candidate_ids: tuple[str, ...]) -> int:
    """How many of `candidate_ids` `judge` has judged."""
    with _reading(db) as con:
        return stats.count_judged(con, judge, list(candidate_ids))


def human_judge(annotator: str) -> str:
    """The judge name of an annotator: `human:<name>`, or `human` when no name is given."""
    name = annotator.strip()
    return f"human:{name}" if name else "human"


def export_file(rows: list[dict[str, Any]], fmt: str) -> bytes:
    """Rows as a CSV, JSONL or Parquet file for a download button."""
    return rowexport.rows_to_bytes(rows, fmt)


def export_selection(db: str, filters: browse.QuestionFilter, fmt: str, limit: int) -> bytes:
    """The questions matching `filters` (at most `limit`) as a file; called when a download
    button is clicked (not cached: it runs once per click, off the page's script thread)."""
    with _reading(db) as con:
        rows = browse.selection_rows(con, filters, limit=limit)
    return rowexport.rows_to_bytes(rows, fmt)


# --- jobs (live, never cached) ------------------------------------------------------------------


def recent_jobs(db: str, limit: int = 10) -> list[dict[str, Any]]:
    """Verify jobs (training jobs have their own page)."""
    with _reading(db) as con:
        return jobs.list_jobs(con, limit=limit, kind="verify")


def start_verify_job(
    db: str,
    judge: str,
    filters: browse.QuestionFilter,
    *,
    judge_missing: bool,
    limit: int,
    options: dict[str, Any],
    selection: str,
) -> jobs.Job:
    """Pick the candidates with one brief read, then hand them to a background job."""
    with _reading(db) as con:
        ids = browse.candidate_ids(con, filters, judge_missing=judge if judge_missing else None,
                                   limit=limit)
    with _DB_LOCK:
        return jobs.start_verify_job(db, judge, ids, options=options, selection=selection)


def stop_job(db: str, job_id: str) -> bool:
    with _DB_LOCK:
        return jobs.stop_job(db, job_id)


# --- training page (jobs live, run folders cached on their files' mtimes) -----------------------


def training_jobs(db: str, limit: int = 20) -> list[dict[str, Any]]:
    """GRPO and verifier-SFT jobs, newest first; jobs that died unseen are settled first."""
    with _DB_LOCK:
        jobs.reconcile_jobs(db)
    with _reading(db) as con:
        found = jobs.list_jobs(con, limit=200)
    return [j for j in found if j["kind"] in ("grpo", "verifier-sft")][:limit]


def start_training_job(db: str, kind: str, config: dict[str, Any]) -> jobs.Job:
    """Validate (the kind's prepare raises ValueError naming the bad field) and start."""
    with _DB_LOCK:
        return jobs.start_job(db, kind, config)


def resume_job(db: str, job_id: str) -> jobs.Job:
    with _DB_LOCK:
        return jobs.resume_job(db, job_id)


def job_log(run_dir: str, lines: int = 80) -> str:
    return jobs.log_tail(run_dir, lines)


@st.cache_data(max_entries=32, show_spinner=False)
def snapshot_names(db: str, version: str) -> list[str]:
    from genreason.store import snapshots

    with _reading(db) as con:
        return [s["name"] for s in snapshots.list_snapshots(con)]


@st.cache_data(max_entries=64, show_spinner=False)
def run_metrics(run_dir: str, files_version: tuple[float, ...]) -> list[dict[str, Any]]:
    """files_version: `genreason.train.runs.files_version(run_dir)`."""
    from genreason.train import runs

    return runs.read_metrics(run_dir)


@st.cache_data(max_entries=64, show_spinner=False)
def run_completions(run_dir: str, files_version: tuple[float, ...], step: int | None,
                    verdict: str) -> list[dict[str, Any]]:
    from genreason.train import runs

    return runs.read_completions(run_dir, step=step, verdict=verdict)


# --- curation page (cached reads keyed on the data version; jobs live) --------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def curation_pipelines(db: str, version: str) -> list[dict[str, Any]]:
    from genreason.curate import status

    with _reading(db) as con:
        return status.pipelines(con, limit=50)


@st.cache_data(max_entries=32, show_spinner=False)
def curation_funnel(db: str, version: str, pipeline: str) -> list[dict[str, Any]]:
    from genreason.curate import status

    with _reading(db) as con:
        return status.funnel(con, pipeline)


@st.cache_data(max_entries=64, show_spinner=False)
def dropped_examples(db: str, version: str, run_id: str, reason: str, limit: int = 50) -> list[dict[str, Any]]:
    from genreason.curate import status

    with _reading(db) as con:
        return status.dropped_examples(con, run_id, reason, limit=limit)


@st.cache_data(max_entries=32, show_spinner=False)
def snapshot_records(db: str, version: str) -> list[dict[str, Any]]:
    from genreason.store import snapshots

    with _reading(db) as con:
        return snapshots.list_snapshots(con)


@st.cache_data(max_entries=16, show_spinner=False)
def snapshot_export(db: str, version: str, name: str, fmt: str) -> bytes:
    """A snapshot as a downloadable file (parquet, jsonl, or verl's train.parquet)."""
    import tempfile

    from genreason.curate.export import export_snapshot
    from genreason.store import snapshots

    with _reading(db) as con:
        rows = snapshots.load_snapshot(con, name)
    with tempfile.TemporaryDirectory() as tmp:
        return export_snapshot(rows, fmt, tmp, name=name)[0].read_bytes()


def create_snapshot(db: str, name: str, require_stages: tuple[str, ...], note: str) -> dict[str, Any]:
    from genreason.curate.freeze import freeze_kept

    with _writing(db) as con:
        return freeze_kept(con, name, require_stages=require_stages, note=note or None)


def curate_jobs(db: str, limit: int = 10) -> list[dict[str, Any]]:
    with _DB_LOCK:
        jobs.reconcile_jobs(db)
    with _reading(db) as con:
        return jobs.list_jobs(con, limit=limit, kind="curate")


def start_curate_job(db: str, stages: list[str], settings: list[str]) -> jobs.Job:
    """Start a curate job; every file a setting names must lie in the allowed folders
    (PathNotAllowedError, a ValueError, otherwise)."""
    from genreason.curate.pipeline import parse_settings, setting_paths
    from genreason.jobs.curate import start_curate_job as start
    from genreason.paths import allowed_roots, confine_path

    for path in setting_paths(parse_settings(settings)):
        confine_path(path, allowed_roots())
    with _DB_LOCK:
        return start(db, stages, settings)


# --- evaluation page ----------------------------------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def eval_runs(db: str, version: str) -> list[dict[str, Any]]:
    """Every stored evaluation run, newest first (summary and config decoded)."""
    from genreason.store.evals import list_eval_runs

    with _reading(db) as con:
        return list_eval_runs(con, limit=1000)


@st.cache_data(max_entries=64, show_spinner=False)
def eval_records(db: str, version: str, run_id: str, category: str | None, status: str | None) -> pd.DataFrame:
    """One run's per-question records (no prompt/output), optionally of one category and status."""
    from genreason.store.evals import eval_records as records

    with _reading(db) as con:
        return pd.DataFrame(records(con, run_id, category=category, status=status, with_text=False))


@st.cache_data(max_entries=64, show_spinner=False)
def eval_question(db: str, version: str, run_id: str, question_id: str) -> list[dict[str, Any]]:
    """Every sample's full record (with prompt and output) of one question in one run."""
    from genreason.store.evals import eval_records as records

    with _reading(db) as con:
        return records(con, run_id, question_id=question_id)


@st.cache_data(max_entries=16, show_spinner=False)
def eval_comparison(db: str, version: str, run_a: str, run_b: str) -> dict[str, Any]:
    """Two runs question by question: counts and the questions where their verdicts differ."""
    from genreason.store.evals import compare_eval_runs

    with _reading(db) as con:
        return compare_eval_runs(con, run_a, run_b)


def eval_jobs(db: str, limit: int = 10) -> list[dict[str, Any]]:
    with _reading(db) as con:
        return jobs.list_jobs(con, limit=limit, kind="eval")


def checkpoint_evals(db: str, model: str) -> list[dict[str, Any]]:
    """Eval jobs started for the model folder `model` (a training run's checkpoint), newest first."""
    from genreason.jobs.eval import evaluations_of

    with _reading(db) as con:
        return evaluations_of(con, model)


def start_eval_job(db: str, model: str, benchmark: str, **options: Any) -> jobs.Job:
    """Evaluate `model` (a checkpoint folder or served name) on `benchmark` as a background job."""
    from genreason.jobs.eval import start_eval_job as start

    with _DB_LOCK:
        return start(db, model, benchmark, **options)
