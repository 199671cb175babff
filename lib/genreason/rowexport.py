"""Rows as a downloadable file: CSV, JSONL or Parquet (the app's exports of a selection and of
the disagreement queue; notebooks can call it too).

    payload = rows_to_bytes(rows, "parquet")   # bytes of a file with one row per dict
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

EXPORT_FORMATS: dict[str, str] = {  # format -> MIME type
    "csv": "text/csv",
    "jsonl": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
}


def rows_to_bytes(rows: Sequence[Mapping[str, Any]], fmt: str) -> bytes:
    """`rows` (dicts with the same keys) as a file of format `fmt` ("csv", "jsonl", "parquet").

    Lists (multiple-choice options) stay lists in JSONL and Parquet and are JSON text in CSV.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "jsonl":
        return "".join(json.dumps(dict(r), ensure_ascii=False, default=str) + "\n"
                       for r in rows).encode()
    import pyarrow as pa

    columns = list(rows[0]) if rows else []
    if fmt == "csv":
        import pyarrow.csv as pacsv

        flat = {c: [_cell(r.get(c)) for r in rows] for c in columns}
        table = pa.table({c: pa.array(v, pa.string()) for c, v in flat.items()})
        sink = io.BytesIO()
        pacsv.write_csv(table, sink)
        return sink.getvalue()
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist([{c: _plain(r.get(c)) for c in columns} for r in rows])
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def _plain(value: Any) -> Any:
    """A value Arrow can store: dicts become JSON text, everything else as it is."""
    return json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, dict) else value


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)
