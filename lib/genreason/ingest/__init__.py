"""Ingest: bring questions, candidate responses and labels into the store.

Formats (WebInstruct-verified, generic with a column mapping, benchmark files, labelled model
answers) are detected from the records; containers are JSONL, JSON, CSV, Parquet and
`datasets` save_to_disk folders. See `genreason.ingest.load.ingest`.
"""

from genreason.ingest.formats import FORMATS, parse_mapping
from genreason.ingest.load import (
    IngestConfig,
    IngestError,
    IngestResult,
    StagedInput,
    ingest,
    stage_inputs,
    write_staged,
)

__all__ = [
    "FORMATS",
    "IngestConfig",
    "IngestError",
    "IngestResult",
    "StagedInput",
    "ingest",
    "parse_mapping",
    "stage_inputs",
    "write_staged",
]
