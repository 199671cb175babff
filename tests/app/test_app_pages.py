"""Every page of the app, run in-process with Streamlit's AppTest against a real seeded store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from genreason import store
from genreason.store import browse
from genreason.verify.assess.compare import compare_judges

APP_MAIN = Path(__file__).resolve().parents[2] / "app" / "main.py"
ANNOTATOR, ANNOTATED, FLIP_EVERY = "annotator", 40, 5  # as tests/app/conftest.py seeds them

PAGES = ("views/dataset.py", "views/verifiers.py")


def open_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP_MAIN), default_timeout=60).run()
    if page and page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def count(db: Path, filters: browse.QuestionFilter) -> int:
    with store.connect(db, read_only=True) as con:
        return browse.count_questions(con, filters)


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_the_sample(sample_db: Path, page: str) -> None:
    at = open_app(page)
    assert at.title[0].value == Path(page).stem.capitalize()
    assert not at.error and not at.warning


def test_dataset_page_shows_counts_charts_and_a_page_of_rows(sample_db: Path) -> None:
    at = open_app()
    total = count(sample_db, browse.QuestionFilter())
    assert f"{total:,} of {total:,} questions match" in texts(at.caption)
    charts = [e for e in at.main if type(e).__name__ == "UnknownElement" and e.type == "plotly_chart"]
    assert len(charts) == 5  # subject, answer type, difficulty, source, stage status
    table = at.dataframe[0].value
    assert len(table) == min(50, total)
    assert list(table["id"]) == sorted(table["id"])


def test_filters_change_the_table(sample_db: Path) -> None:
    at = open_app()
    first = at.dataframe[0].value
    subject = sorted(first["category"].unique())[-1]
    at.multiselect(key="filter_category").select(subject).run()
    expected = count(sample_db, browse.QuestionFilter(category=(subject,)))
    table = at.dataframe[0].value
    assert set(table["category"]) == {subject}
    assert len(table) == min(50, expected)
    assert f"{expected:,} of" in texts(at.caption)

    word = table["question"].iloc[0].split()[-1].strip(".?").lower()
    at.text_input(key="filter_text").input(word).run()
    both = count(sample_db, browse.QuestionFilter(category=(subject,), text=word))
    table = at.dataframe[0].value
    assert len(table) == min(50, both) and both >= 1
    assert all(word in (q + a).lower() for q, a in zip(table["question"], table["answer"], strict=True))
    assert at.session_state["filters"] == browse.QuestionFilter(category=(subject,), text=word)


def test_a_database_path_in_an_allowed_folder_is_opened(sample_db: Path, app_env: Path) -> None:
    other = app_env / "other.duckdb"
    at = AppTest.from_file(str(APP_MAIN), default_timeout=60)
    at.session_state["db_path"] = str(other)
    at.run()
    assert "No database at" in texts(at.info) and str(other) in texts(at.info)


def test_filters_survive_a_visit_to_the_other_page(sample_db: Path) -> None:
    at = open_app()
    subject = sorted(at.dataframe[0].value["category"].unique())[0]
    at.multiselect(key="filter_category").select(subject).run()
    at.switch_page("views/verifiers.py").run()
    assert f"category: {subject}" in texts(at.caption)  # the run panel's selection
    at.switch_page("views/dataset.py").run()
    assert at.multiselect(key="filter_category").value == [subject]
    assert set(at.dataframe[0].value["category"]) == {subject}


def test_question_view_shows_reference_candidates_and_judgments(sample_db: Path) -> None:
    at = open_app()
    with store.connect(sample_db, read_only=True) as con:
        qid, n_candidates = con.execute(
            "SELECT question_id, count(*) FROM judgments WHERE judge = 'rule' "
            "GROUP BY 1 ORDER BY 1 LIMIT 1").fetchone()
        detail = browse.question_detail(con, qid)
    at.text_input(key="open_question").input(qid).run()
    assert not at.exception
    assert detail["question"] in texts(at.markdown)
    assert detail["answer"] in texts(at.code)
    labels = [e.label for e in at.expander]
    assert "Provenance" in labels
    candidate_labels = [label for label in labels if "`" in label]
    assert len(candidate_labels) == len(detail["candidates"]) >= n_candidates
    assert all("rule" in label and "reference" in label for label in candidate_labels[:n_candidates])
    assert detail["ingest_run"] in texts(at.markdown)


def test_unknown_question_id_is_a_warning_not_an_error(sample_db: Path) -> None:
    at = open_app()
    at.text_input(key="open_question").input("no-such-id").run()
    assert not at.exception
    assert "No question with id" in texts(at.warning)


@pytest.mark.parametrize("page", PAGES)
def test_pages_on_an_empty_database_say_what_to_do(empty_db: Path, page: str) -> None:
    at = open_app(page)
    assert "has no questions yet" in texts(at.info)
    assert "genreason ingest" in texts(at.code)


@pytest.mark.parametrize("page", PAGES)
def test_pages_on_a_missing_database_say_what_to_do(app_env: Path, page: str) -> None:
    at = open_app(page)
    assert "No database at" in texts(at.info)
    assert "genreason demo" in texts(at.code)
    assert not (app_env / "store.duckdb").exists()  # reading never creates the file


def test_a_database_path_outside_the_allowed_folders_is_refused(sample_db: Path) -> None:
    # AppTest re-runs only the page after the first run, so the sidebar gets its input up front.
    at = AppTest.from_file(str(APP_MAIN), default_timeout=60)
    at.session_state["db_path"] = "/etc/genreason-test.duckdb"
    at.run()
    assert not at.exception
    assert "Choose a database file" in texts(at.warning)
    assert "outside the allowed folders" in texts(at.sidebar.error)
    assert not Path("/etc/genreason-test.duckdb").exists()


def shown_metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_verifiers_page_shows_the_comparison_of_the_lib(sample_db: Path) -> None:
    at = open_app("views/verifiers.py")
    # By default a verifier is scored against the reference labels.
    assert (at.selectbox(key="judge_a").value, at.selectbox(key="judge_b").value) == ("rule", "reference")
    for judge in ("rule", ANNOTATOR):
        at.selectbox(key="judge_a").select(judge).run()
        with store.connect(sample_db, read_only=True) as con:
            expected = compare_judges(con, judge, "reference")
        metrics = shown_metrics(at)
        assert metrics["Items judged by both"] == f"{expected.metrics['n']:,}"
        kappa = expected.metrics["kappa"]
        assert metrics["Cohen's kappa"] == ("n/a" if kappa is None else f"{kappa:.3f}")
        assert f"Disagreements ({expected.n_disagreements:,})" in texts(at.subheader)
    assert expected.n_disagreements == len(range(0, ANNOTATED, FLIP_EVERY))
    assert expected.disagreements[0]["item_id"] in texts(at.markdown)
    at.button(key="queue_next").click().run()
    assert expected.disagreements[1]["item_id"] in texts(at.markdown)


def test_a_human_verdict_is_stored_in_the_store(sample_db: Path) -> None:
    at = open_app("views/verifiers.py")
    at.selectbox(key="judge_a").select(ANNOTATOR).run()
    with store.connect(sample_db, read_only=True) as con:
        candidate = compare_judges(con, ANNOTATOR, "reference").disagreements[0]["item_id"]
    at.text_input(key=f"note_{candidate}").input("checked by hand").run()
    at.button(key="verdict_Incorrect").click().run()
    assert not at.exception
    assert "as `human` for" in texts(at.success)
    with store.connect(sample_db, read_only=True) as con:
        row = con.execute("SELECT verdict, reason FROM judgments WHERE judge = 'human' "
                          "AND candidate_id = ?", [candidate]).fetchone()
    assert row == (False, "checked by hand")
    # The page reads the new judge at once (cache keyed on the data version).
    assert "human" in at.selectbox(key="judge_a").options


def test_comparison_needs_two_judges_and_says_so(app_env: Path) -> None:
    db = app_env / "store.duckdb"
    (app_env / "q.jsonl").write_text(
        '{"id": "q1", "question": "1+1?", "answer": "2", "answer_type": "Integer", '
        '"category": "Mathematics", "difficulty": "Primary School"}\n')
    from genreason.ingest import IngestConfig, ingest

    with store.connect(db) as con:
        ingest(con, [app_env / "q.jsonl"], IngestConfig(progress=False))
    at = open_app("views/verifiers.py")
    assert "Comparing needs two judges" in texts(at.info)
    assert not at.metric


def _start_from_the_page(at: AppTest, judge: str, limit: int) -> AppTest:
    at.switch_page("views/verifiers.py").run()
    at.selectbox(key="run_judge").select(judge).run()
    at.number_input(key="run_limit").set_value(limit).run()
    next(b for b in at.button if b.label.startswith("Judge ")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(("backend", "model", "base_url", "message"), [
    ("hf", "", "", "needs a model"),
    ("hf", "/etc", "", "outside the allowed folders"),
    ("openai", "served-name", "", "needs a base URL"),
])
def test_model_judging_needs_valid_sidebar_settings(
    sample_db: Path, backend: str, model: str, base_url: str, message: str
) -> None:
    at = AppTest.from_file(str(APP_MAIN), default_timeout=60)
    at.session_state["backend"], at.session_state["model"] = backend, model
    at.session_state["base_url"] = base_url
    at.run()
    _start_from_the_page(at, "model", 2)
    assert "not started" in texts(at.error) and message in texts(at.error)
    with store.connect(sample_db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM jobs").fetchone()[0] == 0


@pytest.mark.slow
def test_a_model_job_with_the_sidebar_backend_runs_in_the_background(
    sample_db: Path, app_env: Path
) -> None:
    import time

    from genreason import jobs
    from genreason.llm.tiny import TinyModelConfig, tiny_model_dir

    model = tiny_model_dir(TinyModelConfig(), app_env / "models")  # inside an allowed folder
    at = AppTest.from_file(str(APP_MAIN), default_timeout=60)
    at.session_state["backend"], at.session_state["model"] = "hf", str(model)
    at.run()
    _start_from_the_page(at, "model", 2)
    assert "Started job" in texts(at.success)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        with store.connect(sample_db, read_only=True) as con:
            job = jobs.list_jobs(con)[0]
        if job["state"] not in jobs.ACTIVE:
            break
        time.sleep(0.5)
    log = (Path(job["run_dir"]) / "log.txt").read_text()
    assert job["state"] == "done", log
    assert job["config"]["options"] == {"backend_name": "hf", "model": str(model)}
    with store.connect(sample_db, read_only=True) as con:
        rows = con.execute("SELECT rule, detail FROM judgments WHERE judge = 'model'").fetchall()
    assert len(rows) == 2  # the tiny model's verdicts are noise; the record of each is not
    asked = [json.loads(detail) for _, detail in rows if json.loads(detail).get("prompt")]
    assert asked, rows  # the sample's first candidates have answers to ask the model about
    assert all(d["backend"] == "hf" and d["model"] == str(model) and isinstance(d["output"], str)
               for d in asked)


@pytest.mark.slow
def test_a_store_held_by_a_writer_gives_a_message_not_an_exception(sample_db: Path) -> None:
    import subprocess
    import sys
    import time

    at = open_app()
    app_data = sys.modules["data"]  # the app's data module, as the running script imported it
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from genreason import store\n"
         "with store.connect(sys.argv[1]):\n    print('held', flush=True); time.sleep(30)",
         str(sample_db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        patience, app_data.READ_TIMEOUT_S = app_data.READ_TIMEOUT_S, 0.3
        started = time.monotonic()
        at.run()
        assert time.monotonic() - started < 10
        assert not at.exception
        assert "is locked by" in texts(at.error) and f"PID {holder.pid}" in texts(at.error)
    finally:
        app_data.READ_TIMEOUT_S = patience
        holder.kill()
        holder.wait()
    at.run()  # the writer is gone: the page is back
    assert not at.error and at.dataframe


@pytest.mark.parametrize(("base_url", "withheld"), [
    ("http://203.0.113.7:8000/v1", True),
    ("http://127.0.0.1:8000/v1", False),
])
def test_sidebar_says_when_the_api_key_is_withheld(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch, base_url: str, withheld: bool
) -> None:
    monkeypatch.delenv("GENREASON_KEY_HOSTS", raising=False)
    at = AppTest.from_file(str(APP_MAIN), default_timeout=60)
    at.session_state["backend"], at.session_state["base_url"] = "openai", base_url
    at.run()
    assert not at.exception
    assert ("No API key is sent to this host" in texts(at.sidebar.caption)) is withheld


@pytest.mark.parametrize(("typed", "message"), [
    ("nul\0byte.duckdb", "NUL"),
    ("LOOP/x.duckdb", "cannot be resolved"),
    ("", "no database file given"),
    ("FOLDER", "is a folder"),
])
def test_bad_sidebar_paths_are_messages_not_tracebacks(
    sample_db: Path, app_env: Path, typed: str, message: str
) -> None:
    (app_env / "l1").symlink_to(app_env / "l2")
    (app_env / "l2").symlink_to(app_env / "l1")
    (app_env / "folder").mkdir()
    typed = typed.replace("LOOP", str(app_env / "l1")).replace("FOLDER", str(app_env / "folder"))
    at = AppTest.from_file(str(APP_MAIN), default_timeout=60)
    at.session_state["db_path"] = typed
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert message in texts(at.sidebar.error)
    assert "Choose a database file" in texts(at.warning)


# --- issue 12 items 13-15: defaults, remembered choices, the queue ----------------------------


def _verdict(at: AppTest, label: str = "Incorrect") -> AppTest:
    at.button(key=f"verdict_{label}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.slow
def test_one_human_verdict_keeps_the_rule_vs_reference_default(sample_db: Path) -> None:
    at = open_app("views/verifiers.py")
    at.selectbox(key="judge_a").select(ANNOTATOR).run()
    _verdict(at)
    fresh = open_app("views/verifiers.py")  # a new session: the defaults, not the last choice
    assert (fresh.selectbox(key="judge_a").value, fresh.selectbox(key="judge_b").value) == (
        "rule", "reference")
    fresh.selectbox(key="judge_a").select("human").run()
    metrics = shown_metrics(fresh)
    assert metrics["Items judged by both"] == "1" and metrics["Cohen's kappa"] == "n/a"


def test_judge_choice_and_limit_survive_a_trip_to_the_dataset_page(sample_db: Path) -> None:
    at = open_app("views/verifiers.py")
    at.selectbox(key="judge_a").select(ANNOTATOR).run()
    at.number_input(key="run_limit").set_value(7).run()
    at.switch_page("views/dataset.py").run()
    at.switch_page("views/verifiers.py").run()
    assert at.selectbox(key="judge_a").value == ANNOTATOR
    assert at.number_input(key="run_limit").value == 7


def test_a_verdict_moves_the_queue_on_and_counts_progress(sample_db: Path) -> None:
    at = open_app("views/verifiers.py")
    at.selectbox(key="judge_a").select(ANNOTATOR).run()
    with store.connect(sample_db, read_only=True) as con:
        queue = compare_judges(con, ANNOTATOR, "reference", max_disagreements=None).disagreements
    assert f"0 of {len(queue)} have a verdict by `human`" in texts(at.caption)
    _verdict(at)
    assert at.number_input(key="queue_pos").value == 2
    assert queue[1]["item_id"] in texts(at.markdown)
    assert f"1 of {len(queue)} have a verdict by `human`" in texts(at.caption)


@pytest.mark.slow
def test_verdicts_are_per_annotator_with_agreement_between_them(sample_db: Path) -> None:
    at = AppTest.from_file(str(APP_MAIN), default_timeout=60)
    at.session_state["annotator"] = "ada"
    at.run()
    at.switch_page("views/verifiers.py").run()
    at.selectbox(key="judge_a").select(ANNOTATOR).run()
    _verdict(at, "Correct")
    at.text_input(key="annotator").input("bob").run()
    at.number_input(key="queue_pos").set_value(1).run()
    _verdict(at, "Incorrect")
    with store.connect(sample_db, read_only=True) as con:
        judges = dict(con.execute("SELECT judge, verdict FROM judgments WHERE judge LIKE 'human:%'").fetchall())
    assert judges == {"human:ada": True, "human:bob": False}
    assert "Agreement between annotators" in texts(at.subheader)
    table = at.dataframe[-1].value
    assert list(table["Annotator 1"]) == ["human:ada"] and list(table["Items both judged"]) == [1]


def test_the_queue_filters_by_answer_type_and_matrix_cell(sample_db: Path) -> None:
    at = open_app("views/verifiers.py")
    at.selectbox(key="judge_a").select(ANNOTATOR).run()
    with store.connect(sample_db, read_only=True) as con:
        queue = compare_judges(con, ANNOTATOR, "reference", max_disagreements=None).disagreements
    kind = str(queue[-1]["answer_type"] or "n/a")
    at.selectbox(key="queue_type").select(kind).run()
    expected = [r for r in queue if str(r["answer_type"] or "n/a") == kind]
    assert f"of {len(expected)}" in texts(at.caption)
    cells = at.selectbox(key="queue_cell").options
    assert cells[0] == "any cell" and all(c.startswith("A ") for c in cells[1:])
    at.selectbox(key="queue_cell").select_index(1).run()
    assert not at.exception


def test_a_matrix_cell_button_opens_the_queue_on_that_cell(sample_db: Path) -> None:
    at = open_app("views/verifiers.py")
    at.selectbox(key="judge_a").select(ANNOTATOR).run()  # seeded to flip every 5th label
    a, b = at.selectbox(key="judge_a").value, at.selectbox(key="judge_b").value
    buttons = [btn for btn in at.button if str(btn.key).startswith("cell_")]
    assert buttons, "the annotator disagrees with the reference, so cell buttons are shown"
    button = buttons[-1]
    _, va, vb = button.key.split("_")
    button.click().run()
    assert not at.exception
    assert at.selectbox(key="queue_cell").value == f"{va}|{vb}"
    with store.connect(sample_db, read_only=True) as con:
        queue = compare_judges(con, a, b, max_disagreements=None).disagreements
    label = {True: "true", False: "false", None: "undecided"}
    in_cell = [r for r in queue if (label[r["verdict_a"]], label[r["verdict_b"]]) == (va, vb)]
    assert in_cell and f"of {len(in_cell)}" in texts(at.caption)
    assert f": {len(in_cell):,}" in button.label


def test_the_comparison_has_no_queue_cap_and_survives_unrelated_verdicts(sample_db: Path) -> None:
    import data as app_data
    from genreason.judging import Judgment
    from genreason.stats import judges_version

    with store.connect(sample_db) as con:
        ids = [r[0] for r in con.execute("SELECT id FROM candidates ORDER BY id").fetchall()]
        store.save_judgments(con, [Judgment(judge="contrarian", verdict=False, extracted=None,
                                            reason="always no", rule="test", item_id=i)
                                   for i in ids])
        store.save_judgments(con, [Judgment(judge="yes-man", verdict=True, extracted=None,
                                            reason="always yes", rule="test", item_id=i)
                                   for i in ids])
        before = judges_version(con, ["contrarian", "yes-man"])
    result = app_data.comparison.__wrapped__(str(sample_db), before, "contrarian", "yes-man")
    assert len(result["disagreements"]) == result["n_disagreements"] == len(ids)
    app_data.record_human_verdict(str(sample_db), ids[0], True, "", "ada")
    with store.connect(sample_db, read_only=True) as con:
        assert judges_version(con, ["contrarian", "yes-man"]) == before  # no recompute
        assert judges_version(con, ["human:ada", "yes-man"]) != before


# --- issue 12 items 16-18: the Dataset page ---------------------------------------------------


def test_an_empty_selection_says_so_without_blank_charts(sample_db: Path) -> None:
    at = open_app()
    at.text_input(key="filter_text").input("no question says zzqqxx").run()
    assert "No question matches these filters" in texts(at.info)
    assert not at.dataframe
    assert not [e for e in at.main if type(e).__name__ == "UnknownElement" and e.type == "plotly_chart"]
    assert "1–0" not in texts(at.caption)


def test_the_table_has_readable_headers_and_no_none(sample_db: Path) -> None:
    at = open_app()
    frame = at.dataframe[0].value
    assert not frame.isna().any().any()
    assert "None" not in set(frame.astype(str).to_numpy().ravel())


def test_filters_and_the_open_question_live_in_the_url(sample_db: Path) -> None:
    at = open_app()
    subject = sorted(at.dataframe[0].value["category"].unique())[0]
    at.multiselect(key="filter_category").select(subject).run()
    assert at.query_params["category"] in (subject, [subject])
    qid = at.dataframe[0].value["id"].iloc[0]
    at.text_input(key="open_question").input(qid).run()
    assert at.query_params["question"] in (qid, [qid])
    # A new session opened on that URL shows the same view.
    shared = AppTest.from_file(str(APP_MAIN), default_timeout=60)
    shared.query_params["category"] = subject
    shared.query_params["question"] = qid
    shared.run()
    assert not shared.exception
    assert shared.multiselect(key="filter_category").value == [subject]
    assert shared.text_input(key="open_question").value == qid
    assert set(shared.dataframe[0].value["category"]) == {subject}


def test_the_selection_exports(sample_db: Path) -> None:
    import data as app_data

    at = open_app()
    buttons = [b for b in at.get("download_button")]
    assert any("Export the selection" in b.proto.label for b in buttons)
    # What the button's callable builds on a click: the full rows of the selection.
    filters = browse.QuestionFilter(category=("Physics",))
    lines = app_data.export_selection(str(sample_db), filters, "jsonl", 1000).decode().splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == count(sample_db, filters) and {r["category"] for r in rows} == {"Physics"}
    assert {"id", "question", "answer", "options"} <= set(rows[0])


def test_multiple_choice_options_on_their_own_lines_with_the_right_one_marked(
    app_env: Path,
) -> None:
    from genreason.ingest import IngestConfig, ingest

    db = app_env / "store.duckdb"
    (app_env / "mc.jsonl").write_text(json.dumps({
        "id": "mc1", "question": r"Which matrix is \(I_2\)? \begin{pmatrix}1&0\\0&1\end{pmatrix}",
        "answer": "B", "options": ["the zero matrix", "the identity matrix", "a rotation"],
        "answer_type": "Multiple Choice", "category": "Mathematics", "difficulty": "University",
    }) + "\n")
    with store.connect(db) as con:
        ingest(con, [app_env / "mc.jsonl"], IngestConfig(progress=False))
    at = AppTest.from_file(str(APP_MAIN), default_timeout=60)
    at.session_state["open_question"] = "mc1"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at.markdown)
    assert "**A.** the zero matrix  \n" in shown
    assert ":green[**B.** the identity matrix ✓ (reference)]" in shown
    assert r"$I_2$" in shown and r"$$\begin{pmatrix}" in shown  # rendered by KaTeX
    at.toggle(key="raw_question").set_value(True).run()
    assert r"\(I_2\)" in texts(at.code)


@pytest.mark.slow
def test_a_failed_job_is_resumed_from_the_page(sample_db: Path) -> None:
    import time

    from genreason import jobs

    def state(job_id: str, wanted: tuple[str, ...]) -> str:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with store.connect(sample_db, read_only=True) as con:
                job = next(j for j in jobs.list_jobs(con) if j["id"] == job_id)
            if job["state"] in wanted:
                return job["state"]
            time.sleep(0.3)
        raise TimeoutError(job_id)

    at = _start_from_the_page(AppTest.from_file(str(APP_MAIN), default_timeout=60).run(), "rule", 5)
    with store.connect(sample_db, read_only=True) as con:
        job_id = con.execute("SELECT id FROM jobs").fetchone()[0]
    assert state(job_id, ("done", "failed", "lost")) == "done"
    # As a final save that met a held lock leaves it: recorded as failed.
    from genreason.jobs.runner import set_job

    set_job(sample_db, job_id, status="failed", error="database locked", finished=True)
    at.run()
    at.button(key=f"resume_{job_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"Resumed job `{job_id}`" in texts(at.success)
    assert state(job_id, ("done", "failed", "lost")) == "done"


def test_model_settings_and_annotator_outlive_the_session(sample_db: Path, app_env: Path) -> None:
    at = open_app()
    at.text_input(key="annotator").input("ada").run()
    at.selectbox(key="backend").select("openai").run()
    at.text_input(key="model").input("served-model").run()
    assert json.loads((app_env / "app_settings.json").read_text())["model"] == "served-model"
    later = open_app()  # a new browser session
    assert later.text_input(key="annotator").value == "ada"
    assert later.selectbox(key="backend").value == "openai"
    assert later.text_input(key="model").value == "served-model"
