"""Examples artifacts in Beam: what is written reads back, and the read spreads a file's
examples over the workers (a TFRecord file is read whole by one worker)."""
import os

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.util import assert_that, equal_to
from tfx.types import artifact_utils, standard_artifacts

from components import examples_beam
from pipelines import beam_args, config as config_lib

RECORDS = [f"example {i}".encode() for i in range(24)]
TWO_WORKERS = list(config_lib.DEFAULT_BEAM_ARGS)  # the local default: 2 worker processes


@pytest.fixture
def written(tmp_path):
    artifact = standard_artifacts.Examples()
    artifact.uri = str(tmp_path / "examples")
    artifact.split_names = artifact_utils.encode_split_names(["train"])
    examples_beam.describe(artifact)
    with beam.Pipeline(options=PipelineOptions(beam_args.complete(beam_args.IN_PROCESS))) as p:
        _ = p | beam.Create(RECORDS) | examples_beam.write(artifact, "train")
    return artifact


def test_what_is_written_reads_back(written):
    assert len(os.listdir(artifact_utils.get_split_uri([written], "train"))) == 1  # one file: one reader
    with beam.Pipeline(options=PipelineOptions(beam_args.complete(beam_args.IN_PROCESS))) as p:
        assert_that(p | examples_beam.read(written, "train"), equal_to(RECORDS))


@pytest.mark.slow
@pytest.mark.parametrize("spread", [True, False])
def test_the_read_hands_one_files_examples_to_every_worker(written, spread):
    files = os.path.join(artifact_utils.get_split_uri([written], "train"), "*")
    source = (examples_beam.read(written, "train") if spread
              else beam.io.ReadFromTFRecord(files, coder=beam.coders.BytesCoder()))  # the read it replaced
    with beam.Pipeline(options=PipelineOptions(beam_args.complete(TWO_WORKERS))) as p:
        workers = (p | source | "Pid" >> beam.Map(lambda _: os.getpid()) | beam.Distinct()
                   | beam.combiners.Count.Globally())
        assert_that(workers, equal_to([2 if spread else 1]))
