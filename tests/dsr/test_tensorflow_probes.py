import json
import os
import subprocess
import sys

import pytest

from dsr import main, tensorflow_probes

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Run in a fresh interpreter: imports TensorFlow (after hiding the probes if argv[1] says so,
# after importing pandas first if argv[2] does), then reports what got loaded and what
# TensorFlow and Keras recorded, then imports the probes itself.
_IMPORT_CHILD = """
import json, sys
from dsr import tensorflow_probes
if sys.argv[1] == "hide":
    tensorflow_probes.hide_optional_probes()
if sys.argv[2] == "pandas-first":
    import pandas
import tensorflow as tf
from keras.src.engine import data_adapter
from tensorflow.python.distribute.cluster_resolver import gce_cluster_resolver
loaded = sorted(n for n in tensorflow_probes.OPTIONAL_PROBES if n in sys.modules)
report = {"loaded_by_tensorflow": loaded, "keras_pandas": data_adapter.pd is not None,
          "gce_googleapiclient": gce_cluster_resolver._GOOGLE_API_CLIENT_INSTALLED}
import googleapiclient.discovery, pandas, scipy.sparse
report["importable_after"] = sorted(n for n in tensorflow_probes.OPTIONAL_PROBES if n in sys.modules)
report["tensorflow_works"] = int(tf.reduce_sum(tf.constant([1, 2]))) == 3
print(json.dumps(report))
"""


def _child(script: str, *argv: str) -> tuple[dict, str]:
    """``script`` run with ``argv`` in a fresh interpreter: the JSON of its last line, its stderr."""
    env = {**os.environ, "PYTHONPATH": _ROOT, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


@pytest.mark.slow
def test_tensorflow_loads_the_probes_unless_hidden_and_they_import_normally_afterwards():
    every = sorted(tensorflow_probes.OPTIONAL_PROBES)
    plain, _ = _child(_IMPORT_CHILD, "plain", "-")
    assert plain["loaded_by_tensorflow"] == every  # what hiding saves: TensorFlow does load all three
    assert plain["keras_pandas"] and plain["gce_googleapiclient"]
    hidden, _ = _child(_IMPORT_CHILD, "hide", "-")
    assert hidden["loaded_by_tensorflow"] == []
    assert not hidden["keras_pandas"] and not hidden["gce_googleapiclient"]
    assert hidden["importable_after"] == every and hidden["tensorflow_works"]


@pytest.mark.slow
def test_a_probe_loaded_before_tensorflow_is_the_one_tensorflow_gets():
    report, _ = _child(_IMPORT_CHILD, "hide", "pandas-first")
    assert report["loaded_by_tensorflow"] == ["pandas"] and report["keras_pandas"]
    assert not report["gce_googleapiclient"]


def test_only_the_codec_commands_hide_the_probes(tmp_path):
    parse = main._parser().parse_args  # pylint: disable=protected-access
    for argv in (["codec", "encode", "--codec", "ir2i", "a.png", "b.ir2"],
                 ["codec", "decode", "--codec", "jpeg", "a", "b"],
                 ["codec", "train", "--codec", "ir2i", "--preset", "ir2i-tiny", "--images", "x", "--steps", "1", "m"],
                 ["codec", "eval", "--codec", "jpeg", "--qualities", "5", "--images", "x"]):
        assert parse(argv).hide_tensorflow_probes, argv
    for argv in (["run", "--config", "demo"], ["data", "inspect", "--dataset", "inria", "--root", str(tmp_path)]):
        assert not getattr(parse(argv), "hide_tensorflow_probes", False), argv


def test_the_installed_command_owns_its_process_and_an_in_process_call_does_not(monkeypatch):
    calls = []
    monkeypatch.setattr(main, "main", lambda argv=None, own_process=False: calls.append(own_process) or 0)
    monkeypatch.setattr(sys, "argv", ["dsr", "codec", "--help"])
    with pytest.raises(SystemExit):
        main.console()
    assert calls == [True]


def test_only_a_codec_command_owning_its_process_hides_the_probes(tmp_path, rng, monkeypatch):
    import numpy as np  # pylint: disable=import-outside-toplevel
    from PIL import Image  # pylint: disable=import-outside-toplevel

    hidden = []
    monkeypatch.setattr(tensorflow_probes, "hide_optional_probes", lambda: hidden.append(True))
    png = str(tmp_path / "in.png")
    Image.fromarray(rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)).save(png)
    encode = ["codec", "encode", "--codec", "jpeg", "--quality", "50", png, str(tmp_path / "x.jpg")]
    assert main.main(encode) == 0 and not hidden  # a caller's process keeps its imports
    assert main.main(["data", "inspect", "--dataset", "inria", "--root", str(tmp_path)], own_process=True) == 2
    assert not hidden
    assert main.main(encode, own_process=True) == 0 and hidden == [True]


def test_hiding_after_tensorflow_was_imported_changes_nothing():
    import tensorflow  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
    before = list(sys.meta_path)
    tensorflow_probes.hide_optional_probes()
    assert sys.meta_path == before


_CODEC_CHILD = """
import json, sys
from dsr import main, tensorflow_probes
model, png, stream, out = sys.argv[1:]
def loaded():
    return sorted(n for n in tensorflow_probes.OPTIONAL_PROBES if n in sys.modules)
codes = [main.main(["codec", "encode", "--codec", "ir2i", "--quality", "3", "--model", model, png, stream],
                   own_process=True),
         main.main(["codec", "decode", "--codec", "ir2i", "--model", model, stream, out], own_process=True)]
coding = loaded()
codes.append(main.main(["codec", "train", "--codec", "ir2i", "--preset", "ir2i-tiny", "--images", png, "--steps", "1",
                        model + "-again"], own_process=True))
print(json.dumps({"codes": codes, "loaded_coding": coding, "loaded_training": loaded()}))
"""


@pytest.mark.slow
def test_the_codec_commands_encode_decode_and_train_without_the_probes(tmp_path, rng):
    import numpy as np  # pylint: disable=import-outside-toplevel
    from PIL import Image  # pylint: disable=import-outside-toplevel

    png = str(tmp_path / "in.png")
    Image.fromarray(rng.integers(0, 256, (64, 96, 3), dtype=np.uint8)).save(png)
    model = str(tmp_path / "model")
    assert main.main(["codec", "train", "--codec", "ir2i", "--preset", "ir2i-tiny", "--images", png, "--steps", "1",
                      model]) == 0
    argv = [model, png, str(tmp_path / "x.ir2"), str(tmp_path / "y.png")]
    report, stderr = _child(_CODEC_CHILD, *argv)
    assert report["codes"] == [0, 0, 0], stderr[-2000:]
    assert report["loaded_coding"] == []
    # Keras' fit itself imports scipy.sparse at run time, to check its inputs; never pandas.
    assert "pandas" not in report["loaded_training"] and "googleapiclient" not in report["loaded_training"]
    assert np.asarray(Image.open(argv[3])).shape == (64, 96, 3)
