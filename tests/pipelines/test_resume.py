"""An interrupted ``dsr run`` resumes its trainer from the last checkpoint: killed (SIGTERM, then
SIGKILL) during the SegmentationTrainer and run again, the trainer continues from its last
epoch and exports the very model an uninterrupted run exports; a run whose config changed in
between does not resume the old checkpoints."""
import glob
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf
import yaml

from pipelines import beam_args

TRAINER = "SegmentationTrainer.orig"


def _config(tmp_path, name, learning_rate):
    data = {"name": "resume", "demo_data": {"train": 4, "val": 2, "width": 64, "height": 32},
            "ingest": {"dataset": "cityscapes", "root": str(tmp_path / "data")},
            "beam_args": list(beam_args.IN_PROCESS),
            "segmentation": {"configurations": ["OO"], "steps": 600, "training": {
                "preset": "tiny", "crop": [32, 64], "batch_size": 2, "learning_rate": learning_rate,
                "overrides": {"aspp_filters": 8, "decoder_filters": 8, "low_level_filters": 4}}}}
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def _start(config, run_dir, log):
    dsr = shutil.which("dsr", path=os.path.dirname(sys.executable))
    env = {**os.environ, "TF_DETERMINISTIC_OPS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    with open(log, "w") as out:
        return subprocess.Popen([dsr, "run", "--config", config, "--run-dir", run_dir], stdout=out,
                                stderr=subprocess.STDOUT, env=env, start_new_session=True)


def _run(config, run_dir, log):
    assert _start(config, run_dir, log).wait(timeout=900) == 0, open(log).read()[-3000:]
    return open(log).read()


def _kill_after_checkpoint(process, run_dir, epoch, sig, log):
    """Kills the run's process group once the trainer has recorded checkpoint ``epoch``."""
    states = os.path.join(run_dir, "pipeline_root", TRAINER, "checkpoints", "*", "checkpoint")
    deadline = time.time() + 900
    while not any(f'"ckpt-{epoch}"' in open(p).read().splitlines()[0] for p in glob.glob(states)):
        assert process.poll() is None, "the run ended before the checkpoint: " + open(log).read()[-3000:]
        assert time.time() < deadline
        time.sleep(0.05)
    os.killpg(process.pid, sig)
    process.wait(timeout=120)
    return open(log).read()


def _exported_variables(run_dir):
    (model,) = glob.glob(os.path.join(run_dir, "pipeline_root", TRAINER, "model", "*", "Format-Serving"))
    reader = tf.train.load_checkpoint(os.path.join(model, "variables", "variables"))
    names = [n for n in reader.get_variable_to_shape_map() if "save_counter" not in n and "OBJECT_GRAPH" not in n]
    return {n: reader.get_tensor(n) for n in names}


@pytest.mark.e2e
def test_killed_run_resumes_its_trainer_and_a_changed_config_does_not(tmp_path):
    old, new = _config(tmp_path, "old", 0.002), _config(tmp_path, "new", 0.001)
    reference = _run(new, str(tmp_path / "uninterrupted"), tmp_path / "uninterrupted.log")
    assert "resuming" not in reference

    run_dir = str(tmp_path / "interrupted")
    _kill_after_checkpoint(_start(old, run_dir, tmp_path / "1.log"), run_dir, 1, signal.SIGTERM, tmp_path / "1.log")
    # The config changed (learning rate): its trainer starts afresh in a folder of its own.
    second = _kill_after_checkpoint(_start(new, run_dir, tmp_path / "2.log"), run_dir, 3, signal.SIGKILL,
                                    tmp_path / "2.log")
    # Progress lines come at each quarter of the 6 epochs of 100 steps: after epochs 2, 4 and 6.
    assert "resuming" not in second and "segmentation: step 200/600" in second
    third = _run(new, run_dir, tmp_path / "3.log")
    assert "segmentation: resuming from" in third and "ckpt-3 (epoch 3 of 6)" in third, third[-3000:]
    assert "segmentation: step 200/600" not in third and "segmentation: step 400/600" in third

    resumed, uninterrupted = _exported_variables(run_dir), _exported_variables(str(tmp_path / "uninterrupted"))
    assert resumed.keys() == uninterrupted.keys() and len(resumed) > 10
    for name, value in uninterrupted.items():
        np.testing.assert_array_equal(resumed[name], value, err_msg=name)
    # The finished trainer removed its checkpoints; the old config's interrupted one stays (one:
    # each epoch's checkpoint replaces the last).
    folders = glob.glob(os.path.join(run_dir, "pipeline_root", TRAINER, "checkpoints", "*"))
    assert len(folders) == 1 and len(glob.glob(os.path.join(folders[0], "ckpt-*.index"))) == 1
