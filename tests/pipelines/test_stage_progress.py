"""While a pipeline runs, the terminal gets one line as each stage starts and one as it ends
(with its duration, or that its outputs were cached), and nothing else of the runner's INFO
records."""
import io
import logging
import re

from absl import logging as absl_logging

from pipelines import stage_progress


def test_stage_lines_from_the_runners_records_and_nothing_else():
    seen = io.StringIO()
    terminal = logging.StreamHandler(seen)
    logging.getLogger().addHandler(terminal)
    out = io.StringIO()
    try:
        with stage_progress.report_stages(3, out):
            absl_logging.info("Component %s is running.", "ImageExampleGen")
            # TensorFlow's SavedModel writer silences absl, then restores it from the verbosity flag.
            verbosity = absl_logging.get_verbosity()
            absl_logging.set_verbosity(absl_logging.FATAL)
            absl_logging.set_verbosity(verbosity)
            absl_logging.info("Using connection config:\n %s", "sqlite")  # runner chatter
            absl_logging.info("Component %s is finished.", "ImageExampleGen")
            absl_logging.info("node %s is running.", "Compression")  # BeamDagRunner's wording
            absl_logging.info("A cached execution %d is used.", 7)
            absl_logging.info("node %s is finished.", "Compression")
            absl_logging.info("Component %s is running.", "Trainer")
            absl_logging.warning("a warning still reaches the terminal")
        absl_logging.info("Component %s is running.", "after the run")
    finally:
        logging.getLogger().removeHandler(terminal)
    lines = out.getvalue().splitlines()
    assert lines[:2] == ["[1/3] ImageExampleGen ...", lines[1]]
    assert re.fullmatch(r"\[1/3\] ImageExampleGen: done in \d+ s", lines[1])
    assert lines[2:] == ["[2/3] Compression ...", "[2/3] Compression: cached", "[3/3] Trainer ..."]
    assert seen.getvalue().splitlines() == ["a warning still reaches the terminal"]
    assert logging.getLogger("absl").getEffectiveLevel() > logging.INFO  # as it was


def test_after_each_runs_as_each_component_ends_cached_or_not_and_without_lines():
    ended = []
    with stage_progress.report_stages(2, None, after_each=ended.append) as lines:
        absl_logging.info("Component %s is running.", "ImageExampleGen")
        assert ended == []
        absl_logging.info("Component %s is finished.", "ImageExampleGen")
        absl_logging.info("node %s is running.", "Compression")
        absl_logging.info("A cached execution %d is used.", 3)
        absl_logging.info("node %s is finished.", "Compression")
    absl_logging.info("Component %s is finished.", "after the run")
    assert ended == ["ImageExampleGen", "Compression"]
    assert lines.started == 2
