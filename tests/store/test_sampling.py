"""'At most N' and --limit pick a seeded sample stratified by answer type and subject (issue 12
item 14), not the first N by id (which covered only Physics in a 64-candidate job)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from genreason import store
from genreason.ingest import IngestConfig, ingest
from genreason.store import browse


def _seed(tmp_path: Path, db_path: Path) -> None:
    # Ids sort by subject: every Physics question comes first.
    subjects = [("Physics", 60), ("Chemistry", 30), ("Mathematics", 10)]
    rows, cands = [], []
    for subject, count in subjects:
        for i in range(count):
            qid = f"{subject[:4].lower()}-{i:03d}" if subject != "Physics" else f"a-phys-{i:03d}"
            kind = "Integer" if i % 2 else "Float"
            rows.append({"id": qid, "question": f"{subject} question {i}?", "answer": str(i),
                         "answer_type": kind, "category": subject, "difficulty": "University"})
            cands.append({"id": f"{qid}-c", "question_id": qid, "response": f"\\boxed{{{i}}}",
                          "label": True, "model": "m"})
    (tmp_path / "q.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in cands))
    with store.connect(db_path) as con:
        ingest(con, [tmp_path / "q.jsonl"], IngestConfig(progress=False))
        ingest(con, [tmp_path / "c.jsonl"], IngestConfig(progress=False, format="candidates"))


def _subjects(db_path: Path, ids: list[str]) -> Counter[str]:
    with store.connect(db_path, read_only=True) as con:
        return Counter(r[0] for r in con.execute(
            "SELECT q.category FROM candidates c JOIN questions q ON q.id = c.question_id "
            "WHERE c.id IN (SELECT unnest(?::VARCHAR[]))", [ids]).fetchall())


def test_a_limited_selection_is_a_stratified_seeded_sample(tmp_path: Path, db_path: Path) -> None:
    _seed(tmp_path, db_path)
    with store.connect(db_path, read_only=True) as con:
        first = browse.candidate_ids(con, browse.QuestionFilter(), limit=20, seed=None)
        sample = browse.candidate_ids(con, browse.QuestionFilter(), limit=20)
        again = browse.candidate_ids(con, browse.QuestionFilter(), limit=20, seed=0)
        other = browse.candidate_ids(con, browse.QuestionFilter(), limit=20, seed=1)
        everything = browse.candidate_ids(con, browse.QuestionFilter(), limit=1000)
    assert _subjects(db_path, first) == {"Physics": 20}  # the old behaviour
    assert _subjects(db_path, sample) == {"Physics": 12, "Chemistry": 6, "Mathematics": 2}
    assert sample == again and sample != other and len(set(sample)) == 20
    assert len(everything) == 100


def test_judge_limit_samples_the_same_way(tmp_path: Path, db_path: Path) -> None:
    # `genreason judge --db --limit N` and the verify job read candidates through candidate_items.
    _seed(tmp_path, db_path)
    with store.connect(db_path, read_only=True) as con:
        items = store.candidate_items(con, limit=20)
        first = store.candidate_items(con, limit=20, seed=None)
    assert _subjects(db_path, [i.item_id for i in items]) == {
        "Physics": 12, "Chemistry": 6, "Mathematics": 2}
    assert _subjects(db_path, [i.item_id for i in first]) == {"Physics": 20}
    assert [i.item_id for i in items] == sorted(i.item_id for i in items)
