"""The one stage runner: batches, progress, run folder, resume, idempotence, one stored record.

    result = run_stage(PassRateStage(PassRateConfig()), db="data/genreason.duckdb")
    results = run_pipeline([AnnotateStage(...), DifficultyStage(...)], db=db)

How a run goes (the storage rules of DESIGN.md):
1. Input rows: the caller's, or `stage.select(con)` over one short connection.
2. Rows a finished run of the same stage and config (same `config_hash`) already decided, with
   the same content (`row_hash`, kept in each decision), are skipped: their earlier decisions
   still count in this run's funnel. `redo=True` does them again; a row whose question or
   labels changed since is decided again.
3. The run folder `<db folder>/runs/stages/<run id>/` gets `run.json` (stage, config, hash,
   status), `progress.json` (rewritten atomically after every batch, read by the app) and
   `outcomes.jsonl`: one line per decided row, appended and flushed after every batch. No
   database connection is held while the stage works.
4. At the end, one short write transaction stores the stage's rows (`stage.save`), its
   decisions and its `stage_runs` row. A killed run leaves its folder "running": the next
   run of the same stage and config finds it, keeps its outcomes (a cut last line is dropped)
   and does only the rest, under the same run id, so nothing is duplicated or lost.
5. A final save that meets a held lock tries again (`genreason.store.retry.LockRetry`:
   $GENREASON_SAVE_ATTEMPTS tries, $GENREASON_SAVE_BACKOFF s doubling, each logged and shown
   in progress.json); if all fail, the folder is marked failed and a rerun stores it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from genreason import store
from genreason.config import resolve_db_path
from genreason.curate.stage import Outcome, Row, Stage, config_dict, config_hash
from genreason.store.retry import LockRetry, retry_locked

log = logging.getLogger(__name__)

UNFINISHED = ("running", "failed")  # run folders a rerun resumes
STORED = ("done", "stopped")  # stage runs whose decisions are in the store


@dataclass
class StageRun:
    """What one run of a stage did."""

    run_id: str
    stage: str
    status: str  # "done", "stopped"
    run_dir: Path
    counts: dict[str, Any]
    kept_ids: list[str] = field(default_factory=list)  # question ids handed to the next stage
    seconds: float = 0.0
    resumed: bool = False
    pipeline: str | None = None


def stage_runs_root(db: str | os.PathLike[str] | None) -> Path:
    """Where stage run folders go: `runs/stages/` beside the database file."""
    return resolve_db_path(db).resolve().parent / "runs" / "stages"


def write_json_atomic(path: Path, value: Any) -> None:
    """Replace `path` at once: a reader sees the old file or the new one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, default=str, ensure_ascii=False, indent=1))
    os.replace(tmp, path)


def read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def read_outcomes(path: Path) -> dict[str, Outcome]:
    """Outcomes written so far, by row id (a line cut short by a crash is removed first)."""
    if not path.exists():
        return {}
    text = path.read_text()
    if text and not text.endswith("\n"):
        text = text[: text.rfind("\n") + 1]
        path.write_text(text)
    found: dict[str, Outcome] = {}
    for line in text.splitlines():
        try:
            outcome = Outcome.from_json(json.loads(line))
        except (ValueError, TypeError):
            log.warning("skipping an unreadable line in %s", path)
            continue
        found[outcome.row_id] = outcome
    return found


def _alive(pid: Any) -> bool:
    """Whether another live process has this pid (a run of the same stage still at work)."""
    if not isinstance(pid, int) or pid == os.getpid():
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _find_unfinished(root: Path, stage: str, digest: str) -> Path | None:
    """The folder of an unfinished run of this stage and config, to resume; RuntimeError when
    that run's process is still alive (two processes must not append to one folder)."""
    if not root.exists():
        return None
    for folder in sorted(root.iterdir(), reverse=True):
        meta = read_json(folder / "run.json")
        if meta.get("stage") == stage and meta.get("config_hash") == digest and meta.get("status") in UNFINISHED:
            if meta.get("status") == "running" and _alive(meta.get("pid")):
                raise RuntimeError(f"stage {stage}: run {meta.get('run_id')} with this config is still at "
                                   f"work (pid {meta['pid']}, folder {folder}); wait for it or stop it")
            return folder
    return None


