"""The two lock files: the GPU trainer image has exactly the CPU image's pins plus TensorFlow's
CUDA wheels, so trainers and Beam steps run the same code; and the GPU image's check names what
a CPU environment lacks."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _pins(name):
    with open(os.path.join(ROOT, name)) as f:
        return dict(re.findall(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)", f.read(), re.M))


def test_the_gpu_lock_is_the_cpu_lock_plus_cuda_wheels():
    cpu, gpu = _pins("requirements.lock"), _pins("requirements-gpu.lock")
    assert {k: gpu.get(k) for k in cpu} == cpu
    extra = sorted(set(gpu) - set(cpu))
    assert extra and all(k.startswith("nvidia-") and k.endswith("-cu12") for k in extra), extra
    assert {"nvidia-cudnn-cu12", "nvidia-cuda-runtime-cu12", "nvidia-cublas-cu12"} <= set(extra)


def test_the_gpu_check_names_the_missing_cuda_libraries_in_a_cpu_environment():
    done = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "check_gpu_image.py")],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 1
    assert "libcudart: not in" in done.stdout and "libcudnn: not in" in done.stdout
