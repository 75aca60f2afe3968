import pytest
import numpy as np

from keras_models.segmentation.configurations import parse_evaluator_id
from pipelines.report import collection_cost


@pytest.mark.parametrize("configuration,expected", [
    ("OO", 16.0), ("CO", 0.2), ("AO", 0.2), ("RO", 0.2 + 0.25 * 16), ("oO", 0.25 * 16),
    ("o+cO", 0.25 * 16 + 0.75 * 0.2), ("o+rO", 0.25 * 16 + 0.2), ("rO@0.25", 0.2 + 0.25 * 16)])
def test_collection_cost_counts_privileged_at_png_rate_and_auxiliary_as_free(configuration, expected):
    from pipelines.report import cost_percent
    assert collection_cost(configuration, 0.2, 16.0, 0.25) == pytest.approx(expected)
    assert cost_percent(configuration, 0.2, 16.0, 0.25) == pytest.approx(100 * expected / 16.0)  # OO: 100%


@pytest.mark.parametrize("component,parsed", [
    ("Evaluator.orig-on-orig", ("OO", None, None, 0)),
    ("Evaluator.orig-on-orig.seed3", ("OO", None, None, 3)),
    ("Evaluator.comp-on-comp.jpeg_q5", ("CC", "jpeg_q5", None, 0)),
    ("Evaluator.comp-on-comp.jpeg_q5.seed1", ("CC", "jpeg_q5", None, 1)),
    ("Evaluator.rest-on-orig.bpg_mbpp0.0674.finenet", ("RO", "bpg_mbpp0.0674", "finenet", 0)),
    ("Evaluator.rest-on-orig.bpg_mbpp0.0674.finenet.seed12", ("RO", "bpg_mbpp0.0674", "finenet", 12)),
    ("Evaluator.priv-rest-on-orig.msh_q1.rdn", ("o+rO", "msh_q1", "rdn", 0)),
    ("Evaluator.orig-on-rest.jpeg_q5.finenet", ("OR", "jpeg_q5", "finenet", 0)),
    ("Evaluator.privrest-on-orig.jpeg_q5.finenet.f0_125.seed1", ("rO@0.125", "jpeg_q5", "finenet", 1)),
])
def test_evaluator_ids_parse_back_to_configurations(component, parsed):
    configuration, *rest = parse_evaluator_id(component)
    assert (configuration.name, *rest) == parsed


def _data(restoration, evaluations=(), models=None):
    from pipelines.report_data import ReportData
    return ReportData(["run"], [], list(restoration), list(evaluations), [], None, {},
                      models or {"finenet": "finenet", "rdn": "rdn"})


def _restored(component, psnr, restored_psnr, restored_naturalness):
    return {"component": component, "split": "val__jpeg_q5", "restorer": component.split(".")[1], "psnr": psnr,
            "restored_psnr": restored_psnr, "naturalness": {"original": 1.0, "compressed": 6.0,
                                                           "restored": restored_naturalness}}


def test_restoration_findings_state_the_papers_table_iv_and_v_patterns():
    from pipelines.report import restoration_findings
    found = restoration_findings(_data([_restored("DatasetRestoration.finenet.jpeg_q5", 20.0, 19.5, 3.0),
                                        _restored("DatasetRestoration.rdn.jpeg_q5", 20.0, 21.0, 6.2)]))
    assert found == [
        "val__jpeg_q5: naturalness orders originals (1.000) < restored by finenet (3.000) < compressed (6.000): "
        "holds (Table IV)",
        "val__jpeg_q5: rdn changes PSNR by +1.00 dB and finenet by -0.50 dB, so the distortion-trained restorer "
        "gains more PSNR: holds (Table V)"]
    worse = restoration_findings(_data([_restored("DatasetRestoration.finenet.jpeg_q5", 20.0, 21.5, 7.0),
                                        _restored("DatasetRestoration.rdn.jpeg_q5", 20.0, 21.0, 6.2)]))
    assert [f.endswith("does not hold (Table IV)") or f.endswith("does not hold (Table V)") for f in worse] == [True,
                                                                                                                 True]


