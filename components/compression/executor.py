"""Compression executor: one output split per (input split, codec spec; a sweep spec's
qualities share its split, each example carrying its quality), plus the
rate-distortion statistics and plot."""
from __future__ import annotations

import dataclasses
import json
import logging
import os
from typing import Any

import apache_beam as beam
from tfx import types
from tfx.dsl.components.base import base_beam_executor
from tfx.dsl.io import fileio
from tfx.types import artifact_utils
from tfx.utils import path_utils

import dataconf
from components import examples_beam, examples_io, measures
from components.compression import compress_transform
from image_codecs import rate_control, rd_plot
from image_codecs.specs import CodecSpec

__all__ = ["Executor", "SPECS_KEY", "SPLITS_KEY", "MATCH_SAMPLE_KEY", "STATS_FILE", "PLOT_FILE"]

SPECS_KEY = "codec_specs"
SPLITS_KEY = "splits"
MATCH_SAMPLE_KEY = "match_sample_size"
STATS_FILE = "rate_distortion.json"
PLOT_FILE = "rate_distortion.png"


def _files(examples: types.Artifact, split: str) -> list[str]:
    return fileio.glob(os.path.join(artifact_utils.get_split_uri([examples], split), "*"))


def _with_model(spec: CodecSpec, model_dir: str | None) -> CodecSpec:
    if spec.codec != "msh" or "model" in spec.options:
        return spec
    if model_dir is None:
        raise ValueError("an msh codec spec needs options.model or a codec_model input")
    return dataclasses.replace(spec, options={**spec.options, "model": model_dir})


def _resolve(specs: list[CodecSpec], sample: list | None) -> list[tuple[str, CodecSpec]]:
    """(key, spec) with every matched spec fixed at the quality chosen on ``sample``: a
    ``match_bpp`` spec's target is its number, a ``match`` spec's the mean bpp that the spec it
    names (itself resolved first) achieves on the same sample."""
    by_key = {spec.key: spec for spec in specs}
    resolved: dict[str, CodecSpec] = {}

    def resolve(key: str) -> CodecSpec:  # a key embeds its match's key, so matches cannot form a cycle
        if key in resolved:
            return resolved[key]
        spec, target = by_key[key], by_key[key].match_bpp
        if spec.match is not None:
            if spec.match not in by_key:
                raise ValueError(f"{key}: match names {spec.match!r}, which is not a spec of this run {sorted(by_key)}")
            partner = resolve(spec.match)
            if partner.quality is None:
                raise ValueError(f"{key}: match names {spec.match!r}, which has no single quality to match")
            target = rate_control.mean_bpp(partner.codec, partner.quality, sample, **partner.options)
        if target is not None:
            quality, achieved = rate_control.match_quality(spec.codec, sample, target, **spec.options)
            logging.info("Compression: %s matched to quality %s (%.4f bpp against %.4f on %d images)", key, quality,
                         achieved, target, len(sample))
            spec = spec.with_quality(quality)
        resolved[key] = spec
        return spec

    return [(key, resolve(key)) for key in by_key]


class Executor(base_beam_executor.BaseBeamExecutor):

    def Do(self, input_dict: dict[str, list[types.Artifact]], output_dict: dict[str, list[types.Artifact]],
           exec_properties: dict[str, Any]) -> None:
        examples = artifact_utils.get_single_instance(input_dict["examples"])
        specs = [dataconf.from_dict(CodecSpec, s, f"codec_specs[{i}]")
                 for i, s in enumerate(json.loads(exec_properties[SPECS_KEY]))]
        wanted = measures.wanted_splits(examples, exec_properties.get(SPLITS_KEY), "input examples")
        model_dir = None
        if input_dict.get("codec_model"):
            model_dir = path_utils.serving_model_path(artifact_utils.get_single_instance(input_dict["codec_model"]).uri)
        specs = [_with_model(spec, model_dir) for spec in specs]
        sample = None
        if any(spec.is_matched for spec in specs):  # one sample serves every matched spec
            limit = int(exec_properties.get(MATCH_SAMPLE_KEY) or 16)
            sample = [im.numpy() for im in examples_io.image_dataset(_files(examples, wanted[0])).take(limit)]
        resolved = _resolve(specs, sample)

        out = artifact_utils.get_single_instance(output_dict["compressed_examples"])
        out.split_names = artifact_utils.encode_split_names(
            [examples_io.split_name(s, key) for key, _ in resolved for s in wanted])
        out.set_string_custom_property("codec_specs", json.dumps({key: dataconf.to_dict(spec)
                                                                  for key, spec in resolved}))
        out.set_string_custom_property("source_splits", json.dumps(wanted))
        examples_beam.describe(out)
        pipeline = self._make_beam_pipeline()
        stats = []
        for key, spec in resolved:
            for split in wanted:
                name = examples_io.split_name(split, key)
                parts = []
                for rate in spec.rates():  # a sweep's qualities all go into the one split
                    label = name if not spec.is_sweep else f"{name}@{rate.quality:g}"
                    compressed = (pipeline
                                  | f"Read[{label}]" >> examples_beam.read(examples, split)
                                  | f"Compress[{label}]" >> beam.ParDo(compress_transform.CompressExample(rate)))
                    parts.append(compressed | f"Examples[{label}]" >> beam.Keys())
                    stats.append(compressed | f"Measures[{label}]" >> beam.Values()
                                 | f"Mean[{label}]" >> beam.CombineGlobally(measures.MeanMeasures(compress_transform.MEASURES))
                                 | f"Tag[{label}]" >> beam.Map(lambda m, k=key, s=split, q=rate: {
                                     "spec": k, "split": s, "codec": q.codec, "quality": q.quality, **m}))
                _ = (parts | f"Join[{name}]" >> beam.Flatten()
                     | f"Write[{name}]" >> examples_beam.write(out, name))
        rd_dir = artifact_utils.get_single_instance(output_dict["rate_distortion"]).uri
        _ = (stats | "AllStats" >> beam.Flatten() | "Collect" >> beam.combiners.ToList()
             | "WriteStats" >> beam.Map(_write_stats, rd_dir))
        result = pipeline.run()
        result.wait_until_finish()


def _write_stats(rows: list[dict], directory: str) -> None:
    measures.write_rows(rows, os.path.join(directory, STATS_FILE), lambda r: (r["codec"], r["split"], r["quality"]))
    split = "train" if any(r["split"] == "train" for r in rows) else rows[0]["split"]
    points = [r for r in rows if r["split"] == split and r["images"]]
    local = os.path.join(directory, PLOT_FILE)
    rd_plot.plot_rate_distortion(points, local, title=f"Rate-distortion on split '{split}'")
