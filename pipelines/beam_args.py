"""The Beam arguments every Beam step runs with: the configured ones, plus the runner and the
workers' dependency when they name none.

* **Runner.** Without ``--runner`` the steps run on ``components.direct_runner.DirectRunner``:
  Beam's DirectRunner without its attempt to download and start Prism before each pipeline.
* **Dependency.** TFX's ``BaseBeamExecutor``, given Beam arguments that name no dependency (an
  extra package, a setup file, a requirements file or a container image), copies TFX's own
  installation into a new temporary folder and builds a source package of it with a
  ``setup.py sdist`` subprocess, in every Beam step of every run: about 3 s on 2 cores and 27 MB
  left in the temporary folder each time, for a package that holds TFX but none of this
  project's code, which is what a remote worker would need. So the steps name the dependency
  themselves: on a cluster, the container image the steps run (``--sdk_container_image``: it
  holds this project and every pinned dependency, and Dataflow, Flink and Spark start their
  workers from it); otherwise this project's own ``setup.py`` (``--setup_file``: the local
  runners ignore it, a remote runner builds and installs it).

Arguments that already name a runner or a dependency keep them.
"""
from __future__ import annotations

import os
from typing import Sequence

from apache_beam.options import pipeline_options

__all__ = ["IN_PROCESS", "LOCAL_RUNNER", "SETUP_FILE", "names_dependency", "complete"]

# A Beam step run in this process, one worker (tests, benchmarks, small configs).
IN_PROCESS = ("--direct_running_mode=in_memory", "--direct_num_workers=1")
LOCAL_RUNNER = "components.direct_runner.DirectRunner"
SETUP_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "setup.py")
# The options TFX 1.15's ``dependency_utils.make_beam_dependency_flags`` looks for.
_DEPENDENCY_OPTIONS = ("extra_packages", "setup_file", "requirements_file", "worker_harness_container_image",
                       "sdk_container_image")


def _options(args: Sequence[str]) -> dict:
    return pipeline_options.PipelineOptions(flags=list(args)).get_all_options()


def _has_dependency(options: dict) -> bool:
    return any(options.get(name) for name in _DEPENDENCY_OPTIONS)


def names_dependency(args: Sequence[str]) -> bool:
    """Whether Beam arguments ``args`` already name the workers' dependency."""
    return _has_dependency(_options(args))


def complete(args: Sequence[str], image: str | None = None) -> list[str]:
    """``args`` with the runner (``LOCAL_RUNNER``) when they name none, and the workers'
    dependency when they name none: ``--sdk_container_image=image`` when the steps run in a
    container ``image``, else this project's ``setup.py`` (when it is not there, as in an
    installed wheel, none: TFX then builds its own package)."""
    args, options = list(args), _options(args)
    if not options.get("runner"):
        args.append(f"--runner={LOCAL_RUNNER}")
    if _has_dependency(options):
        return args
    if image is not None:
        return args + [f"--sdk_container_image={image}"]
    if os.path.exists(SETUP_FILE):
        return args + [f"--setup_file={SETUP_FILE}"]
    return args
