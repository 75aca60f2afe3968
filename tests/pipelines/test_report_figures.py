"""The report's image figures on made-up inputs: what each panel shows, and that nothing is
drawn without data."""
import numpy as np

from pipelines import report_figures


def test_crop_is_the_centre_256_or_the_whole_image():
    image = np.arange(300 * 400 * 3, dtype=np.uint32).reshape(300, 400, 3)
    crop = report_figures._crop(image)  # pylint: disable=protected-access
    assert crop.shape == (256, 256, 3) and (crop == image[22:278, 72:328]).all()
    assert report_figures._crop(image[:100, :50]).shape == (100, 50, 3)  # pylint: disable=protected-access


def test_strips_and_histograms_are_drawn(tmp_path):
    rng = np.random.default_rng(0)
    panels = [(t, rng.integers(0, 256, (32, 48, 3), dtype=np.uint8), c)
              for t, c in (("original", ""), ("jpeg_q5", "0.270 bpp, 20.10 dB"), ("restored (finenet)", "x"))]
    assert report_figures.plot_strips([{"spec": "jpeg_q5", "image_id": "a", "panels": panels}],
                                      str(tmp_path / "s.png"))
    assert (tmp_path / "s.png").stat().st_size > 1000
    rows = [{"split": "train__jpeg_q5", "restorer": "finenet",
             "naturalness_images": {k: list(rng.normal(m, 1, 12)) for k, m in
                                    (("original", 1), ("compressed", 6), ("restored", 3))}}]
    assert report_figures.plot_naturalness(rows, str(tmp_path / "n.png"))
    assert (tmp_path / "n.png").stat().st_size > 1000


def test_class_contributions_are_drawn_for_the_classes_that_contribute(tmp_path, monkeypatch):
    labelled = []
    real_pyplot = report_figures.pyplot

    def spy():
        plt = real_pyplot()
        original = plt.subplots

        def subplots(*args, **kwargs):
            fig, ax = original(*args, **kwargs)
            monkeypatch.setattr(ax, "set_yticks", lambda ticks, labels: labelled.extend(labels))
            return fig, ax
        monkeypatch.setattr(plt, "subplots", subplots)
        return plt
    monkeypatch.setattr(report_figures, "pyplot", spy)
    rows = [("OO − CO", np.array([0.2, 0.0, 3.5])), ("RO − CO", np.array([0.1, 0.0, -1.0]))]
    path = report_figures.plot_class_contributions(rows, ["road", "wall", "pole"], str(tmp_path / "c.png"))
    assert path and (tmp_path / "c.png").stat().st_size > 1000
    assert labelled == ["road", "pole"]  # wall contributes nothing to either difference


def test_nothing_is_drawn_without_data(tmp_path):
    assert report_figures.plot_strips([], str(tmp_path / "s.png")) is None
    assert report_figures.plot_class_contributions([], ["road"], str(tmp_path / "c.png")) is None
    assert report_figures.plot_naturalness([{"split": "x", "naturalness": {"original": 1.0}}],
                                           str(tmp_path / "n.png")) is None
    assert not list(tmp_path.iterdir())


def test_the_strip_example_is_the_one_with_the_smallest_id(tmp_path):
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    from image_datasets import features  # pylint: disable=g-import-not-at-top
    rng = np.random.default_rng(1)
    with tf.io.TFRecordWriter(str(tmp_path / "part-0.gz"), options="GZIP") as writer:
        for image_id in ("c", "a", "b"):
            image = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
            writer.write(features.make_example(image, None, image_id, "test", "val").SerializeToString())
    first = report_figures._first_example(str(tmp_path))  # pylint: disable=protected-access
    assert first["image_id"] == "a" and first["image"].shape == (8, 8, 3)
    assert report_figures._first_example(str(tmp_path / "empty")) is None  # pylint: disable=protected-access
