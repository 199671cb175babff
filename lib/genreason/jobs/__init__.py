"""Background jobs: a generic runner and one module per kind (verify, grpo, verifier-sft, ...).

    from genreason import jobs
    job = jobs.start_job(db, "grpo", {"preset": "tiny-cpu", "model": ..., "snapshot": ...})
    jobs.read_progress(job.run_dir)       # {"status": "running", "step": 3, "total": 10, ...}
    jobs.stop_job(db, job.id)             # graceful: the kind saves and exits
    jobs.resume_job(db, job.id)           # same folder, next attempt

    python -m genreason.jobs run RUN_DIR          # the runner start_job launches
    python -m genreason.jobs list|show|stop|resume|logs ... --db DB

The runner lives in `runner.py` (start, stop, resume, reaping), finding jobs in `listing.py`,
run-folder files in `files.py`; kinds are registered in `registry.py` (name -> module).
"""

from genreason.jobs.files import log_tail, read_progress, runs_root, write_json, write_progress
from genreason.jobs.listing import get_job, list_jobs, reconcile_jobs, wait_job
from genreason.jobs.registry import KINDS, kind_module
from genreason.jobs.runner import (
    ACTIVE,
    FINISHED,
    Job,
    JobContext,
    create_job,
    launch_job,
    resume_job,
    run_job,
    start_job,
    stop_job,
)
from genreason.jobs.verify import run_verify_job, start_verify_job

__all__ = [
    "ACTIVE",
    "FINISHED",
    "KINDS",
    "Job",
    "JobContext",
    "create_job",
    "get_job",
    "kind_module",
    "launch_job",
    "list_jobs",
    "log_tail",
    "read_progress",
    "reconcile_jobs",
    "resume_job",
    "run_job",
    "run_verify_job",
    "runs_root",
    "start_job",
    "start_verify_job",
    "stop_job",
    "wait_job",
    "write_json",
    "write_progress",
]
