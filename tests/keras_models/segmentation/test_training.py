import io

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_models.segmentation import deeplab, export, training

TINY = training.SegmentationTrainingConfig(preset="tiny", crop=(32, 32), batch_size=2,
                                           overrides={"aspp_filters": 8, "decoder_filters": 8, "low_level_filters": 4})


def _source(n=3, h=40, w=48, weight=1.0, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, h, w, 3), dtype=np.uint8)
    labels = rng.integers(0, 4, (n, h, w), dtype=np.uint8)
    labels[:, :4] = 255
    return tf.data.Dataset.from_tensor_slices((images, labels, np.full(n, weight, np.float32)))


def test_augment_scales_crops_and_pads_labels_with_ignore():
    config = training.SegmentationTrainingConfig(crop=(64, 64), scale_range=(0.5, 0.5))
    image = tf.fill((40, 40, 3), tf.constant(7, tf.uint8))
    label = tf.fill((40, 40), tf.constant(3, tf.uint8))
    x, y, w = training.augment(image, label, tf.constant(2.0), config, tf.constant([0, 0], tf.int64))
    assert x.shape == (64, 64, 3) and y.shape == (64, 64) and float(w) == 2.0
    values = set(np.unique(y.numpy()))
    assert values == {3, 255}  # the 20x20 scaled label, padded with ignore
    assert int(np.sum(y.numpy() == 3)) == 400


def test_weighted_loss_ignores_255_and_weighs_examples():
    labels = tf.constant([[[0, 255]], [[1, 1]]])
    logits = tf.constant([[[[2.0, 0.0], [0.0, 9.0]]], [[[0.0, 1.0], [1.0, 0.0]]]])
    ce = lambda y, l: -np.log(np.exp(l[y]) / np.exp(l).sum())
    per_pixel = [ce(0, np.array([2.0, 0.0])), ce(1, np.array([0.0, 1.0])), ce(1, np.array([1.0, 0.0]))]
    weights = tf.constant([5.0, 1.0])
    expected = (5 * per_pixel[0] + per_pixel[1] + per_pixel[2]) / 7
    assert float(training.weighted_loss(labels, logits, weights)) == pytest.approx(expected, rel=1e-5)


def test_training_resumes_and_exports_serving_signatures(tmp_path):
    ckpt = str(tmp_path / "ckpt")
    net = training.train(TINY, 4, [_source()], 2, checkpoint_dir=ckpt, log_dir=str(tmp_path / "logs"),
                         steps_per_epoch=1)
    again = training.train(TINY, 4, [_source()], 2, checkpoint_dir=ckpt, steps_per_epoch=1)
    for a, b in zip(net.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
    path = export.export(net, str(tmp_path / "model"), 4)
    loaded = tf.saved_model.load(path)
    image = np.random.default_rng(3).integers(0, 256, (37, 50, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    class_map = loaded.signatures["serving_default"](images=tf.constant([buffer.getvalue()]))["class_map"].numpy()
    assert class_map.shape == (1, 37, 50) and class_map.dtype == np.uint8
    padded = np.pad(image, ((0, 11), (0, 14), (0, 0)), mode="symmetric").astype(np.float32)
    direct = np.argmax(net(padded[None]).numpy()[0, :37, :50], -1)
    assert np.mean(direct == class_map[0]) > 0.99
    example = tf.train.Example(features=tf.train.Features(feature={
        "restored": tf.train.Feature(bytes_list=tf.train.BytesList(value=[buffer.getvalue()]))}))
    out = loaded.signatures["tfexample_restored"](examples=tf.constant([example.SerializeToString()]))
    np.testing.assert_array_equal(out["class_map"].numpy(), class_map)
    assert 0 < float(out["confidence"][0]) <= 1
    probs = loaded.signatures["probabilities"](images=tf.constant([buffer.getvalue()]))["probabilities"]
    assert probs.shape == (1, 37, 50, 4)


def test_every_training_step_is_one_code_path_under_the_default_strategy():
    assert tf.distribute.get_strategy().num_replicas_in_sync == 1
    net = training.train(TINY, 4, [_source(), _source(weight=5.0, seed=1)], 1)
    assert net.output_shape[-1] == 4
