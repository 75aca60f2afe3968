"""The paper-size benchmark's reading of dsr run's stage lines, and its doubling of every split."""
from benchmarks import paper_size


def test_stage_lines_become_one_span_per_component_with_its_kind_and_cache_state():
    lines = [(1.0, "[1/3] ImageExampleGen ..."), (1.5, "texture-city: 50%"),
             (4.0, "[1/3] ImageExampleGen: done in 3 s"), (4.0, "[2/3] Compression ..."),
             (9.5, "[2/3] Compression: cached"), (9.5, "[3/3] Evaluator.orig-on-orig ..."),
             (12.0, "[3/3] Evaluator.orig-on-orig: done in 2 s\n")]
    spans = paper_size.stage_spans(lines)
    assert [(s.component, s.kind, s.start, s.end, s.cached) for s in spans] == [
        ("ImageExampleGen", "ImageExampleGen", 1.0, 4.0, False), ("Compression", "Compression", 4.0, 9.5, True),
        ("Evaluator.orig-on-orig", "Evaluator", 9.5, 12.0, False)]


def test_a_stage_that_never_ends_has_no_span():
    assert paper_size.stage_spans([(0.0, "[1/2] Compression ...")]) == []


def test_the_scaled_config_scales_every_split_and_moves_the_data():
    base = {"demo_data": {"train": 12, "val": 4, "auxiliary": 8, "width": 2048, "height": 1024},
            "ingest": {"root": "data/x", "auxiliary": {"root": "data/x/auxiliary"}}}
    half = paper_size.scaled_config(base, 0.5, "data/y")
    assert half["demo_data"] == {"train": 6, "val": 2, "auxiliary": 4, "width": 2048, "height": 1024}
    assert half["ingest"] == {"root": "data/y", "auxiliary": {"root": "data/y/auxiliary"}}
    assert base["demo_data"]["train"] == 12


def test_the_sampler_sees_a_child_and_counts_shared_pages_once_in_pss():
    import subprocess
    import sys
    import time
    child = subprocess.Popen([sys.executable, "-c", "import time; x = bytearray(64 << 20); time.sleep(3)"])
    try:
        sampler = paper_size.TreeSampler(child.pid)
        sampler.start()
        time.sleep(1.5)
        sampler.stop.set()
        sampler.join()
    finally:
        child.kill()
    _, rss_sum, largest, pss_sum = max(sampler.samples, key=lambda s: s[1])
    assert largest >= 64 << 20 and rss_sum >= largest
    assert 0 < pss_sum <= rss_sum
    peaks = paper_size.peak(sampler.samples, sampler.samples[0][0], sampler.samples[-1][0])
    assert peaks == tuple(max(s[i] for s in sampler.samples) for i in (1, 2, 3))
