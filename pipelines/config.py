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
from keras_models.restoration.tile_options import TileOptions
from keras_models.segmentation import configurations
from keras_models.segmentation.configurations import Configuration
from keras_models.segmentation.training import SegmentationTrainingConfig

__all__ = ["ExperimentConfig", "CodecTrainingConfig", "CompressionConfig", "RestorerSpec", "RestorationStage",
           "SegmentationStage", "ServingConfig", "load_config", "shipped_configs", "CONFIG_DIR"]

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
    """Codecs and rates; ``splits`` empty = every ingested split; ``anchor``: the codec the
    report's BD-rates compare against (default: BPG when it is tested, else the first codec)."""

    specs: list[CodecSpec]
    splits: tuple[str, ...] = ()
    anchor: Optional[str] = None

    def __post_init__(self):
        keys = [s.key for s in self.specs]
        if len(set(keys)) != len(keys):
            raise ValueError(f"compression.specs name the same spec twice: {keys}")
        fixed = {s.key for s in self.specs if s.quality is not None or s.match_bpp is not None}
        for s in self.specs:
            if s.match is not None and s.match not in fixed:
                raise ValueError(f"compression spec {s.key}: match must name a spec with one quality for the set "
                                 f"(quality or match_bpp): one of {sorted(fixed)}")
        if self.anchor is not None and self.anchor not in {s.codec for s in self.specs}:
            raise ValueError(f"compression.anchor {self.anchor!r} is not a codec of compression.specs")


@dataclasses.dataclass
class RestorerSpec:
    """One restorer to train per restored codec spec.

    Attributes:
      name: short id (letters, digits, '-'), e.g. ``finenet`` or ``rdn``.
      preset: a ``keras_models.restoration`` preset (``finenet-tiny``, ``finenet-paper``,
        ``rdn-psnr-paper``, ``rdn-msssim-tiny``...); ``overrides`` changes fields (nested dicts allowed).
      source: the split whose (compressed, original) pairs it learns from: ``privileged``
        (configurations R, r), ``auxiliary`` (configuration A: another dataset), or
        ``extra`` (unlabeled images of the same dataset).
      steps: training steps.
      fractions: a ``privileged`` restorer is also trained at each smaller privileged fraction
        the segmentation configurations name (``rO@0.125``: one more restorer per fraction,
        learning from that fraction's pairs); False keeps it at the ingestion's fraction (as the
        paper compares its RDN baselines at 50% only).
    """

    name: str
    preset: str = "finenet-tiny"
    source: str = "privileged"
    steps: int = 2000
    seed: int = 0
    overrides: dict[str, Any] = dataclasses.field(default_factory=dict)
    fractions: bool = True

    def __post_init__(self):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,30}", self.name):
            raise ValueError(f"restorer name {self.name!r} must be lower-case letters, digits and '-'")
        if re.fullmatch(r"seed\d+", self.name):
            raise ValueError(f"restorer name {self.name!r} is reserved for segmentation seeds in component ids")
        if self.source in ("train", "val", "test"):
            raise ValueError(f"restorer source {self.source!r} would train on the segmentation set; use "
                             "'privileged', 'auxiliary' or 'extra'")


@dataclasses.dataclass
class RestorationStage:
    """Restorer training and dataset restoration.

    Attributes:
      restorers: the restorers to train; each is trained once per codec spec in ``specs``.
      specs: keys of the compression specs whose images are restored (e.g. ``jpeg_q5``).
      splits: the compressed splits to restore: ``train`` (configurations RO, AO) and
        ``val``/``test`` (configuration OR).
      tile, margin, overlap: tiled restoration (bounded memory for any image size; see
        ``TileOptions``, whose defaults these are).
    """

    restorers: list[RestorerSpec]
    specs: tuple[str, ...]
    splits: tuple[str, ...] = ("train",)
    tile: int = TileOptions.tile
    margin: int = TileOptions.margin
    overlap: int = TileOptions.overlap

    @property
    def tiles(self) -> TileOptions:
        return TileOptions(self.tile, self.margin, self.overlap)


