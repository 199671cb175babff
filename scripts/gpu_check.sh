#!/usr/bin/env bash
# GPU readiness in one script (at most ~8 minutes on one H200): vLLM generation throughput on a
# random-weight Qwen2.5-0.5B-shaped model, a few GRPO steps with vLLM colocated (step time,
# tokens/s, peak GPU memory), and model-verifier judgments/s with transformers and with vLLM.
# Prints one table at the end; the JSON rows go to ${OUT:-/tmp}/gpu_check.jsonl.
#
#   scripts/gpu_check.sh                  # on the GPU machine, from the repository root
#
# No hub access is needed (models and tokenizers are built on the spot). Packages missing on
# the machine (vllm, trl, ...) can travel as wheels in .whl/ (see the device notes): they are
# installed into /tmp/site first when that folder exists.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false
if [ -d .whl ] && ls .whl/*.whl >/dev/null 2>&1; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
  export PYTHONPATH="/tmp/site:${PYTHONPATH:-}"
fi
export PYTHONPATH="$PWD/lib:${PYTHONPATH:-}"
PY=${PYTHON:-python3}
RESULTS="${OUT:-/tmp}/gpu_check.jsonl"
: > "$RESULTS"
MODEL=/tmp/gpu-check-qwen2.5-0.5b-shape
timeout 150 "$PY" scripts/gpu_grpo_check.py --only generation --model-dir "$MODEL" --prompts 64 \
  --max-new-tokens 256 --out "$RESULTS" || echo '{"check": "vllm_generation", "failed": true}' >> "$RESULTS"
timeout 210 "$PY" scripts/gpu_grpo_check.py --only grpo --model-dir "$MODEL" --steps 4 --max-new-tokens 256 \
  --out "$RESULTS" || echo '{"check": "grpo", "failed": true}' >> "$RESULTS"
timeout 150 "$PY" scripts/gpu_verifier_bench.py --judgments 256 --max-new-tokens 128 --backends hf,vllm \
  --out "$RESULTS" || echo '{"check": "gpu_verifier_bench", "failed": true}' >> "$RESULTS"
"$PY" - "$RESULTS" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
print("\n| check | result |\n|---|---|")
for r in rows:
    name = r.pop("check", r.pop("backend", "?"))
    print(f"| {name} | " + ", ".join(f"{k}={v}" for k, v in r.items()) + " |")
PY
