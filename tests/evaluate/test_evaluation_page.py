"""The app's Evaluation page on a store holding evaluation runs only (AppTest, real DuckDB)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genreason import store
from genreason.evaluate.runner import rescore, save_result

APP_MAIN = Path(__file__).resolve().parents[2] / "app" / "main.py"
PAGE = "views/evaluation.py"


def _outputs(tmp_path: Path, answers: list[str]) -> Path:
    path = tmp_path / f"outputs_{'-'.join(answers)}.jsonl"
    ids = ["recFix001", "recFix002", "recFix003"]
    path.write_text("".join(json.dumps({"question_id": i, "output": f"So \\boxed{{{a}}}"}) + "\n"
                            for i, a in zip(ids, answers, strict=True)))
    return path


@pytest.fixture
def eval_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gpqa_csv: Path) -> Path:
    monkeypatch.setenv("GENREASON_ALLOWED_ROOTS", str(tmp_path))
    monkeypatch.setenv("GENREASON_DB", str(tmp_path / "store.duckdb"))
    db = tmp_path / "store.duckdb"
    # Option texts, not letters: right whatever letters the seeded shuffle gave them.
    runs = [rescore("gpqa", _outputs(tmp_path, ["Nitrogen", "Ohm", "46"]), data=str(gpqa_csv), model="model-a"),
            rescore("gpqa", _outputs(tmp_path, ["Nitrogen", "Volt", "23"]), data=str(gpqa_csv), model="model-b")]
    with store.connect(db) as con:
        for r in runs:
            save_result(con, r)
    return db


def _open(page: str = PAGE):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP_MAIN), default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_shows_runs_next_to_the_paper_and_the_questions_two_runs_differ_on(eval_db: Path) -> None:
    at = _open()
    assert at.title[0].value == "Evaluation"
    assert not at.error
    table = at.dataframe[0].value
    assert list(table["model"])[0] == "General-Reasoner-Qw3-14B (paper)"
    assert float(table.loc[table["model"] == "model-a", "GPQA-Diamond"].iloc[0]) == 100.0
    assert round(float(table.loc[table["model"] == "model-b", "GPQA-Diamond"].iloc[0]), 1) == 33.3
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Paper (Qw3-14B)"] == "56.1%"
    # Side by side: runs A and B default to the newest two; they differ on two questions.
    differ = at.dataframe[2].value
    assert set(differ["question_id"]) == {"gpqa:recFix002", "gpqa:recFix003"}


def test_drill_down_filters_by_status(eval_db: Path) -> None:
    at = _open()
    at.selectbox(key="ev_status").set_value("wrong").run()
    records = at.dataframe[1].value
    assert set(records["status"]) == {"wrong"} and len(records) == 2


def test_missing_database_says_what_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENREASON_ALLOWED_ROOTS", str(tmp_path))
    monkeypatch.setenv("GENREASON_DB", str(tmp_path / "none.duckdb"))
    at = _open()
    assert "genreason eval rescore" in "\n".join(str(c.value) for c in at.code)


def test_a_model_folder_outside_the_allowed_folders_is_refused(eval_db: Path) -> None:
    at = _open()
    at.text_input(key="ev_model").input("/etc")  # inside the form: sent with the submit
    next(b for b in at.button if b.label == "Start evaluation job").click().run()
    assert "outside the allowed folders" in "\n".join(str(e.value) for e in at.error)
