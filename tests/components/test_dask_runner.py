"""The Dask runner: every branch written, side inputs computed once, finish_bundle outputs and
tagged outputs kept; and ImageExampleGen, Compression and DatasetRestoration write on a local
dask.distributed cluster (two worker processes) the same examples as on the DirectRunner."""
import glob
import json
import os
import uuid

import apache_beam as beam
import numpy as np
import pytest
import tensorflow as tf
from apache_beam.options.pipeline_options import PipelineOptions
from tfx.dsl.components.base import base_beam_executor
from tfx.types import standard_artifacts

import dataconf
from components.artifacts import RateDistortion, RestorationMeasures
from components.compression import executor as compression
from components.dataset_restoration import executor as restoration
from components.image_example_gen import executor as example_gen
from image_codecs.specs import CodecSpec
from image_datasets import features, ingest
from keras_models.restoration import export
from keras_models.restoration.config import RdnConfig
from keras_models.restoration.rdn import ResidualDenseNetwork
from pipelines import beam_args

pytestmark = pytest.mark.slow

DIRECT = list(beam_args.IN_PROCESS)


@pytest.fixture(scope="module")
def cluster():
    from dask import distributed
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as local:
        yield local


def _dask(cluster):
    return ["--runner=components.dask_runner.DaskRunner", f"--dask_client_address={cluster.scheduler_address}",
            "--dask_partition_size=1"]


def _lines(pattern):
    return sorted(line for f in glob.glob(pattern) for line in open(f).read().split())


def test_every_branch_is_written_and_tags_stay_apart(cluster, tmp_path):
    # Defined here, not at module level: the workers cannot import a test module (pytest's
    # importlib mode), and what is local is pickled by value.
    class EmitAtFinish(beam.DoFn):
        """Emits the bundle's sum only in finish_bundle (as Beam's file writers report shards)."""

        def start_bundle(self):
            self.total = 0

        def process(self, x):
            self.total += x

        def finish_bundle(self):
            yield beam.utils.windowed_value.WindowedValue(self.total, 0, [beam.transforms.window.GlobalWindow()])

    def split(x):
        yield beam.pvalue.TaggedOutput("odd", x) if x % 2 else x

    with beam.Pipeline(options=PipelineOptions(_dask(cluster))) as p:
        numbers = p | beam.Create(list(range(10)))
        parts = numbers | "Split" >> beam.ParDo(split).with_outputs("odd", main="even")
        _ = parts.even | "WriteEven" >> beam.io.WriteToText(str(tmp_path / "even"))
        _ = parts.odd | "WriteOdd" >> beam.io.WriteToText(str(tmp_path / "odd"))
        _ = (numbers | "Sum" >> beam.ParDo(EmitAtFinish()) | beam.CombineGlobally(sum)
             | "WriteSum" >> beam.io.WriteToText(str(tmp_path / "sum")))
    assert _lines(str(tmp_path / "even-*")) == sorted(str(x) for x in range(0, 10, 2))
    assert _lines(str(tmp_path / "odd-*")) == sorted(str(x) for x in range(1, 10, 2))
    assert _lines(str(tmp_path / "sum-*")) == ["45"]
    assert not glob.glob(str(tmp_path / "beam-temp-*")), "a writer's temporary directory was left behind"


def test_a_side_input_is_computed_once_for_all_its_readers(cluster, tmp_path):
    with beam.Pipeline(options=PipelineOptions(_dask(cluster))) as p:
        token = p | "One" >> beam.Create([None]) | "Token" >> beam.Map(lambda _: uuid.uuid4().hex)
        numbers = p | "Numbers" >> beam.Create(list(range(6)))
        for name in ("a", "b"):
            _ = (numbers | f"Tag{name}" >> beam.Map(lambda x, t: t, beam.pvalue.AsSingleton(token))
                 | f"Write{name}" >> beam.io.WriteToText(str(tmp_path / name)))
    seen = set(_lines(str(tmp_path / "a-*")) + _lines(str(tmp_path / "b-*")))
    assert len(seen) == 1


def _records(artifact, split):
    files = glob.glob(os.path.join(artifact.uri, f"Split-{split}", "*.gz"))
    return {r["image_id"]: r for r in (features.parse_example(x.numpy())
                                       for x in tf.data.TFRecordDataset(files, compression_type="GZIP"))}


