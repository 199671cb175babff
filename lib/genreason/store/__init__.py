"""The DuckDB store: schema, short-lived connections, and the reads and writes of each table.

    from genreason import store
    with store.connect("data/genreason.duckdb") as con:
        items = store.candidate_items(con, limit=100)
"""

from genreason.store.connection import (
    StoreError,
    StoreLockedError,
    connect,
    data_version,
    transaction,
)
from genreason.store.judges import (
    JudgeConflictError,
    JudgeRecord,
    check_judge,
    default_judge_name,
    ensure_judges,
    get_judge,
    list_judges,
    register_judge,
)
from genreason.store.judgments import (
    candidate_count,
    candidate_items,
    candidate_tags,
    judge_names,
    judge_pairs,
    load_judgments,
    question_rows,
    save_judgments,
)
from genreason.store.runs import (
    QuarantinedRow,
    add_decisions,
    add_quarantine,
    new_run_id,
    record_run,
)
from genreason.store.schema import LATEST_VERSION, current_version, migrate

__all__ = [
    "LATEST_VERSION",
    "JudgeConflictError",
    "JudgeRecord",
    "QuarantinedRow",
    "StoreError",
    "StoreLockedError",
    "add_decisions",
    "add_quarantine",
    "candidate_count",
    "candidate_items",
    "candidate_tags",
    "check_judge",
    "connect",
    "current_version",
    "data_version",
    "default_judge_name",
    "ensure_judges",
    "get_judge",
    "judge_names",
    "judge_pairs",
    "list_judges",
    "load_judgments",
    "migrate",
    "new_run_id",
    "question_rows",
    "record_run",
    "register_judge",
    "save_judgments",
    "transaction",
]