def _earlier_decisions(con: Any, stage: str, digest: str, ids: Sequence[str]) -> dict[str, tuple[bool, str, Any]]:
    """(kept, reason, evidence) of each row that a stored run of this stage and config decided."""
    rows = con.execute(
        "SELECT d.question_id, arg_max(d.kept, d.created_at), arg_max(d.reason, d.created_at), "
        "arg_max(d.detail, d.created_at) FROM decisions d JOIN stage_runs r ON r.id = d.run_id "
        "WHERE r.stage = ? AND json_extract_string(r.config, '$.config_hash') = ? "
        "AND r.status IN ('done', 'stopped') AND d.question_id IN (SELECT unnest(?)) "
        "GROUP BY d.question_id",
        [stage, digest, list(ids)],
    ).fetchall()
    return {qid: (kept, reason, json.loads(detail) if detail else {}) for qid, kept, reason, detail in rows}


def _counts(n_in: int, outcomes: Iterable[Outcome], skipped: dict[str, tuple[bool, str, Any]],
            processed: int) -> dict[str, Any]:
    reasons: Counter[str] = Counter()
    drop_reasons: Counter[str] = Counter()
    kept = dropped = undecided = 0
    for kept_flag, reason in [(o.kept, o.reason) for o in outcomes] + [(k, r) for k, r, _ in skipped.values()]:
        reasons[reason] += 1
        if kept_flag is None:
            undecided += 1
        elif kept_flag:
            kept += 1
        else:
            dropped += 1
            drop_reasons[reason] += 1
    return {"in": n_in, "processed": processed, "skipped": len(skipped), "kept": kept,
            "dropped": dropped, "not_filtered": undecided, "reasons": dict(reasons.most_common()),
            "drop_reasons": dict(drop_reasons.most_common())}


