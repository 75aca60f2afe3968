"""What the Compression and DatasetRestoration executors share around their Beam pipelines:
which input splits to read, the mean of per-example measures, and the JSON rows file of those
means that each writes."""
from __future__ import annotations

import json
import os
from typing import Callable, Sequence

import apache_beam as beam
from tfx import types
from tfx.dsl.io import fileio
from tfx.types import artifact_utils
from tfx.utils import io_utils

__all__ = ["wanted_splits", "MeanMeasures", "write_rows"]


def wanted_splits(examples: types.Artifact, requested: str | None, what: str) -> list[str]:
    """The splits named in ``requested`` (a JSON list; empty or missing: every split of
    ``examples``). Raises ValueError naming the splits ``examples`` (``what``) lacks."""
    available = artifact_utils.decode_split_names(examples.split_names)
    wanted = json.loads(requested or "[]") or available
    missing = sorted(set(wanted) - set(available))
    if missing:
        raise ValueError(f"splits {missing} are not in the {what} (which have {available})")
    return wanted


class MeanMeasures(beam.CombineFn):
    """Mean of each measure in ``names`` over per-example dicts, and their count (``images``)."""

    def __init__(self, names: Sequence[str]):
        self._names = tuple(names)

    def create_accumulator(self):
        return {name: 0.0 for name in self._names}, 0

    def add_input(self, acc, measures):
        sums, n = acc
        return {k: sums[k] + measures[k] for k in sums}, n + 1

    def merge_accumulators(self, accs):
        accs = list(accs)
        return ({k: sum(a[0][k] for a in accs) for k in self._names}, sum(a[1] for a in accs))

    def extract_output(self, acc):
        sums, n = acc
        return {"images": n, **{k: (sums[k] / n if n else float("nan")) for k in self._names}}


def write_rows(rows: list[dict], path: str, order: Callable[[dict], object]) -> None:
    """Writes ``rows`` sorted by ``order`` as one indented JSON list at ``path``."""
    fileio.makedirs(os.path.dirname(path))
    io_utils.write_string_file(path, json.dumps(sorted(rows, key=order), indent=2, default=float))
