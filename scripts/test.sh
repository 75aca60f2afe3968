#!/usr/bin/env bash
# Sets everything up (idempotent) and runs the test suite. Extra arguments go to pytest.
#
# Tests run in parallel worker processes (pytest-xdist): one per core, but no more than one per
# 6 GiB of available memory (a worker running an end-to-end pipeline peaks near 6 GB). Set
# DSR_TEST_WORKERS=1 to run in one process, or pass your own -n.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
if [ -z "${DSR_TEST_WORKERS:-}" ]; then
  cores=$(nproc 2>/dev/null || echo 1)
  mem_gib=$(awk '/MemAvailable/ {print int($2 / 1048576)}' /proc/meminfo 2>/dev/null || echo 6)
  DSR_TEST_WORKERS=$(( cores < mem_gib / 6 ? cores : mem_gib / 6 ))
fi
parallel=()
if [ "$DSR_TEST_WORKERS" -ge 2 ]; then
  # Tests go to the workers in the order tests/conftest.py gives (the longest first), one at a
  # time, except that a module's tests sharing a module fixture go together (built once).
  parallel=(-n "$DSR_TEST_WORKERS" --dist loadgroup --no-loadscope-reorder)
fi
exec .venv/bin/python -m pytest "${parallel[@]}" "$@"
