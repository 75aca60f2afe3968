"""Compression: every requested split compressed with every codec spec (real bitstreams)."""
from __future__ import annotations

import json
from typing import Optional, Sequence

from tfx import types
from tfx.dsl.components.base import base_beam_component, executor_spec
from tfx.types import standard_artifacts
from tfx.types.component_spec import ChannelParameter, ComponentSpec, ExecutionParameter

import dataconf
from components.artifacts import RateDistortion
from components.compression import executor
from image_codecs.specs import CodecSpec

__all__ = ["Compression"]


class CompressionSpec(ComponentSpec):
    PARAMETERS = {
        executor.SPECS_KEY: ExecutionParameter(type=str),
        executor.SPLITS_KEY: ExecutionParameter(type=str),
        executor.MATCH_SAMPLE_KEY: ExecutionParameter(type=int),
    }
    INPUTS = {
        "examples": ChannelParameter(type=standard_artifacts.Examples),
        "codec_model": ChannelParameter(type=standard_artifacts.Model, optional=True),
    }
    OUTPUTS = {
        "compressed_examples": ChannelParameter(type=standard_artifacts.Examples),
        "rate_distortion": ChannelParameter(type=RateDistortion),
    }


class Compression(base_beam_component.BaseBeamComponent):
    """Output ``compressed_examples`` has a split ``<split>__<spec key>`` per input split and spec (see
    ``examples_io.split_name``); each example keeps the original image and label and adds the
    bitstream, decoded PNG, bpp, PSNR, MS-SSIM (and dB), timings, codec and quality.
    ``rate_distortion`` holds the per-spec means and the R-D plot."""

    SPEC_CLASS = CompressionSpec
    EXECUTOR_SPEC = executor_spec.BeamExecutorSpec(executor.Executor)

    def __init__(self, examples: types.BaseChannel, specs: Sequence[CodecSpec],
                 splits: Sequence[str] = (), codec_model: Optional[types.BaseChannel] = None,
                 match_sample_size: int = 16):
        if not specs:
            raise ValueError("Compression needs at least one codec spec")
        spec = CompressionSpec(
            examples=examples, codec_model=codec_model,
            codec_specs=json.dumps([dataconf.to_dict(s) for s in specs]),
            splits=json.dumps(list(splits)), match_sample_size=match_sample_size,
            compressed_examples=types.Channel(type=standard_artifacts.Examples),
            rate_distortion=types.Channel(type=RateDistortion))
        super().__init__(spec=spec)
