"""One thread pool per process for the numpy stages that work on a picture in bands of rows
(MS-SSIM's moments, BPG's colour conversion): numpy releases the GIL inside its loops, so
bands run on several cores at once, and results come back in band order, so a value never
depends on the number of threads."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, TypeVar

__all__ = ["WORKERS", "map_in_order"]

T = TypeVar("T")
R = TypeVar("R")

# The cores this process may use, at most 4 (beyond that, memory bandwidth, not cores, limits
# these stages).
WORKERS = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)

_POOL: tuple[int, int, ThreadPoolExecutor] | None = None  # (the process that made it, its workers, the pool)


def _pool() -> ThreadPoolExecutor:
    """The process's pool, made on first use; remade in a forked child, whose inherited pool
    has no threads (work given to it would wait for good)."""
    global _POOL  # pylint: disable=global-statement
    if _POOL is None or _POOL[:2] != (os.getpid(), WORKERS):
        _POOL = (os.getpid(), WORKERS, ThreadPoolExecutor(WORKERS, thread_name_prefix="dsr-bands"))
    return _POOL[2]


def map_in_order(fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """``[fn(item) for item in items]``, on the pool's ``WORKERS`` threads when there is more
    than one item and more than one worker."""
    items = list(items)
    if WORKERS <= 1 or len(items) <= 1:
        return [fn(item) for item in items]
    return list(_pool().map(fn, items))
