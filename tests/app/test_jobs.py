"""genreason.jobs: background work from an argument list, its run folder, progress and records."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from genreason import jobs, store


def wait_for(db: Path, job_id: str, states: tuple[str, ...], timeout_s: float = 90) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with store.connect(db, read_only=True) as con:
            job = next(j for j in jobs.list_jobs(con) if j["id"] == job_id)
        if job["state"] in states:
            return job
        time.sleep(0.2)
    raise TimeoutError(f"job {job_id} still {job['state']}; log:\n"
                       + (Path(job["run_dir"]) / "log.txt").read_text())


def first_candidates(db: Path, n: int) -> list[str]:
    with store.connect(db, read_only=True) as con:
        return [r[0] for r in con.execute(
            "SELECT id FROM candidates ORDER BY id LIMIT ?", [n]).fetchall()]


def test_a_shell_string_is_refused_and_nothing_is_recorded(sample_db: Path) -> None:
    for bad in ("echo hi; rm -rf /", ["echo", 3], []):
        with pytest.raises(TypeError, match="argument strings"):
            jobs.start_job(sample_db, "shell", {}, bad)
    with store.connect(sample_db, read_only=True) as con:
        assert jobs.list_jobs(con) == []
    assert not jobs.runs_root(sample_db).exists()


def test_run_folder_lives_beside_the_database(tmp_path: Path) -> None:
    assert jobs.runs_root(tmp_path / "x" / "g.duckdb") == tmp_path / "x" / "runs"


@pytest.mark.slow
def test_a_verify_job_judges_in_the_background_and_stores_at_the_end(sample_db: Path) -> None:
    ids = first_candidates(sample_db, 12)
    job = jobs.start_verify_job(sample_db, "rule", ids, options={"workers": 0}, batch_size=5,
                                selection="first 12")
    assert job.pid and job.run_dir == jobs.runs_root(sample_db) / job.id
    done = wait_for(sample_db, job.id, ("done", "failed", "lost"))
    assert done["state"] == "done", (job.run_dir / "log.txt").read_text()
    assert done["progress"]["done"] == done["progress"]["total"] == 12
    assert done["progress"]["saved"] == 12 and done["finished_at"] is not None
    assert done["config"]["selection"] == "first 12"
    lines = (job.run_dir / "stage" / "outcomes.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["row_id"] for line in lines) == ids
    with store.connect(sample_db, read_only=True) as con:
        stored = con.execute("SELECT candidate_id FROM judgments WHERE judge = 'rule' "
                             "AND run_id = ? ORDER BY 1", [job.id]).fetchall()
    assert [r[0] for r in stored] == ids


@pytest.mark.slow
def test_a_job_that_cannot_build_its_verifier_is_recorded_as_failed(sample_db: Path) -> None:
    job = jobs.start_verify_job(sample_db, "model", first_candidates(sample_db, 2), options={})
    failed = wait_for(sample_db, job.id, ("failed", "done", "lost"))
    assert failed["state"] == "failed"
    assert "needs a model" in failed["error"] and "needs a model" in failed["progress"]["error"]


@pytest.mark.slow
def test_stop_ends_a_live_job_and_its_watcher_records_it_stopped(sample_db: Path) -> None:
    job = jobs.start_job(sample_db, "sleep", {"why": "test"},
                         [sys.executable, "-c", "import time; time.sleep(120)"])
    with store.connect(sample_db, read_only=True) as con:
        assert jobs.list_jobs(con)[0]["alive"] is True
    assert jobs.stop_job(sample_db, job.id) is True  # SIGTERM ends the sleeper
    stopped = wait_for(sample_db, job.id, ("stopped", "failed", "lost"), timeout_s=20)
    # The sleeper never said it finished; the watcher that reaped it saw the stop request.
    assert stopped["state"] == "stopped" and stopped["alive"] is False
    assert stopped["finished_at"] is not None
    assert jobs.stop_job(sample_db, job.id) is False  # nothing alive any more


def _prepared_verify_job(db: Path, ids: list[str]) -> Path:
    """A recorded verify job that is not started, so the runner can be called in-process."""
    job = jobs.create_job(db, "verify", {"judge": "rule", "options": {"workers": 0}, "batch_size": 4},
                          files={"candidates.json": ids})
    return job.run_dir


def test_the_runner_resumes_after_a_crash_without_judging_twice(sample_db: Path) -> None:
    ids = first_candidates(sample_db, 6)
    run_dir = _prepared_verify_job(sample_db, ids)
    earlier = {"judge": "rule", "verdict": True, "extracted": "x", "reason": "earlier attempt",
               "rule": "test", "detail": {}, "cost": {}, "item_id": ids[0]}
    # A crash mid-write leaves a half line; the runner drops it and judges that item again.
    (run_dir / "stage").mkdir()
    outcome = {"row_id": ids[0], "kept": None, "reason": "true", "evidence": {}, "rows": [earlier], "outputs": None}
    (run_dir / "stage" / "outcomes.jsonl").write_text(json.dumps(outcome) + "\n" + '{"row_id": "cut sh')
    assert jobs.run_verify_job(run_dir) == 0
    with store.connect(sample_db, read_only=True) as con:
        rows = dict(con.execute("SELECT candidate_id, reason FROM judgments WHERE judge = 'rule' "
                                "AND candidate_id IN (SELECT unnest(?))", [ids]).fetchall())
    assert set(rows) == set(ids) and rows[ids[0]] == "earlier attempt"
    assert jobs.read_progress(run_dir)["status"] == "done"
    lines = (run_dir / "stage" / "outcomes.jsonl").read_text().splitlines()
    assert [json.loads(line)["row_id"] for line in lines] == ids  # each once, in order


def test_the_runner_stops_between_batches_and_keeps_what_it_judged(sample_db: Path) -> None:
    ids = first_candidates(sample_db, 6)
    run_dir = _prepared_verify_job(sample_db, ids)
    (run_dir / "stop").touch()
    assert jobs.run_verify_job(run_dir) == 0
    progress = jobs.read_progress(run_dir)
    assert progress["status"] == "stopped" and progress["saved"] == 0
    with store.connect(sample_db, read_only=True) as con:
        assert con.execute("SELECT status FROM jobs").fetchone()[0] == "stopped"


# --- the Training page ---------------------------------------------------------------------------

APP_MAIN = Path(__file__).resolve().parents[2] / "app" / "main.py"


def _training_page():  # noqa: ANN202 -- an AppTest
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP_MAIN), default_timeout=60).run()
    at.switch_page("views/training.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _fill_grpo_form(at, model: str, questions: Path, overrides: str) -> None:  # noqa: ANN001
    next(r for r in at.radio if r.label == "Questions from").set_value("File")
    at.text_input(key="train_qfile").set_value(str(questions))
    at.text_input(key="train_model").set_value(model)
    at.text_area(key="train_overrides").set_value(overrides)
    next(b for b in at.button if b.label == "Launch").click().run()


@pytest.fixture
def tiny_allowed(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tiny model, in a folder the app may read (typed paths are confined to allowed roots)."""
    from genreason.llm.tiny import tiny_model_dir

    model = tiny_model_dir()
    monkeypatch.setenv("GENREASON_ALLOWED_ROOTS", f"{app_env}:{model.parent}")
    return model


