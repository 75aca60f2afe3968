"""DatasetRestoration executor: restores the decoded images of the requested compressed
splits with a trained restorer, and measures distortion (Table V) and naturalness (Table IV)."""
from __future__ import annotations

import json
import logging
import os
from typing import Any

import apache_beam as beam
from tfx import types
from tfx.dsl.components.base import base_beam_executor
from tfx.dsl.io import fileio
from tfx.types import artifact_utils
from tfx.utils import io_utils, path_utils

from components import examples_io, examples_output
from components.compression.compress_transform import MeanMeasures
from components.dataset_restoration import restore_transform
from image_codecs.naturalness import NaturalnessModel
from image_datasets import features
from keras_models.restoration import export

__all__ = ["Executor", "SPLITS_KEY", "TILE_KEY", "MARGIN_KEY", "OVERLAP_KEY", "NATURALNESS_SAMPLE_KEY",
           "STATS_FILE", "naturalness"]

SPLITS_KEY = "splits"
TILE_KEY = "tile"
MARGIN_KEY = "margin"
OVERLAP_KEY = "overlap"
NATURALNESS_SAMPLE_KEY = "naturalness_sample"
STATS_FILE = "restoration.json"


def naturalness(files: list[str], sample: int) -> dict:
    """Naturalness index of original, compressed and restored images of a split's sample:
    the reference model is fitted on the originals of every other sampled image and the
    other half is scored."""
    images = {k: [] for k in ("original", "compressed", "restored")}
    keys = {"original": features.IMAGE, "compressed": features.DECODED, "restored": features.RESTORED}
    for i, (orig, comp, rest) in enumerate(zip(*(
            [im.numpy() for im in examples_io.image_dataset(files, keys[k]).take(sample)] for k in keys))):
        images["original"].append(orig)
        images["compressed"].append(comp)
        images["restored"].append(rest)
    if len(images["original"]) < 4:
        return {}
    patch = max(8, min(48, min(images["original"][0].shape[:2]) // 2 * 2))  # 48 px, or smaller images' size
    model = NaturalnessModel.fit(images["original"][::2], patch)
    return {k: model.score_set(v[1::2]) for k, v in images.items()}


class Executor(base_beam_executor.BaseBeamExecutor):

    def Do(self, input_dict: dict[str, list[types.Artifact]], output_dict: dict[str, list[types.Artifact]],
           exec_properties: dict[str, Any]) -> None:
        examples = artifact_utils.get_single_instance(input_dict["compressed_examples"])
        model_dir = path_utils.serving_model_path(artifact_utils.get_single_instance(input_dict["model"]).uri)
        with fileio.open(os.path.join(model_dir, export.METADATA_FILE)) as f:
            meta = json.load(f)
        available = artifact_utils.decode_split_names(examples.split_names)
        wanted = json.loads(exec_properties.get(SPLITS_KEY) or "[]") or available
        missing = sorted(set(wanted) - set(available))
        if missing:
            raise ValueError(f"splits {missing} are not in the compressed examples (which have {available})")
        tiles = restore_transform.TileOptions(int(exec_properties.get(TILE_KEY) or 512),
                                              int(exec_properties.get(MARGIN_KEY) or 32),
                                              int(exec_properties.get(OVERLAP_KEY) or 32))
        name = meta.get("name", "restorer")
        out = artifact_utils.get_single_instance(output_dict["restored_examples"])
        out.split_names = artifact_utils.encode_split_names(list(wanted))
        out.set_string_custom_property("restorer", name)
        examples_output.describe(out)
        pipeline = self._make_beam_pipeline()
        stats = []
        for split in wanted:
            restored = (pipeline
                        | f"Read[{split}]" >> beam.io.ReadFromTFRecord(
                            os.path.join(artifact_utils.get_split_uri([examples], split), "*"),
                            coder=beam.coders.BytesCoder())
                        | f"Restore[{split}]" >> beam.ParDo(restore_transform.RestoreExample(
                            model_dir, name, int(meta.get("multiple", 1)), tiles)))
            _ = (restored | f"Examples[{split}]" >> beam.Keys()
                 | f"Write[{split}]" >> examples_output.write(out, split))
            stats.append(restored | f"Measures[{split}]" >> beam.Values()
                         | f"Mean[{split}]" >> beam.CombineGlobally(MeanMeasures(restore_transform.MEASURES))
                         | f"Tag[{split}]" >> beam.Map(lambda m, s=split: {"split": s, "restorer": name, **m}))
        stats_dir = artifact_utils.get_single_instance(output_dict["restoration_measures"]).uri
        stats_file = os.path.join(stats_dir, STATS_FILE)
        _ = (stats | "AllStats" >> beam.Flatten() | "Collect" >> beam.combiners.ToList()
             | "WriteStats" >> beam.Map(_write_rows, stats_file))
        result = pipeline.run()
        result.wait_until_finish()
        rows = json.loads(io_utils.read_string_file(stats_file))
        sample = int(exec_properties.get(NATURALNESS_SAMPLE_KEY) or 48)
        for row in rows:
            files = examples_io.split_files([artifact_utils.get_split_uri([out], row["split"])])
            row["naturalness"] = naturalness(files, sample)
            logging.info("DatasetRestoration %s: PSNR %.2f -> %.2f dB, naturalness %s", row["split"], row["psnr"],
                         row["restored_psnr"], {k: round(v, 3) for k, v in row["naturalness"].items()})
        _write_rows(rows, stats_file)


def _write_rows(rows: list[dict], path: str) -> None:
    fileio.makedirs(os.path.dirname(path))
    rows = sorted(rows, key=lambda r: r["split"])
    io_utils.write_string_file(path, json.dumps(rows, indent=2, default=float))
