"""The app served by `genreason app`: bound to 127.0.0.1, and the CLI can write meanwhile."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from genreason import store
from genreason.cli.app import streamlit_command

pytestmark = pytest.mark.slow


def listening_hosts(port: int) -> set[str]:
    """Local addresses (hex, as /proc/net shows them) of sockets listening on `port`."""
    hosts = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            host, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                hosts.add(host)
    return hosts


def test_the_command_is_an_argument_list_bound_to_what_it_is_told() -> None:
    command = streamlit_command(Path("app/main.py"), "127.0.0.1", 8600)
    assert command[1:4] == ["-m", "streamlit", "run"]
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[command.index("--server.port") + 1] == "8600"


def test_app_listens_on_loopback_only_and_the_cli_writes_while_it_serves(running_app, tmp_path: Path) -> None:
    page = httpx.get(running_app.url + "/", timeout=10)
    assert page.status_code == 200 and "<div id=\"root\">" in page.text
    assert listening_hosts(running_app.port) == {"0100007F"}  # 127.0.0.1, nothing else
    assert f"http://127.0.0.1:{running_app.port}" in running_app.log_path.read_text()

    extra = tmp_path / "more.jsonl"
    extra.write_text("".join(json.dumps({
        "id": f"served-{i}", "question": f"While the app serves: {i} + {i}?", "answer": str(2 * i),
        "answer_type": "Integer", "category": "Mathematics", "difficulty": "Primary School",
    }) + "\n" for i in range(3)))
    done = subprocess.run(
        [sys.executable, "-m", "genreason.cli.main", "ingest", str(extra), "--db", str(running_app.db)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with store.connect(running_app.db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM questions WHERE id LIKE 'served-%'").fetchone()[0] == 3
