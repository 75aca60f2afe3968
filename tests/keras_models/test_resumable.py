"""Resumed training continues an interrupted one: with deterministic kernels it ends at the very
weights an uninterrupted training reaches (the batches, optimizer state, step counter and the
models' own random draws all continue), for every model family."""
import json
import os
import subprocess
import sys

import pytest

from keras_models import resumable

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAMILIES = ["segmentation", "finenet", "rdn", "ir2i", "msh"]


def test_schedule_covers_the_steps_in_whole_epochs():
    assert (resumable.Schedule(250, 100).epochs, resumable.Schedule(250, 100).steps_per_epoch) == (3, 100)
    assert (resumable.Schedule(6, 100).epochs, resumable.Schedule(6, 100).steps_per_epoch) == (1, 6)


@pytest.fixture(scope="module")
def probes(tmp_path_factory):
    env = {**os.environ, "TF_DETERMINISTIC_OPS": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": ROOT}
    out = subprocess.run([sys.executable, "-W", "ignore", "-m", "tests.keras_models.resume_probe",
                          str(tmp_path_factory.mktemp("resume")), *FAMILIES],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return {r["family"]: r for r in rows}


@pytest.mark.slow
@pytest.mark.parametrize("family", FAMILIES)
def test_resumed_training_continues_from_the_checkpoint(probes, family):
    row = probes[family]
    assert len(row["resumed"]) == 1 and "ckpt-1 (epoch 1 of 3)" in row["resumed"][0], row
    if row["steps"][0] is not None:
        assert row["steps"] == [6, 6]  # 2 restored + 4 trained, not 6 more


@pytest.mark.slow
@pytest.mark.parametrize("family", ["segmentation", "finenet", "rdn", "ir2i"])
def test_resumed_training_ends_at_the_uninterrupted_weights(probes, family):
    assert probes[family]["max_weight_difference"] == 0.0


@pytest.mark.slow
def test_msh_resumes_within_its_noise(probes):
    # tensorflow-compression draws MSH's training noise with unseeded stateful ops that no
    # checkpoint holds, so a resumed MSH continues weights, optimizer and batches but not the
    # noise: 4 steps apart it stays within a small distance of the uninterrupted model.
    assert 0 < probes["msh"]["max_weight_difference"] < 0.05


def test_a_run_keeps_only_its_newest_checkpoint_and_resumes_from_it(tmp_path):
    import numpy as np  # pylint: disable=g-import-not-at-top
    import tensorflow as tf  # pylint: disable=g-import-not-at-top

    def run(steps):
        model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        batches = tf.data.Dataset.from_tensors((np.ones((4, 2), np.float32), np.ones((4, 1), np.float32))).repeat()
        schedule = resumable.Schedule(steps, 2)
        initial, callbacks = resumable.resume(model, schedule, str(tmp_path), None, "probe")
        resumable.fit(model, batches, schedule, initial, callbacks)
        return initial, sorted(os.listdir(tmp_path))

    assert run(6) == (0, ["checkpoint", "ckpt-3.data-00000-of-00001", "ckpt-3.index"])
    assert run(10) == (3, ["checkpoint", "ckpt-5.data-00000-of-00001", "ckpt-5.index"])


def test_verbose_training_prints_a_line_per_quarter_of_the_run(capsys):
    import numpy as np  # pylint: disable=g-import-not-at-top
    import tensorflow as tf  # pylint: disable=g-import-not-at-top

    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    batches = tf.data.Dataset.from_tensors((np.ones((4, 2), np.float32), np.ones((4, 1), np.float32))).repeat()
    schedule = resumable.Schedule(16, 2)  # 8 epochs
    resumable.fit(model, batches, schedule, 0, [], verbose=2, name="probe")
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert [line.split(",")[0] for line in lines] == [f"  probe: step {k}/16" for k in (4, 8, 12, 16)]
    assert all(" loss " in line and line.endswith(" s)") for line in lines), lines
    assert "Epoch" not in captured.out + captured.err
