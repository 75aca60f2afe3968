"""Runs a benchmark case in a fresh process, so its peak memory (ru_maxrss) is its own."""
from __future__ import annotations

import multiprocessing
import resource
from typing import Callable

__all__ = ["run_isolated"]


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
