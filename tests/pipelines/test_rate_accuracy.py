"""Rate-accuracy curves average the seeds at each rate; BD-rate and BD-mIoU against the anchor
agree with a direct numpy computation; the export holds every row and class."""
import csv
import json

import numpy as np
import pytest

from pipelines import beam_args, rate_accuracy as ra


def _rows():
    """Two codecs x four rates x two seeds; 'b' reaches a's mIoU with 20% fewer bits."""
    rows = []
    for codec, scale in (("a", 1.0), ("b", 0.8)):
        for i, q in enumerate((10, 20, 40, 80)):
            bpp = scale * 0.05 * 2 ** i
            for seed, noise in ((0, -0.01), (1, 0.01)):
                rows.append(ra.RateRow("run", "OC", f"{codec}_sweep", codec, q, seed, bpp, 25 + 3 * i,
                                       8 + 2 * i, 0.3 + 0.08 * i + noise, per_class=[0.1 * i, 0.2]))
    return rows


def test_curves_average_the_seeds_and_sort_by_rate():
    (a, b) = ra.curves(_rows())
    assert (a.codec, b.codec, a.seeds) == ("a", "b", 2)
    np.testing.assert_allclose(a.miou, [0.30, 0.38, 0.46, 0.54])
    np.testing.assert_allclose(b.bpp, [0.04, 0.08, 0.16, 0.32])
    assert a.quality == [10, 20, 40, 80]


def _numpy_bd_rate(r1, q1, r2, q2):
    p1, p2 = np.polyfit(q1, np.log(r1), 3), np.polyfit(q2, np.log(r2), 3)
    lo, hi = max(min(q1), min(q2)), min(max(q1), max(q2))
    i1, i2 = np.polyint(p1), np.polyint(p2)
    d = ((np.polyval(i2, hi) - np.polyval(i2, lo)) - (np.polyval(i1, hi) - np.polyval(i1, lo))) / (hi - lo)
    return (np.exp(d) - 1) * 100


def test_bd_table_against_the_anchor_matches_numpy():
    a, b = ra.curves(_rows())
    (row,) = ra.bd_table([a, b], "a")
    assert (row["codec"], row["anchor"], row["points"]) == ("b", "a", 4)
    assert row["bd_rate_miou"] == pytest.approx(-20.0, abs=1e-6)
    assert row["bd_rate_miou"] == pytest.approx(_numpy_bd_rate(a.bpp, a.miou, b.bpp, b.miou))
    assert row["bd_rate_psnr"] == pytest.approx(-20.0, abs=1e-6)
    # mIoU rises 0.08 per doubling of rate, so 20% fewer bits is 0.08 * log2(1/0.8) more mIoU.
    assert row["bd_miou"] == pytest.approx(0.08 * np.log2(1 / 0.8), abs=1e-6)


def test_curves_that_cannot_be_compared_give_no_number():
    a, b = ra.curves(_rows())
    b.miou = [0.9, 0.91, 0.92, 0.93]  # no mIoU in common with a
    (row,) = ra.bd_table([a, b], "a")
    assert row["bd_rate_miou"] is None and row["bd_rate_psnr"] is not None
    b.miou = [0.30, 0.45, 0.40, 0.54]  # a dip: the cubic fit would extrapolate through it
    (row,) = ra.bd_table([a, b], "a")
    assert row["bd_rate_miou"] is None and row["bd_miou"] is None
    assert ra.bd_table([a, b], "c") == []


def test_default_anchor_is_bpg_when_tested():
    assert ra.default_anchor(["vvc", "bpg", "jpeg"]) == "bpg"
    assert ra.default_anchor(["webp", "avif"]) == "avif"
    assert ra.default_anchor([]) is None


def test_export_writes_every_row_and_class(tmp_path):
    rows = _rows()
    ra.export(rows, ["road", "car"], str(tmp_path / "r.csv"), str(tmp_path / "r.json"))
    table = list(csv.DictReader(open(tmp_path / "r.csv")))
    assert len(table) == 16 and list(table[0]) == list(ra.FIELDS) + ["iou_road", "iou_car"]
    assert float(table[3]["bpp"]) == rows[3].bpp and table[3]["codec"] == "a"
    doc = json.load(open(tmp_path / "r.json"))
    assert doc["class_names"] == ["road", "car"] and doc["rows"][5]["per_class"] == rows[5].per_class


