"""Per-sample seeds: each element's seed is (seed, position), and every family's training
pipeline draws the same batches for the same seed, whatever else the process drew before."""
import numpy as np
import pytest
import tensorflow as tf

from keras_models import sample_seeds
from keras_models.ir2i import config as ir2i_config, training as ir2i_training
from keras_models.msh import config as msh_config, training as msh_training
from keras_models.restoration import training as restoration_training
from keras_models.segmentation import training as segmentation_training


def test_each_element_is_followed_by_the_seed_and_its_position():
    single = list(sample_seeds.with_seeds(tf.data.Dataset.range(10, 13), 7).as_numpy_iterator())
    assert [(x, s.tolist()) for x, s in single] == [(10, [7, 0]), (11, [7, 1]), (12, [7, 2])]
    pairs = tf.data.Dataset.from_tensor_slices((np.arange(2), np.arange(2) * 10))
    assert [(a, b, s.tolist()) for a, b, s in sample_seeds.with_seeds(pairs, 3).as_numpy_iterator()] == [
        (0, 0, [3, 0]), (1, 10, [3, 1])]


def test_split_seeds_differ_from_each_other_and_are_a_function_of_the_seed():
    first = [s.numpy().tolist() for s in sample_seeds.split(tf.constant([7, 1], tf.int64), 3)]
    again = [s.numpy().tolist() for s in sample_seeds.split(tf.constant([7, 1], tf.int64), 3)]
    assert first == again and len({tuple(s) for s in first}) == 3


def _images(n=6, h=48, w=64):
    return np.random.default_rng(0).integers(0, 256, (n, h, w, 3), dtype=np.uint8)


def _ir2i(seed):
    config = ir2i_config.preset("ir2i-tiny", batch_size=4, border_probability=0.5)
    return ir2i_training.patch_pairs(tf.data.Dataset.from_tensor_slices(_images()), config, seed)


def _msh(seed):
    config = msh_config.preset("tiny", crop=32, batch_size=4)
    return msh_training.crops(tf.data.Dataset.from_tensor_slices(_images()), config, seed)


def _restoration(seed):
    images = _images()
    pairs = tf.data.Dataset.from_tensor_slices((images // 2, images))
    return restoration_training.pair_crops(pairs, 16, 4, seed)


def _segmentation(seed):
    images = _images()
    labels = (images[..., 0] % 4).astype(np.uint8)
    source = tf.data.Dataset.from_tensor_slices((images, labels, np.ones(len(images), np.float32)))
    config = segmentation_training.SegmentationTrainingConfig(crop=(32, 32), scale_range=(0.5, 2.0), batch_size=4)
    return segmentation_training.training_batches([source], config, seed)


def _batches(pipeline, seed, count=6):
    tf.random.uniform(())  # a draw from the process's stateful generators in between
    return [np.concatenate([np.ravel(t) for t in batch]) for batch in pipeline(seed).take(count).as_numpy_iterator()]


@pytest.mark.parametrize("pipeline", [_ir2i, _msh, _restoration, _segmentation])
def test_a_pipeline_draws_the_same_batches_for_the_same_seed_and_others_for_another(pipeline):
    first, again, other = _batches(pipeline, 0), _batches(pipeline, 0), _batches(pipeline, 1)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other))
