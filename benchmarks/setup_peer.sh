#!/usr/bin/env bash
# Creates .venv-peer with CompressAI on the CPU build of torch (the benchmark peer for MSH).
# torch 2.13.0 is the CPU wheel pip finds on these machines; plain `pip install compressai`
# would pull a CUDA torch, so CompressAI goes in with --no-deps plus what its MSH needs.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv-peer/bin/python ] || python3 -m venv .venv-peer
.venv-peer/bin/pip install --quiet torch==2.13.0 "numpy<2" scipy pillow einops pytorch-msssim tqdm requests pandas torch_geometric
.venv-peer/bin/pip install --quiet --no-deps compressai==1.2.8
