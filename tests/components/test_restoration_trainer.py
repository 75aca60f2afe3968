"""The restoration Trainer's run_fn on compressed fixture pairs."""
import glob
import json
import os

import numpy as np
import pytest
import tensorflow as tf
from tfx.components.trainer.fn_args_utils import FnArgs
from tfx.dsl.components.base import base_beam_executor
from tfx.types import standard_artifacts

import dataconf
from components import restoration_trainer
from components.artifacts import RateDistortion
from components.compression import executor as compression
from components.image_example_gen import executor as example_gen
from image_codecs.specs import CodecSpec
from image_datasets import ingest
from pipelines import beam_args

BEAM_ARGS = beam_args.complete(beam_args.IN_PROCESS)


@pytest.fixture
def privileged_pairs(cityscapes_root, tmp_path):
    context = base_beam_executor.BaseBeamExecutor.Context(beam_pipeline_args=BEAM_ARGS)
    examples = standard_artifacts.Examples()
    examples.uri = str(tmp_path / "ingested")
    config = ingest.IngestConfig(dataset="cityscapes", root=cityscapes_root, privileged_fraction=0.5)
    example_gen.Executor(context).Do({}, {"examples": [examples]},
                                     {example_gen.INGEST_CONFIG_KEY: dataconf.to_json(config)})
    out, rd = standard_artifacts.Examples(), RateDistortion()
    out.uri, rd.uri = str(tmp_path / "compressed"), str(tmp_path / "rd")
    compression.Executor(context).Do(
        {"examples": [examples]}, {"compressed_examples": [out], "rate_distortion": [rd]},
        {compression.SPECS_KEY: json.dumps([dataconf.to_dict(CodecSpec("jpeg", quality=10))]),
         compression.SPLITS_KEY: json.dumps(["privileged"]), compression.MATCH_SAMPLE_KEY: 4})
    return os.path.join(out.uri, "Split-privileged__jpeg_q10")


@pytest.mark.parametrize("preset", ["finenet-tiny", "rdn-tiny"])
def test_run_fn_trains_and_exports_a_restorer(privileged_pairs, tmp_path, preset):
    overrides = {"crop": 16, "batch_size": 1}
    if preset.startswith("finenet"):
        overrides.update(generator={"filters": 4, "res_blocks": 1}, discriminator={"filters": 4, "scales": [1, 2]})
    else:
        overrides.update(rdn={"blocks": 1, "layers": 2, "growth": 4, "features": 8})
    fn_args = FnArgs(train_files=[privileged_pairs], serving_model_dir=str(tmp_path / "serving"),
                     model_run_dir=str(tmp_path / "RestorationTrainer" / "model_run" / "7"), train_steps=2,
                     custom_config={"preset": preset, "overrides": overrides, "name": "r"})
    restoration_trainer.run_fn(fn_args)
    meta = json.load(open(tmp_path / "serving" / "restorer.json"))
    assert meta["name"] == "r" and meta["steps"] == 2 and meta["multiple"] == (8 if "finenet" in preset else 1)
    loaded = tf.saved_model.load(str(tmp_path / "serving"))
    out = loaded.signatures["restore_tensor"](images=tf.zeros((1, 24, 32, 3)))["restored"]
    assert out.shape == (1, 24, 32, 3) and np.isfinite(out.numpy()).all()
    assert glob.glob(str(tmp_path / "RestorationTrainer" / "model_run" / "7" / "logs" / "*"))
    # Checkpoints lived beside the executions and went once the model was exported.
    assert os.listdir(tmp_path / "RestorationTrainer" / "checkpoints") == []
