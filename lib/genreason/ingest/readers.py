"""Containers: read JSONL, JSON arrays, CSV, Parquet and `datasets` save_to_disk folders.

Each reader yields `(line, record)` for decodable records and `(line, RowError)` for those
that cannot be decoded, so one bad line never stops a file. Problems with the file itself
(missing, unreadable, unknown container) raise `SourceError` before anything is stored.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from genreason.ingest.formats import RowError

Record = tuple[int, dict[str, Any] | RowError, str | None]  # (line, record or error, raw text)


class SourceError(ValueError):
    """The input file or folder cannot be read at all."""


def container_of(path: Path) -> str:
    """Guess the container from the path: a folder is a `datasets` folder, else the suffix."""
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    if path.is_dir():
        if (path / "state.json").exists() or (path / "dataset_dict.json").exists():
            return "hf_dir"
        raise SourceError(f"{path}: a folder, but not one written by datasets' save_to_disk")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        with path.open("rb") as fh:
            head = fh.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
        # A JSON array, or one pretty-printed object (several lines), is read whole.
        pretty_object = head.split(b"\n", 1)[0].strip() == b"{"
        return "json" if head.startswith(b"[") or pretty_object else "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise SourceError(f"{path}: unknown file type {suffix!r}; use .jsonl, .json, .csv, .parquet or a datasets folder")


def read_jsonl(path: Path) -> Iterator[Record]:
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, RowError(f"line is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"), raw.decode("utf-8", "replace")
                continue
            if number == 1:
                text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
            try:
                record = json.loads(text.rstrip("\r\n"))
            except json.JSONDecodeError as exc:
                yield number, RowError(f"broken JSON: {_json_error(exc)}"), text
                continue
            if not isinstance(record, dict):
                yield number, RowError(f"line is a JSON {type(record).__name__}, expected an object"), text
                continue
            yield number, record, None


def _json_error(exc: json.JSONDecodeError) -> str:
    """json's message with its column: 'Unterminated string starting at column 15'."""
    joiner = " " if exc.msg.endswith(" at") else " at "
    return f"{exc.msg}{joiner}column {exc.colno}"


def read_json_array(path: Path) -> Iterator[Record]:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"{path}: not a valid JSON array or object ({exc})") from exc
    if isinstance(data, dict):
        data = [data]
    for number, record in enumerate(data, start=1):
        if isinstance(record, dict):
            yield number, record, None
        else:
            yield number, RowError(f"item is a JSON {type(record).__name__}, expected an object"), json.dumps(record)[:2000]


# Python's csv module refuses fields over 131,072 characters by default; the limit that counts
# is IngestConfig.max_chars, checked per row after reading, so the module's is raised.
_CSV_FIELD_LIMIT = 2**31 - 1
_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogateescape)


def read_csv(path: Path) -> Iterator[Record]:
    """Rows of a CSV/TSV file; a row with bytes that are not UTF-8, or that the csv module
    cannot parse, is a RowError of its own (as a bad JSONL line is), not a file error."""
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    # surrogateescape keeps every undecodable byte as one marker character, so decoding
    # never fails for the whole file and each row can be checked on its own.
    text = path.read_bytes().decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise SourceError(f"{path}: the header row is not valid CSV ({exc})") from exc
    if any(_UNDECODED.search(name) for name in header):
        raise SourceError(f"{path}: the header row is not UTF-8 text; re-save the file as UTF-8")
    while True:
        before = reader.line_num
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if reader.line_num == before:  # the reader cannot move past it
                raise SourceError(f"{path}: line {before + 1} is not valid CSV ({exc})") from exc
            yield before + 1, RowError(f"row is not valid CSV: {exc}"), None
            continue
        line = reader.line_num
        if None in record:  # more cells than header columns
            yield line, RowError("row has more cells than the header"), None
            continue
        undecoded = _first_undecoded(record)
        if undecoded is not None:
            column, byte = undecoded
            raw = delimiter.join(str(v) for v in record.values() if v is not None)
            reason = f"row is not valid UTF-8 (byte 0x{byte:02x} in column {column!r})"
            yield line, RowError(reason), raw.encode("utf-8", "surrogateescape").decode(
                "utf-8", "replace"
            )
            continue
        yield line, {k: (v if v != "" else None) for k, v in record.items()}, None


def _first_undecoded(record: dict[str, Any]) -> tuple[str, int] | None:
    """(column, byte value) of the first byte in `record` that was not UTF-8, if any."""
    for column, value in record.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            match = _UNDECODED.search(item) if isinstance(item, str) else None
            if match:
                return str(column), ord(match.group()) - 0xDC00
    return None


def named_errors(path: Path, items: Iterator[Any]) -> Iterator[Any]:
    """`items`, with a read error part-way (a damaged Parquet page, a truncated Arrow file)
    turned into a SourceError naming `path`; pyarrow's own message does not name the file."""
    import pyarrow as pa

    try:
        yield from items
    except (OSError, pa.ArrowException) as exc:
        raise SourceError(f"{path}: cannot read past a damaged part of the file ({exc})") from exc


def _read_arrow_batches(batches: Any) -> Iterator[Record]:
    number = 0
    for batch in batches:
        for record in batch.to_pylist():
            number += 1
            yield number, record, None


def read_parquet(path: Path) -> Iterator[Record]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise SourceError(f"{path}: not a readable Parquet file ({exc})") from exc
    yield from named_errors(path, _read_arrow_batches(parquet.iter_batches(batch_size=65_536)))


def hf_arrow_files(path: Path) -> list[tuple[str, Path]]:
    """(split, arrow file) pairs of a save_to_disk folder (a Dataset or a DatasetDict)."""
    try:
        if (path / "dataset_dict.json").exists():
            splits = json.loads((path / "dataset_dict.json").read_text())["splits"]
            return [(split, f) for split in splits for _, f in hf_arrow_files(path / split)]
        state = json.loads((path / "state.json").read_text())
        return [("", path / entry["filename"]) for entry in state.get("_data_files", [])]
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise SourceError(f"{path}: not a readable datasets folder ({type(exc).__name__}: {exc})") from exc


def read_hf_dir(path: Path) -> Iterator[Record]:
    import pyarrow as pa

    files = hf_arrow_files(path)
    if not files:
        raise SourceError(f"{path}: the datasets folder lists no data files")
    offset = 0
    for split, arrow_file in files:
        count = 0
        with pa.memory_map(str(arrow_file)) as source:
            batches = named_errors(arrow_file, _read_arrow_batches(pa.ipc.open_stream(source)))
            for count, record, raw in batches:
                if split and isinstance(record, dict):
                    record.setdefault("split", split)
                yield offset + count, record, raw
        offset += count


READERS = {
    "jsonl": read_jsonl,
    "json": read_json_array,
    "csv": read_csv,
    "parquet": read_parquet,
    "hf_dir": read_hf_dir,
}


def read_records(path: Path, container: str | None = None) -> Iterator[Record]:
    """Records of one input, with their line (JSONL/CSV) or row number (others)."""
    container = container or container_of(path)
    if container not in READERS:
        raise SourceError(f"unknown container {container!r}; choose one of {', '.join(READERS)}")
    return READERS[container](path)
