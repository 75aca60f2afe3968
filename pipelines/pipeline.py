"""The pipeline factory: ``create_pipeline(config, run_dir)`` wires the components.

Pure wiring, no I/O: ingestion, statistics, MSH training, compression, restorer training and
dataset restoration, segmentation training and evaluation per configuration, and the Pushers.
What a configuration reads and how its components are named is the configuration's
(``keras_models.segmentation.configurations``).
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
from pipelines import beam_args, evaluation
from pipelines.config import ExperimentConfig

__all__ = ["create_pipeline", "RunPaths"]


class RunPaths:
    """The run directory layout: pipeline_root/, metadata.sqlite, serving_models/, report/."""

    def __init__(self, run_dir: str):
        self.run_dir = os.path.abspath(run_dir)
        self.pipeline_root = os.path.join(self.run_dir, "pipeline_root")
        self.metadata = os.path.join(self.run_dir, "metadata.sqlite")
        self.serving_models = os.path.join(self.run_dir, "serving_models")
        self.report = os.path.join(self.run_dir, "report")


def create_pipeline(config: ExperimentConfig, run_dir: str, pipeline_root: str | None = None,
                    metadata: bool = True, image: str | None = None) -> tfx.dsl.Pipeline:
    """The pipeline of ``config``.

    Args:
      config: the experiment.
      run_dir: the local run directory (pipeline_root/, metadata.sqlite, ...).
      pipeline_root: overrides ``run_dir/pipeline_root`` (e.g. a bucket for Kubeflow).
      metadata: attach the run directory's SQLite metadata (False for cluster runners,
        which bring their own).
      image: the container image the steps run on a cluster, which the Beam steps name as their
        workers' dependency (``pipelines.beam_args``, which also names the local runner).
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
        beam_pipeline_args=beam_args.complete(config.beam_args, image),
    )


def _restoration(config: ExperimentConfig, compression: Compression) -> dict:
    """{(restorer name, spec key, fraction): (RestorationTrainer, DatasetRestoration)}; fraction
    None for restorers that learn from every pair of their split."""
    stage, out = config.restoration, {}
    ingested = config.ingest.privileged_fraction
    # The smaller fractions each restorer also learns at: those of the configurations it serves.
    fractions: dict[str, set] = {}
    for c in config.segmentation.parsed if config.segmentation else []:
        fraction = c.restorer_fraction(ingested)
        if fraction is not None:
            for r in config.restorers_for(c):
                fractions.setdefault(r.name, set()).add(fraction)
    for key in stage.specs:
        for r in stage.restorers:
            for fraction in [None] + sorted(fractions.get(r.name, ())):
                pairs = split_name(r.source, key)
                name = r.name + ("" if fraction is None else f"@{fraction:g}")  # as the report names it
                trainer = tfx.components.Trainer(
                    run_fn="components.restoration_trainer.run_fn",
                    examples=compression.outputs["compressed_examples"],
                    train_args=tfx.proto.TrainArgs(splits=[pairs], num_steps=r.steps),
                    eval_args=tfx.proto.EvalArgs(splits=[pairs], num_steps=1),
                    custom_config=dataconf.to_dict(RestorationTrainerConfig(r.preset, dict(r.overrides), r.seed,
                                                                            f"{name}:{pairs}", fraction)),
                ).with_id(configurations.restoration_id("RestorationTrainer", r.name, key, fraction))
                restorer = DatasetRestoration(
                    compressed_examples=compression.outputs["compressed_examples"], model=trainer.outputs["model"],
                    splits=[split_name(s, key) for s in stage.splits], tiles=stage.tiles,
                ).with_id(configurations.restoration_id("DatasetRestoration", r.name, key, fraction))
                out[(r.name, key, fraction)] = (trainer, restorer)
    return out


def _segmentation(config: ExperimentConfig, example_gen, compression, restored: dict) -> list:
    seg, ingest = config.segmentation, config.ingest
    num_classes, class_names, small = _label_info(ingest)
    trainers, components = {}, []

    def domain_split(c: Configuration, reads: str, split: str, key, restorer):
        """The Examples channel and split name ``c``'s domain reading ``reads`` takes ``split`` from."""
        if reads == configurations.INGESTED:
            return example_gen.outputs["examples"], split
        if reads == configurations.COMPRESSED:
            return compression.outputs["compressed_examples"], split_name(split, key)
        fraction = c.restorer_fraction(ingest.privileged_fraction)
        return restored[(restorer, key, fraction)][1].outputs["restored_examples"], split_name(split, key)

    def trainer_for(c: Configuration, key, restorer, seed):
        trainer_id, _ = configurations.component_ids(c, key, restorer, seed)
        if trainer_id in trainers:
            return trainers[trainer_id]
        examples, split = domain_split(c, c.training.reads, "train", key, restorer)
        trainer = tfx.components.Trainer(
            run_fn="components.segmentation_trainer.run_fn", examples=examples,
            train_args=tfx.proto.TrainArgs(splits=[split], num_steps=seg.steps),
            eval_args=tfx.proto.EvalArgs(splits=[split], num_steps=1),
            custom_config=dataconf.to_dict(SegmentationTrainerConfig(
                c.train, seg.training, num_classes, tuple(class_names),
                c.privileged_fraction(ingest.privileged_fraction), seed)),
        ).with_id(trainer_id)
        trainers[trainer_id] = trainer
        components.append(trainer)
        return trainer

    for c in seg.parsed:
        keys = list(seg.specs if c.needs_codec else [None]) + list(seg.sweeps if c.sweepable else [])
        restorer_names = [r.name for r in config.restorers_for(c)] or [None]
        for key, restorer, seed in itertools.product(keys, restorer_names, seg.seed_list):
            trainer = trainer_for(c, key, restorer, seed)
            examples, split = domain_split(c, c.testing.reads, seg.test_split, key, restorer)
            _, evaluator_id = configurations.component_ids(c, key, restorer, seed)
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
    restorers = config.restorers_for(c)
    trainer_id, evaluator_id = configurations.component_ids(c, key, restorers[0].name if restorers else None,
                                                            seg.seed)
    by_id = {comp.id: comp for comp in segmentation}
    pushers = [tfx.components.Pusher(
        model=by_id[trainer_id].outputs["model"], model_blessing=by_id[evaluator_id].outputs["blessing"],
        push_destination=tfx.proto.PushDestination(filesystem=tfx.proto.PushDestination.Filesystem(
            base_directory=os.path.join(paths.serving_models, serving.model_name))),
    ).with_id(f"Pusher.{serving.model_name}")]
    if serving.push_restorers:
        for (name, spec_key, fraction), (trainer, _) in restored.items():
            model_name = f"restorer-{name}-{spec_key}" + (f"-{configurations.fraction_word(fraction)}"
                                                          if fraction is not None else "")
            pushers.append(tfx.components.Pusher(
                model=trainer.outputs["model"],
                push_destination=tfx.proto.PushDestination(filesystem=tfx.proto.PushDestination.Filesystem(
                    base_directory=os.path.join(paths.serving_models, model_name))),
            ).with_id(f"Pusher.{model_name}"))
    return pushers
