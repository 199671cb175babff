"""The architecture stays visible: lib does the work, app and notebooks only call it; the
judging seam (genreason.judging) is neutral, store imports no verifier, verify no ingest, and
no imports go round in a cycle."""

from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
UI_IMPORT = re.compile(r"^\s*(import|from)\s+(streamlit|marimo)\b", re.MULTILINE)
WRITING_SQL = re.compile(r"\b(INSERT|UPDATE|DELETE|CREATE TABLE|DROP TABLE|ALTER TABLE)\b")
PARSING = re.compile(r"^\s*(import re\b|from re import|import sympy|import math_verify|from math_verify)", re.MULTILINE)


def _py_files(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


def test_lib_imports_no_ui_library() -> None:
    offenders = [str(p.relative_to(REPO)) for p in _py_files("lib") if UI_IMPORT.search(p.read_text())]
    assert offenders == []


def test_app_and_notebooks_neither_write_sql_nor_parse() -> None:
    offenders = []
    for folder in ("app", "notebooks"):
        for path in _py_files(folder):
            text = path.read_text()
            if WRITING_SQL.search(text) or PARSING.search(text):
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_importing_the_library_pulls_no_heavy_optional_package() -> None:
    code = (
        "import sys, genreason, genreason.store, genreason.ingest, genreason.verify.registry, genreason.llm;"
        "heavy = [m for m in ('torch', 'transformers', 'vllm', 'trl', 'streamlit', 'marimo') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


# --- the judging seam (issue 8): layers and import cycles -------------------------------------


LIB = REPO / "lib"
SQL = re.compile(r"\b(SELECT\s[^\"']*\bFROM|INSERT\s+(OR\s+REPLACE\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+)?TABLE)\b")
# Packages of the judging seam: here even an import made inside a function may not close a cycle.
SEAM = ("genreason.judging", "genreason.store", "genreason.verify", "genreason.rewards", "genreason.evaluate")


def _modules() -> dict[str, Path]:
    out = {}
    for path in LIB.rglob("*.py"):
        parts = list(path.relative_to(LIB).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(path: Path, modules: dict[str, Path], *, lazy: bool) -> set[str]:
    """genreason modules `path` imports: at module level, or anywhere with lazy=True.
    `from pkg import sub` depends on the submodule, not on the package's __init__."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and not lazy:
                continue
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                subs = [f"{child.module}.{a.name}" for a in child.names if f"{child.module}.{a.name}" in modules]
                found.update(subs)
                if len(subs) < len(child.names):
                    found.add(child.module)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in modules}


@functools.cache
def _graph(*, lazy: bool) -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules, lazy=lazy) - {name} for name, path in modules.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), i.e. import cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return cycles


def _in(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_cycle_finder_finds_a_cycle() -> None:
    """The cycle test below can fail: a two-module cycle and a three-module ring are found."""
    assert find_cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert find_cycles({"x": {"y"}, "y": {"z"}, "z": {"x"}}) == [["x", "y", "z"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    """No cycle of module-level imports anywhere in lib; none in the judging seam even
    through imports made inside functions (the old verify/batch <-> verify/rule kind)."""
    assert find_cycles(_graph(lazy=False)) == []
    lazy = _graph(lazy=True)
    seam = {m: {w for w in deps if _in(w, *SEAM)} for m, deps in lazy.items() if _in(m, *SEAM)}
    assert find_cycles(seam) == []


def test_the_judging_seam_is_neutral_and_shared() -> None:
    graph = _graph(lazy=True)
    # judging.py imports nothing of genreason: everything imports it, it imports nobody
    assert graph["genreason.judging"] == set()
    # store imports no verifier; verify imports no ingest
    assert {m: sorted(d) for m, d in graph.items() if _in(m, "genreason.store") and any(_in(x, "genreason.verify") for x in d)} == {}
    assert {m: sorted(d) for m, d in graph.items() if _in(m, "genreason.verify") and any(_in(x, "genreason.ingest") for x in d)} == {}
    # Item, Judgment and Verifier are defined once, in judging.py, and the layers use that one
    defined = []
    for path in (LIB / "genreason").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined += [f"{path.relative_to(LIB)}:{n.name}" for n in ast.walk(tree)
                    if isinstance(n, ast.ClassDef) and n.name in ("Item", "Judgment", "Verifier")]
    assert sorted(defined) == ["genreason/judging.py:Item", "genreason/judging.py:Judgment", "genreason/judging.py:Verifier"]
    for layer in ("genreason.store.judgments", "genreason.verify.rules.verifier", "genreason.rewards", "genreason.evaluate.judges"):
        if layer in graph:
            assert "genreason.judging" in graph[layer], layer


def test_sql_of_the_judging_seam_lives_in_store() -> None:
    """verify, rewards, evaluate and the CLI read and write through genreason.store."""
    offenders = []
    for name, path in _modules().items():
        if _in(name, "genreason.verify", "genreason.rewards", "genreason.evaluate", "genreason.cli"):
            if SQL.search(path.read_text(encoding="utf-8")):
                offenders.append(name)
    assert offenders == []
