"""Benchmark cases run in a fresh process: their own peak memory, and a hang is killed.

The cases are library functions: a spawned process cannot import this test module (pytest
imports it in importlib mode, and another ``tests`` package may shadow ours)."""
import os
import time

import pytest

from benchmarks import machine
from benchmarks.isolated import run_isolated


def test_a_case_returns_its_record_with_its_own_peak_memory():
    record = run_isolated(machine.describe)
    assert record["cores"] == os.cpu_count() and record["peak_rss_mib"] > 0


def test_a_case_that_does_not_answer_in_time_is_killed():
    with pytest.raises(TimeoutError, match=r"sleep\(60,\): no answer in 2 s"):
        run_isolated(time.sleep, 60, timeout=2)


def test_a_case_that_dies_without_answering_is_an_error_not_a_wait():
    with pytest.raises(RuntimeError, match=r"exited with code 3 without an answer"):
        run_isolated(os._exit, 3)  # pylint: disable=protected-access
