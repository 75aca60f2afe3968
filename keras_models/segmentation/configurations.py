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
"""
from __future__ import annotations

import dataclasses
import re

from image_datasets import features

__all__ = ["Configuration", "TrainingSource", "TrainingDomain", "TestDomain", "TRAINING", "TEST",
           "TRAINING_DOMAINS", "TEST_DOMAINS", "HYBRID_ORIGINAL_WEIGHT", "domain_letter"]

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
TEST_DOMAINS = tuple(TEST)
_PATTERN = re.compile("^(" + "|".join(re.escape(d) for d in sorted(TRAINING, key=len, reverse=True)) + ")("
                      + "|".join(TEST) + ")$")


def domain_letter(word: str) -> str:
    """The domain letter of a component-id word (``priv-rest`` -> ``o+r``)."""
    for domain in (*TRAINING.values(), *TEST.values()):
        if domain.word == word:
            return domain.letter
    raise ValueError(f"unknown domain word {word!r}")


@dataclasses.dataclass(frozen=True)
class Configuration:
    """A (training domain, test domain) pair, e.g. ``Configuration.parse("o+rO")``."""

    train: str
    test: str

    def __post_init__(self):
        if self.train not in TRAINING_DOMAINS:
            raise ValueError(f"unknown training domain {self.train!r}; expected one of {TRAINING_DOMAINS}")
        if self.test not in TEST_DOMAINS:
            raise ValueError(f"unknown test domain {self.test!r}; expected one of {TEST_DOMAINS}")

    @classmethod
    def parse(cls, name: str) -> "Configuration":
        match = _PATTERN.match(name)
        if not match:
            raise ValueError(f"{name!r} is not a configuration: expected a training domain "
                             f"{TRAINING_DOMAINS} followed by a test domain {TEST_DOMAINS}, e.g. 'CO' or 'o+rO'")
        return cls(match.group(1), match.group(2))

    @property
    def name(self) -> str:
        return self.train + self.test

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
    def privileged_only(self) -> bool:
        return all(s.subset == "privileged" for s in self.sources)
