"""The Curation page on the demo database: funnel, drop reasons with evidence, snapshots, jobs."""

from __future__ import annotations

from pathlib import Path

import pytest

APP_MAIN = Path(__file__).resolve().parents[2] / "app" / "main.py"


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's pipeline on the sample, built once; the pass-rate judge is the sample's
    reference labels (no judging, fast)."""
    from genreason import store
    from genreason.curate.freeze import freeze_kept
    from genreason.curate.pipeline import build_stages, parse_settings
    from genreason.curate.runner import run_pipeline

    from .conftest import load_sample

    db = tmp_path_factory.mktemp("curation-page") / "store.duckdb"
    load_sample(db)
    run_pipeline(build_stages(["annotate", "difficulty", "pass_rate", "dedup"],
                              parse_settings(["pass_rate.judge=reference", "pass_rate.low=0.4"])),
                 db=db, progress=False)
    with store.connect(db) as con:
        freeze_kept(con, "demo")
    return db


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import shutil

    db = tmp_path / "store.duckdb"
    shutil.copy(demo_template, db)
    monkeypatch.setenv("GENREASON_ALLOWED_ROOTS", str(tmp_path))
    monkeypatch.setenv("GENREASON_DB", str(db))
    return db


@pytest.mark.slow
def test_curation_page_shows_the_demo_funnel_and_snapshot(demo_db: Path) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP_MAIN), default_timeout=60).run()
    at.switch_page("views/curation.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.subheader][:3] == ["Funnel", "Snapshots", "Run stages"]
    funnel = at.dataframe[0].value
    assert list(funnel["stage"]) == ["annotate", "difficulty", "pass_rate", "dedup"]
    assert funnel["dropped"].sum() > 0
    # the drop reasons open onto the dropped questions and their evidence
    reason = at.radio(key="cur_reason")
    assert any("below kept difficulty" in str(o) for o in reason.options)
    assert at.expander and at.json
    snapshots = at.dataframe[1].value
    assert list(snapshots["name"]) == ["demo"]
    provenance = at.dataframe[2].value
    assert set(provenance["stage"]) >= {"difficulty", "pass_rate"}


@pytest.mark.slow
def test_curation_page_launches_a_stage_as_a_background_job(demo_db: Path) -> None:
    from streamlit.testing.v1 import AppTest

    from genreason import jobs, store

    at = AppTest.from_file(str(APP_MAIN), default_timeout=60).run()
    at.switch_page("views/curation.py").run()
    at.multiselect(key="cur_stages").set_value(["difficulty"])
    at.text_area(key="cur_settings").set_value("difficulty.missing=drop")
    next(b for b in at.button if b.label == "Launch as a background job").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("started job" in s.value for s in at.success)
    with store.connect(demo_db, read_only=True) as con:
        [job] = jobs.list_jobs(con, kind="curate")
    done = jobs.wait_job(demo_db, job["id"], timeout_s=120)
    assert done["status"] == "done", jobs.log_tail(job["run_dir"])
    at.run()
    assert any(job["id"] in m.value and "done" in m.value for m in at.markdown)


def test_the_page_refuses_settings_naming_files_outside_the_allowed_folders(demo_db: Path) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP_MAIN), default_timeout=60).run()
    at.switch_page("views/curation.py").run()
    at.multiselect(key="cur_stages").set_value(["annotate"])
    at.text_area(key="cur_settings").set_value("annotate.prompt=/etc/passwd")
    next(b for b in at.button if b.label == "Launch as a background job").click().run()
    assert any("outside the allowed folders" in e.value for e in at.error)
