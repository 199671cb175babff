"""The JupyterLab route: marimo notebooks exported as .ipynb files that run top to bottom.

`marimo export ipynb` turns each cell into a Jupyter cell, but the result stops in Jupyter:
`mo.stop` raises, `mo.cli_args()` sees the kernel's arguments, run buttons are never pressed,
and `mo.app_meta().mode` is not "script". So the export adds one first cell that makes the
notebook behave as `python notebooks/NN_x.py ARGS` does (marimo's script mode: every gated
cell runs, `sys.argv` and `mo.cli_args()` carry ARGS), and wraps each cell so a `mo.stop`
ends that cell with its message, and a later cell that needs what a stopped cell would have
defined is skipped, as marimo skips the dependents of a stopped cell. A cell's last
expression is displayed, as marimo shows it.

    genreason notebooks export --ipynb --out exported/ -- --db data/genreason.duckdb --limit 50
    jupyter nbconvert --to notebook --execute exported/03_verify.ipynb
"""

from __future__ import annotations

import ast
import json
import logging
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger(__name__)

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"

_PRELUDE = '''\
# genreason: run this marimo notebook in Jupyter as `python {name} {args_text}` runs it.
import sys as _sys, types as _types, marimo as mo  # (lib itself never imports marimo)

_sys.argv = [{name!r}, *{args!r}]
_STOPPED = []  # cells that mo.stop ended (their dependents are skipped, as marimo skips them)


class MarimoStop(Exception):
    """mo.stop in Jupyter: ends the cell that called it."""


def _stop(predicate, output=None):
    if predicate:
        raise MarimoStop(getattr(output, "text", None) or "stopped")


mo.stop = _stop
mo.app_meta = lambda: _types.SimpleNamespace(mode="script", theme="light", request=None)
mo.cli_args = lambda: {cli_args!r}
mo.notebook_dir = lambda: {notebook_dir!r}
'''

_WRAP = '''\
try:
{body}
except MarimoStop as _why:
    _STOPPED.append({index})
    print(f"(cell stopped: {{_why}})")
except NameError as _missing:
    if not _STOPPED:
        raise
    print(f"(skipped: it needs what a stopped cell did not define: {{_missing}})")
'''


def cli_args_dict(args: Sequence[str]) -> dict[str, object]:
    """`--key value` / `--flag` pairs as marimo's cli_args() gives them ({"key": "value"})."""
    out: dict[str, object] = {}
    items = list(args)
    i = 0
    while i < len(items):
        token = items[i]
        if token.startswith("--"):
            key, eq, value = token[2:].partition("=")
            if eq:
                out[key] = value
            elif i + 1 < len(items) and not items[i + 1].startswith("--"):
                out[key] = items[i + 1]
                i += 1
            else:
                out[key] = True
        i += 1
    return out


def _displayed(source: str) -> str:
    """The cell with its last expression passed to display(), as marimo shows a cell's output."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return source
    last = tree.body[-1]
    lines = source.splitlines()
    start, end = last.lineno - 1, last.end_lineno or last.lineno
    if last.col_offset:  # an expression sharing its line with another statement: leave it
        return source
    expr = "\n".join(lines[start:end])
    return "\n".join(lines[:start] + [f"display({expr})"] + lines[end:])


def wrap_cell(source: str, index: int) -> str:
    """A cell's code inside the stop/skip handler (see the module docstring)."""
    body = textwrap.indent(_displayed(source).rstrip() or "pass", "    ")
    return _WRAP.format(body=body, index=index)


def export_ipynb(notebook: str | Path, out_dir: str | Path, args: Sequence[str] = ()) -> Path:
    """Export one marimo notebook to `out_dir/<name>.ipynb` that Jupyter runs top to bottom."""
    notebook = Path(notebook).resolve()
    if not notebook.exists():
        raise ValueError(f"no notebook at {notebook}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / f"{notebook.stem}.ipynb"
        result = subprocess.run(  # noqa: S603 -- an argument list
            [sys.executable, "-m", "marimo", "export", "ipynb", str(notebook), "-o", str(raw),
             "--sort", "top-down", "-f"], capture_output=True, text=True, timeout=300)
        if result.returncode != 0 or not raw.exists():
            raise RuntimeError(f"marimo export failed for {notebook}: {result.stderr.strip()[-1000:]}")
        nb = json.loads(raw.read_text())
    prelude = _PRELUDE.format(name=f"{notebook.name}", args=list(args), args_text=" ".join(args),
                              cli_args=cli_args_dict(args), notebook_dir=str(notebook.parent))
    cells = [{"cell_type": "code", "id": "genreason-prelude", "metadata": {}, "execution_count": None, "outputs": [],
              "source": prelude.splitlines(keepends=True)}]
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code":
            source = "".join(cell.get("source", []))
            cell = {**cell, "source": wrap_cell(source, i).splitlines(keepends=True), "outputs": [],
                    "execution_count": None}
        cells.append(cell)
    nb["cells"] = cells
    target = out_dir / f"{notebook.stem}.ipynb"
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False))
    log.info("exported %s -> %s", notebook, target)
    return target


def stage_notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The project's stage notebooks (notebooks/NN_*.py), in order."""
    return sorted(p for p in folder.glob("[0-9][0-9]*_*.py"))
