"""Pairing prediction files with ground truth, and metrics over the pairs."""
import numpy as np
import pytest
from PIL import Image

from keras_models.segmentation import file_evaluation


def test_pairs_by_stem_with_layout_suffixes():
    pairs = file_evaluation.pair_files(["a/x_gtFine_labelTrainIds.png", "a/y_gtFine_labelTrainIds.png"],
                                       ["p/y_leftImg8bit.png", "p/x_leftImg8bit.png"])
    assert pairs == [("a/x_gtFine_labelTrainIds.png", "p/x_leftImg8bit.png"),
                     ("a/y_gtFine_labelTrainIds.png", "p/y_leftImg8bit.png")]
    with pytest.raises(ValueError, match="no prediction with the same stem"):
        file_evaluation.pair_files(["z.png"], ["x.png"])


def test_sizes_that_differ_name_the_prediction(tmp_path):
    Image.fromarray(np.zeros((4, 6), np.uint8)).save(tmp_path / "x_gt.png")
    Image.fromarray(np.zeros((4, 5), np.uint8)).save(tmp_path / "x_pred.png")
    with pytest.raises(ValueError, match="x_pred.png: prediction is"):
        file_evaluation.evaluate_files([(str(tmp_path / "x_gt.png"), str(tmp_path / "x_pred.png"))], 3)


def test_metrics_accumulate_over_every_pair(tmp_path):
    gt, pred = np.array([[0, 1], [2, 2]], np.uint8), np.array([[0, 1], [2, 1]], np.uint8)
    for i in range(2):
        Image.fromarray(gt).save(tmp_path / f"{i}_gt.png")
        Image.fromarray(pred).save(tmp_path / f"{i}_pred.png")
    pairs = file_evaluation.pair_files([str(tmp_path / f"{i}_gt.png") for i in range(2)],
                                       [str(tmp_path / f"{i}_pred.png") for i in range(2)], by="sorted")
    result = file_evaluation.evaluate_files(pairs, 3)
    assert result.pixel_accuracy == pytest.approx(0.75)
    assert result.iou == {0: 1.0, 1: pytest.approx(0.5), 2: pytest.approx(0.5)}


def test_predicted_ids_outside_the_classes_count_as_errors_and_a_warning_names_the_file(tmp_path, caplog):
    gt, pred = np.array([[0, 1], [2, 255]], np.uint8), np.array([[0, 7], [2, 9]], np.uint8)  # 9 is on ignore
    Image.fromarray(gt).save(tmp_path / "x_gt.png")
    Image.fromarray(pred).save(tmp_path / "x_pred.png")
    Image.fromarray(gt).save(tmp_path / "y_gt.png")
    Image.fromarray(gt).save(tmp_path / "y_pred.png")
    pairs = [(str(tmp_path / f"{k}_gt.png"), str(tmp_path / f"{k}_pred.png")) for k in "xy"]
    result = file_evaluation.evaluate_files(pairs, 3)
    assert result.pixel_accuracy == pytest.approx(5 / 6) and result.iou[1] == pytest.approx(0.5)
    (record,) = caplog.records
    assert record.levelname == "WARNING"
    assert record.getMessage() == (f"eval-seg: 1 of 2 predictions hold ids outside 0..2 on 1 labelled pixels, counted "
                                   f"as errors (first: {tmp_path / 'x_pred.png'}, 1 pixels); is --num-classes right?")


def test_predictions_within_the_classes_warn_of_nothing(tmp_path, caplog):
    Image.fromarray(np.zeros((2, 2), np.uint8)).save(tmp_path / "x_gt.png")
    Image.fromarray(np.ones((2, 2), np.uint8)).save(tmp_path / "x_pred.png")
    file_evaluation.evaluate_files([(str(tmp_path / "x_gt.png"), str(tmp_path / "x_pred.png"))], 3)
    assert not caplog.records
