"""The pipeline factory: ``create_pipeline(config, run_dir)`` wires the components.

Pure wiring, no I/O. Later stages (compression, restoration, segmentation, evaluation,
push) are added here as their components land.
"""
from __future__ import annotations

import os

from tfx import v1 as tfx

from components.compression.component import Compression
from components.compression.executor import split_name
from components.dataset_restoration.component import DatasetRestoration
from components.image_example_gen.component import ImageExampleGen
from pipelines.config import ExperimentConfig

__all__ = ["create_pipeline", "RunPaths", "restoration_id"]


class RunPaths:
    """The run directory layout: pipeline_root/, metadata.sqlite, serving_models/, report/."""

    def __init__(self, run_dir: str):
        self.run_dir = os.path.abspath(run_dir)
        self.pipeline_root = os.path.join(self.run_dir, "pipeline_root")
        self.metadata = os.path.join(self.run_dir, "metadata.sqlite")
        self.serving_models = os.path.join(self.run_dir, "serving_models")
        self.report = os.path.join(self.run_dir, "report")


def create_pipeline(config: ExperimentConfig, run_dir: str, pipeline_root: str | None = None,
                    metadata: bool = True) -> tfx.dsl.Pipeline:
    """The pipeline of ``config``.

    Args:
      config: the experiment.
      run_dir: the local run directory (pipeline_root/, metadata.sqlite, ...).
      pipeline_root: overrides ``run_dir/pipeline_root`` (e.g. a bucket for Kubeflow).
      metadata: attach the run directory's SQLite metadata (False for cluster runners,
        which bring their own).
    """
    paths = RunPaths(run_dir)
    example_gen = ImageExampleGen(config.ingest)
    components = [example_gen]
    if config.statistics:
        components.append(tfx.components.StatisticsGen(examples=example_gen.outputs["examples"]))
    codec_trainer = None
    if config.codec_training is not None:
        ct = config.codec_training
        codec_trainer = tfx.components.Trainer(
            run_fn="components.msh_trainer.run_fn",
            examples=example_gen.outputs["examples"],
            train_args=tfx.proto.TrainArgs(splits=[ct.split], num_steps=ct.steps),
            eval_args=tfx.proto.EvalArgs(splits=[ct.split], num_steps=1),
            custom_config={"preset": ct.preset, "lambdas": list(ct.lambdas), "overrides": dict(ct.overrides)},
        ).with_id("CodecTrainer")
        components.append(codec_trainer)
    compression = None
    if config.compression is not None:
        uses_msh = any(s.codec == "msh" for s in config.compression.specs)
        compression = Compression(
            examples=example_gen.outputs["examples"], specs=config.compression.specs,
            splits=config.compression.splits,
            codec_model=codec_trainer.outputs["model"] if (uses_msh and codec_trainer) else None)
        components.append(compression)
    if config.restoration is not None:
        components += _restoration(config, compression)
    return tfx.dsl.Pipeline(
        pipeline_name=config.name,
        pipeline_root=pipeline_root or paths.pipeline_root,
        components=components,
        enable_cache=True,
        metadata_connection_config=(tfx.orchestration.metadata.sqlite_metadata_connection_config(paths.metadata)
                                    if metadata else None),
        beam_pipeline_args=list(config.beam_args),
    )


def restoration_id(kind: str, restorer: str, spec_key: str) -> str:
    """``RestorationTrainer.finenet.jpeg_q5`` / ``DatasetRestoration.finenet.jpeg_q5``."""
    return f"{kind}.{restorer}.{spec_key}"


def _restoration(config: ExperimentConfig, compression: Compression) -> list:
    stage, out = config.restoration, []
    for key in stage.specs:
        for r in stage.restorers:
            pairs = split_name(r.source, key)
            trainer = tfx.components.Trainer(
                run_fn="components.restoration_trainer.run_fn",
                examples=compression.outputs["compressed_examples"],
                train_args=tfx.proto.TrainArgs(splits=[pairs], num_steps=r.steps),
                eval_args=tfx.proto.EvalArgs(splits=[pairs], num_steps=1),
                custom_config={"preset": r.preset, "overrides": dict(r.overrides), "seed": r.seed,
                               "name": f"{r.name}:{pairs}"},
            ).with_id(restoration_id("RestorationTrainer", r.name, key))
            restorer = DatasetRestoration(
                compressed_examples=compression.outputs["compressed_examples"], model=trainer.outputs["model"],
                splits=[split_name(s, key) for s in stage.splits], tile=stage.tile, margin=stage.margin,
                overlap=stage.overlap,
            ).with_id(restoration_id("DatasetRestoration", r.name, key))
            out += [trainer, restorer]
    return out
