"""The extract stage on the shipped raw documents: a scripted backend replying what each
document's `expected` says, and a tiny random-weight model whose replies are never valid."""

from __future__ import annotations

import json

import pytest

from genreason import store
from genreason.curate.extract import REJECTIONS, ExtractConfig, ExtractStage, read_documents
from genreason.curate.runner import run_pipeline, run_stage

from .conftest import SAMPLE
from .scripted import ScriptedBackend

DOCS = SAMPLE / "raw_documents.jsonl"


def _expected_reply(docs):
    by_text = {d["text"]: d["expected"] for d in docs}

    def reply(prompt, k, attempt):
        doc = next(t for t in by_text if t in prompt)
        exp = by_text[doc]
        if exp["outcome"] == "extracted":
            return json.dumps({"questions": exp["questions"], "rejected": None})
        return json.dumps({"questions": [], "rejected": exp["reason"]})

    return reply


def test_shipped_documents_are_well_formed():
    docs = read_documents(DOCS)
    assert len(docs) >= 10
    outcomes = {d["expected"]["outcome"] for d in docs}
    assert outcomes == {"extracted", "rejected"}
    reasons = {d["expected"]["reason"] for d in docs if d["expected"]["outcome"] == "rejected"}
    assert reasons == set(REJECTIONS)  # each rejection reason is exercised


def test_extract_with_a_scripted_backend_gives_each_document_its_outcome(tmp_path):
    docs = read_documents(DOCS)
    db = tmp_path / "s.duckdb"
    stage = ExtractStage(ExtractConfig(source="raw-sample"), backend=ScriptedBackend(_expected_reply(docs)))
    result = run_stage(stage, docs, db=db, progress=False)
    with store.connect(db, read_only=True) as con:
        decisions = {q: (k, r) for q, k, r in con.execute(
            "SELECT question_id, kept, reason FROM decisions WHERE stage = 'extract'").fetchall()}
        stored = con.execute("SELECT id, question, answer, source, extra FROM questions ORDER BY id").fetchall()
    for d in docs:
        exp = d["expected"]
        if exp["outcome"] == "extracted":
            assert decisions[d["id"]] == (True, "extracted")
        else:
            assert decisions[d["id"]] == (False, exp["reason"])
    n_questions = sum(len(d["expected"].get("questions", [])) for d in docs)
    assert len(stored) == n_questions == len(result.kept_ids)
    assert all(src == "raw-sample" and json.loads(extra)["document_id"] == qid.split("#")[0]
               for qid, _, _, src, extra in stored)
    # the extracted questions flow on: annotate labels them by rule
    from genreason.curate.annotate import AnnotateConfig, AnnotateStage

    again = run_pipeline([ExtractStage(ExtractConfig(source="raw-sample"),
                                       backend=ScriptedBackend(_expected_reply(docs))),
                          AnnotateStage(AnnotateConfig())], docs, db=db, progress=False)
    assert again[0].counts["processed"] == 0 and again[1].counts["in"] == n_questions
    with store.connect(db, read_only=True) as con:
        types = dict(con.execute("SELECT answer, answer_type FROM questions").fetchall())
    assert types["B"] == "String" or types["B"] == "Multiple Choice"
    assert types["6"] == "Integer" and types["4 m/s^2"] == "Float"


def test_extract_with_a_tiny_model_records_invalid_replies(tmp_path):
    pytest.importorskip("transformers")
    from genreason.llm.hf import HFBackend
    from genreason.llm.tiny import TinyModelConfig, tiny_model_dir

    model = tiny_model_dir(TinyModelConfig(), tmp_path / "models")
    docs = read_documents(DOCS)[:3]
    stage = ExtractStage(ExtractConfig(retries=1, max_new_tokens=16), backend=HFBackend(str(model)))
    result = run_stage(stage, docs, db=tmp_path / "s.duckdb", progress=False)
    assert result.status == "done" and result.counts["dropped"] == 3
    with store.connect(tmp_path / "s.duckdb", read_only=True) as con:
        rows = con.execute("SELECT reason, detail FROM decisions").fetchall()
    for reason, detail in rows:
        assert reason.startswith("invalid reply: ")
        assert len(json.loads(detail)["raw"]) == 2  # first try and one retry, kept as evidence
