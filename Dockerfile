# The image every step of a compiled Kubeflow pipeline runs (dsr kubeflow compile --image ...).
# Installs the same locked dependencies as scripts/setup.sh, into the system Python, so that
# `python -m tfx.orchestration.kubeflow.v2.container.kubeflow_v2_run_executor` finds every
# project package (components, image_codecs, image_datasets, keras_models, pipelines, ...).
# For GPU trainers, build FROM an image with the CUDA 12.2 / cuDNN 8.9 runtime TF 2.15 expects.
FROM python:3.11-slim
WORKDIR /app
RUN pip install --no-cache-dir uv
COPY requirements.lock setup.py ./
RUN uv pip install --system --no-cache -r requirements.lock \
 && uv pip install --system --no-cache --no-deps tensorflow-compression==2.14.1
COPY . .
RUN uv pip install --system --no-cache --no-deps -e .
ENV PYTHONPATH=/app TF_CPP_MIN_LOG_LEVEL=2
