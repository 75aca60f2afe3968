"""Runs a pipeline with LocalDagRunner and SQLite metadata under a run directory."""
from __future__ import annotations

import contextlib
import logging
import os
from typing import IO, Optional

from tfx import v1 as tfx

from image_datasets.texture_city import generator
from pipelines import heap_release, stage_progress
from pipelines.config import ExperimentConfig
from pipelines.pipeline import RunPaths, create_pipeline
from serving import layout

__all__ = ["prepare_demo_data", "run"]


def prepare_demo_data(config: ExperimentConfig, progress=None) -> None:
    """Generates the texture-city dataset at ``config.ingest.root`` if the config asks for it."""
    if config.demo_data is not None:
        logging.info("texture-city: making sure %s holds the demo dataset", config.ingest.root)
        generator.write_dataset(config.ingest.root, config.demo_data, progress=progress)


def run(config: ExperimentConfig, run_dir: str, runner: str = "local", stages: Optional[IO[str]] = None,
        release_memory: bool = True) -> RunPaths:
    """Runs the pipeline with LocalDagRunner (default) or BeamDagRunner, SQLite metadata.

    Both reuse cached outputs of unchanged components on a rerun, so an interrupted run
    resumes without redoing finished components. With ``stages``, one line per component
    (started; done in how long, or cached) goes there (``stage_progress``). Both runners run
    every component in this process: with ``release_memory``, what each component freed is
    given back to the system as it ends (``heap_release``; the objects alive before the run are
    set aside from those collections, ``heap_release.frozen``).
    """
    if runner not in ("local", "beam"):
        raise ValueError(f"unknown runner {runner!r}; expected local or beam")
    paths = RunPaths(run_dir)
    os.makedirs(paths.run_dir, exist_ok=True)
    pipeline = create_pipeline(config, run_dir)
    after_each = heap_release.release if release_memory else None
    set_aside = heap_release.frozen() if release_memory else contextlib.nullcontext()
    with set_aside, stage_progress.report_stages(len(pipeline.components), stages, after_each):
        if runner == "local":
            tfx.orchestration.LocalDagRunner().run(pipeline)
        else:
            from tfx.orchestration.beam.beam_dag_runner import BeamDagRunner  # pylint: disable=g-import-not-at-top
            BeamDagRunner().run(pipeline)
    if os.path.isdir(paths.serving_models) and layout.list_models(paths.serving_models):
        layout.write_models_config(paths.serving_models)
    return paths
