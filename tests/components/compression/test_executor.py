"""The compression executor on ingested fixtures: splits, features, real bpp, statistics."""
import glob
import json
import os

import numpy as np
import pytest
import tensorflow as tf
from tfx.components.util import examples_utils
from tfx.dsl.components.base import base_beam_executor
from tfx.proto import example_gen_pb2
from tfx.types import standard_artifacts

import dataconf
from components.artifacts import RateDistortion
from components.compression import executor as compression
from components.image_example_gen import executor as example_gen
from image_codecs import metrics, registry
from image_codecs.specs import CodecSpec
from image_datasets import features, ingest
from pipelines import beam_args

BEAM_ARGS = beam_args.complete(beam_args.IN_PROCESS)


def _context():
    return base_beam_executor.BaseBeamExecutor.Context(beam_pipeline_args=BEAM_ARGS)


@pytest.fixture
def ingested(cityscapes_root, tmp_path):
    examples = standard_artifacts.Examples()
    examples.uri = str(tmp_path / "ingested")
    config = ingest.IngestConfig(dataset="cityscapes", root=cityscapes_root, privileged_fraction=0)
    example_gen.Executor(_context()).Do({}, {"examples": [examples]},
                                        {example_gen.INGEST_CONFIG_KEY: dataconf.to_json(config)})
    return examples


def _run(ingested, tmp_path, specs, splits=()):
    out, rd = standard_artifacts.Examples(), RateDistortion()
    out.uri, rd.uri = str(tmp_path / "compressed"), str(tmp_path / "rd")
    compression.Executor(_context()).Do(
        {"examples": [ingested]}, {"compressed_examples": [out], "rate_distortion": [rd]},
        {compression.SPECS_KEY: json.dumps([dataconf.to_dict(s) for s in specs]),
         compression.SPLITS_KEY: json.dumps(list(splits)), compression.MATCH_SAMPLE_KEY: 4})
    return out, rd


def _read(artifact, split):
    files = glob.glob(os.path.join(artifact.uri, f"Split-{split}", "*.gz"))
    return [features.parse_example(r.numpy()) for r in tf.data.TFRecordDataset(files, compression_type="GZIP")]


def test_each_split_and_spec_gets_its_own_split_with_real_rates(ingested, tmp_path):
    specs = [CodecSpec("jpeg", quality=10), CodecSpec("bpg", quality=40)]
    out, rd = _run(ingested, tmp_path, specs, splits=["train"])
    assert json.loads(out.split_names) == ["train__jpeg_q10", "train__bpg_q40"]
    # TFX components downstream read the formats from the artifact (and warn when they are missing).
    assert examples_utils.get_payload_format(out) == example_gen_pb2.FORMAT_TF_EXAMPLE
    assert examples_utils.get_file_format(out) == "tfrecords_gzip"
    rows = _read(out, "train__bpg_q40")
    assert len(rows) == 4
    for ex in rows:
        assert ex["codec"] == "bpg" and ex["quality"] == 40.0
        assert ex["bpp"] == pytest.approx(len(ex["bitstream"]) * 8 / (24 * 32))
        decoded = registry.make_codec("bpg", 40).decode(ex["bitstream"])
        np.testing.assert_array_equal(decoded, ex["decoded"])
        assert ex["psnr"] == pytest.approx(metrics.psnr(ex["image"], ex["decoded"]))
        assert ex["ms_ssim_db"] == pytest.approx(metrics.ms_ssim_db(ex["ms_ssim"]))
        assert "label" in ex and ex["image"].shape == (24, 32, 3)
    stats = json.load(open(os.path.join(rd.uri, compression.STATS_FILE)))
    bpg = [s for s in stats if s["spec"] == "bpg_q40"][0]
    assert bpg["images"] == 4 and bpg["bpp"] == pytest.approx(np.mean([r["bpp"] for r in rows]))
    assert os.path.getsize(os.path.join(rd.uri, compression.PLOT_FILE)) > 1000


def test_matched_rate_spec_is_resolved_to_one_quality(ingested, tmp_path):
    out, _ = _run(ingested, tmp_path, [CodecSpec("jpeg", match_bpp=2.0)], splits=["val"])
    specs = json.loads(out.get_string_custom_property("codec_specs"))
    assert specs["jpeg_mbpp2"]["quality"] is not None
    rows = _read(out, "val__jpeg_mbpp2")
    assert len({r["quality"] for r in rows}) == 1


def test_unknown_split_is_a_clear_error(ingested, tmp_path):
    with pytest.raises(ValueError, match=r"splits \['test'\] are not in the input"):
        _run(ingested, tmp_path, [CodecSpec("jpeg", quality=10)], splits=["test"])


def test_ir2i_spec_writes_progressive_bitstreams_that_decode(ingested, tmp_path):
    from keras_models.ir2i import config as ic, export, training  # pylint: disable=g-import-not-at-top

    model = export.export(training.Ir2iModel(ic.preset("ir2i-tiny", stages=3)), str(tmp_path / "ir2i"))
    out, _ = _run(ingested, tmp_path, [CodecSpec("ir2i", quality=3, options={"model": model})], splits=["val"])
    rows = _read(out, "val__ir2i_q3")
    assert len(rows) == 2
    codec = registry.make_codec("ir2i", 3, model=model)
    for ex in rows:
        assert ex["codec"] == "ir2i" and ex["quality"] == 3.0
        assert ex["bpp"] == pytest.approx(len(ex["bitstream"]) * 8 / (24 * 32))
        np.testing.assert_array_equal(codec.decode(ex["bitstream"]), ex["decoded"])


@pytest.fixture(scope="module")
def photos():
    from skimage import data as skdata  # pylint: disable=g-import-not-at-top
    photo = skdata.astronaut()
    return [photo[:64, :96], photo[200:264, 100:196], photo[400:464, 300:396]]


def test_a_spec_matched_to_another_gets_the_quality_whose_rate_is_closest_on_the_sample(photos):
    from image_codecs import rate_control  # pylint: disable=g-import-not-at-top
    specs = [CodecSpec("jpeg", quality=30), CodecSpec("jpeg", match="jpeg_q30"), CodecSpec("webp", match="jpeg_q30")]
    resolved = dict(compression._resolve(specs, photos))  # pylint: disable=protected-access
    assert list(resolved) == ["jpeg_q30", "jpeg_mjpeg_q30", "webp_mjpeg_q30"]
    assert resolved["jpeg_mjpeg_q30"].quality == 30  # the same codec matches itself exactly
    target = rate_control.mean_bpp("jpeg", 30, photos)
    gaps = {q: abs(rate_control.mean_bpp("webp", q, photos) - target) for q in rate_control.qualities("webp")}
    assert gaps[resolved["webp_mjpeg_q30"].quality] == min(gaps.values())


@pytest.mark.parametrize("specs, message", [
    ([CodecSpec("jpeg", match="bpg_q30")], r"match names 'bpg_q30', which is not a spec of this run"),
    ([CodecSpec("jpeg", match="webp_q5-50"), CodecSpec("webp", qualities=(5, 50))], "has no single quality"),
])
def test_bad_matches_are_named(photos, specs, message):
    with pytest.raises(ValueError, match=message):
        compression._resolve(specs, photos)  # pylint: disable=protected-access
