"""`genreason judge`: JSONL in and out, clear input errors, and the database path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from genreason.cli.main import main

ROWS = [
    {"question": "How many?", "reference": "18", "response": "so \\boxed{18}", "id": "a", "extra": {"k": [1, 2]}},
    {"question": "Which gas?", "reference": "B", "response": "The answer is (B) Nitrogen", "options": ["Oxygen", "Nitrogen"], "answer_type": "Multiple Choice"},
    {"question": "How far?", "reference": "2 m", "response": "Final Answer: 200 cm", "answer_type": "Float"},
    {"question": "How many?", "reference": "3", "response": "Let's solve this step by step"},
    {"question": "How many?", "reference": "3", "response": "\\boxed{9^9^9^9}"},
]


def _write(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_help_works() -> None:
    out = subprocess.run([sys.executable, "-m", "genreason.cli.main", "judge", "--help"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "--in FILE" in out.stdout and "--db" in out.stdout


def test_jsonl_in_out_keeps_fields_and_adds_the_judgment(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.jsonl", ROWS)
    dst = tmp_path / "out.jsonl"
    assert main(["judge", "--judge", "rule", "--in", str(src), "--out", str(dst), "--workers", "1"]) == 0
    out = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert len(out) == len(ROWS)
    for row, judged in zip(ROWS, out, strict=True):
        assert {k: judged[k] for k in row} == row  # pass-through unchanged
        assert {"verdict", "extracted", "reason", "rule"} <= judged.keys()
    assert [r["verdict"] for r in out] == [True, True, True, False, None]
    assert out[3]["rule"] == "junk" and out[4]["verdict"] is None


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([ROWS[0], "{not json"], ":2: not valid JSON"),
        ([ROWS[0], {"question": "q", "response": "r"}], ":2: missing field(s) reference"),
        ([{"question": "q", "reference": "", "response": "r"}], ":1: empty 'reference'"),
        ([{"question": "q", "reference": "1", "response": "r", "options": "A B"}], ":1: 'options' must be a list"),
        (["[1, 2]"], ":1: expected a JSON object"),
    ],
    ids=["bad-json", "missing-reference", "empty-reference", "options-not-a-list", "not-an-object"],
)
def test_bad_rows_name_file_and_line(tmp_path: Path, capsys, lines: list, message: str) -> None:
    src = _write(tmp_path / "bad.jsonl", lines)
    assert main(["judge", "--in", str(src), "--out", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err
    assert str(src) + message in err


@pytest.mark.slow
def test_database_path_judges_stored_candidates_and_resumes(tmp_path: Path) -> None:
    from genreason import store

    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    if not (sample / "candidates.jsonl").exists():
        pytest.skip("data/sample has no candidates yet")
    from genreason.ingest import IngestConfig, ingest

    db = tmp_path / "g.duckdb"
    with store.connect(db) as con:  # seeded by the same function the CLI's ingest uses
        ingest(con, [sample / "questions.jsonl", sample / "candidates.jsonl"], IngestConfig(judge="reference", progress=False))
        total = len(store.candidate_items(con))
    assert main(["judge", "--db", str(db), "--limit", "30", "--workers", "1"]) == 0
    with store.connect(db, read_only=True) as con:
        assert len(store.candidate_items(con, judge_missing="rule")) == total - 30
        stored = store.load_judgments(con, "rule")
    assert len(stored) == 30 and all(r["reason"] and r["rule"] for r in stored)
    assert main(["judge", "--db", str(db), "--workers", "1"]) == 0  # resumes with the rest
    with store.connect(db, read_only=True) as con:
        assert store.candidate_items(con, judge_missing="rule") == []
        assert len(store.load_judgments(con, "rule")) == total


@pytest.mark.slow
def test_notebook_runs_as_a_script() -> None:
    notebook = Path(__file__).resolve().parents[2] / "notebooks" / "03_verify.py"
    out = subprocess.run([sys.executable, str(notebook), "--limit", "30"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "accuracy" in out.stdout and "all" in out.stdout
