"""Beam pieces of DatasetRestoration: restore each example's decoded image in tiles and
measure it against the original."""
from __future__ import annotations

import logging
import time

import apache_beam as beam
import tensorflow as tf

from image_codecs import evaluation
from image_datasets import features, image_files
from keras_models.restoration import export, tiling
from keras_models.restoration.tile_options import TileOptions

__all__ = ["RestoreExample", "COUNTER_NAMESPACE", "MEASURES"]

COUNTER_NAMESPACE = "DatasetRestoration"
MEASURES = (features.BPP, features.PSNR, features.MS_SSIM_DB, features.RESTORED_PSNR, features.RESTORED_MS_SSIM_DB)
_LOG_EVERY_S = 30.0


class RestoreExample(beam.DoFn):
    """Serialized compressed example -> (serialized example + ``restored`` PNG, measures)."""

    def __init__(self, model_dir: str, restorer_name: str, multiple: int, tiles: TileOptions):
        self._model_dir = model_dir
        self._name = restorer_name
        self._multiple = multiple
        self._tiles = tiles
        self._restore = None

    def setup(self):
        self._restore = export.load(self._model_dir)
        self._count, self._last_log = 0, time.monotonic()

    def process(self, serialized: bytes):
        example = tf.train.Example.FromString(serialized)
        feats = example.features.feature
        image_id = feats[features.IMAGE_ID].bytes_list.value[0].decode()
        if features.DECODED not in feats:
            raise ValueError(f"example {image_id} has no '{features.DECODED}' image: DatasetRestoration needs the "
                             "Compression component's output")
        try:
            decoded = image_files.decode_png(feats[features.DECODED].bytes_list.value[0])
            original = image_files.decode_png(feats[features.IMAGE].bytes_list.value[0])
            t = self._tiles
            restored = tiling.restore_tiled(self._restore, decoded, t.tile, t.margin, t.overlap, self._multiple)
        except Exception as e:
            raise RuntimeError(f"restoration of example {image_id} failed: {e}") from e
        feats[features.RESTORED].bytes_list.value.append(image_files.encode_png(restored))
        feats[features.RESTORER].bytes_list.value.append(self._name.encode())
        # restoration adds no bits: the restored image's rate is its stream's
        after = evaluation.scores(original, restored, len(feats[features.BITSTREAM].bytes_list.value[0]),
                                  f"restoration of {image_id}")
        feats[features.RESTORED_PSNR].float_list.value.append(after.psnr)
        feats[features.RESTORED_MS_SSIM_DB].float_list.value.append(after.ms_ssim_db)
        beam.metrics.Metrics.counter(COUNTER_NAMESPACE, "restored").inc()
        self._count += 1
        if time.monotonic() - self._last_log > _LOG_EVERY_S:
            logging.info("DatasetRestoration: %d images in this worker", self._count)
            self._last_log = time.monotonic()
        yield example.SerializeToString(), {
            features.BPP: feats[features.BPP].float_list.value[0], features.PSNR: feats[features.PSNR].float_list.value[0],
            features.MS_SSIM_DB: feats[features.MS_SSIM_DB].float_list.value[0],
            features.RESTORED_PSNR: after.psnr, features.RESTORED_MS_SSIM_DB: after.ms_ssim_db}
