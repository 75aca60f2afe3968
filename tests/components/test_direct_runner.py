"""The local runner runs pipelines on Beam's FnApiRunner and never tries Prism, which Beam's own
DirectRunner would download from GitHub first (and, with a setup file, stage it for)."""
import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.portability import prism_runner
from apache_beam.testing.util import assert_that, equal_to

from pipelines import beam_args


@pytest.fixture
def prism_attempts(monkeypatch):
    attempts = []

    def run_pipeline(self, pipeline, options):
        attempts.append(1)
        raise RuntimeError("no Prism here")  # Beam's DirectRunner then falls back

    monkeypatch.setattr(prism_runner.PrismRunner, "run_pipeline", run_pipeline)
    return attempts


def _double(args, tmp_path):
    with beam.Pipeline(options=PipelineOptions(args)) as p:
        out = p | beam.Create([1, 2, 3]) | beam.Map(lambda x: 2 * x)
        assert_that(out, equal_to([2, 4, 6]))
        _ = p | "Names" >> beam.Create([b"a"]) | beam.io.WriteToTFRecord(str(tmp_path / "out"))


@pytest.mark.parametrize("mode", ["in_memory", "multi_processing"])
def test_the_local_runner_never_tries_prism(prism_attempts, tmp_path, mode):
    _double(beam_args.complete([f"--direct_running_mode={mode}", "--direct_num_workers=2"]), tmp_path)
    assert prism_attempts == []
    assert list(tmp_path.glob("out-*"))


def test_beams_own_direct_runner_tries_prism_first(prism_attempts, tmp_path):
    _double(["--runner=DirectRunner", *beam_args.IN_PROCESS], tmp_path)
    assert prism_attempts == [1]
