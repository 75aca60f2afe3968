"""TFMA ``EvalConfig`` builders for the segmentation Evaluators."""
from __future__ import annotations

import json
from typing import Sequence

import tensorflow_model_analysis as tfma

from components import segmentation_metrics
from image_datasets import features
from keras_models.segmentation import export

__all__ = ["segmentation_eval_config", "SLICES"]

# Overall, and by codec and rate (compressed and restored test sets carry these features).
SLICES = ((), (features.CODEC,), (features.CODEC, features.QUALITY))


def segmentation_eval_config(test_feature: str, num_classes: int, small_object_ids: Sequence[int] = (),
                             miou_threshold: float = 0.0, ignore: int = 255) -> tfma.EvalConfig:
    """Evaluates a segmentation model's ``tfexample_<test_feature>`` signature with
    ``SegmentationIoU`` on the examples' ``label``; blesses when mIoU >= ``miou_threshold``."""
    metric = tfma.MetricConfig(
        class_name="SegmentationIoU", module=segmentation_metrics.MODULE,
        config=json.dumps({"class_ids": list(range(num_classes)), "ground_truth_key": features.LABEL,
                           "prediction_key": "class_map", "ignore_ground_truth_id": ignore,
                           "small_object_ids": list(small_object_ids)}),
        threshold=tfma.MetricThreshold(value_threshold=tfma.GenericValueThreshold(
            lower_bound={"value": miou_threshold})))
    return tfma.EvalConfig(
        model_specs=[tfma.ModelSpec(signature_name=export.tfexample_signature(test_feature))],
        slicing_specs=[tfma.SlicingSpec(feature_keys=list(keys)) for keys in SLICES],
        metrics_specs=[tfma.MetricsSpec(metrics=[tfma.MetricConfig(class_name="ExampleCount"), metric])])
