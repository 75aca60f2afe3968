"""What a finished component freed goes back to the operating system: glibc keeps freed heap
memory that live objects fence in, and ``release`` returns it."""
import gc
import json
import os
import subprocess
import sys
import weakref

import pytest

from pipelines import heap_release


_FENCED_HOLES = """
import gc, json
from pipelines import heap_release

def resident_mib():
    return heap_release._resident_bytes() / 2**20

gc.collect()
# 300 MiB of 8 KiB blocks (malloc, below its mmap threshold) with a small block kept alive after
# every 64, allocated in turn so that the fences sit between the blocks (and above the last):
# freeing the blocks leaves holes glibc does not give back by itself.
blocks, fences = [], []
for i in range(300 * 128):
    blocks.append(bytearray(8192))
    if i % 64 == 63:
        fences.append(bytearray(600))
peak = resident_mib()
del blocks
held = resident_mib()
released = heap_release.release("a test component")
print(json.dumps({"peak": peak, "held": held, "after": resident_mib(),
                  "returned": released.bytes_returned / 2**20, "seconds": released.seconds}))
"""


@pytest.mark.skipif(heap_release._malloc_trim() is None, reason="the C library has no malloc_trim")  # pylint: disable=protected-access
def test_memory_freed_between_live_objects_returns_to_the_system():
    # In a fresh interpreter: a long-lived test worker's heap (and the threads that free memory
    # beside the test) decide where the blocks land and what the resident size does meanwhile.
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, "-c", _FENCED_HOLES], check=True, capture_output=True, text=True, cwd=root,
                         env={**os.environ, "PYTHONPATH": root})
    m = json.loads(out.stdout.strip().splitlines()[-1])
    assert m["held"] > m["peak"] - 100, f"glibc returned the holes by itself: the test shows nothing ({m})"
    assert m["held"] - m["after"] > 200, m
    assert m["returned"] > 200, m
    assert m["seconds"] >= 0


def test_release_logs_what_it_returned(caplog):
    with caplog.at_level("INFO", logger="pipelines.heap_release"):
        heap_release.release("Trainer.OO")
    assert any("after Trainer.OO:" in r.getMessage() and "MiB returned" in r.getMessage() for r in caplog.records)


class _Node:
    pass


def _cycle() -> weakref.ref:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_inside_frozen_a_release_still_collects_what_the_run_made_and_the_objects_before_return_after():
    gc.disable()  # only the collections under test run
    try:
        before = _cycle()  # garbage already: frozen() collects it before it sets objects aside
        assert before() is not None
        with heap_release.frozen():
            assert before() is None
            assert gc.get_freeze_count() > 0
            made = _cycle()
            assert made() is not None
            heap_release.release("a test component")
            assert made() is None
        assert gc.get_freeze_count() == 0
    finally:
        gc.enable()
