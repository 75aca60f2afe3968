"""A person's terminal shows results, not library noise: ``dsr`` filters the known third-party
warnings and log lines (and TensorFlow's C++ start-up errors of CPU builds); ``--verbose`` shows
them again. Run as a user runs it: the installed ``dsr`` in a fresh process."""
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

DSR = shutil.which("dsr", path=os.path.dirname(sys.executable))
NOISE = ("Warning", "WARNING", "Unable to register", "crcmod", "TensorFlow Addons")


def _stderr(*args, cwd=None):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run([DSR, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stderr


def test_help_and_a_short_codec_call_print_no_warnings(tmp_path):
    assert not [line for line in _stderr("run", "--help").splitlines() if any(n in line for n in NOISE)]
    Image.fromarray(np.zeros((16, 16, 3), np.uint8)).save(tmp_path / "a.png")
    err = _stderr("codec", "encode", "--codec", "jpeg", "--quality", "50", str(tmp_path / "a.png"),
                  str(tmp_path / "a.jpg"))
    assert not [line for line in err.splitlines() if any(n in line for n in NOISE)], err


@pytest.mark.slow
def test_the_pipeline_libraries_noise_is_filtered_and_verbose_restores_it(tmp_path):
    # Compiling a pipeline imports TensorFlow, TFX, Beam and the Google Cloud clients.
    quiet = _stderr("kubeflow", "compile", "--config", "demo", "--image", "x", "--out", str(tmp_path / "p.json"))
    assert not [line for line in quiet.splitlines() if any(n in line for n in NOISE)], quiet
    loud = _stderr("--verbose", "kubeflow", "compile", "--config", "demo", "--image", "x",
                   "--out", str(tmp_path / "q.json"))
    assert "FutureWarning" in loud or "Unable to register" in loud


@pytest.mark.parametrize("name,message", [
    ("absl", "Computing quantization offsets using offset heuristic within a tf.function. Ideally, ..."),
    ("tensorflow", "Model's `__init__()` arguments contain non-serializable objects. Please implement ..."),
    ("tensorflow", "SavedModel saved prior to TF 2.5 detected when loading Keras model. Please ensure ..."),
    ("tensorflow", "From /x/.venv/lib/python3.11/site-packages/tensorflow_model_analysis/writers/"
                   "metrics_plots_and_validations_writer.py:112: tf_record_iterator (from "
                   "tensorflow.python.lib.io.tf_record) is deprecated and will be removed in a future version.\n"
                   "Instructions for updating:\nUse eager execution and: \n`tf.data.TFRecordDataset(path)`"),
    ("absl", "Pusher is going to push the model without validation. Consider using Evaluator ..."),
    ("absl", "DEFAULT_IMAGE_PATH_KEY is not found in default_image."),
])
def test_the_demos_known_library_records_are_dropped_and_others_kept(name, message):
    import logging  # pylint: disable=import-outside-toplevel
    from dsr import quiet  # pylint: disable=import-outside-toplevel
    known = quiet._KnownRecords()  # pylint: disable=protected-access

    def record(logger, text):
        return logging.LogRecord(logger, logging.WARNING, __file__, 1, text, None, None)

    assert not known.filter(record(name, message))
    assert known.filter(record("dsr", message))  # the same words from the project itself still show
    assert known.filter(record(name, "Something else: " + message))
