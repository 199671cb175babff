"""The architecture stays visible: lib does the work, app and notebooks only call it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
UI_IMPORT = re.compile(r"^\s*(import|from)\s+(streamlit|marimo)\b", re.MULTILINE)
WRITING_SQL = re.compile(r"\b(INSERT|UPDATE|DELETE|CREATE TABLE|DROP TABLE|ALTER TABLE)\b")
PARSING = re.compile(r"^\s*(import re\b|from re import|import sympy|import math_verify|from math_verify)", re.MULTILINE)


def _py_files(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


def test_lib_imports_no_ui_library() -> None:
    offenders = [str(p.relative_to(REPO)) for p in _py_files("lib") if UI_IMPORT.search(p.read_text())]
    assert offenders == []


def test_app_and_notebooks_neither_write_sql_nor_parse() -> None:
    offenders = []
    for folder in ("app", "notebooks"):
        for path in _py_files(folder):
            text = path.read_text()
            if WRITING_SQL.search(text) or PARSING.search(text):
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_importing_the_library_pulls_no_heavy_optional_package() -> None:
    code = (
        "import sys, genreason, genreason.store, genreason.ingest, genreason.verify.registry, genreason.llm;"
        "heavy = [m for m in ('torch', 'transformers', 'vllm', 'trl', 'streamlit', 'marimo') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
