"""ModelVerifier end to end with a real transformers model (tiny, random weights) via HFBackend.

A random model says nothing meaningful, so this checks the record, not accuracy: the prompt
sent is the paper's template, the full output is kept, and the verdict follows the output
(Yes -> True, No -> False, neither -> undecided), for the real tokenizer and generate path.
"""

from __future__ import annotations

import json
import os

import pytest

from genreason.judging import Item
from genreason.verify.hybrid import HybridVerifier
from genreason.verify.model import ModelVerifier, parse_decision, render_prompt

os.environ.setdefault("HF_HUB_OFFLINE", "1")
pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    from genreason.llm.tiny import tiny_model_dir

    return tiny_model_dir(root=os.environ.get("GENREASON_TINY_CACHE") or tmp_path_factory.mktemp("tiny"))


ITEMS = [
    Item("What is 2+2?", "4", "2+2 = 4, so \\boxed{4}.", answer_type="Integer", item_id="c1"),
    Item("Simplify $\\frac{2}{4}$.", "\\frac{1}{2}", "It is \\boxed{\\frac{1}{2}}", item_id="c2"),
    Item("Name a prime.", "7", "I am not sure.\n\n\\boxed{}", item_id="c3"),  # nothing extracted
]


def test_model_verifier_with_the_tiny_model_records_prompt_output_and_verdict(tiny_dir):
    verifier = ModelVerifier(backend_name="hf", model=str(tiny_dir), max_new_tokens=12,
                             backend_options={"device": "cpu"})
    judgments = verifier.verify_batch(ITEMS)
    assert [j.item_id for j in judgments] == ["c1", "c2", "c3"]

    for item, j in zip(ITEMS[:2], judgments[:2], strict=True):
        assert j.detail["prompt"] == render_prompt(item.question, item.reference, j.extracted)
        assert j.detail["backend"] == "hf" and j.detail["model"] == str(tiny_dir)
        output = j.detail["output"]
        assert isinstance(output, str)
        expected, _, decisions = parse_decision(output)
        assert j.verdict is expected and j.detail["decisions"] == decisions
        assert j.cost["completion_tokens"] <= 12 and j.cost["prompt_tokens"] > 50
        assert j.cost["seconds"] > 0
    assert [j.extracted for j in judgments[:2]] == ["4", "\\frac{1}{2}"]
    # the empty box never reached the model
    assert judgments[2].verdict is False and judgments[2].reason == "no answer extracted"
    assert judgments[2].detail["prompt"] is None


def test_greedy_decoding_is_repeatable(tiny_dir):
    verifier = ModelVerifier(backend_name="hf", model=str(tiny_dir), max_new_tokens=8,
                             backend_options={"device": "cpu"})
    first = [j.detail["output"] for j in verifier.verify_batch(ITEMS[:2])]
    again = [j.detail["output"] for j in verifier.verify_batch(ITEMS[:2])]
    assert first == again


def test_hybrid_with_rules_and_the_tiny_model(tiny_dir):
    model = ModelVerifier(backend_name="hf", model=str(tiny_dir), max_new_tokens=8,
                          backend_options={"device": "cpu"})
    hybrid = HybridVerifier(model=model, send_rejected=True)
    items = ITEMS[:2] + [Item("What is 2+2?", "4", "so \\boxed{5}", item_id="c4")]
    judgments = hybrid.verify_batch(items)
    report = hybrid.last_report
    assert report.items == 3
    assert report.rule_decided + report.sent_to_model == 3
    routed = [j for j in judgments if j.rule == "hybrid:model"]
    assert len(routed) == report.sent_to_model
    for j in routed:
        assert j.detail["prompt"].startswith("User: ### Question: ")
        assert j.verdict is parse_decision(j.detail["output"])[0]


def test_judge_command_with_the_model_judge_writes_prompt_and_raw_output(tiny_dir, tmp_path, capsys):
    from genreason.cli.main import main

    rows = [
        {"id": "r1", "question": "What is 2+2?", "reference": "4", "response": "so \\boxed{4}", "keep": 1},
        {"id": "r2", "question": "Name a prime.", "reference": "7", "response": "no idea"},
    ]
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["judge", "--judge", "model", "--model", str(tiny_dir), "--max-new-tokens", "6",
                 "--in", str(src), "--out", str(out)]) == 0
    judged = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in judged] == ["r1", "r2"] and judged[0]["keep"] == 1
    first = judged[0]
    assert first["verifier_prompt"] == render_prompt("What is 2+2?", "4", "4")
    assert isinstance(first["verifier_output"], str)
    assert first["verdict"] is parse_decision(first["verifier_output"])[0]
    assert first["rule"] == "model"

    assert main(["judge", "--judge", "hybrid", "--in", str(src)]) == 2
    assert "needs --model" in capsys.readouterr().err


def test_judge_command_hybrid_over_the_store(tiny_dir, tmp_path):
    from genreason import store
    from genreason.cli.main import main

    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps(r) + "\n" for r in [
        {"question": "What is 2+2?", "reference": "4", "response": "\\boxed{4}", "label": True},
        {"question": "List two primes.", "reference": "2, 3", "response": "\\boxed{3 and 2}", "label": True},
        {"question": "What is 3+3?", "reference": "6", "response": "\\boxed{5}", "label": False},
    ]))
    db = tmp_path / "store.duckdb"
    assert main(["ingest", str(labels), "--db", str(db)]) == 0
    assert main(["judge", "--judge", "hybrid", "--send-rejected", "--model", str(tiny_dir),
                 "--max-new-tokens", "6", "--workers", "0", "--db", str(db)]) == 0
    name = f"hybrid:{tiny_dir.name}"  # the judge's default name says what it is
    with store.connect(db, read_only=True) as con:
        stored = store.load_judgments(con, name)
        config = con.execute("SELECT config FROM stage_runs WHERE stage = 'judge'").fetchone()[0]
        judge = store.get_judge(con, name)
    assert judge.kind == "hybrid" and judge.config["model"]["model"] == str(tiny_dir)
    assert judge.config["send_rejected"] is True
    assert len(stored) == 3
    assert {r["rule"] for r in stored} <= {"hybrid:rule", "hybrid:model"}
    assert any(r["rule"] == "hybrid:model" for r in stored)  # the rejected 5 went to the model
    for r in stored:
        if r["rule"] == "hybrid:model":
            assert r["detail"]["prompt"].startswith("User: ### Question: ")
            assert "output" in r["detail"] and "rule_judgment" in r["detail"]
    assert str(tiny_dir) in config  # the stage run records the judge config too
