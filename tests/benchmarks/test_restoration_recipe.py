import json

from benchmarks import restoration_recipe


def test_the_ablation_log_renders_every_row_failures_included(tmp_path):
    log = tmp_path / "log.jsonl"
    rows = [
        {"tag": "baseline", "data": "d", "codec": "jpeg_q5", "bpp": 0.268, "OO-CO mean": 8.57, "restorer": "finenet-tiny",
         "overrides": {"gan_loss": "lsgan"}, "steps": 3000, "privileged": 0.5, "RO-CO": [-1.8, 1.4, -1.1],
         "RO-CO mean": -0.51, "val psnr C/R": [19.97, 18.31], "naturalness O/C/R": [2.42, 8.26, 4.98],
         "restorer_seconds": 576},
        {"data": "d", "codec": "jpeg_q5", "bpp": 0.268, "OO-CO mean": 8.57, "restorer": "rdn-tiny",
         "error": "killed at step 700"},
    ]
    log.write_text("".join(json.dumps(r) + "\n" for r in rows))
    lines = restoration_recipe.table(str(log)).splitlines()
    assert len(lines) == 4
    assert lines[2] == ("| 1 | d | jpeg_q5 (0.268 bpp) | finenet-tiny gan_loss=lsgan (baseline) | 3000 | 0.5 | +8.6 | "
                        "-1.8, +1.4, -1.1 | -0.51 | 19.97 → 18.31 | 2.42 / 8.26 / 4.98 | 576 s |")
    assert "| killed at step 700 |" in lines[3]


def test_the_ablation_plot_is_drawn_from_the_log(tmp_path):
    log = tmp_path / "log.jsonl"
    row = {"restorer": "finenet-tiny", "overrides": {"gan_loss": "lsgan"}, "steps": 9000, "RO-CO": [1.0, 3.9, -1.2],
           "RO-CO mean": 1.23, "curve": [{"steps": 1500, "OR": 44.8, "OC": 50.9}, {"steps": 3000, "OR": 52.5, "OC": 50.9}]}
    log.write_text(json.dumps(row) + "\n" + json.dumps({"restorer": "rdn-tiny", "error": "killed"}) + "\n")
    path = restoration_recipe.plot(str(log), str(tmp_path / "p.png"))
    assert (tmp_path / "p.png").stat().st_size > 5000 and path.endswith("p.png")