def _same_examples(a, b, split):
    ra, rb = _records(a, split), _records(b, split)
    assert ra and sorted(ra) == sorted(rb), split
    for image_id, x in ra.items():
        y = rb[image_id]
        assert sorted(x) == sorted(y), image_id
        for key, value in x.items():
            if key.endswith("_ms"):  # the codec's time: measured, not computed
                continue
            if isinstance(value, np.ndarray):
                np.testing.assert_array_equal(value, y[key], err_msg=f"{split}/{image_id}/{key}")
            elif isinstance(value, float):
                assert value == pytest.approx(y[key], rel=1e-6), f"{split}/{image_id}/{key}"
            else:
                assert value == y[key], f"{split}/{image_id}/{key}"


def _run_all(args, root, restorer_dir, out):
    context = base_beam_executor.BaseBeamExecutor.Context(beam_pipeline_args=beam_args.complete(args))
    ingested, compressed, rd = standard_artifacts.Examples(), standard_artifacts.Examples(), RateDistortion()
    restored, measures, model = standard_artifacts.Examples(), RestorationMeasures(), standard_artifacts.Model()
    for artifact, name in ((ingested, "ingested"), (compressed, "compressed"), (rd, "rd"), (restored, "restored"),
                           (measures, "measures")):
        artifact.uri = str(out / name)
    model.uri = restorer_dir
    config = ingest.IngestConfig(dataset="cityscapes", root=root, privileged_fraction=0.5)
    example_gen.Executor(context).Do({}, {"examples": [ingested]},
                                     {example_gen.INGEST_CONFIG_KEY: dataconf.to_json(config)})
    compression.Executor(context).Do(
        {"examples": [ingested]}, {"compressed_examples": [compressed], "rate_distortion": [rd]},
        {compression.SPECS_KEY: json.dumps([dataconf.to_dict(CodecSpec("jpeg", quality=10))]),
         compression.SPLITS_KEY: json.dumps(["train", "val", "privileged"]), compression.MATCH_SAMPLE_KEY: 4})
    restoration.Executor(context).Do(
        {"compressed_examples": [compressed], "model": [model]},
        {"restored_examples": [restored], "restoration_measures": [measures]},
        {restoration.SPLITS_KEY: json.dumps(["train__jpeg_q10", "val__jpeg_q10"]), restoration.TILE_KEY: 16,
         restoration.MARGIN_KEY: 4, restoration.OVERLAP_KEY: 4, restoration.NATURALNESS_SAMPLE_KEY: 8})
    return ingested, compressed, restored, measures


def test_the_three_beam_components_write_what_the_direct_runner_writes(cluster, cityscapes_root, tmp_path):
    tf.keras.utils.set_random_seed(0)
    generator = ResidualDenseNetwork(RdnConfig(blocks=1, layers=2, growth=4, features=8))
    export.export(generator, str(tmp_path / "restorer" / "Format-Serving"), 1, {"name": "rdn-test"})
    restorer = str(tmp_path / "restorer")
    direct = _run_all(DIRECT, cityscapes_root, restorer, tmp_path / "direct")
    dask = _run_all(_dask(cluster), cityscapes_root, restorer, tmp_path / "dask")

    for split in ("train", "val", "privileged"):
        _same_examples(direct[0], dask[0], split)
        _same_examples(direct[1], dask[1], f"{split}__jpeg_q10")
    for split in ("train__jpeg_q10", "val__jpeg_q10"):
        _same_examples(direct[2], dask[2], split)
    summary = {k: json.load(open(os.path.join(a.uri, example_gen.SUMMARY_FILE))) for k, a in
               (("direct", direct[0]), ("dask", dask[0]))}
    assert summary["dask"]["examples"] == summary["direct"]["examples"] == {"privileged": 2, "train": 4, "val": 2}
    assert summary["dask"]["rejected"] is None  # Dask collects no Beam counters
    stats = [json.load(open(os.path.join(m.uri, restoration.STATS_FILE))) for m in (direct[3], dask[3])]
    assert [s["split"] for s in stats[0]] == [s["split"] for s in stats[1]]
    for a, b in zip(*stats):
        assert a["images"] == b["images"] and a["restored_psnr"] == pytest.approx(b["restored_psnr"], rel=1e-6)