@dataclasses.dataclass
class SegmentationStage:
    """DeepLabv3+ under the paper's training/test configurations, evaluated with TFMA.

    Attributes:
      configurations: names such as ``OO``, ``CO``, ``CC``, ``OC``, ``RO``, ``OR``, ``AO``,
        ``oO``, ``rO``, ``o+cO``, ``o+rO`` (see ``keras_models.segmentation.configurations``).
        Configurations with the same training domain share one trained model.
      specs: compression spec keys for configurations that use compressed or restored images.
      sweeps: keys of rate-sweep compression specs (``qualities: [...]``): every configuration
        trained on original images and tested on compressed ones (``OC``) is also evaluated on
        each sweep's test split, by one Evaluator per sweep sliced by quality (no retraining).
      restorers: restorer names whose restored sets serve R/r/o+r (privileged source) and A
        (auxiliary or extra source); empty = every restorer of the restoration stage.
      training: the DeepLabv3+ preset and training settings; ``steps`` per model.
      test_split: the ingested split the configurations are tested on (``val``).
      miou_threshold: the Evaluator blesses a model whose mIoU reaches this (0..1).
      seed: the first training seed.
      seeds: every configuration is trained and evaluated with this many seeds (``seed``,
        ``seed + 1``, ...), everything upstream shared; the report gives means with
        confidence intervals and paired differences between configurations.
    """

    configurations: tuple[str, ...] = ("OO", "CO", "CC", "RO")
    specs: tuple[str, ...] = ()
    sweeps: tuple[str, ...] = ()
    restorers: tuple[str, ...] = ()
    training: SegmentationTrainingConfig = dataclasses.field(default_factory=SegmentationTrainingConfig)
    steps: int = 2000
    test_split: str = "val"
    miou_threshold: float = 0.0
    seed: int = 0
    seeds: int = 1

    def __post_init__(self):
        for name in self.configurations:
            Configuration.parse(name)
        if self.seed < 0 or self.seeds < 1:
            raise ValueError(f"segmentation.seed must be >= 0 and seeds >= 1, got seed={self.seed}, seeds={self.seeds}")

    @property
    def seed_list(self) -> list[int]:
        """The training seeds, first ``seed``."""
        return list(range(self.seed, self.seed + self.seeds))

    @property
    def parsed(self) -> list[Configuration]:
        return [Configuration.parse(n) for n in self.configurations]


@dataclasses.dataclass
class ServingConfig:
    """What the Pushers put in ``<run dir>/serving_models`` (TF Serving's layout).

    Attributes:
      model_name: the served name of the segmentation model.
      configuration: the configuration whose model is pushed, if its Evaluator blesses it
        (one of ``segmentation.configurations``); its codec spec and restorer are the first
        of ``segmentation.specs`` / its restorers.
      push_restorers: also push every trained restorer as ``restorer-<name>-<spec key>``.
    """

    model_name: str = "segmenter"
    configuration: str = "OO"
    push_restorers: bool = True


