"""The curate job kind: the same stages as the CLI, run by the job runner, progress mirrored."""

from __future__ import annotations

import pytest

from genreason import jobs, store
from genreason.curate.status import funnel
from genreason.jobs.runner import run_job


def test_a_curate_job_runs_its_stages_and_records_the_funnel(sample_db):
    job = jobs.create_job(sample_db, "curate", {"stages": ["difficulty", "dedup"], "settings": ["dedup.threshold=0.9"],
                                               "llm": None, "documents": None})
    assert run_job(job.run_dir) == 0
    progress = jobs.read_progress(job.run_dir)
    assert progress["status"] == "done" and progress["step"] == "dedup"
    assert [s["stage"] for s in progress["funnel"]] == ["difficulty", "dedup"]
    with store.connect(sample_db, read_only=True) as con:
        steps = funnel(con, job.id)  # the job id is the pipeline id
    assert [s["stage"] for s in steps] == ["difficulty", "dedup"] and steps[1]["in"] == steps[0]["kept"]


def test_a_curate_job_with_bad_settings_is_refused_before_it_is_recorded(sample_db):
    from genreason.jobs.curate import prepare

    with pytest.raises(ValueError, match="no field 'lowest'"):
        prepare(sample_db, {"stages": ["pass_rate"], "settings": ["pass_rate.lowest=0.1"]})
    with pytest.raises(ValueError, match="unknown stage"):
        prepare(sample_db, {"stages": ["polish"]})
