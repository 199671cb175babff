"""False-positive probe: attacks are wrong by construction; rates per attack and rendering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scripted_backend import ScriptedBackend, ScriptedVerifier

from genreason.ingest.offline import read_question_rows
from genreason.verify.assess.probe import (
    ATTACKS,
    RENDERINGS,
    ProbeQuestion,
    attack_names,
    build_cases,
    questions_from_rows,
    run_probe,
)
from genreason.verify.model import ModelVerifier
from genreason.verify.rules.verifier import RuleVerifier

REALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"

QUESTIONS = [
    ProbeQuestion("What is 2+2?", "4", "Integer", question_id="q-int"),
    ProbeQuestion("What is 8*9?", "72", "Integer", question_id="q-72"),
    ProbeQuestion("Which planet is largest?", "B", "Multiple Choice",
                  options=("Mars", "Jupiter", "Venus", "Earth"), question_id="q-mc"),
    ProbeQuestion("Give the density in g/cm^3.", "2.70", "Float", question_id="q-float"),
    ProbeQuestion("Name the capital of France.", "Paris", "String", question_id="q-str"),
    ProbeQuestion("Is 7 prime?", "Yes", "Boolean", question_id="q-bool"),
    ProbeQuestion("Which war ended in 1945?", "World War II", "String", question_id="q-war"),
    ProbeQuestion("Which ocean is the largest?", "Pacific Ocean", "String", question_id="q-ocean"),
]


def _gsm8k_questions(n: int) -> list[ProbeQuestion]:
    path = REALDATA / "gsm8k" / "test.jsonl"
    if not path.exists():
        pytest.skip(f"real data not found at {path} (the shared folder beside the repo)")
    rows = []
    with path.open() as f:
        for i, line in zip(range(n), f, strict=False):
            r = json.loads(line)
            rows.append({"id": f"gsm8k-{i}", "question": r["question"],
                         "answer": r["answer"].split("####")[-1].strip()})
    return questions_from_rows(rows)


def test_cases_cover_every_attack_and_rendering_and_are_wrong_by_construction():
    cases = build_cases(QUESTIONS, attacks=list(ATTACKS))
    assert len({c.item.item_id for c in cases}) == len(cases)
    assert {c.attack for c in cases} == set(ATTACKS)
    assert {c.rendering for c in cases} == set(RENDERINGS)
    for c in cases:
        # no attack answer is the bare reference
        assert c.answer.strip().lower() != c.item.reference.strip().lower()
    by = {(c.question_id, c.attack, c.rendering): c for c in cases}
    assert by[("q-int", "or_list", "boxed")].answer == "3 or 4 or 5"
    assert by[("q-mc", "several_answers", "bare")].answer == "A, B, C, D"
    assert by[("q-float", "or_list", "bare")].answer == "2.69 or 2.70 or 2.71"
    assert "Paris" in by[("q-str", "stuffed", "bare")].answer
    assert by[("q-bool", "negated", "bare")].answer == "not Yes"
    assert by[("q-72", "digit_split", "bare")].answer == "7,2"
    assert by[("q-72", "both", "bare")].answer == "both 72 and 73"
    assert not any(c.attack == "digit_split" for c in cases if c.question_id != "q-72")
    assert by[("q-int", "empty", "boxed")].item.response == "The final answer is \\boxed{}."
    # the same questions give the same cases (seeded by the question)
    assert [c.answer for c in build_cases(QUESTIONS, attacks=list(ATTACKS))] == [c.answer for c in cases]
    # by default the generated families run too, each case with a unique id
    every = build_cases(QUESTIONS)
    assert {c.attack for c in every} == set(attack_names())
    assert len({c.item.item_id for c in every}) == len(every)


def test_an_attack_equal_to_the_reference_is_left_out():
    q = ProbeQuestion("Solution:", "Solution:")  # restated question == reference
    attacks = {c.attack for c in build_cases([q])}
    assert "restated_question" not in attacks and "solution_label" not in attacks


def test_unknown_attack_or_rendering_is_refused():
    with pytest.raises(ValueError, match="unknown attack"):
        build_cases(QUESTIONS, attacks=["flattery"])
    with pytest.raises(ValueError, match="unknown rendering"):
        build_cases(QUESTIONS, renderings=["italic"])


def test_a_judge_that_always_says_yes_has_false_positive_rate_one():
    judge = ScriptedVerifier(True, name="always-yes")
    report = run_probe(judge, QUESTIONS)
    assert len(judge.batches) == 1  # one batch for the whole probe
    assert report.fp_rate == 1.0 and report.false_positives == report.cases
    assert all(row["fp_rate"] == 1.0 for row in report.by_attack)
    assert all(row["fp_rate"] == 1.0 for row in report.by_rendering)
    assert {e["attack"] for e in report.examples} == set(attack_names())
    assert sum(r["n"] for r in report.by_attack_type) == report.cases


def test_a_judge_that_always_says_no_has_none():
    report = run_probe(ScriptedVerifier(False), QUESTIONS)
    assert report.false_positives == 0 and report.fp_rate == 0.0 and report.examples == []


def test_model_verifier_fooled_only_by_what_reaches_the_model():
    """A model that always answers Yes: every case with an extracted answer is a false
    positive; empty answers never reach it (no answer extracted -> False)."""
    backend = ScriptedBackend("Final Decision: Yes")
    report = run_probe(ModelVerifier(backend), QUESTIONS, renderings=["boxed"])
    rates = {r["attack"]: r for r in report.by_attack}
    assert rates["empty"]["false_positives"] == 0
    assert rates["decision_injection"]["fp_rate"] == 1.0
    assert len(backend.calls) == 1
    assert report.false_positives == len(backend.calls[0][0])


@pytest.mark.slow
def test_probe_of_the_rule_verifier_on_real_questions():
    questions = _gsm8k_questions(6)
    report = run_probe(RuleVerifier(), questions, renderings=["boxed", "bare"])
    assert report.questions == 6
    assert report.cases == sum(r["n"] for r in report.by_attack) == sum(r["n"] for r in report.by_rendering)
    assert report.false_positives == sum(r["false_positives"] for r in report.by_attack)
    for row in report.by_attack:
        assert 0.0 <= row["fp_rate"] <= 1.0
        assert row["fp_rate"] == pytest.approx(row["false_positives"] / row["n"])
    # nothing to accept in an empty or punctuation-only answer
    rates = {r["attack"]: r["fp_rate"] for r in report.by_attack}
    assert rates["empty"] == 0.0 and rates["punctuation"] == 0.0
    # every example shown is a case the judge accepted
    assert len(report.examples) <= 3 * len(attack_names())
    json.dumps(report.to_dict())  # the CLI's --json output serialises


def test_questions_from_benchmark_files_use_the_ingest_formats():
    gsm8k = REALDATA / "gsm8k" / "test.jsonl"
    mmlu = REALDATA / "mmlu_pro" / "test.jsonl"
    if not (gsm8k.exists() and mmlu.exists()):
        pytest.skip("real data not found (the shared folder beside the repo)")
    qs = questions_from_rows(read_question_rows(gsm8k, limit=3))
    first = json.loads(gsm8k.open().readline())
    assert len(qs) == 3
    assert qs[0].question == first["question"]
    assert qs[0].reference == first["answer"].split("####")[-1].strip()
    mc = questions_from_rows(read_question_rows(mmlu, limit=2))
    assert all(q.options and len(q.reference) == 1 for q in mc)


@pytest.mark.slow
def test_probe_command_json_and_errors(capsys):
    gsm8k = REALDATA / "gsm8k" / "test.jsonl"
    if not gsm8k.exists():
        pytest.skip("real data not found (the shared folder beside the repo)")
    from genreason.cli.main import main

    assert main(["probe", "--in", str(gsm8k), "--limit", "4", "--attacks", "empty,or_list",
                 "--renderings", "boxed", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["judge"] == "rule" and data["questions"] == 4 and data["cases"] == 8
    assert [r["attack"] for r in data["by_attack"]] == ["empty", "or_list"]

    assert main(["probe", "--in", str(gsm8k), "--limit", "2", "--attacks", "negated,digit_split"]) == 0
    assert "FP rate" in capsys.readouterr().out
    assert main(["probe", "--judge", "model", "--in", str(gsm8k)]) == 2
    assert "needs --model" in capsys.readouterr().err
    assert main(["probe", "--in", str(gsm8k), "--attacks", "flattery"]) == 2


def test_probe_reads_a_file_of_another_layout_with_map(tmp_path, capsys):
    from genreason.cli.main import main

    src = tmp_path / "mine.jsonl"
    rows = [
        {"qid": "a1", "problem": "Which ocean is the largest?", "final": "Pacific Ocean", "type": "String"},
        {"qid": "a2", "problem": "How many legs does a spider have?", "final": "8", "type": "Integer"},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["probe", "--in", str(src), "--attacks", "or_list", "--renderings", "boxed", "--json"]) == 2
    err = capsys.readouterr().err
    assert "cannot tell the format" in err and "--map question=COLUMN,answer=COLUMN" in err
    mapping = "question=problem,answer=final,id=qid,answer_type=type"
    assert main(["probe", "--in", str(src), "--map", mapping, "--attacks", "or_list", "--renderings", "boxed", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["questions"] == 2 and data["cases"] == 2 and data["false_positives"] == 0
    assert main(["probe", "--in", str(src), "--map", "question=problem"]) == 2
    assert "answer=<column>" in capsys.readouterr().err
    assert main(["probe", "--db", str(tmp_path / "none.duckdb"), "--map", mapping]) == 2
    assert "--in file" in capsys.readouterr().err
