#!/usr/bin/env bash
# Create (or refresh) the project's virtual environment in .venv.
# Idempotent: a second run with an unchanged pyproject.toml does nothing but check.
# Usage: scripts/setup.sh [extras]   (default extras: dev, which includes everything but vllm)
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-dev}"
venv=.venv
py="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating $venv with $($py --version)"
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip
fi

stamp="$venv/.genreason-$extras.stamp"
want="$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

# torch: keep whatever is installed; otherwise take the CPU build this project pins.
# (An unpinned torch pulls a multi-GB CUDA build; GPU users install their own first.)
if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
  echo "setup: installing torch ${GENREASON_TORCH:-torch==2.13.0}"
  "$venv/bin/python" -m pip install -q "${GENREASON_TORCH:-torch==2.13.0}"
fi
echo "setup: installing genreason[$extras] (editable)"
"$venv/bin/python" -m pip install -q -e ".[$extras]"
echo "$want" > "$stamp"
