"""Ingest under hostile input (issue 12 items 2, 3 and 11): every bad row is quarantined on
its own with a reason, raw text and a file name, and nothing is stored twice."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from genreason import store
from genreason.ingest import IngestConfig, IngestError, ingest

MAP = {"question": "problem", "answer": "final"}


def run_ingest(db_path: Path, paths: list[Path], **config) -> object:
    with store.connect(db_path) as con:
        return ingest(con, paths, IngestConfig(progress=False, **config))


def stored_questions(db_path: Path) -> list[str]:
    with store.connect(db_path, read_only=True) as con:
        return [r[0] for r in con.execute("SELECT question FROM questions ORDER BY question").fetchall()]


def quarantine(db_path: Path) -> list[tuple]:
    with store.connect(db_path, read_only=True) as con:
        return con.execute(
            "SELECT source_file, line, reason, raw FROM quarantine ORDER BY line").fetchall()


def test_csv_field_over_131072_characters_is_read_row_by_row(tmp_path: Path, db_path: Path) -> None:
    # Python's csv module refuses fields over 131,072 characters by default; our own
    # --max-chars (200,000) is the limit that counts, applied per row.
    fits, too_long = "x" * 150_000, "y" * 250_000
    path = tmp_path / "long.csv"
    path.write_text(
        f"problem,final\nWhat is 2+2?,4\nLong one {fits}?,1\nLonger {too_long}?,2\nWhat is 3+3?,6\n"
    )
    result = run_ingest(db_path, [path], format="generic", mapping=MAP)
    assert result.counts["questions_added"] == 3
    assert [(q.line, q.reason.split(" is ")[0]) for q in result.quarantined] == [(4, "question")]
    assert "over the limit of 200,000" in result.quarantined[0].reason
    assert len(stored_questions(db_path)) == 3


def test_csv_with_one_undecodable_byte_quarantines_only_that_row(
    tmp_path: Path, db_path: Path
) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(
        b"problem,final\nWhat is 2+2?,4\nCaf\xe9 au lait: how many cups?,2\nWhat is 3+3?,6\n"
    )
    result = run_ingest(db_path, [path], format="generic", mapping=MAP)
    assert result.counts["questions_added"] == 2
    [bad] = result.quarantined
    assert bad.line == 3 and "not valid UTF-8" in bad.reason and "0xe9" in bad.reason
    assert bad.raw is not None and "au lait" in bad.raw
    assert stored_questions(db_path) == ["What is 2+2?", "What is 3+3?"]


def test_csv_header_that_is_not_utf8_is_a_file_error(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_bytes(b"probl\xe8me,final\nWhat is 2+2?,4\n")
    with pytest.raises(IngestError, match=r"header.csv.*header.*UTF-8"):
        run_ingest(db_path, [path], format="generic", mapping={"question": "x", "answer": "final"})


def test_reingest_does_not_duplicate_quarantine_rows(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"question": "What is 1+1?", "answer": "2"}\n{"question": "no answer"}\n')
    first = run_ingest(db_path, [path], format="generic", mapping={"question": "question", "answer": "answer"})
    second = run_ingest(db_path, [path], format="generic", mapping={"question": "question", "answer": "answer"})
    assert first.counts["quarantined"] == second.counts["quarantined"] == 1
    assert len(quarantine(db_path)) == 1


def test_broken_json_reason_reads_well(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text('{"question": "What is 1+1?", "answer": "2"}\n{"question": "unterminated\n')
    result = run_ingest(db_path, [path], format="generic",
                        mapping={"question": "question", "answer": "answer"})
    [bad] = result.quarantined
    assert "at at" not in bad.reason and "column" in bad.reason
    assert bad.reason.startswith("broken JSON: Unterminated string starting at column ")


def test_rows_rejected_at_write_time_keep_their_raw_text(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "dupes.jsonl"
    path.write_text(
        json.dumps({"id": "q1", "question": "What is 6 x 7?", "answer": "42"}) + "\n"
        + json.dumps({"id": "q1", "question": "What is 6 x 8?", "answer": "48"}) + "\n"
    )
    result = run_ingest(db_path, [path], format="generic",
                        mapping={"id": "id", "question": "question", "answer": "answer"})
    [conflict] = result.quarantined
    assert conflict.reason.startswith("duplicate id")
    assert conflict.raw is not None and "6 x 8" in conflict.raw
    assert "6 x 8" in quarantine(db_path)[0][3]


def test_a_corrupt_parquet_page_names_the_file(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "corrupt.parquet"
    table = pa.table({"problem": [f"What is {i} + {i}? " * 20 for i in range(5000)],
                      "final": [str(2 * i) for i in range(5000)]})
    pq.write_table(table, path, compression="zstd", row_group_size=1000)
    raw = bytearray(path.read_bytes())
    middle = len(raw) // 2
    raw[middle : middle + 200] = b"\xff" * 200  # a damaged page, footer intact
    path.write_bytes(bytes(raw))
    with pytest.raises(IngestError, match="corrupt.parquet"):
        run_ingest(db_path, [path], format="generic", mapping=MAP)
    assert not db_path.exists() or stored_questions(db_path) == []
