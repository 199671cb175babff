"""Judge identity: the judges table (migration 2), default names, a refused re-judge, imports.

A real store, seeded by the ingest stage from the first rows of the real GSM8K model solutions
(labels from OpenAI's final-answer check, stored as judge "gsm8k_label").
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from genreason import store
from genreason.cli.main import main
from genreason.ingest import IngestConfig, ingest
from genreason.store import schema
from genreason.store.judges import JudgeConflictError, default_judge_name, model_label
from genreason.verify.registry import judge_config, make_verifier

REALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"


@pytest.fixture
def gsm8k_db(tmp_path: Path) -> Path:
    source = REALDATA / "gsm8k" / "model_solution_pairs.jsonl"
    if not source.exists():
        pytest.skip(f"real data not found at {source}")
    subset = tmp_path / "gsm8k_head.jsonl"
    with source.open() as f:
        subset.write_text("".join(next(f) for _ in range(12)))
    db = tmp_path / "store.duckdb"
    with store.connect(db) as con:
        ingest(con, [subset], IngestConfig(progress=False))
    return db


def test_default_names_say_what_the_judge_is() -> None:
    assert default_judge_name("rule") == "rule"
    assert default_judge_name("model", "data/models/general-verifier/") == "model:general-verifier"
    assert default_judge_name("hybrid", "/abs/path/ckpt-400") == "hybrid:ckpt-400"
    # a served model's name is kept whole, slash included
    assert default_judge_name("model", "TIGER-Lab/general-verifier", served=True) == "model:TIGER-Lab/general-verifier"
    assert model_label("general-verifier") == "general-verifier"
    with pytest.raises(ValueError, match="needs its model"):
        default_judge_name("model")


def test_imported_labels_get_a_judges_row(gsm8k_db: Path) -> None:
    with store.connect(gsm8k_db, read_only=True) as con:
        judges = {j.name: j for j in store.list_judges(con)}
    assert judges["gsm8k_label"].kind == "labels"
    assert judges["gsm8k_label"].config is None
    assert judges["gsm8k_label"].judgments == 12


def test_migration_2_gives_existing_judges_rows(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    schema.migrate(con, target=1)
    con.execute("INSERT INTO judgments (candidate_id, question_id, judge, verdict) VALUES "
                "('c1', 'q1', 'rule', true), ('c1', 'q1', 'human', false), ('c2', 'q1', 'reference', true), "
                "('c2', 'q1', 'model:x', NULL)")
    schema.migrate(con, target=2)
    rows = dict(con.execute("SELECT name, kind FROM judges").fetchall())
    con.close()
    assert rows == {"rule": "rule", "human": "human", "reference": "labels", "model:x": "model"}


def test_register_is_idempotent_and_refuses_another_config(gsm8k_db: Path) -> None:
    with store.connect(gsm8k_db) as con:
        first = store.register_judge(con, "rule", "rule", {"timeout_s": 5.0})
        assert store.register_judge(con, "rule", "rule", {"timeout_s": 5.0}) == first
        with pytest.raises(JudgeConflictError, match="--name"):
            store.register_judge(con, "rule", "rule", {"timeout_s": 9.0})
        with pytest.raises(JudgeConflictError):
            store.register_judge(con, "rule", "model", {"timeout_s": 5.0})
        # a judge recorded without a config (an import, a pre-migration judge) takes the first one given
        store.register_judge(con, "gsm8k_label", "labels", {"source": "gsm8k"})
        assert store.get_judge(con, "gsm8k_label").config == {"source": "gsm8k"}


def test_judge_cli_registers_and_refuses_a_rejudge_with_another_config(gsm8k_db: Path, capsys) -> None:
    assert main(["judge", "--db", str(gsm8k_db), "--workers", "0", "--limit", "4"]) == 0
    with store.connect(gsm8k_db, read_only=True) as con:
        rule = store.get_judge(con, "rule")
        assert rule.kind == "rule" and rule.config == {"timeout_s": 5.0} and rule.judgments == 4
        run_config = json.loads(con.execute("SELECT config FROM stage_runs WHERE stage = 'judge'").fetchone()[0])
    assert '"timeout_s": 5.0' in json.dumps(run_config)  # the stage run records the judge's config too
    capsys.readouterr()

    # the same name, another config: refused before anything is judged, with the way out
    assert main(["judge", "--db", str(gsm8k_db), "--workers", "0", "--timeout", "9", "--redo"]) == 2
    err = capsys.readouterr().err
    assert "judge 'rule' is already stored" in err and "--name" in err
    with store.connect(gsm8k_db, read_only=True) as con:
        assert store.get_judge(con, "rule").judgments == 4

    # a new name for the new config works, and both judges stand side by side
    assert main(["judge", "--db", str(gsm8k_db), "--workers", "0", "--timeout", "9", "--name", "rule-t9"]) == 0
    with store.connect(gsm8k_db, read_only=True) as con:
        names = {j.name: j for j in store.list_judges(con)}
    assert names["rule-t9"].config == {"timeout_s": 9.0} and names["rule-t9"].judgments == 12
    assert main(["compare", "--db", str(gsm8k_db), "--a", "rule", "--b", "rule-t9"]) == 0
    assert "4 common items" in capsys.readouterr().out


def test_judge_db_messages_when_there_is_nothing_to_judge(gsm8k_db: Path, tmp_path: Path, capsys) -> None:
    assert main(["judge", "--db", str(gsm8k_db), "--workers", "0"]) == 0
    capsys.readouterr()
    assert main(["judge", "--db", str(gsm8k_db), "--workers", "0"]) == 0
    assert "all 12 stored candidates have a 'rule' judgment" in capsys.readouterr().err
    empty = tmp_path / "empty.duckdb"
    with store.connect(empty):
        pass
    assert main(["judge", "--db", str(empty), "--workers", "0"]) == 0
    err = capsys.readouterr().err
    assert "no candidates" in err and "every stored candidate" not in err
    assert main(["judge", "--db", str(tmp_path / "typo.duckdb")]) == 1
    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "typo.duckdb").exists()


def test_two_model_judges_have_different_identities() -> None:
    from scripted_backend import ScriptedBackend

    a = make_verifier("model", backend=ScriptedBackend("Final Decision: Yes"), max_new_tokens=16, name="model:a")
    b = make_verifier("model", backend=ScriptedBackend("Final Decision: Yes"), max_new_tokens=32, name="model:b")
    (ka, ca), (kb, cb) = judge_config(a), judge_config(b)
    assert ka == kb == "model" and ca != cb and ca["max_new_tokens"] == 16
    hybrid = make_verifier("hybrid", rule=make_verifier("rule", workers=0), model=a, name="hybrid:a")
    kind, config = judge_config(hybrid)
    assert kind == "hybrid" and config["model"] == ca and config["rule"] == {"timeout_s": 5.0}
