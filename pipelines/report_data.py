"""Collects what a report shows from one or more run directories: compression statistics,
restoration measures, TFMA evaluation results (one per configuration), the lossless PNG rate
of the originals, and the feature-alignment measurements of the OO model."""
from __future__ import annotations

import dataclasses
import functools
import glob
import json
import logging
import math
import os
from typing import Optional

import numpy as np

from image_datasets import features
from keras_models.segmentation import configurations
from pipelines import rate_accuracy, seed_statistics

__all__ = ["EvaluationRow", "ReportData", "collect", "latest_artifact", "restorer_name"]

# The compression statistics of a rate-accuracy point come from the first of these splits that
# was compressed (the segmentation stage tests on ``val`` by default).
TEST_SPLITS = ("val", "test")


@dataclasses.dataclass
class EvaluationRow:
    run: str
    configuration: str
    spec: Optional[str]
    restorer: Optional[str]
    seed: int
    miou: float
    pixel_accuracy: float
    small_miou: float
    large_miou: float
    per_class: list
    examples: int
    train_bpp: Optional[float] = None
    privileged_fraction: float = 0.0
    blessed: Optional[bool] = None


@dataclasses.dataclass
class ReportData:
    runs: list
    rate_distortion: list
    restoration: list
    evaluations: list
    class_names: list
    png_bpp: Optional[float]
    alignment: dict
    restorer_models: dict = dataclasses.field(default_factory=dict)
    rate_rows: list = dataclasses.field(default_factory=list)

    @functools.cached_property
    def seed_groups(self) -> dict:
        """``{(run, configuration, spec, restorer): {seed: mIoU in %}}`` of the evaluations."""
        return self._grouped(lambda r: 100 * r.miou)

    @functools.cached_property
    def class_groups(self) -> dict:
        """``{(run, configuration, spec, restorer): {seed: per-class IoU in %}}``, keyed as
        ``seed_groups``."""
        return self._grouped(lambda r: [100 * v for v in r.per_class])

    def _grouped(self, value) -> dict:
        """``{(run, configuration, spec, restorer): {seed: value(row)}}`` over the evaluations
        with a defined mIoU."""
        groups: dict = {}
        for r in self.evaluations:
            if not math.isnan(r.miou):
                groups.setdefault((r.run, r.configuration, r.spec, r.restorer), {})[r.seed] = value(r)
        return groups

    @functools.cached_property
    def comparisons(self) -> list:
        """The paper's orderings checked on the seed groups (``seed_statistics.compare``)."""
        return seed_statistics.compare(self.seed_groups, self.restorer_models)


def latest_artifact(pipeline_root: str, component: str, output: str) -> Optional[str]:
    """The newest execution's folder of ``component``'s ``output`` (execution ids increase)."""
    dirs = [d for d in glob.glob(os.path.join(pipeline_root, component, output, "*")) if os.path.basename(d).isdigit()]
    return max(dirs, key=lambda d: int(os.path.basename(d))) if dirs else None


def _segmenter_meta(root: str, trainer_id: str) -> dict:
    """What a SegmentationTrainer recorded with its model (``segmenter.json``), {} if absent."""
    model = latest_artifact(root, trainer_id, "model")
    path = os.path.join(model, "Format-Serving", "segmenter.json") if model else ""
    return json.load(open(path)) if os.path.exists(path) else {}


def _metric(values: dict, name: str) -> float:
    v = values.get(name, {})
    return float(v.get("doubleValue", float("nan"))) if isinstance(v, dict) else float("nan")


def _test_stats(rd_rows: list) -> dict:
    """{(spec key, quality): compression statistics on the test split}."""
    out = {}
    for split in reversed(TEST_SPLITS):
        out.update({(r["spec"], r["quality"]): r for r in rd_rows if r["split"] == split})
    return out


