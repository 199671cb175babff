"""The candidates stage: one request with n per question, the paper's suffix, judged and stored."""

from __future__ import annotations

import pytest

from genreason import store
from genreason.curate.candidates import (
    PAPER_SUFFIX,
    CandidatesConfig,
    CandidatesStage,
    solution_prompt,
)
from genreason.curate.pass_rate import PassRateConfig, PassRateStage
from genreason.curate.rows import live_questions
from genreason.curate.runner import run_stage

from .conftest import load_sample
from .scripted import ScriptedBackend


def _rows(db, n):
    with store.connect(db, read_only=True) as con:
        return live_questions(con, limit=n)


def test_prompt_has_lettered_options_and_the_paper_suffix():
    text = solution_prompt({"question": "Which gas?", "options": ["Oxygen", "Nitrogen"]})
    assert text == f"Which gas?\n\nA. Oxygen\nB. Nitrogen\n\n{PAPER_SUFFIX}"


def test_one_request_with_n_per_question_then_pass_rate_reads_the_verdicts(tmp_path):
    db = tmp_path / "s.duckdb"
    load_sample(db, candidates=False)
    rows = _rows(db, 6)
    answers = {r["question"]: r["answer"] for r in rows}
    solved = {rows[0]["question"]: 8, rows[1]["question"]: 0}  # 8/8 and 0/8; the rest 3/8

    def reply(prompt, k, attempt):
        q = next(q for q in answers if prompt.startswith(q))
        right = k < solved.get(q, 3)
        return f"Reasoning...\n\\boxed{{{answers[q] if right else '-98765'}}}"

    backend = ScriptedBackend(reply)
    stage = CandidatesStage(CandidatesConfig(batch_size=3, judge_options={"workers": 0}), backend=backend)
    result = run_stage(stage, rows, db=db, progress=False)
    assert [(n, p.n) for n, p in backend.calls] == [(3, 8), (3, 8)]  # batches of 3 prompts, n=8 each
    assert result.counts["kept"] == 6
    with store.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM candidates").fetchone()[0] == 48
        assert con.execute("SELECT count(*) FROM judgments WHERE judge = 'rule'").fetchone()[0] == 48
    rate = run_stage(PassRateStage(PassRateConfig(model="scripted")), rows, db=db, progress=False)
    assert rate.counts["drop_reasons"] == {"too easy": 1, "risky": 1}
    assert rate.kept_ids == [r["id"] for r in rows[2:]]


@pytest.mark.slow
def test_candidates_from_a_tiny_model(tmp_path):
    pytest.importorskip("transformers")
    from genreason.curate.backend import LLMConfig
    from genreason.llm.tiny import TinyModelConfig, tiny_model_dir

    model = tiny_model_dir(TinyModelConfig(), tmp_path / "models")
    db = tmp_path / "s.duckdb"
    load_sample(db, candidates=False)
    llm = LLMConfig(backend="hf", model=str(model), cache=False)
    stage = CandidatesStage(CandidatesConfig(llm=llm, n=2, max_new_tokens=8, judge_options={"workers": 0}))
    result = run_stage(stage, _rows(db, 2), db=db, progress=False)
    assert result.counts["kept"] == 2
    with store.connect(db, read_only=True) as con:
        models = con.execute("SELECT DISTINCT model FROM candidates").fetchall()
        n = con.execute("SELECT count(*) FROM judgments WHERE judge = 'rule'").fetchone()[0]
    assert models == [(str(model),)] and n == 4
