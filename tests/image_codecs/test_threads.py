import multiprocessing
import threading

import pytest

from image_codecs import threads


def _square_and_thread(x):
    return x * x, threading.current_thread().name


def test_results_come_back_in_order_from_the_pools_threads(monkeypatch):
    monkeypatch.setattr(threads, "WORKERS", 2)
    results = threads.map_in_order(_square_and_thread, range(50))
    assert [r for r, _ in results] == [x * x for x in range(50)]
    assert all(name.startswith("dsr-bands") for _, name in results)


@pytest.mark.parametrize("workers, items", [(1, range(5)), (4, [3])])
def test_one_worker_or_one_item_runs_in_the_calling_thread(monkeypatch, workers, items):
    monkeypatch.setattr(threads, "WORKERS", workers)
    caller = threading.current_thread().name
    assert {name for _, name in threads.map_in_order(_square_and_thread, items)} == {caller}


def _child_squares(_):
    return [r for r, _ in threads.map_in_order(_square_and_thread, range(8))]


def test_a_forked_child_gets_a_pool_of_its_own(monkeypatch):
    monkeypatch.setattr(threads, "WORKERS", 2)
    threads.map_in_order(_square_and_thread, range(4))  # the parent's pool now exists
    with multiprocessing.get_context("fork").Pool(1) as child:  # its copy of that pool has no threads
        assert child.apply_async(_child_squares, (None,)).get(timeout=60) == [x * x for x in range(8)]
