"""Every Beam step runs on the local DirectRunner (no Prism) unless told otherwise, and names its
workers' dependency, so that TFX never builds a package of itself."""
import os

import pytest
from tfx.dsl.components.base import base_beam_executor
from tfx.utils import dependency_utils

from components.compression import executor as compression
from pipelines import beam_args, config as config_lib, pipeline

LOCAL = list(beam_args.IN_PROCESS)
RUNNER = f"--runner={beam_args.LOCAL_RUNNER}"


@pytest.fixture
def tfx_package_builds(monkeypatch):
    """Counts the packages TFX would build (copying its installation and running setup.py)."""
    built = []

    def build():
        built.append(1)
        return "/nonexistent/tfx_ephemeral.tar.gz"

    monkeypatch.setattr(dependency_utils, "build_ephemeral_package", build)
    return built


def test_local_arguments_get_the_local_runner_and_this_projects_setup_file():
    assert beam_args.complete(LOCAL) == LOCAL + [RUNNER, f"--setup_file={beam_args.SETUP_FILE}"]
    assert os.path.exists(beam_args.SETUP_FILE)


def test_a_container_image_is_named_as_the_workers_container():
    assert beam_args.complete(LOCAL, image="r.example/dsr:1") == LOCAL + [RUNNER, "--sdk_container_image=r.example/dsr:1"]


@pytest.mark.parametrize("given", ["--requirements_file=req.txt", "--extra_package=x.tar.gz", "--setup_file=s.py",
                                   "--sdk_container_image=img", "--worker_harness_container_image=img"])
def test_arguments_naming_a_dependency_keep_it(given):
    assert beam_args.names_dependency(LOCAL + [given])
    assert beam_args.complete(LOCAL + [given], image="other") == LOCAL + [given, RUNNER]


def test_arguments_naming_a_runner_keep_it():
    args = ["--runner=DataflowRunner", "--project=p"]
    assert beam_args.complete(args, image="img") == args + ["--sdk_container_image=img"]


def test_an_executor_with_these_arguments_builds_no_tfx_package(tfx_package_builds):
    compression.Executor(base_beam_executor.BaseBeamExecutor.Context(beam_pipeline_args=LOCAL))
    assert len(tfx_package_builds) == 1  # what TFX does with the bare arguments
    compression.Executor(base_beam_executor.BaseBeamExecutor.Context(beam_pipeline_args=beam_args.complete(LOCAL)))
    assert len(tfx_package_builds) == 1


def test_the_pipeline_completes_every_beam_steps_arguments(tmp_path):
    config = config_lib.load_config("demo")
    args = pipeline.create_pipeline(config, str(tmp_path / "run")).beam_pipeline_args
    assert args == list(config.beam_args) + [RUNNER, f"--setup_file={beam_args.SETUP_FILE}"]
    args = pipeline.create_pipeline(config, str(tmp_path / "run"), metadata=False, image="r.example/dsr:1") \
        .beam_pipeline_args
    assert args[-1] == "--sdk_container_image=r.example/dsr:1"
