"""Fast path for columnar inputs (Parquet, `datasets` folders) in WebInstruct or mapped form.

The same checks as `normalize.py`, written as one DuckDB query per batch of rows, so a
million-row file is validated in seconds instead of row by row in Python. Used only when the
question and answer columns are text; anything else goes the row-by-row way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import duckdb
import pyarrow as pa

from genreason.ingest.readers import hf_arrow_files

TEXT_FIELDS = ("question", "answer")
LABEL_FIELDS = ("answer_type", "category", "difficulty")
WHITESPACE = " \t\n\r"


def _is_text(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def usable(schema: pa.Schema, mapping: Mapping[str, str]) -> bool:
    """True when the columns fit the fast path (text question/answer, text labels, text options)."""
    names = set(schema.names)
    if not all(mapping[f] in names and _is_text(schema.field(mapping[f]).type) for f in TEXT_FIELDS):
        return False
    for f in LABEL_FIELDS:
        if f in mapping and mapping[f] in names and not (_is_text(schema.field(mapping[f]).type)
                                                         or pa.types.is_null(schema.field(mapping[f]).type)):
            return False
    if "id" in mapping and mapping["id"] in names:
        t = schema.field(mapping["id"]).type
        if not (_is_text(t) or pa.types.is_integer(t)):
            return False
    if "options" in mapping and mapping["options"] in names:
        t = schema.field(mapping["options"]).type
        if not (pa.types.is_list(t) and _is_text(t.value_type)):
            return False
    return True


def arrow_batches(path: Path, container: str, batch_rows: int = 262_144) -> tuple[pa.Schema, int, Iterator[pa.RecordBatch]]:
    """Schema, row count and record batches of a Parquet file or a save_to_disk folder."""
    if container == "parquet":
        import pyarrow.parquet as pq

        parquet = pq.ParquetFile(path)
        return parquet.schema_arrow, parquet.metadata.num_rows, parquet.iter_batches(batch_size=batch_rows)
    tables = []
    for _split, arrow_file in hf_arrow_files(path):
        with pa.memory_map(str(arrow_file)) as source:
            tables.append(pa.ipc.open_stream(source).read_all())
    table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
    return table.schema, table.num_rows, iter(table.to_batches(max_chunksize=batch_rows))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def validation_sql(mapping: Mapping[str, str], columns: list[str], source: str, max_chars: int) -> str:
    """One SELECT over table `batch` (with `_row`) giving the staged columns plus `_reason`."""
    col = {f: _q(mapping[f]) for f in mapping if mapping[f] in columns}
    q, a = col["question"], col["answer"]
    labels = {f: f"nullif(trim({col[f]}, '{WHITESPACE}'), '')" if f in col else "NULL::VARCHAR" for f in LABEL_FIELDS}
    options = col.get("options", "NULL::VARCHAR[]")
    used = set(mapping.values())
    rest = [c for c in columns if c not in used and c != "_row"]
    extra = (f"to_json(struct_pack({', '.join(f'{_q(c)} := {_q(c)}' for c in rest)}))::VARCHAR"
             if rest else "NULL::VARCHAR")
    given_id = f"trim(CAST({col['id']} AS VARCHAR))" if "id" in col else "NULL::VARCHAR"
    too_long = lambda name, expr: (  # noqa: E731
        f"WHEN length({expr}) > {max_chars} THEN '{name} is ' || format('{{:,}}', length({expr})) "
        f"|| ' characters, over the limit of {max_chars:,}'")
    label_checks = " ".join(
        f"WHEN length({labels[f]}) > 200 THEN '{f} is ' || format('{{:,}}', length({labels[f]})) "
        f"|| ' characters, over the limit of 200'" for f in LABEL_FIELDS if f in col)
    source_sql = "'" + source.replace("'", "''") + "'"
    return f"""
    SELECT
        CASE
            WHEN {q} IS NULL THEN 'missing question'
            WHEN trim({q}, '{WHITESPACE}') = '' THEN 'empty question'
            WHEN {a} IS NULL THEN 'missing answer'
            WHEN trim({a}, '{WHITESPACE}') = '' THEN 'empty answer'
            {too_long('question', q)}
            {too_long('answer', a)}
            {label_checks}
            WHEN {given_id} = '' THEN 'id must be text or an integer, got an empty value'
        END AS _reason,
        coalesce({given_id}, {source_sql} || ':' || md5(concat_ws(chr(31), {q}, {a}))[:24]) AS id,
        {source_sql} AS source, {q} AS question, {a} AS answer,
        {labels['answer_type']} AS answer_type, {labels['category']} AS category,
        {labels['difficulty']} AS difficulty, {options} AS options, {extra} AS extra,
        md5(concat_ws(chr(31), {q}, {a}, coalesce({labels['answer_type']}, ''),
            coalesce({labels['category']}, ''), coalesce({labels['difficulty']}, ''),
            coalesce(array_to_string({options}, chr(31)), '')))[:24] AS content_hash,
        {given_id} IS NOT NULL AS id_given,
        _row
    FROM batch
    """


def validate_batch(con: duckdb.DuckDBPyConnection, batch: pa.RecordBatch, first_row: int, sql: str) -> tuple[pa.Table, list[tuple[int, str, str]]]:
    """Staged good rows (with `_row`, 1-based) and (row, reason, raw) for the bad ones."""
    table = pa.Table.from_batches([batch])
    table = table.append_column("_row", pa.array(range(first_row, first_row + table.num_rows), pa.int64()))
    con.register("batch", table)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _validated AS {sql}")
        result = con.sql("SELECT * EXCLUDE (_reason) FROM _validated WHERE _reason IS NULL").to_arrow_table()
        bad = con.execute(
            "SELECT v._row, v._reason, left(to_json(b)::VARCHAR, 2000) FROM _validated v "
            "JOIN batch b USING (_row) WHERE v._reason IS NOT NULL ORDER BY v._row"
        ).fetchall()
    finally:
        con.unregister("batch")
    return result, [(int(r), reason, raw) for r, reason, raw in bad]


def webinstruct_mapping(schema: pa.Schema) -> dict[str, str]:
    """Identity mapping over the WebInstruct fields present in the schema."""
    fields = ("id", "question", "answer", "answer_type", "category", "difficulty", "options")
    return {f: f for f in fields if f in schema.names}

