#!/usr/bin/env bash
# Sets everything up (idempotent) and runs the demo pipeline on the built-in dataset.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/dsr run "$@"
