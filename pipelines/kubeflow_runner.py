"""Compiles an experiment for Kubeflow Pipelines (v2 IR) with ``KubeflowV2DagRunner``.

Trainers request a GPU and memory through their platform config and may run another image
than the rest (``trainer_image``: the GPU image, built with ``--build-arg
LOCK=requirements-gpu.lock``, which carries TensorFlow's CUDA and cuDNN wheels); Beam steps
carry the config's Beam arguments (DirectRunner by default; pass Dataflow/Flink/Spark arguments
in the config's ``beam_args`` to distribute them) and name the steps' image as their workers'
container when they name no dependency (``pipelines.beam_args``).
"""
from __future__ import annotations

import dataclasses
import os

from tfx import v1 as tfx
from tfx.orchestration.kubeflow.v2 import kubeflow_v2_dag_runner, pipeline_builder

from pipelines.config import ExperimentConfig
from pipelines.pipeline import create_pipeline

__all__ = ["ClusterResources", "compile_pipeline", "is_trainer"]


def is_trainer(component) -> bool:
    """Every model (codec, restorer, segmenter) is trained by a TFX Trainer, whatever its id."""
    return isinstance(component, tfx.components.Trainer)


@dataclasses.dataclass
class ClusterResources:
    """Resources of trainer steps on the cluster."""

    gpu_type: str = "nvidia.com/gpu"
    gpus: int = 1
    trainer_memory_gb: float = 32.0
    trainer_cpus: float = 8.0


def _resource_spec(resources: ClusterResources):
    from kfp.pipeline_spec import pipeline_spec_pb2  # pylint: disable=g-import-not-at-top

    spec = pipeline_spec_pb2.PipelineDeploymentConfig.PipelineContainerSpec.ResourceSpec(
        cpu_limit=resources.trainer_cpus, memory_limit=resources.trainer_memory_gb)
    if resources.gpus:
        spec.accelerator.type = resources.gpu_type
        spec.accelerator.count = resources.gpus
    return spec


def compile_pipeline(config: ExperimentConfig, image: str, output_path: str, pipeline_root: str,
                     resources: ClusterResources = ClusterResources(), trainer_image: str | None = None) -> str:
    """Writes the Kubeflow V2 pipeline JSON for ``config`` to ``output_path``.

    Args:
      config: the experiment.
      image: the container image the steps run (built from the repository's Dockerfile).
      output_path: where the pipeline JSON goes.
      pipeline_root: where artifacts go on the cluster (e.g. gs://bucket/runs/NAME).
      resources: GPU and memory requests of the trainer steps.
      trainer_image: the image of the trainer steps (default ``image``), e.g. the GPU image.
    """
    pipeline = create_pipeline(config, run_dir=pipeline_root, pipeline_root=pipeline_root, metadata=False, image=image)
    # TFX 1.15 needs the default key in a per-component map, and then warns by an inverted check
    # that it is missing ("DEFAULT_IMAGE_PATH_KEY is not found"); dsr filters that line.
    images = {pipeline_builder.DEFAULT_IMAGE_PATH_KEY: image}
    for component in pipeline.components:
        if is_trainer(component):
            component.with_platform_config(_resource_spec(resources))
            images[component.id] = trainer_image or image
    runner = kubeflow_v2_dag_runner.KubeflowV2DagRunner(
        config=kubeflow_v2_dag_runner.KubeflowV2DagRunnerConfig(default_image=images),
        output_dir=os.path.dirname(os.path.abspath(output_path)),
        output_filename=os.path.basename(output_path))
    runner.run(pipeline, write_out=True)
    return output_path