def test_the_training_page_refuses_bad_settings_and_records_nothing(sample_db: Path, tmp_path: Path) -> None:
    at = _training_page()
    assert [s.value for s in at.subheader][:3] == ["Launch a run", "Jobs", "Completions"]
    _fill_grpo_form(at, str(tmp_path), tmp_path / "q.jsonl", "max_stesp=3")
    assert "--set max_stesp: unknown setting" in "\n".join(e.value for e in at.error)
    _fill_grpo_form(at, "/etc", tmp_path / "q.jsonl", "")
    assert "outside the allowed folders" in "\n".join(e.value for e in at.error)
    with store.connect(sample_db, read_only=True) as con:
        assert jobs.list_jobs(con, kind="grpo") == []


@pytest.mark.slow
def test_a_tiny_run_launched_from_the_training_page_shows_curves_and_completions(
    tiny_allowed: Path, sample_db: Path, tmp_path: Path
) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "p1", "question": "What is 3 + 4?", "answer": "7"}) + "\n"
                         + json.dumps({"id": "p2", "question": "What is 10 / 2?", "answer": "5"}) + "\n")
    at = _training_page()
    _fill_grpo_form(at, str(tiny_allowed), questions, "max_steps=2")
    assert any("Started job" in s.value for s in at.success), [e.value for e in at.error]
    with store.connect(sample_db, read_only=True) as con:
        [job] = jobs.list_jobs(con, kind="grpo")
    done = wait_for(sample_db, job["id"], ("done", "failed", "lost"), timeout_s=180)
    assert done["state"] == "done", jobs.log_tail(done["run_dir"], 60)
    at = _training_page()
    assert len(at.get("plotly_chart")) >= 5  # reward, components, KL, entropy, lengths, ...
    assert at.dataframe and set(at.dataframe[0].value.columns) >= {"step", "reward", "outcome", "completion"}
    assert not [b for b in at.button if b.label in ("Stop", "Resume")]  # done: nothing to do


