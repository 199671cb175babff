"""The store's schema: numbered forward migrations, applied in order, each in a transaction.

A database records its version in `schema_version`; `migrate` brings it to the latest.
Never edit a released migration: append a new one.
"""

from __future__ import annotations

import logging

import duckdb

log = logging.getLogger(__name__)

# (version, statements). Version 1 is the whole schema of the first release.
MIGRATIONS: list[tuple[int, list[str]]] = [
    (
        1,
        [
            """CREATE TABLE store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
            """INSERT INTO store_meta VALUES ('data_version', '0')""",
            # One row per question; `id` is stable across re-ingests (given, or a content hash).
            """CREATE TABLE questions (
                id VARCHAR PRIMARY KEY,
                source VARCHAR NOT NULL,
                question VARCHAR NOT NULL,
                answer VARCHAR NOT NULL,
                answer_type VARCHAR,
                category VARCHAR,
                difficulty VARCHAR,
                options VARCHAR[],
                extra JSON,
                content_hash VARCHAR NOT NULL,
                ingest_run VARCHAR,
                created_at TIMESTAMP DEFAULT current_timestamp
            )""",
            # Every stage execution: its config, counts, timing and outcome.
            """CREATE TABLE stage_runs (
                id VARCHAR PRIMARY KEY,
                stage VARCHAR NOT NULL,
                config JSON,
                status VARCHAR NOT NULL,
                started_at TIMESTAMP,
                finished_at TIMESTAMP,
                seconds DOUBLE,
                counts JSON,
                error VARCHAR
            )""",
            # Per-row outcome of a filtering stage: nothing is dropped without a reason.
            """CREATE TABLE decisions (
                run_id VARCHAR NOT NULL,
                stage VARCHAR NOT NULL,
                question_id VARCHAR NOT NULL,
                kept BOOLEAN NOT NULL,
                reason VARCHAR,
                detail JSON,
                created_at TIMESTAMP DEFAULT current_timestamp
            )""",
            """CREATE TABLE candidates (
                id VARCHAR PRIMARY KEY,
                question_id VARCHAR NOT NULL,
                model VARCHAR,
                response VARCHAR NOT NULL,
                content_hash VARCHAR,
                run_id VARCHAR,
                extra JSON,
                created_at TIMESTAMP DEFAULT current_timestamp
            )""",
            # One judgment per (candidate, judge); verdict NULL means undecided.
            """CREATE TABLE judgments (
                candidate_id VARCHAR NOT NULL,
                question_id VARCHAR NOT NULL,
                judge VARCHAR NOT NULL,
                verdict BOOLEAN,
                extracted VARCHAR,
                reason VARCHAR,
                rule VARCHAR,
                detail JSON,
                cost JSON,
                run_id VARCHAR,
                created_at TIMESTAMP DEFAULT current_timestamp,
                PRIMARY KEY (candidate_id, judge)
            )""",
            # Input rows that were rejected, with where they came from and why.
            """CREATE TABLE quarantine (
                run_id VARCHAR NOT NULL,
                source_file VARCHAR NOT NULL,
                line BIGINT,
                reason VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                raw VARCHAR,
                created_at TIMESTAMP DEFAULT current_timestamp
            )""",
            # Long-running work (training, generation); it writes its own run folder.
            """CREATE TABLE jobs (
                id VARCHAR PRIMARY KEY,
                kind VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                config JSON,
                run_dir VARCHAR,
                pid INTEGER,
                created_at TIMESTAMP DEFAULT current_timestamp,
                started_at TIMESTAMP,
                finished_at TIMESTAMP,
                error VARCHAR
            )""",
        ],
    ),
    (
        2,
        [
            # Judge identity: one row per judge name with its kind and the full configuration it
            # judged with, recorded once (genreason.store.judges). `config` NULL: not known (a
            # judge whose judgments predate this table); the next run under the name fills it in.
            """CREATE TABLE judges (
                name VARCHAR PRIMARY KEY,
                kind VARCHAR NOT NULL,
                config JSON,
                created_at TIMESTAMP DEFAULT current_timestamp
            )""",
            # Judges already in the store get a row, their kind read from the name.
            """INSERT INTO judges (name, kind, config)
               SELECT judge,
                      CASE WHEN judge = 'rule' OR judge LIKE 'rule:%' THEN 'rule'
                           WHEN judge = 'model' OR judge LIKE 'model:%' THEN 'model'
                           WHEN judge = 'hybrid' OR judge LIKE 'hybrid:%' THEN 'hybrid'
                           WHEN judge = 'human' OR judge LIKE 'human:%' THEN 'human'
                           ELSE 'labels' END,
                      NULL
               FROM (SELECT DISTINCT judge FROM judgments)""",
        ],
    ),
    (
        3,
        [
            # Snapshots (genreason.store.snapshots): a named, immutable set of kept questions,
            # with the stage runs that produced it, its row count and a content hash.
            """CREATE TABLE snapshots (
                name VARCHAR PRIMARY KEY,
                created_at TIMESTAMP DEFAULT current_timestamp,
                n_rows BIGINT NOT NULL,
                content_hash VARCHAR NOT NULL,
                selection JSON,
                stage_runs JSON,
                note VARCHAR
            )""",
            # The rows as they were when frozen: later edits of `questions` do not reach them.
            """CREATE TABLE snapshot_rows (
                snapshot VARCHAR NOT NULL,
                position INTEGER NOT NULL,
                id VARCHAR NOT NULL,
                source VARCHAR,
                question VARCHAR NOT NULL,
                answer VARCHAR NOT NULL,
                answer_type VARCHAR,
                category VARCHAR,
                difficulty VARCHAR,
                options VARCHAR[],
                PRIMARY KEY (snapshot, id)
            )""",
        ],
    ),
    (
        4,
        [
            # Evaluation results (genreason.store.evals): runs and every scored output.
            # One evaluation: what was scored, with which model, protocol and judge, and its summary.
            """CREATE TABLE eval_runs (
                id VARCHAR PRIMARY KEY,
                benchmark VARCHAR NOT NULL,
                model VARCHAR NOT NULL,
                protocol VARCHAR NOT NULL,
                judge VARCHAR NOT NULL,
                mode VARCHAR NOT NULL,
                backend VARCHAR,
                source VARCHAR,
                questions_digest VARCHAR,
                questions INTEGER,
                samples INTEGER,
                accuracy DOUBLE,
                summary JSON,
                config JSON,
                seconds DOUBLE,
                job_id VARCHAR,
                created_at TIMESTAMP DEFAULT current_timestamp
            )""",
            # Every scored output of a run; verdict is never NULL (no answer and undecided are wrong,
            # `status` says which).
            """CREATE TABLE eval_records (
                run_id VARCHAR NOT NULL,
                question_id VARCHAR NOT NULL,
                sample INTEGER NOT NULL,
                category VARCHAR,
                reference VARCHAR,
                prompt VARCHAR,
                output VARCHAR,
                extracted VARCHAR,
                verdict BOOLEAN NOT NULL,
                status VARCHAR NOT NULL,
                rule VARCHAR,
                reason VARCHAR,
                harness_pred VARCHAR,
                PRIMARY KEY (run_id, question_id, sample)
            )""",
        ],
    ),
]

LATEST_VERSION = MIGRATIONS[-1][0]


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version of the open database (0 for an empty file)."""
    try:
        row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    except duckdb.CatalogException:  # cheaper than asking information_schema on every open
        return 0
    return int(row[0] or 0)


def migrate(
    con: duckdb.DuckDBPyConnection,
    migrations: list[tuple[int, list[str]]] | None = None,
    target: int | None = None,
) -> int:
    """Apply pending migrations up to `target` (default: all); return the new version."""
    migrations = MIGRATIONS if migrations is None else migrations
    version = current_version(con)
    if version == 0:
        con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, applied_at TIMESTAMP)")
    newest = max(v for v, _ in migrations)
    if version > newest:
        raise RuntimeError(
            f"database schema version {version} is newer than this genreason ({newest}); "
            "upgrade genreason to open it"
        )
    for number, statements in migrations:
        if number <= version or (target is not None and number > target):
            continue
        log.info("applying schema migration %d", number)
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in statements:
                con.execute(statement)
            con.execute("INSERT INTO schema_version VALUES (?, current_timestamp)", [number])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        version = number
    return version
