"""ImageExampleGen: Cityscapes, INRIA Aerial, Semantic Drone and plain folders into
Examples (PNG image + PNG label map), with the privileged and auxiliary splits."""
from __future__ import annotations

from tfx import types
from tfx.components.example_gen import driver
from tfx.dsl.components.base import base_beam_component, executor_spec
from tfx.proto import example_gen_pb2
from tfx.types import standard_artifacts
from tfx.types.component_spec import ChannelParameter, ComponentSpec, ExecutionParameter

import dataconf
from components.image_example_gen import executor
from image_datasets import ingest

__all__ = ["ImageExampleGen"]


class ImageExampleGenSpec(ComponentSpec):
    PARAMETERS = {
        # input_base and input_config feed the FileBasedDriver's input fingerprint, so a
        # changed dataset invalidates the cache.
        "input_base": ExecutionParameter(type=str),
        "input_config": ExecutionParameter(type=example_gen_pb2.Input),
        "output_config": ExecutionParameter(type=example_gen_pb2.Output),
        "output_data_format": ExecutionParameter(type=int),
        "output_file_format": ExecutionParameter(type=int),
        executor.INGEST_CONFIG_KEY: ExecutionParameter(type=str),
    }
    INPUTS = {}
    OUTPUTS = {"examples": ChannelParameter(type=standard_artifacts.Examples)}


class ImageExampleGen(base_beam_component.BaseBeamComponent):
    """Ingests an image segmentation dataset.

    Output ``examples``: one split per non-empty split among train, val, test, extra,
    privileged and auxiliary (schema in ``image_datasets.features``), and
    ``ingest_summary.json`` with per-split counts and rejection counters.
    """

    SPEC_CLASS = ImageExampleGenSpec
    EXECUTOR_SPEC = executor_spec.BeamExecutorSpec(executor.Executor)
    DRIVER_CLASS = driver.FileBasedDriver

    def __init__(self, config: ingest.IngestConfig):
        patterns = ingest.fingerprint_patterns(config)
        input_config = example_gen_pb2.Input(splits=[
            example_gen_pb2.Input.Split(name=name, pattern=pattern) for name, pattern in sorted(patterns.items())])
        spec = ImageExampleGenSpec(
            input_base=config.root,
            input_config=input_config,
            output_config=example_gen_pb2.Output(),
            output_data_format=example_gen_pb2.FORMAT_TF_EXAMPLE,
            output_file_format=example_gen_pb2.FORMAT_TFRECORDS_GZIP,
            ingest_config=dataconf.to_json(config),
            examples=types.Channel(type=standard_artifacts.Examples),
        )
        super().__init__(spec=spec)

