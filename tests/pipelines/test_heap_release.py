"""What a finished component freed goes back to the operating system: glibc keeps freed heap
memory that live objects fence in, and ``release`` returns it."""
import gc
import weakref

import pytest

from pipelines import heap_release


def _resident_mib() -> float:
    return heap_release._resident_bytes() / 2**20  # pylint: disable=protected-access


@pytest.mark.skipif(heap_release._malloc_trim() is None, reason="the C library has no malloc_trim")  # pylint: disable=protected-access
def test_memory_freed_between_live_objects_returns_to_the_system():
    gc.collect()
    # 300 MiB of 8 KiB blocks (malloc, below its mmap threshold) with a small block kept alive
    # after every 64, allocated in turn so that the fences sit between the blocks (and above the
    # last): freeing the blocks leaves holes glibc does not give back by itself.
    blocks, fences = [], []
    for i in range(300 * 128):
        blocks.append(bytearray(8192))
        if i % 64 == 63:
            fences.append(bytearray(600))
    peak = _resident_mib()
    del blocks
    held = _resident_mib()
    released = heap_release.release("a test component")
    after = _resident_mib()
    assert held > peak - 100, "glibc returned the holes by itself: the test shows nothing"
    assert held - after > 200
    assert released.bytes_returned / 2**20 > 200
    assert released.seconds >= 0
    del fences


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
