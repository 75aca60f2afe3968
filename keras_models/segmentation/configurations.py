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

__all__ = ["Configuration", "TrainingSource", "TRAINING_DOMAINS", "TEST_DOMAINS", "HYBRID_ORIGINAL_WEIGHT"]

TRAINING_DOMAINS = ("O", "C", "R", "A", "o", "r", "o+c", "o+r")
TEST_DOMAINS = ("O", "C", "R")
HYBRID_ORIGINAL_WEIGHT = 5.0
_PATTERN = re.compile(r"^(o\+c|o\+r|O|C|R|A|o|r)(O|C|R)$")


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


_SOURCES = {
    "O": (TrainingSource(features.IMAGE),),
    "C": (TrainingSource(features.DECODED),),
    "R": (TrainingSource(features.RESTORED),),
    "A": (TrainingSource(features.RESTORED),),
    "o": (TrainingSource(features.IMAGE, "privileged"),),
    "r": (TrainingSource(features.RESTORED),),
    "o+c": (TrainingSource(features.IMAGE, "privileged", HYBRID_ORIGINAL_WEIGHT),
            TrainingSource(features.DECODED, "not_privileged")),
    "o+r": (TrainingSource(features.IMAGE, "privileged", HYBRID_ORIGINAL_WEIGHT),
            TrainingSource(features.RESTORED, "not_privileged")),
}
_TEST_FEATURE = {"O": features.IMAGE, "C": features.DECODED, "R": features.RESTORED}


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
    def sources(self) -> tuple[TrainingSource, ...]:
        """The parts of the training set."""
        return _SOURCES[self.train]

    @property
    def test_feature(self) -> str:
        """The image feature the test images are read from."""
        return _TEST_FEATURE[self.test]

    @property
    def needs_codec(self) -> bool:
        """Whether training or testing uses compressed (or restored) images."""
        return self.train not in ("O", "o") or self.test != "O"

    @property
    def needs_restorer(self) -> str | None:
        """``privileged`` or ``auxiliary`` when a restorer is involved, else None."""
        if self.train == "A":
            return "auxiliary"
        if self.train in ("R", "r", "o+r") or self.test == "R":
            return "privileged"
        return None

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
