"""Runs a pipeline with LocalDagRunner and SQLite metadata under a run directory."""
from __future__ import annotations

import logging
import os

from tfx import v1 as tfx

from image_datasets.texture_city import generator
from pipelines.config import ExperimentConfig
from pipelines.pipeline import RunPaths, create_pipeline

__all__ = ["prepare_demo_data", "run"]


def prepare_demo_data(config: ExperimentConfig, progress=None) -> None:
    """Generates the texture-city dataset at ``config.ingest.root`` if the config asks for it."""
    if config.demo_data is not None:
        logging.info("texture-city: making sure %s holds the demo dataset", config.ingest.root)
        generator.write_dataset(config.ingest.root, config.demo_data, progress=progress)


def run(config: ExperimentConfig, run_dir: str) -> RunPaths:
    paths = RunPaths(run_dir)
    os.makedirs(paths.run_dir, exist_ok=True)
    tfx.orchestration.LocalDagRunner().run(create_pipeline(config, run_dir))
    return paths
