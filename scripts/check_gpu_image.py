"""Checks an environment installed from requirements-gpu.lock (the GPU trainer image): the CUDA
libraries TensorFlow was built against load from the ``nvidia-*`` wheels at the versions
``tf.sysconfig.get_build_info()`` names, and TensorFlow imports. Needs no GPU: without one,
TensorFlow lists no device and says it found no CUDA driver. Exits 1 naming what is missing.

    python scripts/check_gpu_image.py          # in the image: docker build --build-arg LOCK=requirements-gpu.lock
"""
from __future__ import annotations

import ctypes
import glob
import json
import os
import sys
import sysconfig

# library file stem -> the nvidia wheel folder that carries it
LIBRARIES = {"libcudart": "cuda_runtime", "libcublas": "cublas", "libcublasLt": "cublas", "libcudnn": "cudnn",
             "libcufft": "cufft", "libcurand": "curand", "libcusolver": "cusolver", "libcusparse": "cusparse",
             "libnvrtc": "cuda_nvrtc"}


def main() -> int:
    nvidia = os.path.join(sysconfig.get_paths()["purelib"], "nvidia")
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    build = tf.sysconfig.get_build_info()
    report = {"tensorflow": tf.__version__, "built_with": {k: build.get(k) for k in ("cuda_version", "cudnn_version")},
              "libraries": {}, "problems": []}
    if not build.get("is_cuda_build"):
        report["problems"].append("this TensorFlow is not a CUDA build")
    for stem, folder in LIBRARIES.items():
        found = sorted(glob.glob(os.path.join(nvidia, folder, "lib", f"{stem}.so.*")))
        if not found:
            report["problems"].append(f"{stem}: not in {os.path.join(nvidia, folder, 'lib')}")
            continue
        try:
            ctypes.CDLL(found[0])
            report["libraries"][stem] = os.path.basename(found[0])
        except OSError as e:
            report["problems"].append(f"{stem}: {found[0]} does not load: {e}")
    cuda_major = str(build.get("cuda_version", "")).split(".")[0]
    cudnn_major = str(build.get("cudnn_version", "")).split(".")[0]
    if not report["libraries"].get("libcudart", "").startswith(f"libcudart.so.{cuda_major}"):
        report["problems"].append(f"libcudart is not CUDA {cuda_major}")
    if not report["libraries"].get("libcudnn", "").startswith(f"libcudnn.so.{cudnn_major}"):
        report["problems"].append(f"libcudnn is not cuDNN {cudnn_major}")
    report["gpus"] = [d.name for d in tf.config.list_physical_devices("GPU")]
    print(json.dumps(report, indent=2))
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
