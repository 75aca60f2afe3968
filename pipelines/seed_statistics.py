"""How sure a run is: per-configuration means with confidence intervals over segmentation
seeds, paired differences between configurations that share seeds, and a verdict on each of
the paper's orderings.

Intervals are Student-t intervals of the mean (95% by default). A difference is paired: the two
configurations' models trained with the same seed on everything upstream shared, so seed-to-seed
noise common to both cancels. A verdict needs at least two seeds:

- ``holds``: the interval of the paired difference lies entirely on the paper's side of 0;
- ``does not hold``: it lies entirely on the other side;
- ``undecided``: it contains 0, or there is one seed.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Mapping, Optional, Sequence

import numpy as np

__all__ = ["Interval", "PairedDifference", "Ordering", "Comparison", "PAPER_ORDERINGS", "mean_interval",
           "paired_difference", "verdict", "compare", "HOLDS", "DOES_NOT_HOLD", "UNDECIDED"]

HOLDS, DOES_NOT_HOLD, UNDECIDED = "holds", "does not hold", "undecided"


@dataclasses.dataclass(frozen=True)
class Interval:
    """Mean of ``n`` values and its confidence interval ``[low, high]`` (NaN when n < 2)."""

    mean: float
    low: float
    high: float
    n: int


@dataclasses.dataclass(frozen=True)
class PairedDifference:
    """``better - worse`` per shared seed, with its mean, interval and how many seeds agree
    (difference > 0)."""

    seeds: tuple[int, ...]
    differences: tuple[float, ...]
    interval: Interval

    @property
    def positive(self) -> int:
        return sum(d > 0 for d in self.differences)


@dataclasses.dataclass(frozen=True)
class Ordering:
    """One of the paper's comparisons: it finds ``better`` above ``worse`` (configuration names,
    optionally ``NAME@restorer``: ``RO@finenet`` is RO with the restorer named ``finenet``)."""

    better: str
    worse: str
    claim: str


PAPER_ORDERINGS = (
    Ordering("OO", "CO", "compressing the training set hurts (the paper: -8.7 mIoU at MSH 0.042 bpp)"),
    Ordering("CO", "CC", "compressing the test images as well hurts more (Cityscapes: CO > CC at every rate)"),
    Ordering("RO", "CO", "restoring the compressed training set helps (Table II: +1.4 to +4.8 mIoU)"),
    Ordering("OR", "OC", "restoring compressed test images helps a model trained on originals (Cityscapes)"),
    Ordering("OR", "CC", "checked as OR above CC: restoring the test images rather than compressing the training "
                         "set as well (Fig. 7 shows both; the paper states no order)"),
)


def _t_quantile(level: float, dof: int) -> float:
    from scipy import stats  # pylint: disable=g-import-not-at-top
    return float(stats.t.ppf(0.5 + level / 2, dof))


def mean_interval(values: Sequence[float], level: float = 0.95) -> Interval:
    """The mean of ``values`` with a Student-t interval (NaN bounds for fewer than 2 values).

    Raises:
      ValueError: no values.
    """
    x = np.asarray(list(values), np.float64)
    if x.size == 0:
        raise ValueError("mean_interval needs at least one value")
    mean = float(x.mean())
    if x.size < 2:
        return Interval(mean, math.nan, math.nan, 1)
    half = _t_quantile(level, x.size - 1) * float(x.std(ddof=1)) / math.sqrt(x.size)
    return Interval(mean, mean - half, mean + half, int(x.size))


def paired_difference(better: Mapping[int, float], worse: Mapping[int, float],
                      level: float = 0.95) -> Optional[PairedDifference]:
    """``better[seed] - worse[seed]`` over the seeds both have; None when they share none."""
    seeds = tuple(sorted(set(better) & set(worse)))
    if not seeds:
        return None
    diffs = tuple(float(better[s]) - float(worse[s]) for s in seeds)
    return PairedDifference(seeds, diffs, mean_interval(diffs, level))


def verdict(difference: Optional[PairedDifference]) -> str:
    """``holds``, ``does not hold`` or ``undecided`` for a paired ``better - worse``."""
    if difference is None or difference.interval.n < 2:
        return UNDECIDED
    if difference.interval.low > 0:
        return HOLDS
    if difference.interval.high < 0:
        return DOES_NOT_HOLD
    return UNDECIDED


@dataclasses.dataclass(frozen=True)
class Comparison:
    """One ordering checked on one codec spec of one run: ``better`` and ``worse`` name the
    groups (``RO jpeg_q5 finenet``), ``difference`` is paired over their shared seeds;
    ``better_key`` and ``worse_key`` are the groups' keys in ``compare``'s ``groups``."""

    ordering: Ordering
    better: str
    worse: str
    difference: PairedDifference
    better_key: tuple = ()
    worse_key: tuple = ()

    @property
    def verdict(self) -> str:
        return verdict(self.difference)

    def sentence(self, unit: str = "mIoU points") -> str:
        """The finding in words a reader can act on."""
        d, i = self.difference, self.difference.interval
        sign = f"{i.mean:+.2f} {unit}"
        agree = f"{d.positive} of {i.n} seed{'s' if i.n != 1 else ''} positive"
        if i.n < 2:
            return (f"undecided: {self.better} − {self.worse} = {sign} on one seed; one seed cannot tell this from "
                    "seed noise, so train with segmentation.seeds ≥ 3 to decide")
        ci = f"95% CI {i.low:+.2f} to {i.high:+.2f}"
        if self.verdict == HOLDS:
            return f"holds: {self.better} − {self.worse} = {sign} ({ci}; {agree})"
        if self.verdict == DOES_NOT_HOLD:
            return f"does not hold: {self.better} is below {self.worse} by {-i.mean:.2f} {unit} ({ci}; {agree})"
        return (f"undecided: {self.better} − {self.worse} = {sign} ({ci} contains 0; {agree}); more seeds would "
                "narrow the interval")


def _compatible(a: Optional[str], b: Optional[str]) -> bool:
    return a is None or b is None or a == b


def compare(groups: Mapping[tuple, Mapping[int, float]], restorer_models: Mapping[str, str] = (),
            orderings: Sequence[Ordering] = PAPER_ORDERINGS) -> list[Comparison]:
    """Every ordering on every pair of groups it applies to.

    Args:
      groups: ``{(run, configuration, spec, restorer): {seed: value}}``; spec and restorer
        may be None (``OO`` has neither).
      restorer_models: ``{restorer name: "finenet" | "rdn"}``; every adversarial restorer's
        RO is also compared with every distortion-trained restorer's RO on the same spec
        (the paper's Table V: FineNet above RDN).
      orderings: the orderings to check (default: the paper's).
    """
    def label(key):
        return " ".join(str(k) for k in key[1:] if k is not None)

    out = []
    adversarial = [n for n, m in dict(restorer_models).items() if m == "finenet"]
    distortion = [n for n, m in dict(restorer_models).items() if m != "finenet"]
    table_v = [Ordering(f"RO@{a}", f"RO@{d}", f"the adversarial restorer ({a}) trains a better segmenter than the "
                        f"distortion-trained one ({d}) (Table V)") for a in adversarial for d in distortion]
    for ordering in list(orderings) + table_v:
        for better_key, better in groups.items():
            for worse_key, worse in groups.items():
                if not (_matches(better_key, ordering.better) and _matches(worse_key, ordering.worse)):
                    continue
                if better_key[0] != worse_key[0] or not _compatible(better_key[2], worse_key[2]):
                    continue
                if not _compatible(better_key[3], worse_key[3]) and "@" not in ordering.better:
                    continue
                diff = paired_difference(better, worse)
                if diff is not None:
                    out.append(Comparison(ordering, label(better_key), label(worse_key), diff, better_key, worse_key))
    return out


def _matches(key: tuple, name: str) -> bool:
    configuration, _, restorer = name.partition("@")
    return key[1] == configuration and (not restorer or key[3] == restorer)
