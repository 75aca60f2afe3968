"""The TFMA evaluation of a segmentation model against a direct numpy computation."""
import math
import os

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_model_analysis as tfma

from image_datasets import features, image_files
from keras_models.segmentation import config as deeplab_config, deeplab, export, metrics
from pipelines import evaluation

NUM_CLASSES = 4


@pytest.fixture(scope="module")
def model_and_data(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tfma")
    tf.keras.utils.set_random_seed(0)
    net = deeplab.build_deeplab(deeplab_config.preset("tiny", num_classes=NUM_CLASSES, aspp_filters=8, decoder_filters=8,
                                               low_level_filters=4))
    model_dir = export.export(net, str(tmp / "model"), NUM_CLASSES)
    rng = np.random.default_rng(0)
    path = str(tmp / "data.tfrecord.gz")
    rows = []
    with tf.io.TFRecordWriter(path, options="GZIP") as writer:
        for i in range(6):
            image = rng.integers(0, 256, (32, 48, 3), dtype=np.uint8)
            label = rng.integers(0, NUM_CLASSES - 1, (32, 48), dtype=np.uint8)  # class 3 never in ground truth
            label[:5] = 255
            codec, quality = ("jpeg", 5.0) if i % 2 else ("bpg", 45.0)
            ex = features.make_example(image, label, f"img{i}", "test", "val")
            ex.features.feature[features.DECODED].bytes_list.value.append(image_files.encode_png(image))
            ex.features.feature[features.CODEC].bytes_list.value.append(codec.encode())
            ex.features.feature[features.QUALITY].float_list.value.append(quality)
            writer.write(ex.SerializeToString())
            rows.append((image, label, codec))
    return model_dir, path, rows, tmp


def _direct(model_dir, rows):
    loaded = tf.saved_model.load(model_dir)
    cm = np.zeros((NUM_CLASSES, NUM_CLASSES + 1), np.int64)
    per_codec = {}
    for image, label, codec in rows:
        pred = loaded.signatures["serving_default"](
            images=tf.constant([image_files.encode_png(image)]))["class_map"].numpy()[0]
        m = metrics.confusion_matrix(label, pred, NUM_CLASSES)
        cm += m
        per_codec[codec] = per_codec.get(codec, 0) + m
    return cm, per_codec


def test_tfma_segmentation_metrics_equal_a_direct_numpy_computation(model_and_data):
    model_dir, path, rows, tmp = model_and_data
    config = evaluation.segmentation_eval_config(features.DECODED, NUM_CLASSES, small_object_ids=[0],
                                                 miou_threshold=0.0)
    shared = tfma.default_eval_shared_model(eval_saved_model_path=model_dir, eval_config=config)
    out = str(tmp / "eval")
    result = tfma.run_model_analysis(eval_shared_model=shared, eval_config=config, data_location=path,
                                     file_format="tfrecords", output_path=out,
                                     extractors=None)
    cm, per_codec = _direct(model_dir, rows)
    expected = metrics.summarize(cm, small_ids=[0])
    overall = dict(result.slicing_metrics)[()][""][""]
    assert overall["miou"]["doubleValue"] == pytest.approx(expected.miou, rel=1e-6)
    assert overall["pixel_accuracy"]["doubleValue"] == pytest.approx(expected.pixel_accuracy, rel=1e-6)
    assert overall["example_count"]["doubleValue"] == 6
    ious = expected.iou
    assert overall["small_miou"]["doubleValue"] == pytest.approx(ious[0], rel=1e-6)
    large = [v for c, v in ious.items() if c and not math.isnan(v)]
    assert overall["large_miou"]["doubleValue"] == pytest.approx(sum(large) / len(large), rel=1e-6)
    per_class = dict(result.slicing_metrics)[()][""]
    for c in range(NUM_CLASSES):
        value = per_class[f"classId:{c}"]["iou"]["doubleValue"]
        if math.isnan(ious[c]):
            assert math.isnan(value)
        else:
            assert value == pytest.approx(ious[c], rel=1e-6)
    jpeg = dict(result.slicing_metrics)[(("codec", "jpeg"),)][""][""]
    assert jpeg["miou"]["doubleValue"] == pytest.approx(metrics.summarize(per_codec["jpeg"]).miou, rel=1e-6)
    assert jpeg["example_count"]["doubleValue"] == 3
    loaded = tfma.load_eval_result(out)
    assert loaded.slicing_metrics


@pytest.mark.parametrize("threshold,ok", [(0.0, True), (0.99, False)])
def test_blessing_threshold_on_miou(model_and_data, threshold, ok):
    model_dir, path, _, tmp = model_and_data
    config = evaluation.segmentation_eval_config(features.IMAGE, NUM_CLASSES, miou_threshold=threshold)
    shared = tfma.default_eval_shared_model(eval_saved_model_path=model_dir, eval_config=config)
    out = str(tmp / f"eval_blessing_{threshold}")
    tfma.run_model_analysis(eval_shared_model=shared, eval_config=config, data_location=path,
                            file_format="tfrecords", output_path=out)
    validation = tfma.load_validation_result(out)
    assert validation.validation_ok == ok
    if not ok:  # failed on the metric's value, not for want of the metric
        failure = validation.metric_validations_per_slice[0].failures[0]
        assert failure.metric_key.name == "miou" and "not found" not in failure.message
