"""Training/test configurations of the paper (Katakol et al. 2021, Table I and Section V):
a configuration names the domain of the training images and of the test images.

Training domains:
  ``O`` originals; ``C`` compressed; ``R`` restored by a restorer trained on the privileged
  images; ``A`` restored by a restorer trained on an auxiliary dataset; ``o`` the privileged
  originals alone; ``r`` restored, named for the privileged fraction (the paper's rO-12.5%,
  rO-25%; RO = rO-50%); ``o+c`` / ``o+r`` hybrid sets: the privileged originals plus the other
  training images compressed / restored, with the originals weighted 5:1 in the loss.
Test domains: ``O`` originals, ``C`` compressed (the same codec and rate), ``R`` restored.

A configuration says which images each part of the training set takes (``TrainingSource``:
the image feature, the subset by privileged membership, the loss weight) and which test
images it is evaluated on; the pipeline maps those to Examples artifacts.

Privileged fraction: a configuration whose training uses privileged images (``R``, ``r``,
``o``, ``o+c``, ``o+r``) may name the fraction of the training images that are privileged,
``rO@0.125`` (the paper's rO-12.5%, Fig. 8; its hybrids at 12.5%, Table III); without one it
uses the ingestion's ``privileged_fraction``. Smaller fractions are subsets of larger ones
(ingestion ranks the training images once), so one run holds every fraction up to the
ingestion's; its restorer learns from that fraction's pairs only.
"""
from __future__ import annotations

import dataclasses
import re

from image_datasets import features

__all__ = ["Configuration", "TrainingSource", "TrainingDomain", "TestDomain", "TRAINING", "TEST",
           "TRAINING_DOMAINS", "TEST_DOMAINS", "PRIVILEGED_TRAINING", "HYBRID_ORIGINAL_WEIGHT", "domain_letter",
           "fraction_word", "parse_fraction_word", "SEED_PREFIX", "component_ids", "parse_evaluator_id",
           "restoration_id", "parse_restoration_id"]

HYBRID_ORIGINAL_WEIGHT = 5.0

# Where a domain's images come from: the ingested originals, the Compression output, or the
# DatasetRestoration output (the last two per codec spec; restored also per restorer).
INGESTED, COMPRESSED, RESTORED = "ingested", "compressed", "restored"


@dataclasses.dataclass(frozen=True)
class TrainingSource:
    """Part of a training set.

    Attributes:
      feature: the image feature (``image`` original, ``decoded`` compressed, ``restored``).
      subset: ``all`` images, only the ``privileged`` ones, or ``not_privileged``.
      weight: loss weight of its pixels.
    """

    feature: str
    subset: str = "all"
    weight: float = 1.0


@dataclasses.dataclass(frozen=True)
class TrainingDomain:
    """Everything the system knows about one training domain.

    Attributes:
      letter: the paper's name (``O``, ``o+r``, ...).
      word: its spelling in component ids (Kubeflow task names are case-insensitive).
      sources: the parts of the training set.
      reads: which artifact's train split it reads (``ingested``, ``compressed``, ``restored``).
      restorer: the data its restorer learns from (``privileged``, ``auxiliary``) or None.
      cost: data-collection cost in bits per pixel as coefficients of (every original at its
        PNG rate, the privileged originals at it, every image at the codec rate, the images
        that are not privileged at it).
    """

    letter: str
    word: str
    sources: tuple[TrainingSource, ...]
    reads: str
    restorer: str | None = None
    cost: tuple[float, float, float, float] = (0, 0, 0, 0)


@dataclasses.dataclass(frozen=True)
class TestDomain:
    """A test domain: its letter, id word, image feature and the artifact its split comes from."""

    letter: str
    word: str
    feature: str
    reads: str


_PRIVILEGED_ORIGINALS = TrainingSource(features.IMAGE, "privileged", HYBRID_ORIGINAL_WEIGHT)
TRAINING = {d.letter: d for d in (
    TrainingDomain("O", "orig", (TrainingSource(features.IMAGE),), INGESTED, cost=(1, 0, 0, 0)),
    TrainingDomain("C", "comp", (TrainingSource(features.DECODED),), COMPRESSED, cost=(0, 0, 1, 0)),
    TrainingDomain("R", "rest", (TrainingSource(features.RESTORED),), RESTORED, "privileged", (0, 1, 1, 0)),
    TrainingDomain("A", "auxrest", (TrainingSource(features.RESTORED),), RESTORED, "auxiliary", (0, 0, 1, 0)),
    TrainingDomain("o", "priv", (TrainingSource(features.IMAGE, "privileged"),), INGESTED, cost=(0, 1, 0, 0)),
    TrainingDomain("r", "privrest", (TrainingSource(features.RESTORED),), RESTORED, "privileged", (0, 1, 1, 0)),
    TrainingDomain("o+c", "priv-comp", (_PRIVILEGED_ORIGINALS, TrainingSource(features.DECODED, "not_privileged")),
                   COMPRESSED, cost=(0, 1, 0, 1)),
    TrainingDomain("o+r", "priv-rest", (_PRIVILEGED_ORIGINALS, TrainingSource(features.RESTORED, "not_privileged")),
                   RESTORED, "privileged", (0, 1, 1, 0)),
)}
TEST = {d.letter: d for d in (
    TestDomain("O", "orig", features.IMAGE, INGESTED),
    TestDomain("C", "comp", features.DECODED, COMPRESSED),
    TestDomain("R", "rest", features.RESTORED, RESTORED),
)}
TRAINING_DOMAINS = tuple(TRAINING)
# The training domains that use privileged images, as training images or through their restorer.
PRIVILEGED_TRAINING = tuple(d.letter for d in TRAINING.values()
                            if d.restorer == "privileged" or any(s.subset != "all" for s in d.sources))
