"""Gives the memory that a finished pipeline component freed back to the operating system.

LocalDagRunner (and BeamDagRunner) run every component's executor in the runner's own process,
one after another: the trainers' models, traced graphs and input pipelines, the Beam driver's
buffers. What a component frees goes back to glibc's heap, which keeps it, fragmented between
live objects, instead of returning it to the system: the process's resident size then carries
every earlier component's high-water mark into the next one (the paper-size run's runner grew
to 6 GB over 59 components). ``release`` collects Python's garbage and asks glibc to return
its free pages (``malloc_trim``). Measured on three 769x769 DeepLab trainings in one process, the
resident size after each fell from 1.3-1.6 GiB to 0.73-0.88 GiB, where Keras' ``clear_session``
gave back under 0.2 GB. There the trim alone returned as much as with the collection; the
collection stays because the paper-size run's memory (docs/BENCHMARKS.md) was measured with both,
and garbage in reference cycles (models, traced graphs) waits for a collection that Python's
own schedule may not have run yet. A full collection traverses every object of the process, about
0.5-1.5 s per component in a runner holding TFX's and TensorFlow's ~900k objects; inside
``frozen()`` (which the local runner enters for the whole run) the objects alive when the run
starts, nearly all of them the imported libraries', are set aside, and a collection traverses
only what the run created since (well under 0.1 s).
"""
from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import functools
import gc
import logging
import os
import time
from typing import Callable, Iterator, Optional

__all__ = ["release", "Released", "frozen"]


@dataclasses.dataclass(frozen=True)
class Released:
    """What one ``release`` did: how far the resident size fell, and what it cost."""
    bytes_returned: int
    seconds: float


@functools.lru_cache(maxsize=None)
def _malloc_trim() -> Optional[Callable[[int], int]]:
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def _resident_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def release(component: str = "") -> Released:
    """Collects garbage and returns the heap's free pages to the system; logs what it gave back
    (at INFO, under ``component``'s name) and returns it. Where the process has no
    ``/proc/self/statm`` the figure is 0; where the C library has no ``malloc_trim``, only the
    garbage is collected."""
    start = time.monotonic()
    try:
        before = _resident_bytes()
    except OSError:
        before = None
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    returned = before - _resident_bytes() if before is not None else 0
    seconds = time.monotonic() - start
    logging.getLogger(__name__).info("after %s: %.0f MiB returned to the system in %.2f s",
                                     component or "a component", returned / 2**20, seconds)
    return Released(returned, seconds)


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """Sets the objects alive now aside from the garbage collector until the block ends
    (``gc.freeze``, after one full collection so that no garbage is set aside), so that each
    ``release`` in the block traverses only the objects created since. Reference counting still
    frees set-aside objects; only reference cycles among them wait until the block ends."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
