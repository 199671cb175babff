"""The app in a real browser: Debian's headless Chromium driven by Playwright's Python API.

Starts `genreason app` on a free 127.0.0.1 port over a copy of the seeded store, opens each
page, filters, clicks a bar, opens a question (its LaTeX rendered by KaTeX), writes with the CLI
while the app serves, records a human verdict (the queue moves on) and runs a verifier job from
the page, checking the store after each write. A second test restarts the app before deep-linking
to each page: the page must show its own controls, not Streamlit's automatic page list.
Screenshots go to the test's folder, and to bench/results/screenshots/ when
GENREASON_SAVE_SCREENSHOTS=1.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from genreason import store
from genreason.store import browse
from genreason.verify.assess.compare import compare_judges

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[2]
SAVED_SHOTS = REPO / "bench" / "results" / "screenshots"
TIMEOUT_MS = 45_000


@pytest.fixture
def browser_page(tmp_path: Path):
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        # A tall window: Streamlit scrolls inside its main block, so full_page alone is not enough.
        page = browser.new_page(viewport={"width": 1400, "height": 2400})
        page.set_default_timeout(TIMEOUT_MS)
        try:
            yield page
        finally:
            browser.close()


class Shots:
    def __init__(self, page, folder: Path) -> None:
        self.page, self.folder, self.taken = page, folder, []
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str) -> None:
        path = self.folder / f"{len(self.taken) + 1:02d}-{name}.png"
        self.page.wait_for_timeout(400)  # let the last delta paint
        self.page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)

    def publish(self) -> None:
        if os.environ.get("GENREASON_SAVE_SCREENSHOTS") == "1":
            SAVED_SHOTS.mkdir(parents=True, exist_ok=True)
            for path in self.taken:
                shutil.copy(path, SAVED_SHOTS / path.name)


def wait_idle(page) -> None:
    """Until Streamlit says it is no longer running the script."""
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS)


def wait_charts(page, n: int) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {n}", timeout=TIMEOUT_MS)


def caption_text(total: int, of: int) -> str:
    return f"{total:,} of {of:,} questions match."


def test_every_page_in_a_real_browser(running_app, browser_page, tmp_path: Path) -> None:
    page, db = browser_page, running_app.db
    shots = Shots(page, tmp_path / "screenshots")
    with store.connect(db, read_only=True) as con:
        total = browse.count_questions(con, browse.QuestionFilter())
        subjects = browse.facet_summary(browse.facet_table(con), browse.QuestionFilter()).counts["category"]
    subject = subjects[1][0]  # the second largest subject
    with store.connect(db, read_only=True) as con:
        in_subject = browse.count_questions(con, browse.QuestionFilter(category=(subject,)))

    # Dataset page: counts, five charts, the table.
    page.goto(running_app.url + "/")
    page.get_by_text(caption_text(total, total)).wait_for()
    wait_charts(page, 5)
    page.locator('[data-testid="stDataFrame"]').wait_for()
    shots("dataset")

    # A filter from the Subject multiselect.
    page.locator('[data-testid="stMultiSelect"]').filter(has_text="Subject").click()
    page.keyboard.type(subject)  # the option list is virtualised: narrow it to the one we want
    page.get_by_role("option", name=subject, exact=True).click()
    page.keyboard.press("Escape")
    page.get_by_text(caption_text(in_subject, total)).wait_for()
    wait_charts(page, 5)
    shots("dataset-filtered")

    # A click on a bar of the Answer type chart filters on that answer type.
    with store.connect(db, read_only=True) as con:
        types = browse.facet_summary(browse.facet_table(con), browse.QuestionFilter(category=(subject,)))
    answer_type = types.counts["answer_type"][0][0]
    with store.connect(db, read_only=True) as con:
        both = browse.count_questions(con, browse.QuestionFilter(category=(subject,),
                                                                 answer_type=(answer_type,)))
    bar = page.locator('[data-testid="stPlotlyChart"]').nth(1).locator("g.point path").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()  # plotly's drag layer takes the click: click where the bar is
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.get_by_text(caption_text(both, total)).wait_for()
    shots("dataset-bar-clicked")

    # One question's full record.
    with store.connect(db, read_only=True) as con:
        qid = con.execute("SELECT question_id FROM judgments WHERE judge = 'rule' "
                          "ORDER BY 1 LIMIT 1").fetchone()[0]
        detail = browse.question_detail(con, qid)
    question_box = page.get_by_label("Question id")
    question_box.fill(qid)
    question_box.press("Enter")
    page.get_by_text(f"Candidates ({len(detail['candidates'])})").wait_for()
    page.locator('[data-testid="stMarkdownContainer"]').filter(
        has_text=detail["question"][:60]).first.wait_for()
    shots("question")

    # LaTeX is rendered (KaTeX), and the raw toggle shows the stored text.
    with store.connect(db, read_only=True) as con:
        latex_id, latex_answer = con.execute(
            "SELECT id, answer FROM questions WHERE answer LIKE '%\\frac%' ORDER BY id LIMIT 1"
        ).fetchone()
    question_box.fill(latex_id)
    question_box.press("Enter")
    page.get_by_text("Question record").wait_for()
    page.locator('[data-testid="stMain"] .katex').first.wait_for()
    assert page.locator('[data-testid="stMain"] .katex').count() >= 1
    page.locator('[data-testid="stCode"]').filter(has_text=latex_answer).first.wait_for()
    shots("question-latex")

    # A CLI write while the app serves; the page shows it after a reload.
    extra = tmp_path / "more.jsonl"
    extra.write_text("".join(json.dumps({
        "id": f"browser-{i}", "question": f"Added while the app serves ({i})", "answer": str(i),
        "answer_type": "Integer", "category": "Mathematics", "difficulty": "Primary School",
    }) + "\n" for i in range(2)))
    ingest = subprocess.run(
        [sys.executable, "-m", "genreason.cli.main", "ingest", str(extra), "--db", str(db)],
        capture_output=True, text=True, timeout=120,
    )
    assert ingest.returncode == 0, ingest.stderr
    page.goto(running_app.url + "/")  # the address without the filters the URL now carries
    page.get_by_text(caption_text(total + 2, total + 2)).wait_for()

    # Verifiers page: the seeded second annotator against the reference labels (see conftest),
    # then a verdict on the first disagreement.
    with store.connect(db, read_only=True) as con:
        comparison = compare_judges(con, "annotator", "reference")
    candidate = comparison.disagreements[0]["item_id"]
    page.goto(running_app.url + "/verifiers")
    page.get_by_text("Items judged by both").wait_for()
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Judge A").click()
    page.keyboard.type("annotator")
    page.keyboard.press("Enter")
    page.get_by_text(f"Disagreements ({comparison.n_disagreements:,})").wait_for()
    page.get_by_text(f"{comparison.metrics['kappa']:.3f}").first.wait_for()
    wait_charts(page, 2)
    page.get_by_text(candidate).first.wait_for()
    shots("verifiers")
    page.get_by_label("Note (optional)").fill("looked at it in the browser")
    # The label carries its keyboard shortcut (Y) after the text.
    page.get_by_role("button", name=re.compile(r"^Correct")).click()
    page.get_by_text("next item").wait_for()
    with store.connect(db, read_only=True) as con:
        stored = con.execute("SELECT verdict, reason FROM judgments WHERE judge = 'human' AND "
                             "candidate_id = ?", [candidate]).fetchone()
    assert stored == (True, "looked at it in the browser")
    # The queue moved on: the second disagreement is shown, and the count says one is done.
    second = comparison.disagreements[1]["item_id"]
    page.get_by_text(f"Candidate {second}").first.wait_for()
    page.get_by_text(f"1 of {comparison.n_disagreements} have a verdict by").wait_for()
    shots("verdict-recorded")
    # The keyboard: N records "Incorrect" on the item shown and moves on again.
    page.locator("h1").filter(has_text="Verifiers").first.click()  # focus off the note field
    page.keyboard.press("n")
    page.get_by_text(f"2 of {comparison.n_disagreements} have a verdict by").wait_for()
    with store.connect(db, read_only=True) as con:
        assert con.execute("SELECT verdict FROM judgments WHERE judge = 'human' AND "
                           "candidate_id = ?", [second]).fetchone() == (False,)

    # A rule-verifier job on 15 candidates, started from the page, watched until done.
    limit = page.locator('input[aria-label="At most"]')
    limit.fill("15")
    limit.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Judge 15 of").click()
    page.get_by_text("15 / 15 judged").wait_for(timeout=90_000)
    page.get_by_text("done").first.wait_for()
    with store.connect(db, read_only=True) as con:
        job_id, status = con.execute("SELECT id, status FROM jobs").fetchone()
        judged = con.execute("SELECT count(*) FROM judgments WHERE run_id = ?", [job_id]).fetchone()[0]
    assert (status, judged) == ("done", 15)
    shots("job-done")

    # Another database path with nothing there yet: a next step, not an error.
    db_box = page.locator('[data-testid="stSidebar"] input[aria-label="Database file"]')
    db_box.fill(str(tmp_path / "new.duckdb"))
    db_box.press("Enter")
    page.get_by_text("No database at").wait_for()
    assert not page.locator('[data-testid="stException"]').count()
    shots("missing-database")
    shots.publish()


# Each page, its title and a control only that page draws.
DEEP_LINKS = [
    ("/verifiers", "Verifiers", "Run a verifier"),
    ("/dataset", "Dataset", "Search question and answer text"),
    ("/", "Dataset", "Search question and answer text"),
    ("/curation", "Curation", None),
    ("/training", "Training", "Launch a run"),
    ("/evaluation", "Evaluation", None),
]


def test_deep_links_right_after_a_restart(
    sample_db: Path, browser_page, tmp_path: Path, app_server
) -> None:
    RunningApp = app_server  # noqa: N806 - the class, from the app tests' conftest

    page = browser_page
    shots = Shots(page, tmp_path / "deep-links")
    for path, title, control in DEEP_LINKS:
        app = RunningApp(sample_db, tmp_path / f"app{path.replace('/', '-')}.log")
        try:
            app.wait_ready()
            page.goto(app.url + path)  # the first request this server gets
            page.locator("h1").filter(has_text=title).first.wait_for()
            wait_idle(page)
            if control:
                page.get_by_text(control).first.wait_for()
            main = page.locator('[data-testid="stMain"]')
            main.locator('[data-testid="stWidgetLabel"], button').first.wait_for()
            assert not page.locator('[data-testid="stException"]').count(), path
            # The sidebar lists our navigation (all pages), not a legacy auto-discovered list.
            nav = page.locator('[data-testid="stSidebarNav"]')
            for _, other, _ in DEEP_LINKS:
                assert nav.get_by_text(other, exact=True).count() >= 1, (path, other)
            shots(f"deep-link-{path.strip('/') or 'root'}")
        finally:
            app.stop()
    shots.publish()
