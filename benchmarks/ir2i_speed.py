"""IR2I's time as a user meets it: ``dsr codec train`` (5 steps), ``encode`` and ``decode`` of a
512x256 image at 8 stages, each a fresh process with its start-up (median of ``images``
runs); then in-process coding throughput after loading (8 stages, tiny preset on a 1024x1024
image, paper preset on 256x256), with the fixed costs of one call split out, the arithmetic a
megapixel costs and the rate that is; against it, the rates this machine reaches in the same run
on a dense matrix product and on a convolution of the tiny inpainting network's shape. JPEG's
command-line encode of the same image is the peer, and ``import tensorflow`` the floor (plain, and
as ``dsr codec`` does it).

Untrained models (weights as initialised): speed does not depend on what they learnt.
"""
from __future__ import annotations

import os
import tempfile
import time

import numpy as np

from benchmarks import conv_arithmetic
from benchmarks.isolated import DSR, command_wall_s, run_isolated, tensorflow_import_row

__all__ = ["run"]

def _image(height: int, width: int, seed: int) -> np.ndarray:
    from image_datasets.texture_city import scene  # pylint: disable=g-import-not-at-top

    return scene.render_scene(width, height, np.random.default_rng(seed))[0]


def _save(path: str, image: np.ndarray) -> str:
    from PIL import Image  # pylint: disable=g-import-not-at-top

    Image.fromarray(image).save(path)
    return path


def _export(preset: str, path: str):
    """An untrained ``preset`` model (seed 0), exported to ``path``; returns the Keras model."""
    import tensorflow as tf  # pylint: disable=g-import-not-at-top

    from keras_models.ir2i import config, export, training  # pylint: disable=g-import-not-at-top

    tf.keras.utils.set_random_seed(0)
    model = training.Ir2iModel(config.preset(preset))
    export.export(model, path)
    return model


def _gflop_per_megapixel(model) -> dict:
    """GFLOP of convolutions a megapixel costs ``model`` (built) to encode and to decode at its
    stages (counted on one patch: the functions are per patch, whatever the batch)."""
    import tensorflow as tf  # pylint: disable=g-import-not-at-top

    from keras_models.ir2i import export  # pylint: disable=g-import-not-at-top

    patches_per_megapixel = 1e6 / model.config.patch ** 2
    result = {}
    for name, function in export.coding_functions(model).items():
        with conv_arithmetic.counting() as count:
            function.python_function(*[tf.zeros([1, *spec.shape[1:]], spec.dtype)
                                       for spec in function.input_signature])
        result[name] = count.flops * patches_per_megapixel / 1e9
    return {"encode": result["encode_patches"], "decode": result["decode_patches"]}


def _dense_rate(repeats: int) -> dict:
    return {"case": "peer: 2048x2048 float32 matrix product (the dense rate)",
            "gflop_per_s": round(conv_arithmetic.matmul_gflop_per_s(repeats=repeats), 1)}


def _conv_rate(repeats: int) -> dict:
    return {"case": "peer: 3x3 convolution, 16 -> 16 channels, 64 images of 64x64 (ir2i-tiny's inpainting layer)",
            "gflop_per_s": round(conv_arithmetic.conv_gflop_per_s(repeats=repeats), 1)}


def _throughput(preset: str, height: int, width: int, repeats: int) -> dict:
    """In one process: load, first call, then the median of ``repeats`` encodes and decodes."""
    from image_codecs import registry  # pylint: disable=g-import-not-at-top

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, preset)
        arithmetic = _gflop_per_megapixel(_export(preset, path))
        image = _image(height, width, 5)
        start = time.perf_counter()
        codec = registry.make_codec("ir2i", 8, model=path)
        load = time.perf_counter() - start
        start = time.perf_counter()
        data = codec.encode(image)
        first = time.perf_counter() - start
        encode, decode = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            codec.encode(image)
            encode.append(time.perf_counter() - start)
            start = time.perf_counter()
            codec.decode(data)
            decode.append(time.perf_counter() - start)
    encode_s, decode_s = float(np.median(encode)), float(np.median(decode))
    megapixels = height * width / 1e6
    encode_rate, decode_rate = megapixels / encode_s, megapixels / decode_s
    return {"case": f"{preset}: in-process coding of a {width}x{height} image, 8 stages",
            "load_s": round(load, 2), "first_encode_s": round(first, 2),
            "encode_s": round(encode_s, 2), "decode_s": round(decode_s, 2),
            "encode_mpx_per_s": round(encode_rate, 3), "decode_mpx_per_s": round(decode_rate, 3),
            "encode_gflop_per_mpx": round(arithmetic["encode"], 1),
            "decode_gflop_per_mpx": round(arithmetic["decode"], 1),
            "gflop_per_s": f"{encode_rate * arithmetic['encode']:.1f} / {decode_rate * arithmetic['decode']:.1f}"}


def run(images: int = 3) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        train_png = _save(os.path.join(tmp, "train.png"), _image(96, 128, 1))
        png = _save(os.path.join(tmp, "in.png"), _image(256, 512, 2))
        model = os.path.join(tmp, "model")
        train = ["codec", "train", "--codec", "ir2i", "--preset", "ir2i-tiny", "--steps", "5", "--images", train_png]
        wall = command_wall_s(lambda k: [DSR, *train, model if k == 0 else f"{model}{k}"], images)
        rows.append({"case": "dsr codec train --preset ir2i-tiny --steps 5 (one 128x96 image)", "wall_s": wall,
                     "target_s": 30})
        stream = os.path.join(tmp, "x.ir2")
        encode = ["codec", "encode", "--codec", "ir2i", "--quality", "8", "--model", model, png, stream]
        rows.append({"case": "dsr codec encode --codec ir2i (512x256, 8 stages)",
                     "wall_s": command_wall_s([DSR, *encode], images), "target_s": 5})
        decode = ["codec", "decode", "--codec", "ir2i", "--model", model, stream, os.path.join(tmp, "y.png")]
        rows.append({"case": "dsr codec decode --codec ir2i (512x256, 8 stages)",
                     "wall_s": command_wall_s([DSR, *decode], images), "target_s": 5})
        jpeg = ["codec", "encode", "--codec", "jpeg", "--quality", "50", png, os.path.join(tmp, "x.jpg")]
        rows.append({"case": "peer: dsr codec encode --codec jpeg (512x256)",
                     "wall_s": command_wall_s([DSR, *jpeg], images)})
    rows.append(tensorflow_import_row(images))
    rows.append(tensorflow_import_row(images, hide_probes=True))
    rows.append(run_isolated(_throughput, "ir2i-tiny", 1024, 1024, images))
    rows.append(run_isolated(_throughput, "ir2i-paper", 256, 256, 1))
    rows.append(run_isolated(_dense_rate, 10))
    rows.append(run_isolated(_conv_rate, 10))
    return rows
