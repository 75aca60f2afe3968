"""The experiment config: one YAML file, validated into dataclasses.

Shipped configs live in ``pipelines/configs/<name>.yaml`` and are named without a path
(``dsr run --config demo``). Relative paths in a config resolve against the current
working directory.
"""
from __future__ import annotations

import dataclasses
import os
import re
from typing import Any, Optional

import yaml

import dataconf
from image_codecs.specs import CodecSpec
from image_datasets.ingest import IngestConfig
from image_datasets.texture_city.generator import DemoSpec

__all__ = ["ExperimentConfig", "CodecTrainingConfig", "CompressionConfig", "load_config", "shipped_configs",
           "CONFIG_DIR"]

CONFIG_DIR = os.path.join(os.path.dirname(__file__), "configs")

DEFAULT_BEAM_ARGS = ("--direct_running_mode=multi_processing", "--direct_num_workers=2")


@dataclasses.dataclass
class CodecTrainingConfig:
    """Training of the Mean-Scale Hyperprior codec (one model per lambda, q1 = smallest).

    Attributes:
      split: the ingested split to train on (the paper uses images disjoint from the
        segmentation set: ``extra`` for Cityscapes/INRIA/SDD, ``auxiliary`` in the demo).
      preset: MSH preset (``tiny`` or ``paper``); ``overrides`` changes single fields.
      lambdas: rate-distortion trade-offs, one model each.
      steps: training steps per model.
    """

    split: str = "extra"
    preset: str = "tiny"
    lambdas: tuple[float, ...] = (0.0015, 0.005, 0.015)
    steps: int = 2000
    overrides: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class CompressionConfig:
    """Codecs and rates; ``splits`` empty = every ingested split."""

    specs: list[CodecSpec]
    splits: tuple[str, ...] = ()


@dataclasses.dataclass
class ExperimentConfig:
    """Attributes:
      name: the pipeline name (also the default run directory ``runs/<name>``); lower-case
        letters, digits and '-'.
      ingest: the dataset to ingest.
      demo_data: when set, the built-in texture-city dataset is generated at
        ``ingest.root`` with these counts if it is not there yet.
      beam_args: Beam pipeline arguments for every Beam step.
      statistics: run StatisticsGen on the ingested examples.
      codec_training: train MSH models for the ``msh`` codec specs.
      compression: compress the ingested splits with these codec specs.
    """

    name: str
    ingest: IngestConfig
    demo_data: Optional[DemoSpec] = None
    beam_args: tuple[str, ...] = DEFAULT_BEAM_ARGS
    statistics: bool = True
    codec_training: Optional[CodecTrainingConfig] = None
    compression: Optional[CompressionConfig] = None

    def __post_init__(self):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,127}", self.name):
            raise ValueError(f"name {self.name!r} must be lower-case letters, digits and '-' (Kubeflow's rule for "
                             "pipeline names)")
        uses_msh = self.compression is not None and any(
            s.codec == "msh" and "model" not in s.options for s in self.compression.specs)
        if uses_msh and self.codec_training is None:
            raise ValueError("compression uses msh without options.model, so codec_training must be configured")


def shipped_configs() -> list[str]:
    return sorted(f[:-5] for f in os.listdir(CONFIG_DIR) if f.endswith(".yaml"))


def load_config(name_or_path: str) -> ExperimentConfig:
    """Loads a shipped config by name, or a YAML file by path.

    Raises:
      FileNotFoundError: neither a file nor a shipped name.
      dataconf.ConfigError: naming the bad key.
    """
    path = name_or_path
    if not os.path.exists(path):
        shipped = os.path.join(CONFIG_DIR, f"{name_or_path}.yaml")
        if not os.path.exists(shipped):
            raise FileNotFoundError(f"config {name_or_path!r} is neither a file nor one of the shipped "
                                    f"configs {shipped_configs()}")
        path = shipped
    with open(path) as f:
        try:
            data = yaml.safe_load(f)
        except yaml.YAMLError as e:
            raise dataconf.ConfigError(f"{path}: not valid YAML: {e}") from e
    return dataconf.from_dict(ExperimentConfig, data, where=os.path.basename(path))