TEST_DOMAINS = tuple(TEST)
_PATTERN = re.compile("^(" + "|".join(re.escape(d) for d in sorted(TRAINING, key=len, reverse=True)) + ")("
                      + "|".join(TEST) + ")(?:@(.+))?$")
_FRACTION_WORD = re.compile(r"f(\d+)_(\d+)")
SEED_PREFIX = "seed"


def fraction_word(fraction: float) -> str:
    """A privileged fraction's spelling in component ids: ``0.125`` -> ``f0_125`` (no dot, which
    separates the parts of an id)."""
    return "f" + repr(float(fraction)).replace(".", "_")


def parse_fraction_word(word: str) -> float | None:
    """``f0_125`` -> 0.125; None for a word that is not a fraction."""
    match = _FRACTION_WORD.fullmatch(word)
    return float(f"{match.group(1)}.{match.group(2)}") if match else None


def domain_letter(word: str) -> str:
    """The domain letter of a component-id word (``priv-rest`` -> ``o+r``)."""
    for domain in (*TRAINING.values(), *TEST.values()):
        if domain.word == word:
            return domain.letter
    raise ValueError(f"unknown domain word {word!r}")


@dataclasses.dataclass(frozen=True)
class Configuration:
    """A (training domain, test domain) pair, e.g. ``Configuration.parse("o+rO")``, with an
    optional privileged fraction (``Configuration.parse("rO@0.25")``)."""

    train: str
    test: str
    fraction: float | None = None

    def __post_init__(self):
        if self.train not in TRAINING_DOMAINS:
            raise ValueError(f"unknown training domain {self.train!r}; expected one of {TRAINING_DOMAINS}")
        if self.test not in TEST_DOMAINS:
            raise ValueError(f"unknown test domain {self.test!r}; expected one of {TEST_DOMAINS}")
        if self.fraction is not None:
            if self.train not in PRIVILEGED_TRAINING:
                raise ValueError(f"{self.letters}@{self.fraction:g}: a privileged fraction only applies to training "
                                 f"domains that use privileged images {PRIVILEGED_TRAINING}")
            if not 0 < self.fraction <= 1:
                raise ValueError(f"{self.letters}@{self.fraction}: the privileged fraction must be in (0, 1]")

    @classmethod
    def parse(cls, name: str) -> "Configuration":
        match = _PATTERN.match(name)
        if not match:
            raise ValueError(f"{name!r} is not a configuration: expected a training domain "
                             f"{TRAINING_DOMAINS} followed by a test domain {TEST_DOMAINS}, e.g. 'CO' or 'o+rO', "
                             "optionally with a privileged fraction, e.g. 'rO@0.125'")
        fraction = None
        if match.group(3) is not None:
            try:
                fraction = float(match.group(3))
            except ValueError:
                raise ValueError(f"{name!r}: the privileged fraction after '@' must be a number, "
                                 f"e.g. 'rO@0.125'") from None
        return cls(match.group(1), match.group(2), fraction)

    @property
    def letters(self) -> str:
        """The paper's name without the fraction (``rO``)."""
        return self.train + self.test

    @property
    def name(self) -> str:
        return self.letters + ("" if self.fraction is None else f"@{self.fraction:g}")

    def __str__(self) -> str:
        return self.name

    @property
    def training(self) -> TrainingDomain:
        return TRAINING[self.train]

    @property
    def testing(self) -> TestDomain:
        return TEST[self.test]

    @property
    def sources(self) -> tuple[TrainingSource, ...]:
        """The parts of the training set."""
        return self.training.sources

    @property
    def test_feature(self) -> str:
        """The image feature the test images are read from."""
        return self.testing.feature

    @property
    def needs_codec(self) -> bool:
        """Whether training or testing uses compressed (or restored) images."""
        return self.training.reads != INGESTED or self.testing.reads != INGESTED

    @property
    def sweepable(self) -> bool:
        """Trained on ingested images and tested on compressed ones (``OC``): one trained model
        can be tested at every rate of a rate sweep."""
        return self.training.reads == INGESTED and self.testing.reads == COMPRESSED

    @property
    def needs_restorer(self) -> str | None:
        """``privileged`` or ``auxiliary`` when a restorer is involved, else None."""
        if self.training.restorer:
            return self.training.restorer
        return "privileged" if self.testing.reads == RESTORED else None

    @property
    def training_key(self) -> str:
        """Configurations with the same training domain share one trained model."""
        return self.train

    @property
    def uses_privileged_ids(self) -> bool:
        return any(s.subset != "all" for s in self.sources)

    @property
    def uses_privileged(self) -> bool:
        """Whether training uses privileged images: as training images or through its restorer."""
        return self.train in PRIVILEGED_TRAINING

    def privileged_fraction(self, ingested: float) -> float:
        """The fraction this configuration's training uses, given the ingestion's (0 when it
        uses none)."""
        if not self.uses_privileged:
            return 0.0
        return ingested if self.fraction is None else self.fraction

    def restorer_fraction(self, ingested: float) -> float | None:
        """The privileged fraction this configuration's restorer learns from when it is smaller
        than the ingestion's ``ingested``; None when the restorer learns from every pair of its
        split (the ingestion's fraction, an auxiliary restorer, or no restorer)."""
        if self.needs_restorer != "privileged" or self.fraction is None or self.fraction == ingested:
            return None
        return self.fraction

    @property
    def privileged_only(self) -> bool:
        return all(s.subset == "privileged" for s in self.sources)


