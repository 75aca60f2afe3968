"""MSH configuration and named presets."""
from __future__ import annotations

import dataclasses

from keras_models import presets

__all__ = ["MshConfig", "PRESETS", "preset"]


@dataclasses.dataclass
class MshConfig:
    """Attributes:
      num_filters: channels of the analysis/synthesis transforms (N).
      latent_depth: channels of the latent y (M).
      hyperprior_depth: channels of the hyper-latent z.
      lmbda: rate-distortion trade-off; loss = bpp + lmbda * MSE on the 0-255 scale.
      num_scales, scale_min, scale_max: the scale table of the latent entropy model.
      crop: training crop size (square).
      batch_size, learning_rate: optimisation.
    """

    num_filters: int = 192
    latent_depth: int = 320
    hyperprior_depth: int = 192
    lmbda: float = 0.01
    num_scales: int = 64
    scale_min: float = 0.11
    scale_max: float = 256.0
    crop: int = 256
    batch_size: int = 8
    learning_rate: float = 1e-4


PRESETS = {
    # Minnen et al. 2018's sizes for the higher rates.
    "paper": MshConfig(),
    # A small model that trains on 2 CPU cores in minutes (tests and the demo).
    "tiny": MshConfig(num_filters=32, latent_depth=48, hyperprior_depth=32, crop=64, batch_size=8,
                      learning_rate=1e-3),
}


def preset(name: str, **overrides) -> MshConfig:
    """The preset ``name`` with fields replaced (``keras_models.presets.preset``)."""
    return presets.preset(PRESETS, "MSH", name, **overrides)
