"""The pipeline factory: ``create_pipeline(config, run_dir)`` wires the components.

Pure wiring, no I/O. Later stages (compression, restoration, segmentation, evaluation,
push) are added here as their components land.
"""
from __future__ import annotations

import itertools
import os

from tfx import v1 as tfx

from components.compression.component import Compression
from components.dataset_restoration.component import DatasetRestoration
from components.examples_io import split_name
from components.msh_trainer import MshTrainerConfig
from components.restoration_trainer import RestorationTrainerConfig
from components.segmentation_trainer import SegmentationTrainerConfig
from components.image_example_gen.component import ImageExampleGen
import dataconf
from image_datasets.labels import CITYSCAPES_SMALL_OBJECTS
from keras_models.segmentation import configurations
from keras_models.segmentation.configurations import Configuration
from pipelines import evaluation
from pipelines.config import ExperimentConfig

__all__ = ["create_pipeline", "RunPaths", "restoration_id", "segmentation_ids", "SEED_PREFIX"]


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
            custom_config=dataconf.to_dict(MshTrainerConfig(ct.preset, ct.lambdas, dict(ct.overrides))),
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
    restored = {}
    if config.restoration is not None:
        restored = _restoration(config, compression)
        components += [c for pair in restored.values() for c in pair]
    if config.segmentation is not None:
        segmentation = _segmentation(config, example_gen, compression, restored)
        components += segmentation
        if config.serving is not None:
            components += _pushers(config, paths, segmentation, restored)
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


def _restoration(config: ExperimentConfig, compression: Compression) -> dict:
    """{(restorer name, spec key): (RestorationTrainer, DatasetRestoration)}."""
    stage, out = config.restoration, {}
    for key in stage.specs:
        for r in stage.restorers:
            pairs = split_name(r.source, key)
            trainer = tfx.components.Trainer(
                run_fn="components.restoration_trainer.run_fn",
                examples=compression.outputs["compressed_examples"],
                train_args=tfx.proto.TrainArgs(splits=[pairs], num_steps=r.steps),
                eval_args=tfx.proto.EvalArgs(splits=[pairs], num_steps=1),
                custom_config=dataconf.to_dict(RestorationTrainerConfig(r.preset, dict(r.overrides), r.seed,
                                                                        f"{r.name}:{pairs}")),
            ).with_id(restoration_id("RestorationTrainer", r.name, key))
            restorer = DatasetRestoration(
                compressed_examples=compression.outputs["compressed_examples"], model=trainer.outputs["model"],
                splits=[split_name(s, key) for s in stage.splits], tiles=stage.tiles,
            ).with_id(restoration_id("DatasetRestoration", r.name, key))
            out[(r.name, key)] = (trainer, restorer)
    return out


SEED_PREFIX = "seed"


def segmentation_ids(configuration: Configuration, spec_key: str | None = None,
                     restorer: str | None = None, seed: int = 0) -> tuple[str, str]:
    """(trainer id, evaluator id), e.g. ``SegmentationTrainer.comp.jpeg_q5`` and
    ``Evaluator.comp-on-orig.jpeg_q5``. Domains are spelled out (``orig``, ``priv-rest``...)
    because Kubeflow task names are case-insensitive (``OO`` vs ``oO``). A training seed other
    than 0 ends both ids (``.seed2``), so seed 0 keeps the ids (and the cache) of a one-seed run."""
    c, train = configuration, configuration.training
    trainer_parts = [spec_key] if train.reads != configurations.INGESTED else []
    if train.reads == configurations.RESTORED:
        trainer_parts.append(restorer)
    evaluator_parts = ([spec_key] if c.needs_codec else []) + ([restorer] if c.needs_restorer else [])
    suffix = [f"{SEED_PREFIX}{seed}"] if seed else []
    return (".".join(["SegmentationTrainer", train.word] + trainer_parts + suffix),
            ".".join(["Evaluator", f"{train.word}-on-{c.testing.word}"] + evaluator_parts + suffix))


