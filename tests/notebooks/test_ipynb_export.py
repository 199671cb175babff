"""The JupyterLab route: exported notebooks run top to bottom under `jupyter nbconvert --execute`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from genreason.notebooks import cli_args_dict, export_ipynb, stage_notebooks, wrap_cell

REPO = Path(__file__).resolve().parents[2]


def test_cli_args_read_like_marimo():
    assert cli_args_dict(["--db", "x.duckdb", "--limit=5", "--redo"]) == {"db": "x.duckdb", "limit": "5", "redo": True}


def test_a_stopped_cell_ends_with_its_message_and_its_dependents_are_skipped():
    # What the export's first cell sets up, then wrapped cells, as Jupyter runs them.
    prelude = ("_STOPPED = []\nclass MarimoStop(Exception): pass\n"
               "class mo:\n    @staticmethod\n    def stop(p, output=None):\n"
               "        if p: raise MarimoStop('no data')\n")
    scope: dict = {}
    exec(prelude, scope)  # noqa: S102
    exec(wrap_cell("mo.stop(True)\nvalue = 1", 0), scope)  # noqa: S102
    assert scope["_STOPPED"] == [0] and "value" not in scope
    exec(wrap_cell("print(value)", 1), scope)  # noqa: S102 -- skipped, not an error
    with pytest.raises(NameError):
        exec(wrap_cell("print(other)", 2), {**scope, "_STOPPED": []})  # noqa: S102 -- a real error stays one


def test_last_expression_is_displayed():
    assert wrap_cell("x = 1\nmo.md(f'{x}')", 0).splitlines()[2].strip() == "display(mo.md(f'{x}'))"


@pytest.mark.slow
def test_exported_curate_notebook_runs_in_jupyter(tmp_path: Path) -> None:
    if shutil.which("jupyter", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("jupyter is not installed")
    sys.path.insert(0, str(REPO))
    from tests.curate.conftest import load_sample

    db = tmp_path / "store.duckdb"
    load_sample(db)
    assert [p.name for p in stage_notebooks()][:2] == ["01_ingest.py", "02_curate.py"]
    nb = export_ipynb(REPO / "notebooks" / "02_curate.py", tmp_path / "exported",
                      ["--db", str(db), "--stages", "annotate,difficulty"])
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    result = subprocess.run([str(Path(sys.executable).parent / "jupyter"), "nbconvert", "--to", "notebook",
                             "--execute", str(nb), "--output", "ran.ipynb"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    ran = json.loads((tmp_path / "exported" / "ran.ipynb").read_text())
    text = json.dumps(ran["cells"])
    assert "difficulty: 356 in, 275 kept, 81 dropped" in text
