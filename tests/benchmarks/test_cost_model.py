"""The cost model prices the real cityscapes_paper pipeline: its components and their units."""
import pytest

from benchmarks import cost_model
from pipelines import config as config_lib


def test_units_are_those_of_the_papers_pipeline():
    config = config_lib.load_config("cityscapes_paper")
    units = cost_model._steps_and_units(config)  # pylint: disable=protected-access
    frames = cost_model.FRAMES
    assert units["SegmentationTrainer"]["steps"] == units["SegmentationTrainer"]["components"] * 90000
    assert units["Evaluator"]["frames"] == units["Evaluator"]["components"] * frames["val"]
    # FineNets: privileged at 50%, 25% and 12.5%, and the auxiliary one; RDNs for PSNR and for
    # MS-SSIM at 50% only; for each of the 8 specs.
    assert units["RestorationTrainer"]["finenet_steps"] == 8 * 4 * 135000
    assert units["RestorationTrainer"]["rdn_steps"] == 8 * 2 * 200000
    assert units["DatasetRestoration"]["rdn_frames"] == 16 * (frames["train"] + frames["val"])
    per_spec = frames["train"] + frames["val"] + round(0.5 * frames["train"]) + frames["extra"] + frames["auxiliary"]
    assert units["Compression"]["msh_frames"] == units["Compression"]["bpg_frames"] == 4 * per_spec
    assert units["CodecTrainer"]["msh_steps"] == 4 * 600000


def test_figures_nobody_measured_are_refused_by_name(tmp_path):
    with pytest.raises(ValueError, match="deeplab_infer_s"):
        cost_model.run(measured={"deeplab_infer_s": None}, smoke_run=str(tmp_path))
