"""SavedModel export and load of the segmenter and the restorer, as every SegmentationTrainer,
RestorationTrainer, TFMA Evaluator and server pays them: the modules as shipped (the networks'
variables tracked, the Keras models held outside the object graph) against the same modules
with the Keras model also tracked (the layout before 2026-12-03, whose SavedModel carries
Keras' own per-layer traced functions), in one run; median of ``images`` exports and loads each.
The models are the demo's: tiny DeepLabv3+ with 19 classes and FineNet-tiny's generator."""
from __future__ import annotations

import tempfile
from unittest import mock

from benchmarks.isolated import call_wall_s

__all__ = ["run"]


def run(images: int = 5) -> list[dict]:
    import tensorflow as tf  # pylint: disable=g-import-not-at-top

    from keras_models.restoration import config as restoration_config, export as restoration_export, finenet
    from keras_models.segmentation import config as segmentation_config, deeplab, export as segmentation_export

    class KerasTrackedSegmenter(segmentation_export.SegmenterModule):
        def __init__(self, network, *args, **kwargs):
            super().__init__(network, *args, **kwargs)
            self.keras_network = network

    class KerasTrackedRestorer(restoration_export.RestorerModule):
        def __init__(self, generator, multiple):
            super().__init__(generator, multiple)
            self.keras_generator = generator

    network = deeplab.build_deeplab(segmentation_config.preset("tiny", num_classes=19))
    generator_config = restoration_config.preset("finenet-tiny").generator
    generator = finenet.FineNetGenerator(generator_config)

    def segmenter_save(module_class, path):
        # The trainers' own export, with the module class swapped for the peer layout.
        with mock.patch.object(segmentation_export, "SegmenterModule", module_class):
            segmentation_export.export(network, path, 19)

    def restorer_save(module_class, path):
        with mock.patch.object(restoration_export, "RestorerModule", module_class):
            restoration_export.export(generator, path, generator_config.multiple)

    rows = []
    for model, save, shipped, peer in (("segmenter (tiny DeepLabv3+, 7 signatures)", segmenter_save,
                                        segmentation_export.SegmenterModule, KerasTrackedSegmenter),
                                       ("restorer (FineNet-tiny generator, 3 signatures)", restorer_save,
                                        restoration_export.RestorerModule, KerasTrackedRestorer)):
        figures = {}
        for layout, module_class in (("shipped", shipped), ("keras_tracked", peer)):
            with tempfile.TemporaryDirectory() as tmp:
                figures[f"{layout}_export_s"] = round(call_wall_s(lambda: save(module_class, tmp + "/m"), images), 3)
                figures[f"{layout}_load_s"] = round(call_wall_s(lambda: tf.saved_model.load(tmp + "/m"), images), 3)
        rows.append({"model": model, **figures,
                     "export_ratio": round(figures["shipped_export_s"] / figures["keras_tracked_export_s"], 2),
                     "load_ratio": round(figures["shipped_load_s"] / figures["keras_tracked_load_s"], 2)})
    return rows