def run_stage(
    stage: Stage,
    rows: Iterable[Row] | None = None,
    *,
    db: str | os.PathLike[str] | None = None,
    run_dir: str | os.PathLike[str] | None = None,
    pipeline: str | None = None,
    progress: bool = True,
    redo: bool = False,
    should_stop: Callable[[], bool] | None = None,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    run_id: str | None = None,
    save_retry: LockRetry | None = None,
) -> StageRun:
    """Run `stage` over `rows` (default: `stage.select`), store the result; see the module doc.

    run_dir: use this folder (a job's) instead of a new one under `stage_runs_root(db)`; a
        folder of a stopped run continues under its run id.
    should_stop: checked between batches; when it says yes, what is done is stored as "stopped".
    on_progress: called with each progress.json record (a job mirrors it into its own).
    run_id: the id of a new run (a job's id); default a fresh one.
    save_retry: how often the final save retries a held lock (default `LockRetry.from_env()`).
        When every try fails, the run folder is marked failed, keeps every outcome, and the
        StoreLockedError goes up: the next run of this stage and config stores it.
    """
    from tqdm.auto import tqdm

    cfg = config_dict(stage.config)
    digest = config_hash(stage.name, stage.config)
    # A writing connection (briefly): it migrates an older store before the stage reads it.
    with store.connect(db) as con:
        prepare = getattr(stage, "prepare", None)
        if callable(prepare):  # read what the stage needs from the store (labels, judgments)
            prepare(con, resolve_db_path(db))
        rows = list(stage.select(con) if rows is None else rows)
        ids = [str(r["id"]) for r in rows]
        if len(set(ids)) != len(ids):
            dup = next(i for i, c in Counter(ids).items() if c > 1)
            raise ValueError(f"stage {stage.name}: input row id {dup!r} appears more than once")
        skipped: dict[str, tuple[bool, str, Any]] = {}
        done_elsewhere: set[str] = set()
        if not redo:
            if stage.records_decisions:
                # A row counts as done only if it is the same row: a question whose text or
                # labels changed since (re-ingested, annotated) is decided again.
                fields = getattr(stage, "row_fields", None)  # what the stage reads, if not all
                hashes = {str(r["id"]): row_hash(r, fields) for r in rows}
                skipped = {k: v for k, v in _earlier_decisions(con, stage.name, digest, ids).items()
                           if v[2].get("row_hash") in (None, hashes[k])}
            custom = getattr(stage, "done_ids", None)
            found = custom(con, digest) if callable(custom) else None
            done_elsewhere = (set(found or ()) & set(ids)) - set(skipped)
            if stage.batch_size == 0 and len(skipped) < len(ids):
                skipped = {}  # a whole-input stage (dedup) decides everything again when rows are new
    root = stage_runs_root(db)
    folder = Path(run_dir) if run_dir else _find_unfinished(root, stage.name, digest)
    resumed = folder is not None and (folder / "run.json").exists()
    meta = read_json(folder / "run.json") if resumed else {}
    run_id = meta.get("run_id") or run_id or store.new_run_id(stage.name)
    folder = folder or root / run_id
    folder.mkdir(parents=True, exist_ok=True)
    started_at = datetime.fromisoformat(meta["started_at"]) if meta.get("started_at") else datetime.now(UTC)
    earlier_s = float(meta.get("seconds") or 0.0)
    meta = {"run_id": run_id, "stage": stage.name, "config_hash": digest, "config": cfg,
            "pipeline": pipeline, "status": "running", "pid": os.getpid(),
            "started_at": started_at.isoformat(), "seconds": earlier_s}
    write_json_atomic(folder / "run.json", meta)
    out_path = folder / "outcomes.jsonl"
    in_folder = read_outcomes(out_path)
    wanted = set(ids)
    outcomes = {k: v for k, v in in_folder.items() if k in wanted and k not in skipped}
    todo = [r for r in rows if str(r["id"]) not in skipped and str(r["id"]) not in done_elsewhere
            and str(r["id"]) not in outcomes]
    if resumed:
        log.info("%s: resuming run %s (%d rows already in its folder)", stage.name, run_id, len(outcomes))
    record = {"config_hash": digest, "config": cfg, "pipeline": pipeline, "run_dir": str(folder)}
    with store.connect(db) as con, store.transaction(con):
        store.record_run(con, run_id, stage.name, config=record, status="running", started_at=started_at,
                         seconds=earlier_s, counts=_counts(len(rows), outcomes.values(), skipped, len(outcomes)))

    clock = time.perf_counter()
    total = len(outcomes) + len(todo)

    def report(status: str, **extra: Any) -> None:
        seconds = earlier_s + time.perf_counter() - clock
        done = len(outcomes)
        counts = _counts(len(rows), outcomes.values(), skipped, done)
        write_json_atomic(folder / "progress.json", {
            "run_id": run_id, "stage": stage.name, "status": status, "done": done, "total": total,
            "skipped": len(skipped) + len(done_elsewhere), "seconds": round(seconds, 2),
            "rate": round((done - len(in_folder)) / max(seconds - earlier_s, 1e-9), 2),
            "counts": counts, "updated_at": time.time(), **extra})
        if on_progress is not None:
            on_progress(read_json(folder / "progress.json"))

    report("running")
    size = stage.batch_size if stage.batch_size > 0 else max(1, len(todo))
    stopped = False
    bar = tqdm(total=total, initial=len(outcomes), desc=stage.name, unit="row", disable=not progress)
    try:
        with out_path.open("a", encoding="utf-8") as out:
            for start in range(0, len(todo), size):
                if should_stop is not None and should_stop():
                    stopped = True
                    break
                batch = todo[start:start + size]
                got = stage.process(batch)
                if len(got) != len(batch):
                    raise RuntimeError(f"stage {stage.name} returned {len(got)} outcomes for {len(batch)} rows")
                for o in got:
                    out.write(json.dumps(o.to_json(), default=str, ensure_ascii=False) + "\n")
                    outcomes[o.row_id] = o
                out.flush()
                bar.update(len(batch))
                report("running")
    except BaseException as exc:
        meta.update(status="failed", seconds=earlier_s + time.perf_counter() - clock, error=repr(exc)[:500])
        write_json_atomic(folder / "run.json", meta)
        report("failed", error=f"{type(exc).__name__}: {exc}"[:500])
        raise
    finally:
        bar.close()
        close = getattr(stage, "close", None)
        if callable(close):
            close()

    status = "stopped" if stopped else "done"
    seconds = earlier_s + time.perf_counter() - clock
    counts = _counts(len(rows), outcomes.values(), skipped, len(outcomes))
    counts["skipped"] += len(done_elsewhere)
    report("saving")
    ordered = [outcomes[i] for i in ids if i in outcomes]

    def waiting(attempt: int, delay: float, exc: Exception) -> None:
        report("saving", save_attempt=attempt, waiting_s=round(delay, 2), error=f"waiting for the lock: {exc}"[:500])

    try:
        retry_locked(lambda: _store(stage, ordered, db=db, run_id=run_id, record=record, status=status,
                                    started_at=started_at, seconds=seconds, counts=counts,
                                    rows={str(r["id"]): r for r in rows}),
                     policy=save_retry, what=f"stage {stage.name} run {run_id}: final save", on_retry=waiting)
    except BaseException as exc:
        # Nothing of this run is in the store yet (the save is one transaction), every outcome
        # is in the folder: mark it failed so the next run of this stage and config resumes it
        # and only stores (the stage_runs row keeps "running" until then: the store is locked).
        meta.update(status="failed", seconds=seconds, error=repr(exc)[:500])
        write_json_atomic(folder / "run.json", meta)
        report("failed", error=f"{type(exc).__name__}: {exc}"[:500] + f" -- the outcomes are kept in {folder}; "
               "running this stage again with the same config stores them")
        raise
    meta.update(status=status, seconds=seconds)
    write_json_atomic(folder / "run.json", meta)
    report(status)
    kept_ids: list[str] = []
    for row_id in ids:
        if row_id in outcomes:
            kept_ids += outcomes[row_id].passed_on()
        elif row_id in skipped and skipped[row_id][0]:
            kept_ids += skipped[row_id][2].get("outputs") or [row_id]
        elif row_id in done_elsewhere:
            kept_ids.append(row_id)
    log.info("%s: %d in, %d kept, %d dropped (%d processed, %d skipped) in %.1f s; run %s",
             stage.name, counts["in"], counts["kept"], counts["dropped"], counts["processed"],
             counts["skipped"], seconds, run_id)
    return StageRun(run_id=run_id, stage=stage.name, status=status, run_dir=folder, counts=counts,
                    kept_ids=kept_ids, seconds=seconds, resumed=resumed, pipeline=pipeline)


