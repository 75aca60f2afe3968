"""DatasetRestoration on compressed fixtures: every image restored, features kept, measures written."""
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
from components.artifacts import RateDistortion, RestorationMeasures
from components.compression import executor as compression
from components.dataset_restoration import executor as restoration
from components.image_example_gen import executor as example_gen
from image_codecs import metrics
from image_codecs.specs import CodecSpec
from image_datasets import features, ingest
from keras_models.restoration import export, tiling
from keras_models.restoration.config import RdnConfig
from keras_models.restoration.rdn import ResidualDenseNetwork
from pipelines import beam_args

BEAM_ARGS = beam_args.complete(beam_args.IN_PROCESS)


def _context():
    return base_beam_executor.BaseBeamExecutor.Context(beam_pipeline_args=BEAM_ARGS)


@pytest.fixture
def compressed(cityscapes_root, tmp_path):
    root, tmp = cityscapes_root, tmp_path
    examples = standard_artifacts.Examples()
    examples.uri = str(tmp / "ingested")
    config = ingest.IngestConfig(dataset="cityscapes", root=root, privileged_fraction=0.5)
    example_gen.Executor(_context()).Do({}, {"examples": [examples]},
                                        {example_gen.INGEST_CONFIG_KEY: dataconf.to_json(config)})
    out, rd = standard_artifacts.Examples(), RateDistortion()
    out.uri, rd.uri = str(tmp / "compressed"), str(tmp / "rd")
    compression.Executor(_context()).Do(
        {"examples": [examples]}, {"compressed_examples": [out], "rate_distortion": [rd]},
        {compression.SPECS_KEY: json.dumps([dataconf.to_dict(CodecSpec("jpeg", quality=10))]),
         compression.SPLITS_KEY: json.dumps(["train", "privileged"]), compression.MATCH_SAMPLE_KEY: 4})
    return out


@pytest.fixture(scope="module")
def restorer(tmp_path_factory):
    tf.keras.utils.set_random_seed(0)
    generator = ResidualDenseNetwork(RdnConfig(blocks=1, layers=2, growth=4, features=8))
    path = str(tmp_path_factory.mktemp("restorer") / "Format-Serving")
    export.export(generator, path, 1, {"name": "rdn-test"})
    model = standard_artifacts.Model()
    model.uri = os.path.dirname(path)
    return model, path


def _read(artifact, split):
    files = glob.glob(os.path.join(artifact.uri, f"Split-{split}", "*.gz"))
    return [features.parse_example(r.numpy()) for r in tf.data.TFRecordDataset(files, compression_type="GZIP")]


def test_every_image_of_the_split_is_restored_with_its_measures(compressed, restorer, tmp_path):
    model, path = restorer
    out, measures = standard_artifacts.Examples(), RestorationMeasures()
    out.uri, measures.uri = str(tmp_path / "restored"), str(tmp_path / "measures")
    restoration.Executor(_context()).Do(
        {"compressed_examples": [compressed], "model": [model]},
        {"restored_examples": [out], "restoration_measures": [measures]},
        {restoration.SPLITS_KEY: json.dumps(["train__jpeg_q10"]), restoration.TILE_KEY: 16,
         restoration.MARGIN_KEY: 4, restoration.OVERLAP_KEY: 4, restoration.NATURALNESS_SAMPLE_KEY: 8})
    assert json.loads(out.split_names) == ["train__jpeg_q10"]
    assert examples_utils.get_payload_format(out) == example_gen_pb2.FORMAT_TF_EXAMPLE
    assert examples_utils.get_file_format(out) == "tfrecords_gzip"
    rows = _read(out, "train__jpeg_q10")
    assert len(rows) == len(_read(compressed, "train__jpeg_q10")) > 0
    restore = export.load(path)
    for ex in rows:
        assert ex["restorer"] == "rdn-test" and "label" in ex and "bitstream" in ex
        expected = tiling.restore_tiled(restore, ex["decoded"], 16, 4, 4, 1)
        np.testing.assert_array_equal(ex["restored"], expected)
        assert ex["restored_psnr"] == pytest.approx(metrics.psnr(ex["image"], ex["restored"]), rel=1e-5)
    stats = json.load(open(os.path.join(measures.uri, restoration.STATS_FILE)))
    assert stats[0]["split"] == "train__jpeg_q10" and stats[0]["images"] == len(rows)
    assert stats[0]["restored_psnr"] == pytest.approx(np.mean([r["restored_psnr"] for r in rows]), rel=1e-5)
    # the naturalness sample (here every example) is taken in the order of the ids, whatever
    # order the examples were written in
    files = glob.glob(os.path.join(out.uri, "Split-train__jpeg_q10", "*.gz"))
    records = [r.numpy() for r in tf.data.TFRecordDataset(files, compression_type="GZIP")]
    sample = sorted(records, key=lambda r: features.parse_example(r)["image_id"])[:8]
    assert len(sample) >= 4
    expected = restoration.naturalness(sample)
    assert set(expected) == {"original", "compressed", "restored"} and len(expected["original"]) == len(sample) // 2
    for kind, values in expected.items():
        assert stats[0]["naturalness_images"][kind] == pytest.approx(values)
    assert stats[0]["naturalness"] == pytest.approx({k: np.mean(v) for k, v in expected.items()})


def test_examples_without_decoded_images_are_rejected_by_name(compressed, restorer, tmp_path):
    model, _ = restorer
    out, measures = standard_artifacts.Examples(), RestorationMeasures()
    out.uri, measures.uri = str(tmp_path / "r"), str(tmp_path / "m")
    with pytest.raises(ValueError, match=r"splits \['train'\] are not in the compressed examples"):
        restoration.Executor(_context()).Do(
            {"compressed_examples": [compressed], "model": [model]},
            {"restored_examples": [out], "restoration_measures": [measures]},
            {restoration.SPLITS_KEY: json.dumps(["train"])})


def test_a_corrupt_decoded_image_names_the_example(restorer):
    from components.dataset_restoration.restore_transform import RestoreExample
    from keras_models.restoration.tiling import TileOptions
    model, path = restorer
    example = features.make_example(np.zeros((8, 8, 3), np.uint8), None, "broken_0001", "test", "train")
    example.features.feature[features.DECODED].bytes_list.value.append(b"\x89PNG truncated")
    fn = RestoreExample(path, "r", 1, TileOptions(16, 4, 4))
    fn.setup()
    with pytest.raises(RuntimeError, match="broken_0001"):
        list(fn.process(example.SerializeToString()))
