"""Runs a benchmark case in a fresh process, so its peak memory (ru_maxrss) is its own; times a
command as a user meets it, start-up included."""
from __future__ import annotations

import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import time
from typing import Callable, Sequence, Union

__all__ = ["run_isolated", "command_wall_s", "DSR"]

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


def _child(fn, args, queue):
    try:
        result = fn(*args)
        result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        queue.put(result)
    except BaseException as e:  # report, never leave the parent waiting
        queue.put(RuntimeError(f"{getattr(fn, '__name__', fn)}{args}: {type(e).__name__}: {e}"))
        raise


def run_isolated(fn: Callable[..., dict], *args) -> dict:
    """``fn(*args)`` (a module-level function returning a dict) in a spawned process; adds
    ``peak_rss_mib``."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(fn, args, queue))
    process.start()
    result = queue.get()
    process.join()
    if isinstance(result, Exception):
        raise result
    return result
