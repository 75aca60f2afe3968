"""DeepLabv3+ on the CPU: training step time (batch 2 of 512x512 crops) and inference time per
2048x1024 image for the tiny and ResNet-50 presets; the paper's Table VI (segmenting an
original image vs encoding + decoding + segmenting it, per codec, tiny preset); and the TFMA
Evaluator's throughput. Each model case runs in its own process with its peak memory."""
from __future__ import annotations

import os
import tempfile
import time

import numpy as np

from benchmarks.isolated import run_isolated

__all__ = ["run"]


def _image(width=2048, height=1024):
    """A texture-city scene and its train-id label (19 classes, 255 ignored)."""
    from image_datasets import labels  # pylint: disable=g-import-not-at-top
    from image_datasets.texture_city import scene  # pylint: disable=g-import-not-at-top
    image, raw = scene.render_scene(width, height, np.random.default_rng(5))
    return image, labels.cityscapes_table().to_train_ids(raw)


def _model_case(preset: str, repeats: int) -> dict:
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    from keras_models.segmentation import export, training  # pylint: disable=g-import-not-at-top
    config = training.SegmentationTrainingConfig(preset=preset, crop=(512, 512), batch_size=2)
    image, label = _image(1024, 512)
    source = tf.data.Dataset.from_tensors((image, label, np.float32(1.0)))
    start = time.perf_counter()
    network = training.train(config, 19, [source], 1)
    first = time.perf_counter() - start
    batches = iter(training.training_batches([source], config))
    model = network  # time raw steps with the same loss and optimizer
    opt = tf.keras.optimizers.Adam(1e-3)

    @tf.function
    def step(x, y, w):
        with tf.GradientTape() as tape:
            loss = training.weighted_loss(y, model(x, training=True), w)
        opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))

    step(*next(batches))
    t = time.perf_counter()
    for _ in range(repeats):
        step(*next(batches))
    step_s = (time.perf_counter() - t) / repeats
    module = export.SegmenterModule(network, 19)
    big, _ = _image()
    x = tf.constant(big, tf.float32)
    module.probabilities_one(x)
    t = time.perf_counter()
    for _ in range(repeats):
        module.probabilities_one(x)
    infer_s = (time.perf_counter() - t) / repeats
    del first
    return {"case": f"DeepLabv3+ {preset}", "train_step_s (2x512x512)": round(step_s, 3),
            "inference_s (2048x1024)": round(infer_s, 3), "params": network.count_params()}


def _inference_cost(repeats: int) -> list[dict]:
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    from image_codecs import registry  # pylint: disable=g-import-not-at-top
    from keras_models.segmentation import config as deeplab_config, deeplab, export  # pylint: disable=g-import-not-at-top
    module = export.SegmenterModule(deeplab.build_deeplab(deeplab_config.preset("tiny", num_classes=19)), 19)
    image, _ = _image()

    def segment(im):
        return module.probabilities_one(tf.constant(im, tf.float32))

    def timed(fn):
        fn()
        t = time.perf_counter()
        for _ in range(repeats):
            fn()
        return (time.perf_counter() - t) / repeats

    seg_s = timed(lambda: segment(image))
    rows = [{"case": "segment only (OO, CO, RO)", "codec": "-", "seconds": round(seg_s, 3), "ratio": 1.0}]
    for codec_name, quality in (("jpeg", 5), ("bpg", 45)):
        codec = registry.make_codec(codec_name, quality)
        total = timed(lambda: segment(codec.decode(codec.encode(image))))
        rows.append({"case": "encode + decode + segment (CC)", "codec": f"{codec_name} q{quality}",
                     "seconds": round(total, 3), "ratio": round(total / seg_s, 2)})
    return rows


def _evaluator(images: int) -> dict:
    import json  # pylint: disable=g-import-not-at-top
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    import tensorflow_model_analysis as tfma  # pylint: disable=g-import-not-at-top
    from image_datasets import features  # pylint: disable=g-import-not-at-top
    from keras_models.segmentation import config as deeplab_config, deeplab, export  # pylint: disable=g-import-not-at-top
    from pipelines import evaluation  # pylint: disable=g-import-not-at-top
    del json
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = export.export(deeplab.build_deeplab(deeplab_config.preset("tiny", num_classes=19)),
                                  os.path.join(tmp, "m"), 19)
        path = os.path.join(tmp, "data.gz")
        with tf.io.TFRecordWriter(path, options="GZIP") as writer:
            for i in range(images):
                image, label = _image(512, 256)
                writer.write(features.make_example(image, label, f"i{i}", "bench", "val").SerializeToString())
        config = evaluation.segmentation_eval_config(features.IMAGE, 19)
        shared = tfma.default_eval_shared_model(eval_saved_model_path=model_dir, eval_config=config)
        t = time.perf_counter()
        tfma.run_model_analysis(eval_shared_model=shared, eval_config=config, data_location=path,
                                file_format="tfrecords", output_path=os.path.join(tmp, "out"))
        seconds = time.perf_counter() - t
    return {"case": f"TFMA Evaluator, {images} images of 512x256 (tiny model, SegmentationIoU)",
            "seconds": round(seconds, 1), "images_per_s": round(images / seconds, 2)}


def run(images: int = 3) -> list[dict]:
    """``images``: timed repetitions per case (the Evaluator case uses 10x as many images)."""
    rows = [run_isolated(_model_case, p, images) for p in ("tiny", "resnet50")]
    rows += [{**r, "peak_rss_mib": ""} for r in _inference_cost(images)]
    rows.append(run_isolated(_evaluator, 10 * images))
    return rows
