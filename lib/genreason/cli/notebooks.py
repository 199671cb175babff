"""`genreason notebooks export --ipynb`: the stage notebooks as Jupyter notebooks that run.

    genreason notebooks export --ipynb --out exported/                       # every notebook
    genreason notebooks export --ipynb --out exported/ notebooks/02_curate.py -- --db data/x.duckdb
    jupyter nbconvert --to notebook --execute exported/02_curate.ipynb

Arguments after `--` are the notebook's own parameters (what `python notebooks/NN_x.py ARGS`
takes); see genreason.notebooks for how the export makes Jupyter run them top to bottom.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = sub.add_parser("export", help="export notebooks for JupyterLab")
    export.add_argument("--ipynb", action="store_true", required=True, help="write .ipynb files")
    export.add_argument("--out", type=Path, default=Path("exported"), help="output folder (default exported/)")
    export.add_argument("notebooks", nargs="*", metavar="NOTEBOOK [-- PARAM ...]",
                        help="notebooks to export (default: all stage notebooks); after --, their parameters")


def run(args: argparse.Namespace) -> int:
    from genreason.notebooks import export_ipynb, stage_notebooks

    # argparse hands everything after `--` over as positionals: the first option-looking one
    # starts the notebooks' own parameters.
    given = list(args.notebooks or [])
    cut = next((i for i, a in enumerate(given) if a.startswith("-")), len(given))
    notebooks, params = [Path(a) for a in given[:cut]], given[cut:]
    notebooks = notebooks or stage_notebooks()
    try:
        for nb in notebooks:
            print(f"{nb} -> {export_ipynb(nb, args.out, params)}")
    except (ValueError, RuntimeError) as exc:
        print(f"genreason notebooks: {exc}", file=sys.stderr)
        return 1
    return 0
