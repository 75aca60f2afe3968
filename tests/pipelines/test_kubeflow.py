"""Every shipped config compiles for Kubeflow V2 with GPU trainers and the given image."""
import json

import pytest

from pipelines import config as config_lib, kubeflow_runner, pipeline


@pytest.mark.parametrize("name", config_lib.shipped_configs())
def test_shipped_config_compiles(name, tmp_path):
    out = tmp_path / "pipeline.json"
    kubeflow_runner.compile_pipeline(config_lib.load_config(name), "registry.example/dsr:test", str(out),
                                     f"gs://bucket/runs/{name}", trainer_image="registry.example/dsr-gpu:test")
    spec = json.loads(out.read_text())["pipelineSpec"]
    tasks = spec["root"]["dag"]["tasks"]
    assert "ImageExampleGen" in tasks
    executors = spec["deploymentSpec"]["executors"]
    config = config_lib.load_config(name)
    if config.compression is not None:
        assert "ImageExampleGen" in tasks["Compression"]["dependentTasks"]
    components = pipeline.create_pipeline(config, str(tmp_path / "run"), metadata=False).components
    trainers = {c.id for c in components if kubeflow_runner.is_trainer(c)}
    assert {c.id for c in components if c.id.split(".")[0].endswith("Trainer")} == trainers
    assert bool(trainers) == (config.segmentation is not None or config.codec_training is not None)
    for task_id in tasks:
        resources = executors[f"{task_id}_executor"]["container"].get("resources")
        image = executors[f"{task_id}_executor"]["container"]["image"]
        if task_id in trainers:  # the GPU image; Beam steps and the rest keep the slim one
            assert resources["accelerator"] == {"type": "nvidia.com/gpu", "count": "1"}
            assert image == "registry.example/dsr-gpu:test"
        else:
            assert resources is None and image == "registry.example/dsr:test"
    beam_args = executors["ImageExampleGen_executor"]["container"]["args"]
    assert all(a in beam_args for a in config.beam_args)
