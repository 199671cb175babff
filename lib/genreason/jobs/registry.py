"""Job kinds: the name -> module registry the runner resolves a job's kind through.

A kind is a module with

    def prepare(db, config: dict) -> tuple[dict, dict]:   # optional
        '''Validate and complete the config before anything is recorded (raise ValueError
        naming the bad field); return (config, files to write into the run folder).'''

    def run(ctx: genreason.jobs.JobContext) -> dict | None:
        '''Do the work in this process, writing outputs under ctx.run_dir and progress with
        ctx.progress(done=..., total=..., step=...). Check ctx.stop_requested() between
        steps and return early when it is set (the runner then records "stopped"). Resume
        is the same call again on the same folder (ctx.attempt > 1): pick up from what is
        there. Return extra fields for progress.json; raise to fail (recorded with the
        message and the log tail).'''

Modules are imported only when a job of their kind is started or run, so importing
genreason.jobs never imports torch or TRL. Add a kind with one line below.
"""

from __future__ import annotations

import importlib
from types import ModuleType

KINDS: dict[str, str] = {
    "verify": "genreason.jobs.verify",
    "grpo": "genreason.jobs.grpo",
    "verifier-sft": "genreason.jobs.verifier_sft",
    "eval": "genreason.jobs.eval",
    "curate": "genreason.jobs.curate",
}


def kind_module(kind: str) -> ModuleType:
    """The module that runs jobs of `kind`; ValueError listing the known kinds otherwise."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}; known kinds: {', '.join(sorted(KINDS))}")
    return importlib.import_module(KINDS[kind])