def _rate_rows(result, run: str, configuration: str, spec: str, seed: int, num_classes: int,
               test_stats: dict) -> list:
    """One ``RateRow`` per (codec, quality) slice of an evaluation of compressed test images."""
    rows = []
    for key, metrics in result.slicing_metrics:
        key = dict(key)
        if set(key) != {features.CODEC, features.QUALITY}:
            continue
        codec = key[features.CODEC].decode() if isinstance(key[features.CODEC], bytes) else str(key[features.CODEC])
        quality = float(key[features.QUALITY])
        stats = test_stats.get((spec, quality), {})  # an int quality key equals its float
        rows.append(rate_accuracy.RateRow(
            run=run, configuration=configuration, spec=spec, codec=codec, quality=quality, seed=seed,
            bpp=float(stats.get("bpp", float("nan"))), psnr=float(stats.get("psnr", float("nan"))),
            ms_ssim_db=float(stats.get("ms_ssim_db", float("nan"))), miou=_metric(metrics[""][""], "miou"),
            per_class=[_metric(metrics[""].get(f"classId:{c}", {}), "iou") for c in range(num_classes)]))
    return rows


def _evaluations(run_dir: str, root: str, num_classes: int, train_bpp: dict, fraction: float,
                 test_stats: dict) -> tuple[list, list]:
    """(the overall ``EvaluationRow`` of each Evaluator, the ``RateRow``s of the Evaluators of
    configurations trained on originals and tested on compressed images)."""
    import tensorflow_model_analysis as tfma  # pylint: disable=g-import-not-at-top
    rows, rate_rows, trainer_fractions = [], [], {}
    for component in sorted(os.listdir(root)):
        if not component.startswith("Evaluator."):
            continue
        path = latest_artifact(root, component, "evaluation")
        if not path:
            continue
        try:
            result = tfma.load_eval_result(path)
        except Exception as e:  # pylint: disable=broad-except
            logging.warning("report: cannot read %s: %s", path, e)
            continue
        overall = dict(result.slicing_metrics).get(())
        if overall is None:
            continue
        values = overall[""][""]
        per_class = [_metric(overall[""].get(f"classId:{c}", {}), "iou") for c in range(num_classes)]
        parsed, spec, restorer, seed = configurations.parse_evaluator_id(component)
        configuration = parsed.name
        run = os.path.basename(os.path.abspath(run_dir))
        if parsed.sweepable:
            rate_rows += _rate_rows(result, run, configuration, spec, seed, num_classes, test_stats)
        # The fraction its trainer used; runs recorded before configurations had their own
        # fraction carry the ingestion's in every trainer.
        trainer_id = configurations.component_ids(parsed, spec, restorer, seed)[0]
        if trainer_id not in trainer_fractions:  # several evaluators test one trained model
            trainer_fractions[trainer_id] = float(_segmenter_meta(root, trainer_id).get(
                "privileged_fraction", parsed.privileged_fraction(fraction)))
        row_fraction = trainer_fractions[trainer_id]
        blessing = latest_artifact(root, component, "blessing")
        rows.append(EvaluationRow(
            run=run, configuration=configuration, spec=spec, restorer=restorer,
            seed=seed,
            miou=_metric(values, "miou"), pixel_accuracy=_metric(values, "pixel_accuracy"),
            small_miou=_metric(values, "small_miou"), large_miou=_metric(values, "large_miou"), per_class=per_class,
            examples=int(_metric(values, "example_count")), train_bpp=train_bpp.get(spec),
            privileged_fraction=row_fraction,
            blessed=os.path.exists(os.path.join(blessing, "BLESSED")) if blessing else None))
    return rows, rate_rows


def _png_bpp(root: str, limit: int = 64) -> Optional[float]:
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    examples = latest_artifact(root, "ImageExampleGen", "examples")
    files = glob.glob(os.path.join(examples, "Split-train", "*")) if examples else []
    if not files:
        return None
    spec = {features.IMAGE: tf.io.FixedLenFeature([], tf.string), features.HEIGHT: tf.io.FixedLenFeature([], tf.int64),
            features.WIDTH: tf.io.FixedLenFeature([], tf.int64)}
    rates = []
    for record in tf.data.TFRecordDataset(files, compression_type="GZIP").take(limit):
        ex = tf.io.parse_single_example(record, spec)
        rates.append(8 * len(ex[features.IMAGE].numpy()) / float(ex[features.HEIGHT] * ex[features.WIDTH]))
    return float(np.mean(rates)) if rates else None