def _segmentation(config: ExperimentConfig, example_gen, compression, restored: dict) -> list:
    seg, ingest = config.segmentation, config.ingest
    num_classes, class_names, small = _label_info(ingest)
    trainers, components = {}, []

    def domain_split(reads: str, split: str, key, restorer):
        """The Examples channel and split name a domain reading ``reads`` takes ``split`` from."""
        if reads == configurations.INGESTED:
            return example_gen.outputs["examples"], split
        if reads == configurations.COMPRESSED:
            return compression.outputs["compressed_examples"], split_name(split, key)
        return restored[(restorer, key)][1].outputs["restored_examples"], split_name(split, key)

    def trainer_for(c: Configuration, key, restorer, seed):
        trainer_id, _ = segmentation_ids(c, key, restorer, seed)
        if trainer_id in trainers:
            return trainers[trainer_id]
        examples, split = domain_split(c.training.reads, "train", key, restorer)
        trainer = tfx.components.Trainer(
            run_fn="components.segmentation_trainer.run_fn", examples=examples,
            train_args=tfx.proto.TrainArgs(splits=[split], num_steps=seg.steps),
            eval_args=tfx.proto.EvalArgs(splits=[split], num_steps=1),
            custom_config=dataconf.to_dict(SegmentationTrainerConfig(
                c.train, seg.training, num_classes, tuple(class_names), ingest.privileged_fraction, seed)),
        ).with_id(trainer_id)
        trainers[trainer_id] = trainer
        components.append(trainer)
        return trainer

    for c in seg.parsed:
        keys = list(seg.specs if c.needs_codec else [None]) + list(seg.sweeps if c.sweepable else [])
        restorer_names = ([r.name for r in config.segmentation_restorers(c.needs_restorer)]
                          if c.needs_restorer else [None])
        for key, restorer, seed in itertools.product(keys, restorer_names, seg.seed_list):
            trainer = trainer_for(c, key, restorer, seed)
            examples, split = domain_split(c.testing.reads, seg.test_split, key, restorer)
            _, evaluator_id = segmentation_ids(c, key, restorer, seed)
            components.append(tfx.components.Evaluator(
                examples=examples, model=trainer.outputs["model"], example_splits=[split],
                eval_config=evaluation.segmentation_eval_config(c.test_feature, num_classes, small,
                                                                seg.miou_threshold),
            ).with_id(evaluator_id))
    return components


def _label_info(ingest) -> tuple[int, list[str], list[int]]:
    """(number of classes, class names, small-object class ids) of the ingested dataset."""
    from image_datasets import ingest as ingest_lib  # pylint: disable=g-import-not-at-top
    names = list(ingest_lib.label_table(ingest).class_names)
    small = [i for i, n in enumerate(names) if n in CITYSCAPES_SMALL_OBJECTS]
    return len(names), names, small


def _pushers(config: ExperimentConfig, paths: RunPaths, segmentation: list, restored: dict) -> list:
    serving, seg = config.serving, config.segmentation
    c = Configuration.parse(serving.configuration)
    key = seg.specs[0] if c.needs_codec else None
    restorers = config.segmentation_restorers(c.needs_restorer) if c.needs_restorer else []
    trainer_id, evaluator_id = segmentation_ids(c, key, restorers[0].name if restorers else None, seg.seed)
    by_id = {comp.id: comp for comp in segmentation}
    pushers = [tfx.components.Pusher(
        model=by_id[trainer_id].outputs["model"], model_blessing=by_id[evaluator_id].outputs["blessing"],
        push_destination=tfx.proto.PushDestination(filesystem=tfx.proto.PushDestination.Filesystem(
            base_directory=os.path.join(paths.serving_models, serving.model_name))),
    ).with_id(f"Pusher.{serving.model_name}")]
    if serving.push_restorers:
        for (name, spec_key), (trainer, _) in restored.items():
            model_name = f"restorer-{name}-{spec_key}"
            pushers.append(tfx.components.Pusher(
                model=trainer.outputs["model"],
                push_destination=tfx.proto.PushDestination(filesystem=tfx.proto.PushDestination.Filesystem(
                    base_directory=os.path.join(paths.serving_models, model_name))),
            ).with_id(f"Pusher.{model_name}"))
    return pushers
