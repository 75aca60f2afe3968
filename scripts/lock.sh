#!/usr/bin/env bash
# Re-resolves requirements.in into requirements.lock (run after editing requirements.in).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/uv ] || { python3 -m venv .venv && .venv/bin/python -m pip install --quiet uv; }
.venv/bin/uv pip compile --python-version 3.11 --python-platform x86_64-manylinux_2_28 \
  requirements.in -o requirements.lock
.venv/bin/uv pip compile --python-version 3.11 --python-platform x86_64-manylinux_2_28 \
  requirements-gpu.in -c requirements.lock -o requirements-gpu.lock
