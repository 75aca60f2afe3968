"""TFMA metrics of semantic segmentation on class maps, built on TFMA's
``SemanticSegmentationConfusionMatrix`` (per-class true/false positives and false negatives,
ground-truth pixels equal to the ignore id counting nowhere).

``SegmentationIoU`` emits ``miou``, ``pixel_accuracy``, ``small_miou`` and ``large_miou``
(the paper's split of Cityscapes classes into small and large objects), and ``iou`` per class
(sub key ``classId``). A class absent from both ground truth and prediction has IoU NaN and
is left out of the means (``keras_models.segmentation.metrics.IouSummary``, the record the
numpy evaluation also returns). Used from an EvalConfig as
``MetricConfig(class_name="SegmentationIoU", module=MODULE, config=json.dumps({...}))``.
"""
from __future__ import annotations

from typing import Optional, Sequence

from tensorflow_model_analysis.metrics import metric_types
from tensorflow_model_analysis.metrics.semantic_segmentation_confusion_matrix_metrics import (
    SemanticSegmentationConfusionMatrix)

from keras_models.segmentation import metrics as segmentation_scores

__all__ = ["SegmentationIoU", "MODULE", "METRIC_NAMES"]

MODULE = __name__
METRIC_NAMES = ("miou", "pixel_accuracy", "small_miou", "large_miou", "iou")


class SegmentationIoU(metric_types.Metric):
    """mIoU, pixel accuracy, small/large-object mIoU and per-class IoU.

    The metric's name is its mIoU key (``miou``), so a ``MetricConfig.threshold`` on it
    gates blessing on mIoU."""

    def __init__(self, class_ids: Sequence[int], ground_truth_key: str = "label", prediction_key: str = "class_map",
                 ignore_ground_truth_id: Optional[int] = 255, small_object_ids: Sequence[int] = (),
                 name: str = "miou"):
        super().__init__(self._computations, class_ids=list(class_ids), ground_truth_key=ground_truth_key,
                         prediction_key=prediction_key, ignore_ground_truth_id=ignore_ground_truth_id,
                         small_object_ids=list(small_object_ids), name=name)

    @staticmethod
    def _computations(class_ids, ground_truth_key, prediction_key, ignore_ground_truth_id, small_object_ids,
                      name, eval_config=None, model_name="", output_name="", example_weighted=False, **kwargs):
        matrix = SemanticSegmentationConfusionMatrix(
            class_ids=class_ids, ground_truth_key=ground_truth_key, prediction_key=prediction_key,
            decode_ground_truth=True, decode_prediction=False, ignore_ground_truth_id=ignore_ground_truth_id,
            name=f"_{name}_confusion_matrix")
        computations = matrix.computations(model_names=[model_name], output_names=[""],
                                           example_weighted=example_weighted)
        matrix_key = computations[-1].keys[-1]

        def key(metric, class_id=None):
            return metric_types.MetricKey(name=metric, model_name=model_name, output_name=output_name,
                                          example_weighted=example_weighted,
                                          sub_key=metric_types.SubKey(class_id=class_id) if class_id is not None else None)

        names = {"miou": name, "pixel_accuracy": "pixel_accuracy", "small_miou": "small_miou",
                 "large_miou": "large_miou"}
        keys = [key(names[m]) for m in METRIC_NAMES[:-1]] + [key("iou", c) for c in class_ids]

        def result(metrics):
            counts = {}
            for c in class_ids:
                m = metrics[matrix_key._replace(sub_key=metric_types.SubKey(class_id=c))]
                counts[c] = (m.tp, m.fp, m.fn)
            summary = segmentation_scores.IouSummary.from_counts(counts, small_object_ids)
            out = {key("iou", c): v for c, v in summary.iou.items()}
            out[key(name)] = summary.miou
            out[key("pixel_accuracy")] = summary.pixel_accuracy
            out[key("small_miou")] = summary.small_miou
            out[key("large_miou")] = summary.large_miou
            return out

        computations.append(metric_types.DerivedMetricComputation(keys=keys, result=result))
        return computations


metric_types.register_metric(SegmentationIoU)
