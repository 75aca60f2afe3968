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