def _store(stage: Stage, ordered: Sequence[Outcome], *, db: Any, run_id: str, record: dict[str, Any],
           status: str, started_at: datetime, seconds: float, counts: dict[str, Any],
           rows: dict[str, Row] | None = None) -> None:
    """The one write transaction of a stage run: its rows, decisions and stage_runs row."""
    with store.connect(db) as con:
        already = con.execute("SELECT status FROM stage_runs WHERE id = ?", [run_id]).fetchone()
        if already is not None and already[0] == "done":  # a kill after commit must not store twice
            return
        with store.transaction(con):
            stage.save(con, run_id, ordered)  # upserts: storing again changes nothing
            # A stopped run that continues stores all its decisions again, once.
            con.execute("DELETE FROM decisions WHERE run_id = ?", [run_id])
            if stage.records_decisions:
                store.add_decisions(con, run_id, stage.name, [
                    (o.row_id, bool(o.kept), o.reason, _detail(o, (rows or {}).get(o.row_id),
                                                             getattr(stage, "row_fields", None)))
                    for o in ordered if o.kept is not None])
            store.record_run(con, run_id, stage.name, config=record, status=status,
                             started_at=started_at, seconds=seconds, counts=counts)


def store_outcomes(stage: Stage, outcomes: Sequence[Outcome], *, db: str | os.PathLike[str] | None = None,
                   seconds: float = 0.0, pipeline: str | None = None) -> str:
    """Store outcomes a caller got from `stage.process` itself (a notebook that judges in
    memory and stores on request) as one stage run; returns its run id."""
    run_id = store.new_run_id(stage.name)
    record = {"config_hash": config_hash(stage.name, stage.config), "config": config_dict(stage.config),
              "pipeline": pipeline, "run_dir": None}
    counts = _counts(len(outcomes), outcomes, {}, len(outcomes))
    started_at = datetime.now(UTC)
    retry_locked(lambda: _store(stage, list(outcomes), db=db, run_id=run_id, record=record, status="done",
                                started_at=started_at, seconds=seconds, counts=counts),
                 what=f"stage {stage.name}: storing {len(outcomes)} outcomes")
    return run_id


def row_hash(row: Row, fields: Sequence[str] | None = None) -> str:
    """A short hash of an input row's content, or of `fields` of it (decisions record it)."""
    part = row if fields is None else {f: row.get(f) for f in fields}
    blob = json.dumps(part, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha1(blob.encode()).hexdigest()[:16]


def _detail(outcome: Outcome, row: Row | None = None, fields: Sequence[str] | None = None) -> dict[str, Any]:
    detail = dict(outcome.evidence)
    if row is not None:
        detail["row_hash"] = row_hash(row, fields)
    if outcome.outputs is not None:
        detail["outputs"] = outcome.outputs
    return detail


def run_pipeline(
    stages: Sequence[Stage],
    rows: Iterable[Row] | None = None,
    *,
    db: str | os.PathLike[str] | None = None,
    pipeline: str | None = None,
    progress: bool = True,
    redo: bool = False,
    should_stop: Callable[[], bool] | None = None,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
) -> list[StageRun]:
    """Run stages in order, each on the questions the one before kept; one pipeline id ties
    their stage runs together (the Curation page's funnel)."""
    from genreason.curate.rows import load_questions

    pipeline = pipeline or store.new_run_id("pipeline")
    results: list[StageRun] = []
    current = None if rows is None else list(rows)
    if current is None and hasattr(stages[0], "ignore_drops_by"):
        stages[0].ignore_drops_by = tuple(s.name for s in stages)
    for stage in stages:
        result = run_stage(stage, current, db=db, pipeline=pipeline, progress=progress, redo=redo,
                           should_stop=should_stop, on_progress=on_progress)
        results.append(result)
        if result.status != "done":
            break
        with store.connect(db, read_only=True) as con:
            current = load_questions(con, result.kept_ids)
    return results
