"""DeepLabv3+'s configuration and presets (``keras_models.segmentation.deeplab`` builds the
network; ``keras_models.segmentation.training`` trains it)."""
from __future__ import annotations

import dataclasses
from typing import Optional

from keras_models import presets

__all__ = ["DeepLabConfig", "PRESETS", "preset"]


@dataclasses.dataclass
class DeepLabConfig:
    """Attributes:
      backbone: ``resnet50``, ``mobilenetv2`` or ``tiny``.
      num_classes: output classes.
      weights: None, ``imagenet`` (offline Keras cache only) or a local weights file.
      aspp_rates: atrous rates of the three 3x3 ASPP branches (for output stride 16).
      aspp_filters, decoder_filters, low_level_filters: channel widths (256, 256, 48 in the paper).
      dropout: after the ASPP projection.
      bn_momentum: BatchNorm momentum (0.9 keeps running statistics right on small data).
    """

    backbone: str = "resnet50"
    num_classes: int = 19
    weights: Optional[str] = None
    aspp_rates: tuple[int, int, int] = (6, 12, 18)
    aspp_filters: int = 256
    decoder_filters: int = 256
    low_level_filters: int = 48
    dropout: float = 0.1
    bn_momentum: float = 0.99


PRESETS = {
    "resnet50": DeepLabConfig(),
    "mobilenetv2": DeepLabConfig(backbone="mobilenetv2"),
    "tiny": DeepLabConfig(backbone="tiny", aspp_filters=48, decoder_filters=48, low_level_filters=16,
                          bn_momentum=0.9),
}


def preset(name: str, **overrides) -> DeepLabConfig:
    """The preset ``name`` with fields replaced (``keras_models.presets.preset``)."""
    return presets.preset(PRESETS, "DeepLab", name, **overrides)
