"""The `genreason` command: one subcommand per stage.

Each subcommand lives in its own module under `genreason.cli` with two functions,
`add_arguments(parser)` and `run(args) -> int`; COMMANDS maps names to those modules.
Modules are imported only when their command runs, so `genreason --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": ("genreason.cli.ingest", "load questions, candidates and labels into the store"),
    "stats": ("genreason.cli.stats", "counts by answer type, subject, difficulty, source, judge"),
    "judge": ("genreason.cli.judge", "judge responses with the rule, model or hybrid verifier"),
    "compare": ("genreason.cli.compare", "compare two judges over the same items"),
    "probe": ("genreason.cli.probe", "false-positive probe: adversarial answers against a judge"),
    "tiny-model": ("genreason.cli.tiny_model", "build a small random-weight model for offline tests"),
    "curate": ("genreason.cli.curate", "run curation stages (extract ... decontaminate) and see their funnel"),
    "snapshot": ("genreason.cli.snapshot", "freeze kept questions; list, show, export (parquet, jsonl, hf, verl)"),
    "notebooks": ("genreason.cli.notebooks", "export the stage notebooks as .ipynb files that run in JupyterLab"),
    "demo": ("genreason.cli.demo", "build the demo database from the shipped sample"),
    "app": ("genreason.cli.app", "start the Streamlit workbench"),
    "train": ("genreason.cli.train", "start a GRPO or compact-verifier training job"),
    "jobs": ("genreason.cli.jobs", "list, show, stop, resume background jobs and read their logs"),
    "eval": ("genreason.cli.eval", "evaluate a model on the paper's benchmarks, or rescore outputs"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="genreason",
        description="Workbench for general-domain reasoning data, verifiers and RL training.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        sp.set_defaults(_module=module_name)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # Only the chosen command's module is imported; it adds its arguments before parsing,
    # so `genreason CMD --help` shows them.
    command = next((a for a in argv if not a.startswith("-")), None)
    module = None
    if command in COMMANDS:
        module = importlib.import_module(COMMANDS[command][0])
        sub_action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        module.add_arguments(sub_action.choices[command])
    args = parser.parse_args(argv)
    if module is None:
        parser.print_help()
        return 0
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