def test_table_v_compares_no_restoration_with_each_restorer_on_the_restored_training_set():
    from pipelines import report
    from pipelines.report_data import EvaluationRow

    def restored(name, psnr, msssim, nat):
        return {"component": f"DatasetRestoration.{name}.jpeg_q5", "split": "train__jpeg_q5", "restorer": name,
                "psnr": 20.0, "ms_ssim_db": 9.0, "restored_psnr": psnr, "restored_ms_ssim_db": msssim,
                "naturalness": {"original": 1.0, "compressed": 6.0, "restored": nat}}

    def row(configuration, restorer, seed, miou):
        return EvaluationRow("run", configuration, "jpeg_q5", restorer, seed, miou, 0.9, 0.5, 0.6, [miou], 50)
    evaluations = [row("CO", None, s, v) for s, v in enumerate((0.60, 0.62))]
    evaluations += [row("RO", "finenet", s, v) for s, v in enumerate((0.64, 0.66))]
    evaluations += [row("RO", "rdn-psnr", s, v) for s, v in enumerate((0.61, 0.61))]
    data = _data([restored("finenet", 19.5, 8.5, 3.0), restored("rdn-psnr", 21.0, 9.8, 6.5),
                  {**restored("finenet", 1, 1, 1), "split": "val__jpeg_q5"}], evaluations,
                 {"finenet": "finenet", "rdn-psnr": "rdn"})
    header, rows = report.table_v(data)["jpeg_q5"]
    assert header == ["measure", "none (CO)", "rdn-psnr (RO)", "finenet (RO)"]
    assert rows == [["mIoU (%)", "61.00", "61.00", "65.00"], ["PSNR (dB)", "20.00", "21.00", "19.50"],
                    ["MS-SSIM (dB)", "9.00", "9.80", "8.50"],
                    ["naturalness (lower: closer to originals)", "6.000", "6.500", "3.000"]]


def test_report_sections_give_means_intervals_and_verdicts(tmp_path):
    from pipelines import report
    from pipelines.report_data import EvaluationRow

    def row(configuration, spec, restorer, seed, miou):
        return EvaluationRow("run", configuration, spec, restorer, seed, miou, 0.9, 0.5, 0.6, [miou], 50, 0.27)
    rows = [row("OO", None, None, s, v) for s, v in enumerate((0.70, 0.71, 0.69))]
    rows += [row("CO", "jpeg_q5", None, s, v) for s, v in enumerate((0.60, 0.61, 0.585))]
    rows += [row("RO", "jpeg_q5", "finenet", s, v) for s, v in enumerate((0.635, 0.635, 0.62))]
    lines = report._seed_sections(_data([], rows))
    text = "\n".join(lines)
    assert "| OO | – | – | 3 | 70.00 | 67.52 to 72.48 | 70.00, 71.00, 69.00 |" in text
    assert "| RO jpeg_q5 finenet > CO jpeg_q5 |" in text and "+3.50, +2.50, +3.50" in text
    assert "- **RO jpeg_q5 finenet > CO jpeg_q5** holds: RO jpeg_q5 finenet − CO jpeg_q5 = +3.17 mIoU points" in text
    assert report._plot_miou_vs_bpp(_data([], rows), str(tmp_path / "p.png"))


