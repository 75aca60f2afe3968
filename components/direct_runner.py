"""Beam's DirectRunner as this project runs and tests it: on Beam's FnApiRunner, in memory or
in worker processes (``--direct_running_mode``), without first trying Prism.

Beam 2.72's DirectRunner (``SwitchingDirectRunner``) first tries to run every pipeline on Prism,
a Go runner it downloads from GitHub at run time: offline the download fails and it falls back
to the FnApiRunner after staging the pipeline's dependencies for Prism (with ``--setup_file``,
building a source package of this project every time); online, pipelines would run on a
binary fetched at run time, which nothing here tests. Beam keeps its DirectRunner off Prism when
the InteractiveRunner drives it; this runner asks for the same at construction, and is otherwise
Beam's. The pipelines name it when their Beam arguments name no runner
(``pipelines.beam_args``)::

    beam_args: ["--runner=components.direct_runner.DirectRunner", "--direct_running_mode=in_memory"]
"""
from __future__ import annotations

from apache_beam.runners.direct import direct_runner

__all__ = ["DirectRunner"]


class DirectRunner(direct_runner.SwitchingDirectRunner):
    """``SwitchingDirectRunner`` that never tries Prism: FnApiRunner, or Beam's bundle-based
    runner for what the FnApiRunner cannot run (streaming sources, TestStream)."""

    def __init__(self):
        super().__init__()
        self.is_interactive()  # Beam's own switch that keeps the DirectRunner off Prism
