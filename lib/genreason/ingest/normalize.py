"""Validation of mapped rows: types, emptiness, size; stable ids and content hashes.

Everything here raises `RowError` with a reason a person can act on; the caller sends the
row to quarantine with its file and line.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

from genreason.ingest.formats import CandidateRow, QuestionRow, RowError

_SEP = "\x1f"
_TRUE = {"true", "yes", "correct", "1", "y", "t"}
_FALSE = {"false", "no", "incorrect", "wrong", "0", "n", "f"}


def digest(*parts: str | None) -> str:
    """Hex id of the parts; the columnar path computes the same with DuckDB's md5."""
    return hashlib.md5(_SEP.join(p or "" for p in parts).encode()).hexdigest()[:24]


def _text(value: Any, name: str, max_chars: int, *, required: bool, allow_empty: bool = False) -> str | None:
    if value is None:
        if required:
            raise RowError(f"missing {name}")
        return None
    if not isinstance(value, str):
        raise RowError(f"{name} must be text, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        if required:
            raise RowError(f"empty {name}")
        return None
    if len(value) > max_chars:
        raise RowError(f"{name} is {len(value):,} characters, over the limit of {max_chars:,}")
    return value


def _label_text(value: Any, name: str) -> str | None:
    """Short labels (category, difficulty, answer type): text or a number, never a structure."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RowError(f"{name} must be text, got {type(value).__name__}")
    text = str(value).strip()
    if len(text) > 200:
        raise RowError(f"{name} is {len(text):,} characters, over the limit of 200")
    return text or None


def answer_text(value: Any) -> Any:
    """Typed reference answers (numbers, booleans, lists of them) become their text form."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RowError(f"answer is {value}, not a finite number")
        return repr(value)
    if isinstance(value, list | tuple):
        if any(isinstance(v, dict) for v in value):
            raise RowError("answer must be text, a number or a list of them, got a list with objects")
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, dict):
        raise RowError("answer must be text, a number or a list of them, got an object")
    return value


def normalize_question(row: QuestionRow, source: str, max_chars: int) -> dict[str, Any]:
    """A storable question dict with id and content_hash, or RowError."""
    question = _text(row.question, "question", max_chars, required=True)
    answer = _text(answer_text(row.answer), "answer", max_chars, required=True)
    answer_type = _label_text(row.answer_type, "answer_type")
    category = _label_text(row.category, "category")
    difficulty = _label_text(row.difficulty, "difficulty")
    options = row.options
    if options is not None:
        options = [str(o) for o in options]
        if sum(len(o) for o in options) > max_chars:
            raise RowError(f"options are over the limit of {max_chars:,} characters")
    if row.id is None:
        qid = f"{source}:{digest(question, answer)}"
    elif isinstance(row.id, str | int) and not isinstance(row.id, bool) and str(row.id).strip():
        qid = str(row.id).strip()
    else:
        raise RowError(f"id must be text or an integer, got {type(row.id).__name__}")
    content = digest(question, answer, answer_type, category, difficulty, _SEP.join(options or []))
    try:
        extra = json.dumps(row.extra, ensure_ascii=False, default=str) if row.extra else None
    except (TypeError, ValueError) as exc:
        raise RowError(f"extra fields cannot be stored as JSON ({exc})") from None
    if extra is not None and len(extra) > max_chars:
        raise RowError(f"extra fields are {len(extra):,} characters, over the limit of {max_chars:,}")
    return {
        "id": qid, "source": source, "question": question, "answer": answer,
        "answer_type": answer_type, "category": category, "difficulty": difficulty,
        "options": options, "extra": extra, "content_hash": content,
        # A derived id is the content itself: metadata that differs is not a conflict.
        "id_given": row.id is not None,
    }


def parse_label(value: Any) -> bool | None:
    """True/False, or None for unlabelled; yes/no, correct/incorrect, 1/0 are accepted."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        if low in ("", "null", "none"):
            return None
    raise RowError(f"label must be true or false, got {value!r}")


def normalize_candidate(row: CandidateRow, question_id: str, max_chars: int) -> dict[str, Any]:
    """A storable candidate dict (responses may be empty: a model can answer nothing)."""
    response = _text(row.response, "response", max_chars, required=True, allow_empty=True)
    model = _label_text(row.model, "model")
    if row.id is None:
        cid = f"cand:{digest(question_id, model, response)}"
    elif isinstance(row.id, str | int) and not isinstance(row.id, bool):
        cid = str(row.id)
    else:
        raise RowError(f"candidate id must be text or an integer, got {type(row.id).__name__}")
    return {
        "id": cid, "question_id": question_id, "model": model, "response": response,
        "label": parse_label(row.label), "content_hash": digest(question_id, model, response),
    }