def test_one_run_with_several_fractions_gives_figure_8_and_table_iii(tmp_path):
    """rO and oO at 12.5% and 25%, RO at the ingestion's 50% and the hybrids at 12.5%, as one
    run's evaluations: the Fig. 8 plot has a line per configuration and fraction, and Table III
    a column per configuration with its fraction, oO's value beside every spec."""
    from pipelines import report
    from pipelines.report_data import EvaluationRow

    def row(configuration, spec, restorer, miou, fraction):
        return EvaluationRow("run", configuration, spec, restorer, 0, miou, 0.9, 0.5, 0.6, [miou], 50,
                             0.27 if spec else None, fraction)
    rows = [row("CO", "jpeg_q5", None, 0.60, 0.0), row("RO", "jpeg_q5", "finenet", 0.64, 0.5),
            row("rO@0.25", "jpeg_q5", "finenet", 0.63, 0.25), row("rO@0.125", "jpeg_q5", "finenet", 0.62, 0.125),
            row("oO@0.25", None, None, 0.55, 0.25), row("oO@0.125", None, None, 0.50, 0.125),
            row("o+cO@0.125", "jpeg_q5", None, 0.61, 0.125), row("o+rO@0.125", "jpeg_q5", "finenet", 0.645, 0.125)]
    data = _data([], rows)
    assert report._plot_privileged_sweep(data, str(tmp_path / "sweep.png"))
    text = "\n".join(report.table_iii(data))
    assert "| spec | CO | rO@0.125 | rO@0.25 | RO | oO@0.125 | oO@0.25 | o+cO@0.125 | o+rO@0.125 |" in text
    assert "| jpeg_q5 | 60.00 | 62.00 | 63.00 | 64.00 | 50.00 | 55.00 | 61.00 | 64.50 |" in text
    assert report.cost_percent("rO@0.125", 0.27, 16.0, 0.125) == pytest.approx(100 * (0.27 + 0.125 * 16) / 16)


def test_report_splits_each_ordering_into_per_class_contributions():
    from pipelines import report
    from pipelines.report_data import EvaluationRow

    def row(configuration, spec, restorer, seed, per_class):
        miou = float(np.nanmean(per_class))
        return EvaluationRow("run", configuration, spec, restorer, seed, miou, 0.9, 0.5, 0.6, per_class, 50, 0.27)
    # Compression costs the thin class (index 1) 0.3 IoU and the large one 0.06; restoration
    # gives the large one back and the thin one nothing.
    rows = [row("OO", None, None, s, [0.90 + d, 0.40 + d]) for s, d in enumerate((0.0, 0.01, -0.01))]
    rows += [row("CO", "jpeg_q5", None, s, [0.84 + d, 0.10 + d]) for s, d in enumerate((0.0, 0.01, -0.01))]
    rows += [row("RO", "jpeg_q5", "finenet", s, [0.90 + d, 0.10 + d]) for s, d in enumerate((0.0, 0.01, -0.01))]
    data = _data([], rows)
    data.class_names = ["road", "pole"]
    text = "\n".join(report._class_sections(data))
    assert "| ordering | difference | road | pole |" in text
    assert "| OO > CO jpeg_q5 | +18.00 | +3.00 | +15.00 |" in text
    assert "| RO jpeg_q5 finenet > CO jpeg_q5 | +3.00 | +3.00 | +0.00 |" in text
    assert "- OO − CO jpeg_q5 = +18.00: most from pole +15.00, road +3.00" in text


def test_figures_7_and_9_give_each_configuration_one_colour(tmp_path, monkeypatch):
    from matplotlib.colors import to_hex

    from pipelines import report
    from pipelines.report_data import EvaluationRow

    def row(configuration, spec, restorer, miou):
        return EvaluationRow("run", configuration, spec, restorer, 0, miou, 0.9, 0.5, 0.6, [miou], 50, 0.27)
    rows = [row("OO", None, None, 0.7), row("CC", "bpg_q51", None, 0.56), row("CO", "bpg_q51", None, 0.54),
            row("RO", "bpg_q51", "finenet", 0.58), row("RO", "bpg_q51", "rdn", 0.52)]
    drawn = []

    def capture(plt, fig, ax, xlabel, path):
        colours = {c.get_label(): to_hex(c.lines[0].get_color()) for c in ax.containers}
        colours.update({l.get_label(): to_hex(l.get_color()) for l in ax.lines if l.get_label() == "OO (originals)"})
        drawn.append(colours)
        plt.close(fig)
        return path
    monkeypatch.setattr(report, "_save_miou_plot", capture)
    data = _data([], rows)
    data.png_bpp = 18.0
    report._plot_miou_vs_bpp(data, str(tmp_path / "bpp.png"))
    report._plot_miou_vs_bpp(data, str(tmp_path / "cost.png"), x="cost")
    fig7, fig9 = drawn
    assert fig7.pop("OO (originals)") == fig9.pop("OO") == "#000000"
    assert fig7 == fig9 and len(set(fig7.values())) == 4, (fig7, fig9)
