"""Runs a benchmark case in a fresh process, so its peak memory (ru_maxrss) is its own; times a
command as a user meets it, start-up included, or a call in this process."""
from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from typing import Callable, Optional, Sequence, Union

__all__ = ["run_isolated", "command_wall_s", "call_wall_s", "cpu_s", "tensorflow_import_row", "DSR"]

DSR = os.path.join(os.path.dirname(sys.executable), "dsr")


def command_wall_s(args: Union[Sequence[str], Callable[[int], Sequence[str]]], repeats: int) -> float:
    """Median wall time in seconds of ``args`` (or ``args(k)`` for run k), each run a fresh
    process that must succeed."""
    times = []
    for k in range(repeats):
        start = time.perf_counter()
        subprocess.run(list(args(k) if callable(args) else args), check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 2)


def tensorflow_import_row(repeats: int, hide_probes: bool = False) -> dict:
    """The floor of every command that imports TensorFlow, in the same run: its time also shows
    how fast the machine is running this hour (2.5-3.1 s on machine B in a quiet one). With
    ``hide_probes``, the floor of a ``dsr codec`` command (dsr/tensorflow_probes.py)."""
    if hide_probes:
        code = "from dsr import tensorflow_probes; tensorflow_probes.hide_optional_probes(); import tensorflow"
        case = "import tensorflow as dsr codec does it (three optional packages hidden)"
    else:
        code, case = "import tensorflow", "python -c 'import tensorflow' (plain: the floor of a TensorFlow command)"
    return {"case": case, "wall_s": command_wall_s([sys.executable, "-c", code], repeats)}


def call_wall_s(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time in seconds of ``fn()`` in this process, over ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cpu_s() -> float:
    """CPU seconds so far of this process and its finished children (a codec's helper processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _measured(fn: Callable[..., dict], args: tuple) -> dict:
    result = fn(*args)
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def run_isolated(fn: Callable[..., dict], *args, timeout: Optional[float] = None) -> dict:
    """``fn(*args)`` (a module-level function returning a dict) in a spawned process
    (``image_codecs.guarded.call``); adds ``peak_rss_mib``. A process that dies without
    answering raises ``RuntimeError``; one that has not answered after ``timeout`` seconds is
    killed and ``TimeoutError`` raised."""
    from image_codecs import guarded  # pylint: disable=g-import-not-at-top
    return guarded.call(_measured, (fn, args), timeout, name=f"{getattr(fn, '__name__', fn)}{args}")
