"""One line per pipeline stage while a pipeline runs locally: which stage starts, when it ends,
how long it took, and whether its outputs came from the cache.

TFX's local runners announce each component at INFO level through absl (LocalDagRunner:
"Component %s is running." / "... is finished.", BeamDagRunner: "node %s is running." / "...";
the launcher's "A cached execution %d is used."), which a terminal at WARNING level never
shows. ``report_stages`` listens to exactly those records for the duration of a run and writes
its own lines; every other INFO record stays as silent as it was. It raises absl's verbosity
flag, not only its logger's level: TensorFlow's SavedModel writer silences absl while it saves
and then restores the level from that flag.
"""
from __future__ import annotations

import contextlib
import logging
import sys
import time
from typing import IO, Callable, Iterator, Optional

from absl import logging as absl_logging

__all__ = ["report_stages", "StageLines"]

_RUNNING = ("Component %s is running.", "node %s is running.")
_FINISHED = ("Component %s is finished.", "node %s is finished.")
_CACHED = "A cached execution %d is used."
_ABSL = "absl"


class StageLines(logging.Handler):
    """Turns the runner's component records into ``[k/N] <id> ...`` lines on ``out`` (none if
    ``out`` is None), and calls ``after_each(<id>)`` as each component ends."""

    def __init__(self, total: int, out: Optional[IO[str]], after_each: Optional[Callable[[str], object]] = None):
        super().__init__(level=logging.INFO)
        self.total, self.out, self.after_each = total, out, after_each
        self.started = 0
        self._stage: Optional[str] = None
        self._start = 0.0
        self._cached = False

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg in _RUNNING:
            self.started += 1
            self._stage, self._start, self._cached = str(record.args[0]), time.monotonic(), False
            self._write(f"[{self.started}/{self.total}] {self._stage} ...")
        elif record.msg == _CACHED:
            self._cached = True
        elif record.msg in _FINISHED and self._stage is not None:
            seconds = time.monotonic() - self._start
            how = "cached" if self._cached else f"done in {seconds:.0f} s"
            self._write(f"[{self.started}/{self.total}] {self._stage}: {how}")
            stage, self._stage = self._stage, None
            if self.after_each is not None:
                self.after_each(stage)

    def _write(self, line: str) -> None:
        if self.out is not None:
            print(line, file=self.out, flush=True)


class _BelowLevel(logging.Filter):
    """Drops absl records below ``level`` (what the terminal dropped before we listened)."""

    def __init__(self, level: int):
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == _ABSL and record.levelno < self.level)


@contextlib.contextmanager
def report_stages(total: int, out: Optional[IO[str]] = sys.stderr,
                  after_each: Optional[Callable[[str], object]] = None) -> Iterator[StageLines]:
    """While inside, stage lines for a pipeline of ``total`` components go to ``out`` (unless it
    is None), and ``after_each`` runs with each component's id as the component ends."""
    absl_logger = logging.getLogger(_ABSL)
    before = absl_logger.getEffectiveLevel()
    lines = StageLines(total, out, after_each)
    quiet = _BelowLevel(before)
    handlers = [h for logger in (absl_logger, logging.getLogger()) for h in logger.handlers]
    for handler in handlers:
        handler.addFilter(quiet)
    absl_logger.addHandler(lines)
    level, verbosity = absl_logger.level, absl_logging.get_verbosity()
    absl_logging.set_verbosity(max(verbosity, absl_logging.INFO))  # absl's scale: higher says more
    try:
        yield lines
    finally:
        absl_logging.set_verbosity(verbosity)
        absl_logger.setLevel(level)
        absl_logger.removeHandler(lines)
        for handler in handlers:
            handler.removeFilter(quiet)