def _alignment(root: str, limit: int = 24) -> dict:
    """Per-channel mean activations of the OO model's shallow features on original,
    compressed and restored validation images (paper Fig. 11)."""
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    from components import examples_io  # pylint: disable=g-import-not-at-top
    model_dir = latest_artifact(root, "SegmentationTrainer.orig", "model")
    restored = sorted(c for c in os.listdir(root) if c.startswith("DatasetRestoration."))
    if not model_dir or not restored:
        return {}
    restored_dir = latest_artifact(root, restored[0], "restored_examples")
    splits = glob.glob(os.path.join(restored_dir or "", "Split-val__*"))
    if not splits:
        return {}
    model = tf.saved_model.load(os.path.join(model_dir, "Format-Serving"))
    means = {}
    for name, feature in (("original", features.IMAGE), ("compressed", features.DECODED),
                          ("restored", features.RESTORED)):
        images = examples_io.image_dataset(examples_io.split_files([splits[0]]), feature).take(limit)
        rows = [model.signatures["shallow_channel_means"](images=tf.cast(im, tf.float32)[None])["output_0"].numpy()[0]
                for im in images]
        means[name] = np.mean(rows, axis=0).tolist()
    return {"split": os.path.basename(splits[0])[len("Split-"):], "restorer": restored[0], "means": means}


def restorer_name(row: dict) -> str:
    """The restorer of a ``restoration.json`` row (``finenet``; ``finenet@0.125`` for one that
    learned from a smaller privileged fraction): from its DatasetRestoration component id
    (``DatasetRestoration.<restorer>.<spec>[.<fraction word>]``), else from the row's
    ``<restorer>:<pairs>``."""
    if "component" not in row:
        return row["restorer"].split(":")[0]
    _, restorer, _, fraction = configurations.parse_restoration_id(row["component"])
    return restorer + ("" if fraction is None else f"@{fraction:g}")


def _restorer_models(root: str) -> dict:
    """{restorer name: ``finenet`` or ``rdn``} from the RestorationTrainers' ``restorer.json``."""
    out = {}
    for component in sorted(os.listdir(root)):
        if component.startswith("RestorationTrainer."):
            model = latest_artifact(root, component, "model")
            path = os.path.join(model or "", "Format-Serving", "restorer.json")
            if model and os.path.exists(path):
                out[configurations.parse_restoration_id(component)[1]] = json.load(open(path)).get("model")
    return out


def collect(run_dirs: list[str]) -> ReportData:
    """Reads every run directory's newest artifacts.

    Raises:
      FileNotFoundError: a run directory without ``pipeline_root``.
    """
    from pipelines.pipeline import RunPaths  # pylint: disable=g-import-not-at-top
    rd, restoration, evaluations, class_names, png, alignment, restorer_models = [], [], [], [], None, {}, {}
    rate_rows = []
    for run_dir in run_dirs:
        root = RunPaths(run_dir).pipeline_root
        if not os.path.isdir(root):
            raise FileNotFoundError(f"{run_dir}: not a run directory (no pipeline_root/)")
        stats_dir = latest_artifact(root, "Compression", "rate_distortion")
        rows = json.load(open(os.path.join(stats_dir, "rate_distortion.json"))) if stats_dir else []
        rd += [{**r, "run": os.path.basename(os.path.abspath(run_dir))} for r in rows]
        train_bpp = {r["spec"]: r["bpp"] for r in rows if r["split"] == "train"}
        for component in sorted(os.listdir(root)):
            if component.startswith("DatasetRestoration."):
                path = latest_artifact(root, component, "restoration_measures")
                if path and os.path.exists(os.path.join(path, "restoration.json")):
                    restoration += [{**r, "component": component} for r in
                                    json.load(open(os.path.join(path, "restoration.json")))]
        trainer = ("SegmentationTrainer.orig" if latest_artifact(root, "SegmentationTrainer.orig", "model") else next(
            (c for c in sorted(os.listdir(root)) if c.startswith("SegmentationTrainer.") and
             latest_artifact(root, c, "model")), None))
        meta = _segmenter_meta(root, trainer) if trainer else {}
        class_names = class_names or meta.get("class_names", [])
        num_classes = int(meta.get("num_classes", len(class_names) or 0))
        fraction = float(meta.get("privileged_fraction", 0.0))
        run_evaluations, run_rate_rows = _evaluations(run_dir, root, num_classes, train_bpp, fraction,
                                                      _test_stats(rows))
        evaluations += run_evaluations
        rate_rows += run_rate_rows
        restorer_models.update(_restorer_models(root))
        png = png if png is not None else _png_bpp(root)
        alignment = alignment or _alignment(root)
    return ReportData(list(run_dirs), rd, restoration, evaluations, class_names, png, alignment, restorer_models,
                      rate_rows)

