#!/usr/bin/env bash
# Creates .venv and installs the locked dependencies and this package. Idempotent: when
# the lock file has not changed since the last successful install it returns at once.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
if ! "$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "setup.sh: Python 3.11 is required (found $("$PY" --version 2>&1)); set PYTHON=..." >&2
  exit 2
fi
stamp=.venv/.installed-lock
want=$(cat requirements.lock setup.py scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
[ -x .venv/bin/uv ] || .venv/bin/python -m pip install --quiet --disable-pip-version-check uv
UV=.venv/bin/uv
echo "setup.sh: installing the locked dependencies into .venv (first time: a few minutes)" >&2
"$UV" pip install --quiet --python .venv/bin/python -r requirements.lock
# tensorflow-compression 2.14.1 pins tensorflow~=2.14; its ops load on 2.15.1 (see README).
"$UV" pip install --quiet --python .venv/bin/python --no-deps tensorflow-compression==2.14.1
"$UV" pip install --quiet --python .venv/bin/python --no-deps -e .
# Byte-compile the installed packages once: where PYTHONDONTWRITEBYTECODE is set (as on CI
# machines) Python would otherwise compile TensorFlow's sources on every start (about 10 s of
# CPU before `import tensorflow` returns, instead of about 3 s).
echo "setup.sh: byte-compiling the installed packages (about a minute)" >&2
.venv/bin/python -m compileall -q -j 0 "$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" >/dev/null || true
echo "$want" > "$stamp"
