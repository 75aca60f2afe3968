"""The experiment config: one YAML file, validated into dataclasses.

Shipped configs live in ``pipelines/configs/<name>.yaml`` and are named without a path
(``dsr run --config demo``). Relative paths in a config resolve against the current
working directory.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Optional

import yaml

import dataconf
from image_datasets.ingest import IngestConfig
from image_datasets.texture_city.generator import DemoSpec

__all__ = ["ExperimentConfig", "load_config", "shipped_configs", "CONFIG_DIR"]

CONFIG_DIR = os.path.join(os.path.dirname(__file__), "configs")

DEFAULT_BEAM_ARGS = ("--direct_running_mode=multi_processing", "--direct_num_workers=2")


@dataclasses.dataclass
class ExperimentConfig:
    """Attributes:
      name: the pipeline name (also the default run directory ``runs/<name>``).
      ingest: the dataset to ingest.
      demo_data: when set, the built-in texture-city dataset is generated at
        ``ingest.root`` with these counts if it is not there yet.
      beam_args: Beam pipeline arguments for every Beam step.
      statistics: run StatisticsGen on the ingested examples.
    """

    name: str
    ingest: IngestConfig
    demo_data: Optional[DemoSpec] = None
    beam_args: tuple[str, ...] = DEFAULT_BEAM_ARGS
    statistics: bool = True


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
