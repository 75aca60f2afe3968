"""Trainer checkpoints live where a later execution of the same work finds them, and nowhere a
changed config would find them."""
import os

from tfx.components.trainer.fn_args_utils import FnArgs

from components import trainer_checkpoints


def _args(root, execution=3, **changes):
    fields = {"train_files": [f"{root}/Compression/compressed_examples/5/Split-train__jpeg_q5"],
              "model_run_dir": f"{root}/SegmentationTrainer.comp/model_run/{execution}", "train_steps": 600,
              "custom_config": {"training_domain": "C", "training": {"learning_rate": 0.002}, "seed": 0}}
    fields.update(changes)
    return FnArgs(**fields)


def test_a_later_execution_of_the_same_work_finds_the_same_folder(tmp_path):
    first = trainer_checkpoints.checkpoint_dir(_args(tmp_path, execution=3))
    assert first == trainer_checkpoints.checkpoint_dir(_args(tmp_path, execution=9))
    assert os.path.dirname(first) == str(tmp_path / "SegmentationTrainer.comp" / "checkpoints")
    assert trainer_checkpoints.checkpoint_dir(_args(tmp_path), "q2") == os.path.join(first, "q2")


def test_a_changed_config_steps_seed_or_input_gets_a_fresh_folder(tmp_path):
    base = trainer_checkpoints.checkpoint_dir(_args(tmp_path))
    changed = [
        _args(tmp_path, train_steps=700),
        _args(tmp_path, custom_config={"training_domain": "C", "training": {"learning_rate": 0.001}, "seed": 0}),
        _args(tmp_path, custom_config={"training_domain": "C", "training": {"learning_rate": 0.002}, "seed": 1}),
        _args(tmp_path, train_files=[f"{tmp_path}/Compression/compressed_examples/8/Split-train__jpeg_q5"]),
    ]
    folders = {trainer_checkpoints.checkpoint_dir(a) for a in changed}
    assert base not in folders and len(folders) == len(changed)


def test_release_removes_only_this_works_checkpoints(tmp_path):
    mine, other = _args(tmp_path), _args(tmp_path, train_steps=700)
    for a in (mine, other):
        os.makedirs(trainer_checkpoints.checkpoint_dir(a, "q1"))
    trainer_checkpoints.release(mine)
    assert not os.path.exists(trainer_checkpoints.checkpoint_dir(mine))
    assert os.path.exists(trainer_checkpoints.checkpoint_dir(other, "q1"))
    trainer_checkpoints.release(mine)  # nothing left: no error
