"""DatasetRestoration: a trained restorer applied to every image of the requested
compressed splits (the paper's *dataset restoration*)."""
from __future__ import annotations

import json
from typing import Sequence

from tfx import types
from tfx.dsl.components.base import base_beam_component, executor_spec
from tfx.types import standard_artifacts
from tfx.types.component_spec import ChannelParameter, ComponentSpec, ExecutionParameter

from components.artifacts import RateDistortion
from components.dataset_restoration import executor

__all__ = ["DatasetRestoration"]


class DatasetRestorationSpec(ComponentSpec):
    PARAMETERS = {
        executor.SPLITS_KEY: ExecutionParameter(type=str),
        executor.TILE_KEY: ExecutionParameter(type=int),
        executor.MARGIN_KEY: ExecutionParameter(type=int),
        executor.OVERLAP_KEY: ExecutionParameter(type=int),
        executor.NATURALNESS_SAMPLE_KEY: ExecutionParameter(type=int),
    }
    INPUTS = {
        "compressed_examples": ChannelParameter(type=standard_artifacts.Examples),
        "model": ChannelParameter(type=standard_artifacts.Model),
    }
    OUTPUTS = {
        "restored_examples": ChannelParameter(type=standard_artifacts.Examples),
        "restoration_measures": ChannelParameter(type=RateDistortion),
    }


class DatasetRestoration(base_beam_component.BaseBeamComponent):
    """Output ``restored_examples`` keeps the input split names and every feature, and adds
    ``restored`` (PNG), ``restorer``, ``restored_psnr`` and ``restored_ms_ssim_db``;
    ``restoration_measures`` holds ``restoration.json``: per split the mean bpp, PSNR and
    MS-SSIM (dB) before and after restoration, and the naturalness index of original,
    compressed and restored images. Images are restored in overlapping ``tile``-pixel tiles
    with ``margin`` pixels of context (bounded memory for any image size)."""

    SPEC_CLASS = DatasetRestorationSpec
    EXECUTOR_SPEC = executor_spec.BeamExecutorSpec(executor.Executor)

    def __init__(self, compressed_examples: types.BaseChannel, model: types.BaseChannel,
                 splits: Sequence[str] = (), tile: int = 512, margin: int = 32, overlap: int = 32,
                 naturalness_sample: int = 48):
        spec = DatasetRestorationSpec(
            compressed_examples=compressed_examples, model=model, splits=json.dumps(list(splits)), tile=tile,
            margin=margin, overlap=overlap, naturalness_sample=naturalness_sample,
            restored_examples=types.Channel(type=standard_artifacts.Examples),
            restoration_measures=types.Channel(type=RateDistortion))
        super().__init__(spec=spec)
