"""genreason.paths: typed paths stay inside the allowed folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from genreason.paths import PathNotAllowedError, allowed_roots, confine_path


def test_a_path_inside_a_root_is_returned_resolved(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    assert confine_path(tmp_path / "sub" / ".." / "x.duckdb", [tmp_path]) == tmp_path / "x.duckdb"
    assert confine_path(tmp_path, [tmp_path]) == tmp_path


@pytest.mark.parametrize("escape", ["../outside.duckdb", "sub/../../outside.duckdb", "/etc/passwd"])
def test_paths_that_leave_the_root_are_refused(tmp_path: Path, escape: str) -> None:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    target = escape if escape.startswith("/") else str(root / escape)
    with pytest.raises(PathNotAllowedError, match="outside the allowed folders"):
        confine_path(target, [root])


def test_a_sibling_folder_sharing_the_prefix_is_not_inside(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data-evil").mkdir()
    with pytest.raises(PathNotAllowedError):
        confine_path(tmp_path / "data-evil" / "x.duckdb", [tmp_path / "data"])


def test_a_symlink_out_of_the_root_is_refused(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "link").symlink_to(outside)
    with pytest.raises(PathNotAllowedError):
        confine_path(root / "link" / "x.duckdb", [root])


@pytest.mark.parametrize("bad", ["", "   ", "a\0b"])
def test_empty_and_nul_paths_are_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(PathNotAllowedError):
        confine_path(bad, [tmp_path])


def test_allowed_roots_are_the_data_folder_and_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENREASON_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("GENREASON_ALLOWED_ROOTS", f"{tmp_path / 'a'}::{tmp_path / 'b'}")
    assert allowed_roots() == [tmp_path / "data", tmp_path / "a", tmp_path / "b"]
    monkeypatch.delenv("GENREASON_ALLOWED_ROOTS")
    assert allowed_roots() == [tmp_path / "data"]
    with pytest.raises(PathNotAllowedError, match="GENREASON_ALLOWED_ROOTS"):
        confine_path(tmp_path / "a" / "x", allowed_roots())


def test_a_symlink_loop_is_refused_not_raised(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(PathNotAllowedError, match="cannot be resolved"):
        confine_path(tmp_path / "a" / "x.duckdb", [tmp_path])


def test_the_data_folder_is_the_repositorys_whatever_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from genreason.config import data_dir, repo_root

    monkeypatch.delenv("GENREASON_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    repo = Path(__file__).resolve().parents[2]
    assert repo_root() == repo
    assert data_dir() == repo / "data"
    assert allowed_roots()[0] == (repo / "data").resolve()


def test_the_folder_of_the_chosen_database_is_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENREASON_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("GENREASON_DB", str(tmp_path / "elsewhere" / "main.duckdb"))
    monkeypatch.delenv("GENREASON_ALLOWED_ROOTS", raising=False)
    beside = tmp_path / "elsewhere" / "copy.duckdb"
    assert confine_path(beside, allowed_roots()) == beside