def restoration_id(kind: str, restorer: str, spec_key: str, fraction: float | None = None) -> str:
    """``RestorationTrainer.finenet.jpeg_q5`` / ``DatasetRestoration.finenet.jpeg_q5``; a
    restorer that learns from a smaller privileged fraction than the ingestion's ends with the
    fraction's word (``RestorationTrainer.finenet.jpeg_q5.f0_125``)."""
    return ".".join([kind, restorer, spec_key] + ([fraction_word(fraction)] if fraction is not None else []))


def parse_restoration_id(component_id: str) -> tuple[str, str, str, float | None]:
    """(kind, restorer, spec key, fraction or None) of an id ``restoration_id`` wrote (a spec
    key may hold dots: ``jpeg_bpp0.1``)."""
    kind, restorer, *rest = component_id.split(".")
    fraction = parse_fraction_word(rest[-1]) if len(rest) > 1 else None
    return kind, restorer, ".".join(rest[:-1] if fraction is not None else rest), fraction


def component_ids(configuration: Configuration, spec_key: str | None = None, restorer: str | None = None,
                  seed: int = 0) -> tuple[str, str]:
    """(trainer id, evaluator id), e.g. ``SegmentationTrainer.comp.jpeg_q5`` and
    ``Evaluator.comp-on-orig.jpeg_q5``. Domains are spelled out (``orig``, ``priv-rest``...)
    because Kubeflow task names are case-insensitive (``OO`` vs ``oO``). A named privileged
    fraction adds its word (``.f0_125``) and a training seed other than 0 ends both ids
    (``.seed2``), so a configuration without either keeps the ids (and the cache) it always had."""
    c, train = configuration, configuration.training
    trainer_parts = [spec_key] if train.reads != INGESTED else []
    if train.reads == RESTORED:
        trainer_parts.append(restorer)
    evaluator_parts = ([spec_key] if c.needs_codec else []) + ([restorer] if c.needs_restorer else [])
    suffix = ([fraction_word(c.fraction)] if c.fraction is not None else []) + (
        [f"{SEED_PREFIX}{seed}"] if seed else [])
    return (".".join(["SegmentationTrainer", train.word] + trainer_parts + suffix),
            ".".join(["Evaluator", f"{train.word}-on-{c.testing.word}"] + evaluator_parts + suffix))


def parse_evaluator_id(component_id: str) -> tuple[Configuration, str | None, str | None, int]:
    """``Evaluator.privrest-on-orig.jpeg_q5.finenet.f0_125.seed2`` -> (``rO@0.125``, "jpeg_q5",
    "finenet", 2): the inverse of ``component_ids``."""
    rest = component_id[len("Evaluator."):]
    seed = 0
    head, _, last = rest.rpartition(".")
    if head and re.fullmatch(rf"{SEED_PREFIX}\d+", last):
        rest, seed = head, int(last[len(SEED_PREFIX):])
    fraction = None
    head, _, last = rest.rpartition(".")
    if head and parse_fraction_word(last) is not None:
        rest, fraction = head, parse_fraction_word(last)
    config_part, _, tail = rest.partition(".")
    train, _, test = config_part.partition("-on-")
    configuration = Configuration(domain_letter(train), domain_letter(test), fraction)
    restorer = None
    if configuration.needs_restorer and tail:
        tail, _, restorer = tail.rpartition(".")
    return configuration, (tail or None), restorer, seed
