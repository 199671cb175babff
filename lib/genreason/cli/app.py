"""`genreason app [--db DB] [--host 127.0.0.1] [--port 8501]`: start the Streamlit workbench.

Runs `streamlit run app/main.py` from an argument list, bound to 127.0.0.1 unless --host says
otherwise. To reach it from another machine, use an SSH tunnel or a reverse proxy with
authentication (README: Exposing the app safely); do not bind 0.0.0.0 on a shared network.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from genreason.config import default_db_path

APP_MAIN = Path(__file__).resolve().parents[3] / "app" / "main.py"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database file (default: $GENREASON_DB or data/genreason.duckdb)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default 127.0.0.1; see app/README.md before changing it)")
    parser.add_argument("--port", type=int, default=8501, help="port (default 8501)")


def streamlit_command(app_main: Path, host: str, port: int) -> list[str]:
    """The argument list that serves the app; no shell ever parses it."""
    return [
        sys.executable, "-m", "streamlit", "run", str(app_main),
        "--server.address", host,
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",  # no "Deploy" button on a local workbench
    ]


def run(args: argparse.Namespace) -> int:
    if not APP_MAIN.is_file():
        print(f"app not found at {APP_MAIN}: run from a source checkout of genreason", file=sys.stderr)
        return 1
    if not 0 < args.port < 65536:
        print(f"--port must be 1..65535, got {args.port}", file=sys.stderr)
        return 1
    env = dict(os.environ)
    db = Path(args.db) if args.db else default_db_path()
    env["GENREASON_DB"] = str(db.resolve())
    if args.host not in LOCAL_HOSTS:
        print(f"warning: binding {args.host}: anyone who can reach this address can read the data "
              "and start jobs; prefer an SSH tunnel or an authenticating reverse proxy "
              "(README: Exposing the app safely)", file=sys.stderr)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"genreason app: http://{shown}:{args.port}  (database {env['GENREASON_DB']}; Ctrl-C stops)",
          flush=True)
    # Replace this process with Streamlit (argument list, no shell), so that Ctrl-C, SIGTERM
    # and process managers reach the server itself rather than a parent that outlives it.
    command = streamlit_command(APP_MAIN, args.host, args.port)
    os.execve(command[0], command, env)
    return 0  # not reached