@pytest.mark.slow
@pytest.mark.browser
def test_in_a_browser_a_run_is_launched_its_curve_appears_and_it_is_stopped_and_resumed(
    tiny_allowed: Path, running_app, tmp_path: Path  # noqa: ANN001 -- the conftest fixture
) -> None:
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    questions = tmp_path / "q.jsonl"
    questions.write_text("".join(json.dumps({"id": f"b{i}", "question": f"What is {i} + {i}?",
                                             "answer": str(2 * i)}) + "\n" for i in range(4)))
    db = running_app.db
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True,
                                    args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        page = browser.new_page(viewport={"width": 1400, "height": 2400})
        page.set_default_timeout(120_000)
        try:
            page.goto(running_app.url + "/training")
            page.get_by_text("Launch a run").wait_for()
            page.locator('[data-testid="stRadio"]').filter(has_text="Questions from").get_by_text(
                "File", exact=True).click()
            page.get_by_role("textbox", name="Questions file (JSONL/Parquet)").fill(str(questions))
            page.get_by_role("textbox", name="Model folder").fill(str(tiny_allowed))
            page.get_by_role("textbox", name="Overrides, one key=value per line").fill("max_steps=200")
            page.get_by_role("button", name="Launch").click()
            page.get_by_text("Started job").wait_for()
            # The reward curve appears once the first step is logged.
            page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1")
            page.screenshot(path=str(tmp_path / "training-running.png"), full_page=True)
            page.get_by_role("button", name="Stop").click()
            page.get_by_role("button", name="Resume").wait_for()
            with store.connect(db, read_only=True) as con:
                [job] = jobs.list_jobs(con, kind="grpo")
            assert job["state"] == "stopped" and 1 <= job["progress"]["step"] < 200
            page.get_by_role("button", name="Resume").click()
            page.get_by_role("button", name="Stop").wait_for()  # running again
            with store.connect(db, read_only=True) as con:
                again = jobs.get_job(con, job["id"])
            assert again["state"] == "running" and again["progress"]["attempt"] == 2
            # That the resumed attempt continues from its checkpoint with the right step count
            # is tests/train/test_grpo.py's; here the page's buttons are what is tested.
            page.screenshot(path=str(tmp_path / "training-resumed.png"), full_page=True)
        finally:
            browser.close()
            with store.connect(db, read_only=True) as con:
                for started in jobs.list_jobs(con, kind="grpo"):
                    if started["state"] in jobs.ACTIVE:
                        jobs.stop_job(db, started["id"])
