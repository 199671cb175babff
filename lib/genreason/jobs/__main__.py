"""`python -m genreason.jobs`: run a job in this process, or list, show, stop, resume jobs.

    python -m genreason.jobs run RUN_DIR          # what a started job's process runs
    python -m genreason.jobs verify RUN_DIR       # the same (older name, kept for old jobs)
    python -m genreason.jobs list|show|stop|resume|logs ... [--db DB] [--json]

Everything but `run` is the `genreason jobs` command (genreason.cli.jobs).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("run", "verify"):
        parser = argparse.ArgumentParser(prog="python -m genreason.jobs run")
        parser.add_argument("run_dir", nargs="?", default=os.environ.get("GENREASON_RUN_DIR"))
        args = parser.parse_args(argv[1:])
        if not args.run_dir:
            parser.error("needs RUN_DIR (or GENREASON_RUN_DIR)")
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        from genreason.jobs.runner import run_job

        return run_job(args.run_dir)
    from genreason.cli import jobs as jobs_cli

    parser = argparse.ArgumentParser(prog="python -m genreason.jobs",
                                     description="run, list, show, stop, resume jobs")
    jobs_cli.add_arguments(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    return int(jobs_cli.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
