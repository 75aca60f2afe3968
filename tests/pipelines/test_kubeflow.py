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
    # The Beam workers' dependency is the steps' image, not a package TFX builds at run time.
    assert "--sdk_container_image=registry.example/dsr:test" in beam_args


def test_cityscapes_paper_compiles_the_papers_grid(tmp_path):
    """FineNet, RDN-PSNR and RDN-MS-SSIM on four MSH rates and their four BPG partners, AO with
    a restorer of the auxiliary dataset, every configuration of Tables II, III and V, and Fig. 8's
    oO and rO at 12.5%, 25% and 50% (FineNets of their own at the smaller fractions)."""
    out = tmp_path / "pipeline.json"
    config = config_lib.load_config("cityscapes_paper")
    kubeflow_runner.compile_pipeline(config, "registry.example/dsr:test", str(out), "gs://bucket/runs/paper")
    tasks = set(json.loads(out.read_text())["pipelineSpec"]["root"]["dag"]["tasks"])
    specs = [f"msh_q{k}" for k in (1, 2, 3, 4)] + [f"bpg_mmsh_q{k}" for k in (1, 2, 3, 4)]
    for spec in specs:
        for restorer in ("finenet", "rdn-psnr", "rdn-msssim", "finenet-aux"):
            assert f"RestorationTrainer.{restorer}.{spec}" in tasks
        for evaluator in ("comp-on-orig", "comp-on-comp", "rest-on-orig", "orig-on-rest", "auxrest-on-orig",
                          "privrest-on-orig", "priv-comp-on-orig", "priv-rest-on-orig"):
            assert any(t.startswith(f"Evaluator.{evaluator}.{spec}") for t in tasks), (evaluator, spec)
        for restorer in ("finenet", "rdn-psnr", "rdn-msssim"):  # Table V: RO once per restorer
            assert f"Evaluator.rest-on-orig.{spec}.{restorer}" in tasks
        for fraction in ("f0_125", "f0_25"):  # Fig. 8 and Table III: FineNet alone at the smaller fractions
            assert f"RestorationTrainer.finenet.{spec}.{fraction}" in tasks
            assert f"Evaluator.privrest-on-orig.{spec}.finenet.{fraction}" in tasks
            assert not [t for t in tasks if t.startswith("RestorationTrainer.rdn") and t.endswith(fraction)]
        assert f"Evaluator.priv-comp-on-orig.{spec}.f0_125" in tasks
        assert f"Evaluator.priv-rest-on-orig.{spec}.finenet.f0_125" in tasks
    assert {"Evaluator.orig-on-orig", "Evaluator.priv-on-orig.f0_125", "Evaluator.priv-on-orig.f0_25",
            "Evaluator.priv-on-orig.f0_5"} <= tasks
