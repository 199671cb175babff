"""compare over a real store: rule verifier vs human labels (EVOUNA), human verdict upsert, CLI.

The store is seeded by the ingest stage (the same function `genreason ingest` runs) from the
first rows of the real EVOUNA pairs, whose labels are human judgments.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from genreason import store
from genreason.cli.main import main
from genreason.ingest import IngestConfig, ingest
from genreason.verify.assess.compare import (
    agreement_matrix,
    compare_judges,
    load_pairs,
    record_human_verdict,
    verdict_label,
)
from genreason.verify.rules.verifier import RuleVerifier

REALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"
N_ROWS = 60


@pytest.fixture(scope="module")
def judged_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ingested and rule-judged once per module; tests get a copy."""
    source = REALDATA / "evouna" / "evouna_pairs.jsonl"
    if not source.exists():
        pytest.skip(f"real data not found at {source} (the shared folder beside the repo)")
    folder = tmp_path_factory.mktemp("compare-store")
    subset = folder / "evouna_head.jsonl"
    with source.open() as f:
        subset.write_text("".join(next(f) for _ in range(N_ROWS)))
    db = folder / "store.duckdb"
    with store.connect(db) as con:
        ingest(con, [subset], IngestConfig(progress=False))
        items = store.candidate_items(con)
        store.save_judgments(con, RuleVerifier().verify_batch(items))
    return db


@pytest.fixture
def judged_db(judged_template: Path, tmp_path: Path) -> Path:
    db = tmp_path / "store.duckdb"
    shutil.copyfile(judged_template, db)
    return db


def test_rule_vs_human_matches_the_stored_judgments(judged_db: Path):
    with store.connect(judged_db, read_only=True) as con:
        human = {r["candidate_id"]: r["verdict"] for r in store.load_judgments(con, "human")}
        rule = {r["candidate_id"]: r["verdict"] for r in store.load_judgments(con, "rule")}
        result = compare_judges(con, "rule", "human", max_disagreements=5)
        pairs = load_pairs(con, "rule", "human")

    common = sorted(set(human) & set(rule))
    assert result.metrics["n"] == len(common) > 0
    expected: dict[str, dict[str, int]] = {}
    for cid in common:
        cell = expected.setdefault(verdict_label(rule[cid]), {})
        cell[verdict_label(human[cid])] = cell.get(verdict_label(human[cid]), 0) + 1
    for la, row in expected.items():
        for lb, count in row.items():
            assert result.matrix[la][lb] == count
    assert result.matrix == agreement_matrix(pairs)
    # the disagreement list carries both records and the item's text
    assert result.n_disagreements == sum(
        verdict_label(rule[c]) != verdict_label(human[c]) for c in common
    )
    for d in result.disagreements:
        assert d["question"] and d["reference"] and d["response"]
        assert verdict_label(d["verdict_a"]) != verdict_label(d["verdict_b"])
    (row,) = result.breakdowns["answer_type"]  # EVOUNA answers are all stored as String
    assert row["answer_type"] == "String" and row["n"] == len(common)


def test_human_verdict_upsert_replaces_the_earlier_one(judged_db: Path):
    with store.connect(judged_db, read_only=True) as con:
        cid = store.candidate_items(con, limit=1)[0].item_id
    with store.connect(judged_db) as con:
        record_human_verdict(con, cid, True, "looks right")
        record_human_verdict(con, cid, False, "  on a second look, wrong year ")
        rows = [r for r in store.load_judgments(con, "human") if r["candidate_id"] == cid]
    assert len(rows) == 1
    assert rows[0]["verdict"] is False
    assert rows[0]["reason"] == "on a second look, wrong year"
    assert rows[0]["rule"] == "human"
    with store.connect(judged_db) as con, pytest.raises(ValueError, match="no stored candidate"):
        record_human_verdict(con, "no-such-candidate", True)


def test_compare_cli_text_and_json(judged_db: Path, capsys):
    assert main(["compare", "--db", str(judged_db), "--a", "rule", "--b", "human", "--by", "category",
                 "--disagreements", "2"]) == 0
    text = capsys.readouterr().out
    assert "kappa" in text and "by category:" in text and "disagreements (" in text

    assert main(["compare", "--db", str(judged_db), "--a", "rule", "--b", "human", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["judge_a"] == "rule" and data["metrics"]["n"] > 0
    assert set(data["breakdowns"]) == {"answer_type", "category", "difficulty"}

    assert main(["compare", "--db", str(judged_db), "--a", "rule", "--b", "nobody"]) == 2
    assert "judges present" in capsys.readouterr().err


def test_in_memory_judgments_pair_with_stored_labels_and_tags(judged_db: Path):
    from genreason.verify.assess.compare import candidate_tags, metrics, pair_judgments

    with store.connect(judged_db, read_only=True) as con:
        items = store.candidate_items(con, limit=10)
        tags = candidate_tags(con, [i.item_id for i in items])
        human = store.load_judgments(con, "human")
    judgments = RuleVerifier(workers=0).verify_batch(items)  # in-process this time
    pairs = pair_judgments(judgments, human, tags)
    assert len(tags) == len(items) and len(pairs) <= len(items)
    by_id = {i.item_id: i for i in items}
    for p in pairs:
        assert p["response"] == by_id[p["item_id"]].response
        assert p["category"] == "NQ" and p["question_id"]
    assert metrics(pairs)["n"] == len(pairs)
