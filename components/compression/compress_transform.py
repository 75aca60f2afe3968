"""Beam pieces of the compression Transform: compress every example with one codec spec,
adding the bitstream, the decoded image and its rate/distortion."""
from __future__ import annotations

import logging
import time

import apache_beam as beam
import tensorflow as tf

from image_codecs import evaluation, rate_control, registry
from image_codecs.specs import CodecSpec
from image_datasets import features, image_files

__all__ = ["CompressExample", "COUNTER_NAMESPACE", "MEASURES", "measure_features"]

COUNTER_NAMESPACE = "Compression"
MEASURES = (features.BPP, features.PSNR, features.MS_SSIM, features.MS_SSIM_DB, features.ENCODE_MS,
            features.DECODE_MS)


def measure_features(m: evaluation.Measurement) -> dict[str, float]:
    """The measures of one coded image under their feature names (``MEASURES``)."""
    return {features.BPP: m.bpp, features.PSNR: m.psnr, features.MS_SSIM: m.ms_ssim, features.MS_SSIM_DB: m.ms_ssim_db,
            features.ENCODE_MS: m.encode_ms, features.DECODE_MS: m.decode_ms}
_LOG_EVERY_S = 30.0


class CompressExample(beam.DoFn):
    """Serialized example -> (serialized example with codec features, measures dict)."""

    def __init__(self, spec: CodecSpec):
        self._spec = spec
        self._codec = None

    def setup(self):
        if self._spec.quality is not None:
            self._codec = registry.make_codec(self._spec.codec, self._spec.quality, **self._spec.options)
        self._count = 0
        self._last_log = time.monotonic()

    def process(self, serialized: bytes):
        example = tf.train.Example.FromString(serialized)
        feats = example.features.feature
        image_id = feats[features.IMAGE_ID].bytes_list.value[0].decode()
        image = image_files.decode_png(feats[features.IMAGE].bytes_list.value[0])
        if self._codec is None:  # per-image target bpp
            quality, _ = rate_control.encode_at_bpp(self._spec.codec, image, self._spec.target_bpp,
                                                    **self._spec.options)
            codec = registry.make_codec(self._spec.codec, quality, **self._spec.options)
        else:
            codec, quality = self._codec, self._spec.quality
        try:
            m = evaluation.measure(codec, image)
        except Exception as e:
            raise RuntimeError(f"compression of {image_id} with {self._spec.key} failed: {e}") from e
        feats[features.BITSTREAM].bytes_list.value.append(m.bitstream)
        feats[features.DECODED].bytes_list.value.append(image_files.encode_png(m.decoded))
        feats[features.CODEC].bytes_list.value.append(self._spec.codec.encode())
        feats[features.QUALITY].float_list.value.append(float(quality))
        measures = measure_features(m)
        for name, value in measures.items():
            feats[name].float_list.value.append(value)
        beam.metrics.Metrics.counter(COUNTER_NAMESPACE, f"compressed_{self._spec.key}").inc()
        self._count += 1
        if time.monotonic() - self._last_log > _LOG_EVERY_S:
            logging.info("Compression %s: %d images in this worker", self._spec.key, self._count)
            self._last_log = time.monotonic()
        yield example.SerializeToString(), measures
