"""The fixed cost around every pipeline step, before and after this project took it over, in
one process (median of ``images`` repetitions each):

* making a Beam step's executor: TFX, given Beam arguments that name no dependency, copies its
  installation and builds an sdist of it (``pipelines.beam_args`` names one);
* running a small Beam pipeline: Beam 2.72's DirectRunner first tries to download and start
  Prism, staging the pipeline's dependencies for it (``components.direct_runner`` does not);
* the garbage collection after each component (``pipelines.heap_release``): a full collection
  over TFX's and TensorFlow's objects, or only over what the run made (``heap_release.frozen``).
"""
from __future__ import annotations

import gc
import os
import shutil
import statistics
import tempfile

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions
from tfx.dsl.components.base import base_beam_executor

from benchmarks.isolated import call_wall_s
from components.compression import executor as compression
from pipelines import beam_args, heap_release

__all__ = ["run"]

LOCAL = list(beam_args.IN_PROCESS)


def _tree_bytes(path: str) -> int:
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def _make_executor(args: list[str], left: list[int]) -> None:
    ex = compression.Executor(base_beam_executor.BaseBeamExecutor.Context(beam_pipeline_args=args))
    for arg in ex._beam_pipeline_args:  # pylint: disable=protected-access
        if arg.startswith("--extra_package="):  # tmp/build/tfx/dist/tfx_ephemeral-*.tar.gz
            root = arg.split("=", 1)[1].rsplit(os.sep + "build" + os.sep, 1)[0]
            left.append(_tree_bytes(root))
            shutil.rmtree(root, ignore_errors=True)  # what TFX leaves behind, cleaned here


def _small_pipeline(args: list[str], out: str) -> None:
    with beam.Pipeline(options=PipelineOptions(args)) as p:
        _ = p | beam.Create([b"a", b"b"]) | beam.Map(lambda x: x + x) | beam.io.WriteToTFRecord(out)


def run(images: int = 5) -> list[dict]:
    rows = []
    left: list[int] = []
    before = call_wall_s(lambda: _make_executor(LOCAL, left), images)
    after = call_wall_s(lambda: _make_executor(beam_args.complete(LOCAL), []), images)
    rows.append({"case": "make a Beam step's executor: TFX's own package (before)", "seconds": round(before, 3),
                 "tmp_mib_left": round(statistics.median(left) / 2**20, 1)})
    rows.append({"case": "make a Beam step's executor: arguments completed by pipelines.beam_args",
                 "seconds": round(after, 3), "vs_before": round(after / before, 3)})
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        own = LOCAL + [f"--setup_file={beam_args.SETUP_FILE}"]
        before = call_wall_s(lambda: _small_pipeline(own + ["--runner=DirectRunner"], out), images)
        after = call_wall_s(lambda: _small_pipeline(own + [f"--runner={beam_args.LOCAL_RUNNER}"], out), images)
    rows.append({"case": "a small Beam pipeline on Beam's DirectRunner (tries Prism first), with --setup_file",
                 "seconds": round(before, 3)})
    rows.append({"case": "the same on components.direct_runner.DirectRunner", "seconds": round(after, 3),
                 "vs_before": round(after / before, 3)})
    import tensorflow  # noqa: F401  pylint: disable=g-import-not-at-top,unused-import
    import tensorflow_model_analysis  # noqa: F401  pylint: disable=g-import-not-at-top,unused-import
    before = call_wall_s(gc.collect, images)
    with heap_release.frozen():
        after = call_wall_s(gc.collect, images)
    rows.append({"case": f"full garbage collection, {len(gc.get_objects())} objects (TFX, TFMA, TensorFlow imported)",
                 "seconds": round(before, 3)})
    rows.append({"case": "the same inside heap_release.frozen()", "seconds": round(after, 4),
                 "vs_before": round(after / before, 4)})
    return rows
