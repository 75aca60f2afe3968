"""DatasetRestoration: a trained restorer applied to every image of the requested
compressed splits (the paper's *dataset restoration*)."""
from __future__ import annotations

import json
from typing import Sequence

from tfx import types
from tfx.dsl.components.base import base_beam_component, executor_spec
from tfx.types import standard_artifacts
from tfx.types.component_spec import ChannelParameter, ComponentSpec, ExecutionParameter

from components.artifacts import RestorationMeasures
from components.dataset_restoration import executor
from keras_models.restoration.tile_options import TileOptions

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
        "restoration_measures": ChannelParameter(type=RestorationMeasures),
    }


class DatasetRestoration(base_beam_component.BaseBeamComponent):
    """Output ``restored_examples`` keeps the input split names and every feature, and adds
    ``restored`` (PNG), ``restorer``, ``restored_psnr`` and ``restored_ms_ssim_db``;
    ``restoration_measures`` holds ``restoration.json``: per split the mean bpp, PSNR and
    MS-SSIM (dB) before and after restoration, and the naturalness index of original,
    compressed and restored images. Images are restored in overlapping tiles with context
    around each (``tiles``; bounded memory for any image size)."""

    SPEC_CLASS = DatasetRestorationSpec
    EXECUTOR_SPEC = executor_spec.BeamExecutorSpec(executor.Executor)

    def __init__(self, compressed_examples: types.BaseChannel, model: types.BaseChannel,
                 splits: Sequence[str] = (), tiles: TileOptions = TileOptions(), naturalness_sample: int = 48):
        spec = DatasetRestorationSpec(
            compressed_examples=compressed_examples, model=model, splits=json.dumps(list(splits)), tile=tiles.tile,
            margin=tiles.margin, overlap=tiles.overlap, naturalness_sample=naturalness_sample,
            restored_examples=types.Channel(type=standard_artifacts.Examples),
            restoration_measures=types.Channel(type=RestorationMeasures))
        super().__init__(spec=spec)
