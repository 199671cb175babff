"""Every subcommand answers --help (the command is how most users meet the library)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from genreason.cli.main import COMMANDS


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "genreason.cli.main", *args], capture_output=True, text=True, timeout=120)


def test_top_level_help_lists_every_command() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for name in COMMANDS:
        assert name in result.stdout


@pytest.mark.parametrize("command", list(COMMANDS))
def test_subcommand_help(command: str) -> None:
    result = _run(command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: genreason {command}")


def test_unknown_option_is_a_usage_error() -> None:
    result = _run("stats", "--no-such-option")
    assert result.returncode == 2 and "unrecognized arguments" in result.stderr