@dataclasses.dataclass
class ExperimentConfig:
    """Attributes:
      name: the pipeline name (also the default run directory ``runs/<name>``); lower-case
        letters, digits and '-'.
      ingest: the dataset to ingest.
      demo_data: when set, the built-in texture-city dataset is generated at
        ``ingest.root`` with these counts if it is not there yet.
      beam_args: Beam pipeline arguments for every Beam step (the pipeline adds the runner and
        the workers' dependency when they name none: ``pipelines.beam_args``).
      statistics: run StatisticsGen on the ingested examples.
      codec_training: train MSH models for the ``msh`` codec specs.
      compression: compress the ingested splits with these codec specs.
      restoration: train restorers on compressed pairs and restore compressed splits.
      segmentation: train and evaluate DeepLabv3+ under training/test configurations.
      serving: push the blessed segmentation model (and the restorers) for TF Serving.
    """

    name: str
    ingest: IngestConfig
    demo_data: Optional[DemoSpec] = None
    beam_args: tuple[str, ...] = DEFAULT_BEAM_ARGS
    statistics: bool = True
    codec_training: Optional[CodecTrainingConfig] = None
    compression: Optional[CompressionConfig] = None
    restoration: Optional[RestorationStage] = None
    segmentation: Optional[SegmentationStage] = None
    serving: Optional[ServingConfig] = None

    def __post_init__(self):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,127}", self.name):
            raise ValueError(f"name {self.name!r} must be lower-case letters, digits and '-' (Kubeflow's rule for "
                             "pipeline names)")
        uses_msh = self.compression is not None and any(
            s.codec == "msh" and "model" not in s.options for s in self.compression.specs)
        if uses_msh and self.codec_training is None:
            raise ValueError("compression uses msh without options.model, so codec_training must be configured")
        if self.compression is not None and any(s.codec == "ir2i" and "model" not in s.options
                                                for s in self.compression.specs):
            raise ValueError("compression uses ir2i without options.model: train and export one with "
                             "'dsr codec train --codec ir2i --preset ir2i-tiny --images GLOB OUT' and give OUT as "
                             "options.model")
        if self.restoration is not None:
            self._check_restoration()
        if self.segmentation is not None:
            self._check_segmentation()
        if self.serving is not None:
            if self.segmentation is None or self.serving.configuration not in self.segmentation.configurations:
                raise ValueError(f"serving.configuration {self.serving.configuration!r} must be one of "
                                 "segmentation.configurations")
            if not re.fullmatch(r"[A-Za-z0-9_.-]+", self.serving.model_name):
                raise ValueError(f"serving.model_name {self.serving.model_name!r}: use letters, digits, '_', '.', '-'")

    def segmentation_restorers(self, source_kind: str) -> list[RestorerSpec]:
        """The restorers serving R (``privileged``) or A (``auxiliary``: any other source)."""
        if self.restoration is None or self.segmentation is None:
            return []
        named = set(self.segmentation.restorers)
        return [r for r in self.restoration.restorers
                if (not named or r.name in named) and ((r.source == "privileged") == (source_kind == "privileged"))]

    def restorers_for(self, configuration: Configuration) -> list[RestorerSpec]:
        """The restorers whose restored sets serve ``configuration``: one trained model per
        restorer; at a smaller privileged fraction than the ingestion's, only restorers with
        ``fractions``."""
        kind = configuration.needs_restorer
        if kind is None:
            return []
        restorers = self.segmentation_restorers(kind)
        if configuration.restorer_fraction(self.ingest.privileged_fraction) is not None:
            restorers = [r for r in restorers if r.fractions]
        return restorers

    def _check_segmentation(self):
        seg = self.segmentation
        needs_codec = [c.name for c in seg.parsed if c.needs_codec and not (c.sweepable and seg.sweeps)]
        if needs_codec and not seg.specs:
            raise ValueError(f"segmentation configurations {needs_codec} use compressed images: set segmentation.specs")
        keys = [s.key for s in self.compression.specs] if self.compression else []
        unknown = sorted(set(seg.specs) - set(keys))
        if unknown:
            raise ValueError(f"segmentation.specs {unknown} are not compression spec keys {keys}")
        self._check_sweeps()
        for c in seg.parsed:
            if c.needs_codec and self.compression.splits:
                needed = {"train"} if c.training.reads != configurations.INGESTED else set()
                needed |= {seg.test_split} if c.testing.reads != configurations.INGESTED else set()
                missing = sorted(needed - set(self.compression.splits))
                if missing:
                    raise ValueError(f"configuration {c} needs the compressed splits {missing}")
            kind = c.needs_restorer
            if kind is None:
                continue
            if not self.restorers_for(c):
                at = " that is trained at smaller fractions (fractions: true)" if c.fraction is not None else ""
                raise ValueError(f"configuration {c} needs a restorer trained on {kind} data{at}: add one to "
                                 "restoration.restorers (and to segmentation.restorers if that is set)")
            restored_specs = set(self.restoration.specs)
            missing = sorted(set(seg.specs) - restored_specs)
            if missing:
                raise ValueError(f"configuration {c} needs restored sets for {missing}: add them to restoration.specs")
            needed = ({"train"} if c.training.reads == configurations.RESTORED else set()) | (
                {seg.test_split} if c.testing.reads == configurations.RESTORED else set())
            missing = sorted(needed - set(self.restoration.splits))
            if missing:
                raise ValueError(f"configuration {c} needs restored splits {missing}: add them to restoration.splits")
        if self.ingest.privileged_fraction <= 0 and any(c.uses_privileged_ids for c in seg.parsed):
            raise ValueError("configurations oO, o+cO and o+rO need ingest.privileged_fraction > 0")
        larger = [c.name for c in seg.parsed if c.fraction is not None and c.fraction > self.ingest.privileged_fraction]
        if larger:
            raise ValueError(f"configurations {larger} ask for more privileged images than "
                             f"ingest.privileged_fraction ({self.ingest.privileged_fraction:g}), which is the largest "
                             "fraction a run holds: raise it")

    def _check_sweeps(self):
        seg = self.segmentation
        specs = {s.key: s for s in self.compression.specs} if self.compression else {}
        sweeps = sorted(k for k, s in specs.items() if s.is_sweep)
        misused = sorted(set(seg.specs) & set(sweeps))
        if misused:
            raise ValueError(f"segmentation.specs {misused} are rate sweeps, which only test models: list them in "
                             "segmentation.sweeps")
        not_sweeps = sorted(set(seg.sweeps) - set(sweeps))
        if not_sweeps:
            raise ValueError(f"segmentation.sweeps {not_sweeps} are not rate-sweep compression specs {sweeps}")
        if seg.sweeps and not any(c.sweepable for c in seg.parsed):
            raise ValueError("segmentation.sweeps needs a configuration trained on original images and tested on "
                             "compressed ones (OC)")
        if seg.sweeps and self.compression.splits and seg.test_split not in self.compression.splits:
            raise ValueError(f"segmentation.sweeps need the compressed split {seg.test_split!r}")
        if self.restoration is not None and set(self.restoration.specs) & set(sweeps):
            raise ValueError(f"restoration.specs {sorted(set(self.restoration.specs) & set(sweeps))} are rate "
                             "sweeps; restore single-rate specs")

    def _check_restoration(self):
        if self.compression is None:
            raise ValueError("restoration needs compression: it learns from and restores compressed images")
        keys = [s.key for s in self.compression.specs]
        unknown = sorted(set(self.restoration.specs) - set(keys))
        if unknown:
            raise ValueError(f"restoration.specs {unknown} are not compression spec keys {keys}")
        compressed = set(self.compression.splits)
        if compressed:
            needed = set(self.restoration.splits) | {r.source for r in self.restoration.restorers}
            missing = sorted(needed - compressed)
            if missing:
                raise ValueError(f"restoration needs the compressed splits {missing}: add them to compression.splits")
        names = [r.name for r in self.restoration.restorers]
        if len(set(names)) != len(names):
            raise ValueError(f"restorer names must be unique, got {names}")


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
