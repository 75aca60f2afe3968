"""DatasetRestoration executor: restores the decoded images of the requested compressed
splits with a trained restorer, and measures distortion (Table V) and naturalness (Table IV)."""
from __future__ import annotations

import json
import logging
import os
from typing import Any

import apache_beam as beam
import numpy as np
import tensorflow as tf
from tfx import types
from tfx.dsl.components.base import base_beam_executor
from tfx.dsl.io import fileio
from tfx.types import artifact_utils
from tfx.utils import path_utils

from components import examples_beam, measures
from components.dataset_restoration import restore_transform
from image_codecs.naturalness import NaturalnessModel
from image_datasets import features, image_files
from keras_models.restoration import export
from keras_models.restoration.tile_options import TileOptions

__all__ = ["Executor", "SPLITS_KEY", "TILE_KEY", "MARGIN_KEY", "OVERLAP_KEY", "NATURALNESS_SAMPLE_KEY",
           "STATS_FILE", "naturalness"]

SPLITS_KEY = "splits"
TILE_KEY = "tile"
MARGIN_KEY = "margin"
OVERLAP_KEY = "overlap"
NATURALNESS_SAMPLE_KEY = "naturalness_sample"
STATS_FILE = "restoration.json"


def naturalness(examples: list[bytes]) -> dict:
    """Naturalness index of the original, compressed and restored images of a sample of
    restored examples (serialized): the reference model is fitted on the originals of every
    other example and the other half is scored. ``{kind: [index of each scored image]}``;
    empty for fewer than four examples."""
    keys = {"original": features.IMAGE, "compressed": features.DECODED, "restored": features.RESTORED}
    images = {k: [] for k in keys}
    for serialized in examples:
        feats = tf.train.Example.FromString(serialized).features.feature
        for k, feature in keys.items():
            images[k].append(image_files.decode_png(feats[feature].bytes_list.value[0]))
    if len(images["original"]) < 4:
        return {}
    patch = max(8, min(48, min(images["original"][0].shape[:2]) // 2 * 2))  # 48 px, or smaller images' size
    model = NaturalnessModel.fit(images["original"][::2], patch)
    return {k: [model.score(im) for im in v[1::2]] for k, v in images.items()}


def _image_id(serialized: bytes) -> str:
    return tf.train.Example.FromString(serialized).features.feature[features.IMAGE_ID].bytes_list.value[0].decode()


class Executor(base_beam_executor.BaseBeamExecutor):

    def Do(self, input_dict: dict[str, list[types.Artifact]], output_dict: dict[str, list[types.Artifact]],
           exec_properties: dict[str, Any]) -> None:
        examples = artifact_utils.get_single_instance(input_dict["compressed_examples"])
        model_dir = path_utils.serving_model_path(artifact_utils.get_single_instance(input_dict["model"]).uri)
        with fileio.open(os.path.join(model_dir, export.METADATA_FILE)) as f:
            meta = json.load(f)
        wanted = measures.wanted_splits(examples, exec_properties.get(SPLITS_KEY), "compressed examples")
        default = TileOptions()
        tiles = TileOptions(int(exec_properties.get(TILE_KEY) or default.tile),
                            int(exec_properties.get(MARGIN_KEY) or default.margin),
                            int(exec_properties.get(OVERLAP_KEY) or default.overlap))
        sample = int(exec_properties.get(NATURALNESS_SAMPLE_KEY) or 48)
        name = meta.get("name", "restorer")
        out = artifact_utils.get_single_instance(output_dict["restored_examples"])
        out.split_names = artifact_utils.encode_split_names(list(wanted))
        out.set_string_custom_property("restorer", name)
        examples_beam.describe(out)
        pipeline = self._make_beam_pipeline()
        stats = []
        for split in wanted:
            restored = (pipeline
                        | f"Read[{split}]" >> examples_beam.read(examples, split)
                        | f"Restore[{split}]" >> beam.ParDo(restore_transform.RestoreExample(
                            model_dir, name, int(meta.get("multiple", 1)), tiles)))
            restored_examples = restored | f"Examples[{split}]" >> beam.Keys()
            _ = restored_examples | f"Write[{split}]" >> examples_beam.write(out, split)
            # The sample is the examples with the smallest ids: the same on every run and runner.
            nat = (restored_examples
                   | f"Sample[{split}]" >> beam.combiners.Top.Smallest(sample, key=_image_id)
                   | f"Naturalness[{split}]" >> beam.Map(naturalness))
            stats.append(restored | f"Measures[{split}]" >> beam.Values()
                         | f"Mean[{split}]" >> beam.CombineGlobally(measures.MeanMeasures(restore_transform.MEASURES))
                         | f"Tag[{split}]" >> beam.Map(
                             lambda m, n, s=split: {"split": s, "restorer": name, **m,
                                                    "naturalness": {k: float(np.mean(v)) for k, v in n.items()},
                                                    "naturalness_images": n},
                             beam.pvalue.AsSingleton(nat)))
        stats_file = os.path.join(artifact_utils.get_single_instance(output_dict["restoration_measures"]).uri,
                                  STATS_FILE)
        _ = (stats | "AllStats" >> beam.Flatten() | "Collect" >> beam.combiners.ToList()
             | "WriteStats" >> beam.Map(_write_stats, stats_file))
        result = pipeline.run()
        result.wait_until_finish()


def _write_stats(rows: list[dict], path: str) -> None:
    for row in rows:
        logging.info("DatasetRestoration %s: PSNR %.2f -> %.2f dB, naturalness %s", row["split"], row["psnr"],
                     row["restored_psnr"], {k: round(v, 3) for k, v in row["naturalness"].items()})
    measures.write_rows(rows, path, lambda r: r["split"])
