"""Ingest: formats, stable ids, quarantine of every kind of bad row, atomicity, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from genreason import store
from genreason.ingest import IngestConfig, IngestError, ingest
from genreason.ingest.formats import FORMATS

WI = {"answer_type": "Integer", "category": "Mathematics", "difficulty": "University"}


def write_jsonl(path: Path, rows: list[dict | str | bytes]) -> Path:
    with path.open("wb") as fh:
        for row in rows:
            if isinstance(row, dict):
                row = json.dumps(row)
            fh.write(row if isinstance(row, bytes) else row.encode())
            fh.write(b"\n")
    return path


def table_counts(db_path: Path) -> dict[str, int]:
    with store.connect(db_path, read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("questions", "candidates", "judgments", "quarantine", "stage_runs")}


def run_ingest(db_path: Path, paths: list[Path], **config) -> object:
    with store.connect(db_path) as con:
        return ingest(con, paths, IngestConfig(progress=False, **config))


def test_webinstruct_ingest_is_idempotent(tmp_path: Path, db_path: Path) -> None:
    src = write_jsonl(tmp_path / "wi.jsonl", [
        {"id": "q1", "question": "What is 6 x 7?", "answer": "42", **WI},
        {"id": "q2", "question": "Is 7 prime?", "answer": "True", "answer_type": "Boolean",
         "category": "Mathematics", "difficulty": "Junior High School", "note": "kept as extra"},
    ])
    first = run_ingest(db_path, [src])
    assert first.counts["questions_added"] == 2 and first.clean
    second = run_ingest(db_path, [src])
    assert second.counts["questions_added"] == 0 and second.counts["questions_already_stored"] == 2
    with store.connect(db_path, read_only=True) as con:
        rows = con.execute("SELECT id, source, answer_type, extra->>'note' FROM questions ORDER BY id").fetchall()
    assert rows == [("q1", "webinstruct", "Integer", None), ("q2", "webinstruct", "Boolean", "kept as extra")]


BAD_ROWS = [
    # (name, raw line, expected reason fragment)
    ("broken_json", '{"id": "b1", "question": "x", "answer": ', "broken JSON"),
    ("not_an_object", '["a", "list"]', "expected an object"),
    ("missing_question", {"id": "b2", "answer": "1", **WI}, "missing question"),
    ("empty_question", {"id": "b3", "question": "   ", "answer": "1", **WI}, "empty question"),
    ("missing_answer", {"id": "b4", "question": "Q?", **WI}, "missing answer"),
    ("empty_answer", {"id": "b5", "question": "Q?", "answer": "", **WI}, "empty answer"),
    ("question_wrong_type", {"id": "b6", "question": 12, "answer": "1", **WI}, "question must be text, got int"),
    ("answer_object", {"id": "b7", "question": "Q?", "answer": {"v": 1}, **WI}, "got an object"),
    ("category_list", {"id": "b8", "question": "Q?", "answer": "1", **{**WI, "category": ["a"]}}, "category must be text"),
    ("undecodable_bytes", b'{"id": "b9", "question": "caf\xe9?", "answer": "1"}', "not valid UTF-8"),
    ("oversized_question", {"id": "b10", "question": "x" * 5001, "answer": "1", **WI}, "over the limit of 5,000"),
    ("nan_answer", '{"id": "b11", "question": "Q?", "answer": NaN}', "not a finite number"),
]


@pytest.mark.parametrize("name,raw,reason", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_bad_row_goes_to_quarantine_with_line_and_reason(tmp_path: Path, db_path: Path, name: str, raw, reason: str) -> None:
    good = {"id": "g1", "question": "What is 1+1?", "answer": "2", **WI}
    src = write_jsonl(tmp_path / f"{name}.jsonl", [good, raw, {**good, "id": "g2", "question": "What is 2+2?", "answer": "4"}])
    result = run_ingest(db_path, [src], max_chars=5000)
    assert result.counts["questions_added"] == 2, "the good rows land"
    assert [(q.line, reason in q.reason) for q in result.quarantined] == [(2, True)], result.quarantined
    with store.connect(db_path, read_only=True) as con:
        stored = con.execute("SELECT source_file, line, reason, raw IS NOT NULL FROM quarantine").fetchall()
    assert stored == [(str(src), 2, result.quarantined[0].reason, True)]


def test_duplicate_ids_with_different_content(tmp_path: Path, db_path: Path) -> None:
    src = write_jsonl(tmp_path / "dup.jsonl", [
        {"id": "d1", "question": "What is 2+2?", "answer": "4", **WI},
        {"id": "d1", "question": "What is 2+2?", "answer": "4", **WI},  # same content: not an error
        {"id": "d1", "question": "What is 3+3?", "answer": "6", **WI},
    ])
    result = run_ingest(db_path, [src])
    assert [(q.line, q.reason) for q in result.quarantined] == [
        (3, f"duplicate id d1 with different content (first at {src}:1)")]
    changed = write_jsonl(tmp_path / "changed.jsonl", [{"id": "d1", "question": "What is 5+5?", "answer": "10", **WI}])
    result = run_ingest(db_path, [changed])
    assert result.quarantined[0].reason == "id d1 is already stored with different content"
    with store.connect(db_path, read_only=True) as con:
        assert con.execute("SELECT answer FROM questions WHERE id = 'd1'").fetchall() == [("4",)]


def test_failure_midway_leaves_store_unchanged(tmp_path: Path, db_path: Path, monkeypatch) -> None:
    src = write_jsonl(tmp_path / "a.jsonl", [{"id": "a1", "question": "Q1?", "answer": "1", **WI}])
    run_ingest(db_path, [src])
    before = table_counts(db_path)
    more = write_jsonl(tmp_path / "b.jsonl", [{"id": f"b{i}", "question": f"Q{i}?", "answer": "1", **WI} for i in range(50)]
                       + ['{"broken'])

    import genreason.ingest.load as load

    def crash(*args, **kwargs):
        raise OSError("disk full (simulated after questions were inserted)")

    monkeypatch.setattr(load, "record_run", crash)
    with pytest.raises(OSError, match="disk full"):
        run_ingest(db_path, [more])
    assert table_counts(db_path) == before


def test_unreadable_second_file_stores_nothing(tmp_path: Path, db_path: Path) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [{"id": "x1", "question": "Q?", "answer": "1", **WI}])
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"this is not parquet")
    with pytest.raises(IngestError, match="not a readable Parquet file"):
        run_ingest(db_path, [good, bad])
    with pytest.raises(IngestError, match="no such file"):
        run_ingest(db_path, [good, tmp_path / "missing.jsonl"])
    assert table_counts(db_path)["questions"] == 0


def test_unknown_fields_need_a_mapping(tmp_path: Path, db_path: Path) -> None:
    src = write_jsonl(tmp_path / "custom.jsonl", [{"prompt": "Capital of France?", "gold": "Paris", "subject": "Geography"}])
    with pytest.raises(IngestError, match="--map question=COLUMN,answer=COLUMN"):
        run_ingest(db_path, [src])
    result = run_ingest(db_path, [src], format="generic",
                        mapping={"question": "prompt", "answer": "gold", "category": "subject"})
    assert result.counts["questions_added"] == 1
    with store.connect(db_path, read_only=True) as con:
        assert con.execute("SELECT source, answer, category FROM questions").fetchall() == [("custom", "Paris", "Geography")]


def test_parquet_csv_and_datasets_folder(tmp_path: Path, db_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"id": f"p{i}", "question": f"What is {i} squared?", "answer": str(i * i), **WI} for i in range(5)]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "wi.parquet")
    (tmp_path / "gen.csv").write_text("problem,final\nWhat is 3 cubed?,27\n,5\n")
    datasets = pytest.importorskip("datasets")
    datasets.Dataset.from_list([{"input": "Sort: b a", "target": "a b"}]).save_to_disk(str(tmp_path / "hf"))

    assert run_ingest(db_path, [tmp_path / "wi.parquet"]).counts["questions_added"] == 5
    csv_result = run_ingest(db_path, [tmp_path / "gen.csv"], format="generic", mapping={"question": "problem", "answer": "final"})
    assert csv_result.counts["questions_added"] == 1
    assert [(q.line, q.reason) for q in csv_result.quarantined] == [(3, "missing question")]
    assert run_ingest(db_path, [tmp_path / "hf"]).counts["questions_added"] == 1
    with store.connect(db_path, read_only=True) as con:
        assert con.execute("SELECT answer FROM questions WHERE source = 'bbeh'").fetchall() == [("a b",)]


def test_labels_become_judgments_of_a_named_judge(tmp_path: Path, db_path: Path) -> None:
    questions = write_jsonl(tmp_path / "q.jsonl", [{"id": "q1", "question": "2+2?", "answer": "4", **WI}])
    cands = write_jsonl(tmp_path / "c.jsonl", [
        {"id": "c1", "question_id": "q1", "response": "\\boxed{4}", "label": True},
        {"id": "c2", "question_id": "q1", "response": "\\boxed{5}", "label": "incorrect"},
        {"id": "c3", "question_id": "q1", "response": "\\boxed{4}", "label": "maybe"},
        {"id": "c4", "question_id": "nope", "response": "4", "label": True},
    ])
    result = run_ingest(db_path, [questions, cands], judge="reference")
    assert result.counts["candidates_added"] == 2 and result.counts["judgments_added"] == 2
    assert sorted((q.line, q.reason) for q in result.quarantined) == [
        (3, "label must be true or false, got 'maybe'"),
        (4, "question_id nope is not stored (ingest its questions first)"),
    ]
    with store.connect(db_path, read_only=True) as con:
        assert sorted(con.execute("SELECT candidate_id, judge, verdict FROM judgments").fetchall()) == [
            ("c1", "reference", True), ("c2", "reference", False)]
    again = run_ingest(db_path, [questions, cands], judge="reference")
    assert again.counts["candidates_added"] == 0 and again.counts["judgments_added"] == 0


REALDATA_FILES = [
    ("gsm8k/test.jsonl", "gsm8k"),
    ("gsm8k/model_solution_pairs.jsonl", "gsm8k_pairs"),
    ("math500/test.jsonl", "math500"),
    ("theoremqa/theoremqa_test.jsonl", "theoremqa"),
    ("theoremqa/outputs_internlm2_math_20b_5shots_short.jsonl", "theoremqa_outputs"),
    ("bbeh/bbeh_mini.jsonl", "bbeh"),
    ("mmlu_pro/test.jsonl", "mmlu_pro"),
    ("mmlu_pro/model_outputs_Meta-Llama-3_1-8B-Instruct_sample.jsonl", "mmlu_pro_outputs"),
    ("evouna/evouna_pairs.jsonl", "evouna_pairs"),
    ("qwen25math_rm_maj_example/math_cot_100.jsonl", "sampled_math"),
]


@pytest.mark.parametrize("rel,fmt", REALDATA_FILES, ids=[f for _, f in REALDATA_FILES])
def test_real_benchmark_files_are_detected_and_load(realdata: Path, db_path: Path, rel: str, fmt: str) -> None:
    from genreason.ingest.formats import detect_format

    path = realdata / rel
    first = json.loads(path.open().readline())
    assert detect_format(first).name == fmt
    result = run_ingest(db_path, [path])
    lines = sum(1 for line in path.open() if line.strip())
    assert result.counts["rows_read"] == lines
    assert result.counts["questions_added"] > 0
    if FORMATS[fmt].kind == "labels":
        assert result.counts["candidates_added"] > 0
    # Quarantine only for rows that really lack something (EVOUNA has unanswered pairs).
    assert all(q.reason in ("missing response", "missing answer") for q in result.quarantined)


def test_real_typed_answers_and_options(realdata: Path, db_path: Path) -> None:
    run_ingest(db_path, [realdata / "theoremqa/theoremqa_test.jsonl", realdata / "mmlu_pro/test.jsonl",
                         realdata / "gsm8k/test.jsonl"])
    with store.connect(db_path, read_only=True) as con:
        types = dict(con.execute("SELECT answer_type, count(*) FROM questions WHERE source = 'theoremqa' GROUP BY 1").fetchall())
        mc = con.execute("SELECT answer, len(options) FROM questions WHERE id = 'mmlu_pro:70'").fetchone()
        gsm = con.execute("SELECT answer FROM questions WHERE source = 'gsm8k' ORDER BY id LIMIT 1").fetchone()[0]
    assert types == {"Float": 378, "Integer": 216, "Boolean": 115, "List": 73, "Multiple Choice": 18}
    assert mc == ("I", 9)
    assert gsm.lstrip("-").isdigit()


def test_cli_exit_status_and_summary(tmp_path: Path, db_path: Path) -> None:
    good = write_jsonl(tmp_path / "g.jsonl", [{"id": "q1", "question": "Q?", "answer": "1", **WI}])
    mixed = write_jsonl(tmp_path / "m.jsonl", [{"id": "q2", "question": "Q2?", "answer": "2", **WI}, "{oops"])
    cli = [sys.executable, "-m", "genreason.cli.main", "ingest", "--db", str(db_path)]
    ok = subprocess.run([*cli, str(good)], capture_output=True, text=True)
    assert ok.returncode == 0 and "1 added" in ok.stdout
    partial = subprocess.run([*cli, str(mixed), "--json"], capture_output=True, text=True)
    assert partial.returncode == 3
    summary = json.loads(partial.stdout)
    assert summary["counts"]["quarantined"] == 1 and summary["quarantine_reasons"] == {"broken JSON": 1}
    failed = subprocess.run([*cli, str(tmp_path / "missing.jsonl")], capture_output=True, text=True)
    assert failed.returncode == 1 and "nothing stored" in failed.stderr
    stats = subprocess.run([sys.executable, "-m", "genreason.cli.main", "stats", "--db", str(db_path), "--json"],
                           capture_output=True, text=True, check=True)
    parsed = json.loads(stats.stdout)
    assert parsed["questions"] == 2 and parsed["quarantine"]["top_reasons"] == [{"reason": "broken JSON", "n": 1}]


def test_generic_labels_with_other_field_names_and_a_byte_order_mark(tmp_path: Path, db_path: Path) -> None:
    src = tmp_path / "labels.jsonl"
    rows = [
        {"question": "Capital of France?", "gold": "Paris", "response": "It is Paris.", "is_correct": "yes"},
        {"question": "Capital of Italy?", "ground_truth": "Rome", "response": "Milan", "correct": 0},
    ]
    src.write_bytes(b"\xef\xbb\xbf" + "\n".join(json.dumps(r) for r in rows).encode() + b"\n")
    result = run_ingest(db_path, [src], judge="annotator")
    assert result.clean and result.counts["judgments_added"] == 2
    with store.connect(db_path, read_only=True) as con:
        got = con.execute("SELECT q.answer, j.verdict FROM judgments j JOIN questions q ON q.id = j.question_id "
                          "WHERE j.judge = 'annotator' ORDER BY q.answer").fetchall()
    assert got == [("Paris", True), ("Rome", False)]


def test_a_mapping_to_a_missing_column_is_a_clear_error(tmp_path: Path, db_path: Path) -> None:
    src = write_jsonl(tmp_path / "m.jsonl", [{"q": "Capital of Peru?", "a": "Lima"}])
    with pytest.raises(IngestError, match=r"--map names columns \['qq'\]"):
        run_ingest(db_path, [src], format="generic", mapping={"question": "qq", "answer": "a"})
    result = run_ingest(db_path, [src], format="generic", mapping={"question": "q", "answer": "a", "category": "subject"})
    assert result.counts["questions_added"] == 1


def test_every_row_of_a_stored_id_is_checked_against_the_stored_content(tmp_path: Path, db_path: Path) -> None:
    """Regression: a second row with a stored id used to be compared only with the first row,
    so its candidate landed under the (different) stored question."""
    base = {"question_id": 5, "options": ["a", "b"], "answer": "A", "answer_index": 0}
    run_ingest(db_path, [write_jsonl(tmp_path / "q.jsonl", [{**base, "question": "Q"}])])
    outputs = write_jsonl(tmp_path / "out.jsonl", [
        {**base, "question": "Q changed", "pred": "A", "generated_text": f"answer {i}"} for i in range(2)])
    result = run_ingest(db_path, [outputs])
    assert result.counts["candidates_added"] == 0
    assert [q.reason for q in result.quarantined] == ["id mmlu_pro:5 is already stored with different content"] * 2


def test_a_missing_source_id_is_a_row_error_not_an_id_named_none(tmp_path: Path, db_path: Path) -> None:
    rows = [{"question_id": None, "question": f"Q{i}?", "options": ["x", "y"], "answer": "A"} for i in range(2)]
    result = run_ingest(db_path, [write_jsonl(tmp_path / "mmlu.jsonl", rows)], format="mmlu_pro")
    assert [q.reason for q in result.quarantined] == ["missing question_id"] * 2
    assert table_counts(db_path)["questions"] == 0


def test_json_array_with_bom_and_a_pretty_printed_object(tmp_path: Path, db_path: Path) -> None:
    array = tmp_path / "arr.json"
    array.write_bytes(b"\xef\xbb\xbf" + json.dumps([{"id": "j1", "question": "Q1?", "answer": "1", **WI}]).encode())
    pretty = tmp_path / "one.json"
    pretty.write_text(json.dumps({"id": "j2", "question": "Q2?", "answer": "2", **WI}, indent=2))
    assert run_ingest(db_path, [array, pretty]).counts["questions_added"] == 2


def test_unreadable_first_lines_are_named_in_the_error(tmp_path: Path, db_path: Path) -> None:
    src = write_jsonl(tmp_path / "lists.jsonl", ['["a"]', '["b"]'])
    with pytest.raises(IngestError, match="line 1: line is a JSON list, expected an object"):
        run_ingest(db_path, [src])


def test_empty_parquet_with_a_forced_format(tmp_path: Path, db_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([("id", pa.string()), ("question", pa.string()), ("answer", pa.string())])
    pq.write_table(schema.empty_table(), tmp_path / "empty.parquet")
    result = run_ingest(db_path, [tmp_path / "empty.parquet"], format="webinstruct")
    assert result.counts["rows_read"] == 0 and result.clean


def test_broken_datasets_folder_is_a_clear_error(tmp_path: Path, db_path: Path) -> None:
    folder = tmp_path / "hf"
    folder.mkdir()
    (folder / "state.json").write_text("not json")
    with pytest.raises(IngestError, match="not a readable datasets folder"):
        run_ingest(db_path, [folder])
