#!/usr/bin/env bash
# The demo: set up .venv (first run only), build data/genreason.duckdb from the shipped sample,
# judge it with the rule verifier, curate it offline (annotate, difficulty, pass rate, dedup),
# freeze snapshot `demo`, then serve the app on http://127.0.0.1:8501 (Curation page: the funnel).
# Usage: scripts/demo.sh [--no-app]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
export HF_HUB_OFFLINE=1
.venv/bin/genreason demo
if [ "${1:-}" != "--no-app" ]; then
  exec .venv/bin/genreason app
fi
