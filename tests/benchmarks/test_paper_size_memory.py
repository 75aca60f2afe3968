"""The memory benchmark's reading of heap_release's lines and of the samples between components."""
import os

from benchmarks import paper_size, paper_size_memory

MIB = 2**20


def test_release_lines_give_each_component_what_it_returned():
    lines = [(1.0, "[1/2] Trainer.OO: done in 20 s"), (1.1, "after Trainer.OO: 812 MiB returned to the system in 0.41 s"),
             (2.0, "after Evaluator.OO: -3 MiB returned to the system in 0.05 s\n"), (2.1, "after all: nothing")]
    assert paper_size_memory.released(lines) == {"Trainer.OO": (812, 0.41), "Evaluator.OO": (-3, 0.05)}


def test_the_table_sums_each_kind_and_reads_the_runner_only_between_components(tmp_path):
    lines = [(0.0, "[1/3] Trainer.OO ..."), (10.0, "[1/3] Trainer.OO: done in 10 s"),
             (10.1, "after Trainer.OO: 800 MiB returned to the system in 0.5 s"),
             (11.0, "[2/3] Trainer.CO ..."), (20.0, "[2/3] Trainer.CO: done in 9 s"),
             (20.1, "after Trainer.CO: 700 MiB returned to the system in 0.25 s"),
             (21.0, "[3/3] Evaluator.OO ..."), (30.0, "[3/3] Evaluator.OO: done in 9 s"),
             (30.1, "after Evaluator.OO: 10 MiB returned to the system in 0.125 s")]
    # (time, RSS sum, largest RSS, PSS sum): 3 GiB in the trainers, 1 to 1.5 GiB between
    # components; the last sample is the process exiting after the run.
    samples = [(t, g * 1024 * MIB, g * 1024 * MIB, g * 1024 * MIB)
               for t, g in ((5.0, 3), (10.5, 1), (15.0, 3), (20.5, 1.5), (25.0, 2), (30.5, 0.01))]
    result = {"lines": lines, "spans": paper_size.stage_spans(lines), "samples": samples, "wall_s": 31.0, "start": 0.0}
    plot = str(tmp_path / "memory.png")
    table = {row["stage"]: row for row in paper_size_memory.rows(result, plot)}
    assert table["Trainer"]["components"] == 2 and table["Trainer"]["wall_s"] == 19.0
    assert table["Trainer"]["returned_mib"] == 1500 and table["Trainer"]["release_s"] == 0.8
    assert table["Trainer"]["peak_tree_pss_mib"] == 3072
    assert table["Evaluator"]["returned_mib"] == 10
    whole = table["whole run (3 components)"]
    assert whole["returned_mib"] == 1510 and whole["peak_tree_rss_mib"] == 3072
    assert table["the runner between components: first, last, largest (MiB)"]["peak_process_rss_mib"] == "1024, 1536, 1536"
    assert os.path.getsize(plot) > 10_000
