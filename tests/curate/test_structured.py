"""LLM output you can trust: invalid JSON, unknown labels and truncated replies are retried,
then recorded as decisions with the raw output, and the run goes on."""

from __future__ import annotations

import json

from genreason import store
from genreason.curate.annotate import AnnotateConfig, AnnotateStage, annotation_schema
from genreason.curate.runner import run_stage
from genreason.curate.structured import generate_structured, json_text, parse_reply
from genreason.llm.base import SamplingParams

from .scripted import ScriptedBackend

GOOD = '{"answer_type": "Float", "category": "Physics", "difficulty": "University"}'
SCHEMA = annotation_schema(["University", "PhD"])


def test_parse_reply_names_each_failure_kind():
    assert parse_reply(GOOD, SCHEMA)[1] is None
    assert parse_reply("```json\n" + GOOD + "\n```", SCHEMA)[1] is None  # fenced
    assert parse_reply("Sure! " + GOOD + " Hope this helps.", SCHEMA)[1] is None  # chatter around it
    assert parse_reply('{"answer_type": "Float", "categ', SCHEMA, "length")[1] == "truncated"
    assert parse_reply('{"answer_type": Float}', SCHEMA)[1] == "invalid JSON"
    unknown = GOOD.replace("Float", "Decimal")
    assert parse_reply(unknown, SCHEMA)[1] == "unknown label"
    assert parse_reply(GOOD.replace("University", "Kindergarten"), SCHEMA)[1] == "unknown label"
    assert parse_reply('{"answer_type": "Float"}', SCHEMA)[1] == "schema"
    assert json_text("no braces") == "no braces"


def test_retry_tells_the_model_what_was_wrong_and_then_succeeds():
    seen = []

    def reply(prompt, k, attempt):
        seen.append(attempt)
        return "not json at all" if attempt == 0 else GOOD

    backend = ScriptedBackend(reply)
    [result] = generate_structured(backend, ["label this"], SCHEMA, SamplingParams(max_new_tokens=64), retries=2)
    assert result.value is not None and result.value.answer_type == "Float"
    assert result.attempts == 2 and result.raw == ["not json at all", GOOD] and seen == [0, 1]
    # the schema rides along for servers that enforce it
    assert backend.calls[0][1].json_schema["properties"]["answer_type"]["enum"][0] == "Float"


def test_failures_after_the_last_retry_are_returned_not_raised():
    backend = ScriptedBackend(lambda p, k, a: ('{"answer_type": "Float", "cat', "length"))
    [result] = generate_structured(backend, ["x"], SCHEMA, SamplingParams(max_new_tokens=8), retries=1)
    assert result.value is None and result.error == "truncated" and result.attempts == 2
    assert len(result.evidence()["raw"]) == 2


def test_annotate_records_llm_failures_as_decisions_and_goes_on(tmp_path):
    rows = [{"id": "ok", "question": "A 2 kg mass falls 3 m; work done by gravity (g = 9.8 m/s^2)?", "answer": "58.8 J"},
            {"id": "broken", "question": "Name the capital of France.", "answer": "Paris"},
            {"id": "stored", "question": "What is 3 + 4?", "answer": "7", "category": "Mathematics",
             "difficulty": "Primary School"}]
    src = tmp_path / "q.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows))
    db = tmp_path / "s.duckdb"
    from genreason.ingest import IngestConfig, stage_inputs, write_staged

    with store.connect(db) as con:
        write_staged(con, stage_inputs([src], IngestConfig(format="webinstruct", progress=False)))

    def reply(prompt, k, attempt):
        if "capital of France" in prompt or "3 + 4" in prompt:
            return "I think it is a String about Geography."  # never valid JSON
        return GOOD.replace("University", "Primary School")

    stage = AnnotateStage(AnnotateConfig(retries=2), backend=ScriptedBackend(reply))
    result = run_stage(stage, db=db, progress=False)
    assert result.status == "done" and result.counts["in"] == 3
    with store.connect(db, read_only=True) as con:
        decisions = {q: (kept, reason, json.loads(d)) for q, kept, reason, d in con.execute(
            "SELECT question_id, kept, reason, detail FROM decisions").fetchall()}
        labels = dict(con.execute("SELECT id, category FROM questions").fetchall())
    kept, reason, detail = decisions["broken"]
    assert not kept and reason == "annotation failed: invalid JSON"
    assert detail["llm_failure"]["attempts"] == 3 and len(detail["llm_failure"]["raw"]) == 3
    assert decisions["ok"][:2] == (True, "labelled by LLM") and labels["ok"] == "Physics"
    # difficulty labels come from the data: "Primary School" is the one stored value
    assert decisions["ok"][2]["labels"]["difficulty"] == "Primary School"
    # a question with subject and difficulty stays when the LLM fails; the rule fills its answer type
    kept, reason, detail = decisions["stored"]
    assert kept is True and reason == "answer type by rule" and detail["labels"]["answer_type"] == "Integer"
    assert detail["llm_failure"]["error"] == "invalid JSON"


def test_a_server_that_refuses_the_schema_is_asked_without_it():
    from genreason.llm.base import BackendError

    class NoSchemaServer(ScriptedBackend):
        def generate(self, prompts, params, *, chat=False):
            if params.json_schema is not None:
                raise BackendError("HTTP 400 from http://127.0.0.1:8000/v1: response_format not supported")
            return super().generate(prompts, params, chat=chat)

    backend = NoSchemaServer(lambda p, k, a: GOOD)
    [result] = generate_structured(backend, ["x"], SCHEMA, SamplingParams(max_new_tokens=64))
    assert result.value is not None and backend.calls[-1][1].json_schema is None