@pytest.mark.e2e
def test_a_sweep_run_reports_curves_bd_rates_and_the_export(tmp_path):
    import os  # pylint: disable=g-import-not-at-top

    import yaml  # pylint: disable=g-import-not-at-top

    from image_codecs import bd_rate  # pylint: disable=g-import-not-at-top
    from pipelines import config as config_lib, local_runner, report  # pylint: disable=g-import-not-at-top
    sweeps = {"bpg": [30, 37, 44, 51], "jpeg": [5, 15, 40, 80], "webp": [5, 25, 60, 90], "vvc": [30, 39, 48, 57]}
    data = {
        "name": "sweep",
        "demo_data": {"train": 8, "val": 4, "auxiliary": 0, "width": 64, "height": 32},
        "ingest": {"dataset": "cityscapes", "root": str(tmp_path / "data")},
        "beam_args": list(beam_args.IN_PROCESS),
        "statistics": False,
        "compression": {"specs": [{"codec": c, "qualities": q} for c, q in sweeps.items()], "splits": ["val"],
                        "anchor": "jpeg"},
        "segmentation": {"configurations": ["OO", "OC"], "sweeps": [f"{c}_q{'-'.join(map(str, q))}"
                                                                    for c, q in sweeps.items()],
                         "steps": 40, "training": {"preset": "tiny", "crop": [32, 64], "batch_size": 4, "overrides": {
                             "aspp_filters": 8, "decoder_filters": 8, "low_level_filters": 4}}},
    }
    (tmp_path / "sweep.yaml").write_text(yaml.safe_dump(data))
    config = config_lib.load_config(str(tmp_path / "sweep.yaml"))
    local_runner.prepare_demo_data(config)
    paths = local_runner.run(config, str(tmp_path / "run"))
    out = str(tmp_path / "report")
    md, _ = report.write_report([paths.run_dir], out, anchor="jpeg")
    text = open(md).read()
    assert "## Rate-accuracy: one model tested at every rate" in text and "anchor **jpeg**" in text
    assert os.path.getsize(os.path.join(out, "rate_accuracy_OC.png")) > 1000
    doc = json.load(open(os.path.join(out, "rate_accuracy.json")))
    rows = doc["rows"]
    assert sorted({(r["codec"], r["quality"]) for r in rows}) == sorted(
        (c, float(q)) for c, qs in sweeps.items() for q in qs)
    assert all(r["configuration"] == "OC" and r["bpp"] > 0 and 0 <= r["miou"] <= 1 for r in rows)
    assert len(list(csv.DictReader(open(os.path.join(out, "rate_accuracy.csv"))))) == 16

    def curve(codec, field):
        points = sorted((r["bpp"], r[field]) for r in rows if r["codec"] == codec)
        return [p[0] for p in points], [p[1] for p in points]

    lines = [line for line in text.splitlines() if line.startswith("| OC | ") and line.split("|")[3].strip() == "jpeg"]
    assert len(lines) == 3  # one BD-rate row per codec but the anchor
    for codec in ("bpg", "webp", "vvc"):
        (line,) = [line for line in lines if line.startswith(f"| OC | {codec} | jpeg |")]
        expected = bd_rate.bd_rate(*curve("jpeg", "psnr"), *curve(codec, "psnr"))
        assert f"{expected:+.1f}%" in line.split("|")[6], (line, expected)
        rising = all(np.all(np.diff(curve(c, "miou")[1]) > 0) for c in ("jpeg", codec))
        try:
            miou = f"{bd_rate.bd_rate(*curve('jpeg', 'miou'), *curve(codec, 'miou')):+.1f}%" if rising else "–"
        except ValueError:  # mIoU ranges that do not overlap: the report says so
            miou = "–"
        assert line.split("|")[4].strip() == miou, line
