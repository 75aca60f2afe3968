# The images the steps of a compiled Kubeflow pipeline run (dsr kubeflow compile --image ...
# --trainer-image ...). Installs the same locked dependencies as scripts/setup.sh, into the
# system Python, so that `python -m tfx.orchestration.kubeflow.v2.container.kubeflow_v2_run_executor`
# finds every project package (components, image_codecs, image_datasets, keras_models, ...).
#
#   docker build -t REGISTRY/dsr:TAG .                                          # Beam steps, CPU
#   docker build --build-arg LOCK=requirements-gpu.lock -t REGISTRY/dsr-gpu:TAG .   # trainers, GPU
#
# The GPU lock adds TensorFlow's CUDA 12.2 / cuDNN 8.9 wheels (nvidia-*), so no CUDA base image
# is needed: the node's driver is all the GPU image takes from the host. Its build checks that
# those libraries load (scripts/check_gpu_image.py).
FROM python:3.11-slim
ARG LOCK=requirements.lock
WORKDIR /app
RUN pip install --no-cache-dir uv
COPY requirements.lock requirements-gpu.lock setup.py ./
RUN uv pip install --system --no-cache -r "$LOCK" \
 && uv pip install --system --no-cache --no-deps tensorflow-compression==2.14.1
COPY . .
RUN uv pip install --system --no-cache --no-deps -e . \
 && if [ "$LOCK" = requirements-gpu.lock ]; then python scripts/check_gpu_image.py; fi
ENV PYTHONPATH=/app TF_CPP_MIN_LOG_LEVEL=2
