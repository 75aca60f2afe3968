"""Restoration configuration and named presets.

``RestorationConfig.model`` picks the restorer: ``finenet`` (adversarial, Appendix B) or
``rdn`` (distortion-minimising, Appendix C). The ``paper`` presets use the paper's sizes and
schedules; the ``tiny`` presets train on a CPU in minutes.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from keras_models import presets

__all__ = ["FineNetConfig", "DiscriminatorConfig", "RdnConfig", "RestorationConfig", "PRESETS", "preset"]


@dataclasses.dataclass
class FineNetConfig:
    """The generator ``c64, d128, d256, d512, 9 x r512, u256, u128, u64, o3``.

    Attributes:
      filters: channels of the first layer (64); each of the ``downsamples`` doubles them.
      downsamples: number of ``dk`` layers (3).
      res_blocks: number of ``rk`` blocks at the bottleneck (9).
      upsample: ``transpose`` (the paper's stride-1/2 convolution) or ``resize`` (nearest
        upsampling then a 3x3 convolution, which avoids checkerboard artefacts).
      output_norm: instance normalisation in ``o3`` before its tanh, as Appendix B writes it.
        It normalises the residual G(x_hat) of every image to a learnt per-channel mean and
        spread, so the residual cannot be near zero where the compressed image is already
        right; pix2pixHD's generator, which FineNet adapts, has none there.
    """

    filters: int = 64
    downsamples: int = 3
    res_blocks: int = 9
    upsample: str = "transpose"
    output_norm: bool = True

    def __post_init__(self):
        if self.upsample not in ("transpose", "resize"):
            raise ValueError(f"upsample must be 'transpose' or 'resize', got {self.upsample!r}")

    @property
    def multiple(self) -> int:
        """Input height and width must be multiples of this."""
        return 2 ** self.downsamples


@dataclasses.dataclass
class DiscriminatorConfig:
    """Each of the two discriminators is ``C64, C128, C256, C512, O1``.

    Attributes:
      filters: channels of the first ``Ck`` layer (64), doubled per layer.
      layers: number of ``Ck`` layers (4).
      scales: input down-scaling factors, one discriminator each (the paper: 1 and 4).
    """

    filters: int = 64
    layers: int = 4
    scales: tuple[int, ...] = (1, 4)


@dataclasses.dataclass
class RdnConfig:
    """Residual Dense Network: ``blocks`` RDBs (D) of ``layers`` convolutions (C) with growth
    rate G and ``features`` (G0) channels between blocks."""

    blocks: int = 16
    layers: int = 6
    growth: int = 32
    features: int = 64


@dataclasses.dataclass
class RestorationConfig:
    """Attributes:
      model: ``finenet`` or ``rdn``.
      generator, discriminator: FineNet's networks (``model == "finenet"``).
      rdn: the RDN (``model == "rdn"``).
      gan_loss: ``standard`` (the paper's -log D) or ``lsgan`` (least squares).
      l1_weight, vgg_weight, ms_ssim_weight, dist_weight: the generator's loss is
        L_GAN + distortion_weight * (l1_weight*L1 + vgg_weight*L_VGG + ms_ssim_weight*L_MS-SSIM
        + dist_weight*L_DIST); the paper: 10 * (2, 1, 1, 1).
      vgg_weights: VGG19 weights for L_VGG: a local ``.h5`` file, ``imagenet`` (Keras'
        offline cache only), ``random`` (tests) or None (the VGG term is left out).
      rdn_loss: ``l1``, ``mse`` or ``ms_ssim`` (RDN's objective).
      learning_rate, beta_1, beta_2: Adam (FineNet: 2e-4, 0.1, 0.9; RDN: 1e-3).
      decay_steps: the learning rate is divided by 10 after each of these steps.
      crop, batch_size: random training crops.
      mixed_precision: train with the ``mixed_float16`` policy where the GPUs support it
        (``keras_models.distribute``; on by default in the paper presets, float32 elsewhere).
    """

    model: str = "finenet"
    generator: FineNetConfig = dataclasses.field(default_factory=FineNetConfig)
    discriminator: DiscriminatorConfig = dataclasses.field(default_factory=DiscriminatorConfig)
    rdn: RdnConfig = dataclasses.field(default_factory=RdnConfig)
    gan_loss: str = "standard"
    distortion_weight: float = 10.0
    l1_weight: float = 2.0
    vgg_weight: float = 1.0
    ms_ssim_weight: float = 1.0
    dist_weight: float = 1.0
    vgg_weights: Optional[str] = "imagenet"
    rdn_loss: str = "l1"
    learning_rate: float = 2e-4
    beta_1: float = 0.1
    beta_2: float = 0.9
    decay_steps: tuple[int, ...] = (80_000,)
    crop: int = 256
    batch_size: int = 1
    mixed_precision: bool = False

    def __post_init__(self):
        if self.model not in ("finenet", "rdn"):
            raise ValueError(f"model must be 'finenet' or 'rdn', got {self.model!r}")
        if self.gan_loss not in ("standard", "lsgan"):
            raise ValueError(f"gan_loss must be 'standard' or 'lsgan', got {self.gan_loss!r}")
        if self.rdn_loss not in ("l1", "mse", "ms_ssim"):
            raise ValueError(f"rdn_loss must be 'l1', 'mse' or 'ms_ssim', got {self.rdn_loss!r}")
        if self.model == "finenet" and self.crop % self.generator.multiple:
            raise ValueError(f"crop {self.crop} must be a multiple of {self.generator.multiple}")


# Appendix C: D=16, C=6, G=32, 256x256 patches, batch 1, Adam 1e-3, /10 at 80k and 150k.
_RDN_PAPER = RestorationConfig(model="rdn", learning_rate=1e-3, beta_1=0.9, beta_2=0.999,
                               decay_steps=(80_000, 150_000), vgg_weights=None, mixed_precision=True)
# CPU sizes for tests and the demo. No VGG weights ship offline, so the VGG term is off.
_RDN_TINY = RestorationConfig(model="rdn", rdn=RdnConfig(blocks=4, layers=4, growth=16, features=32),
                              learning_rate=1e-3, beta_1=0.9, beta_2=0.999, decay_steps=(100_000,),
                              vgg_weights=None, crop=96, batch_size=4)

PRESETS = {
    # Appendix B: batch 1, Adam(2e-4, 0.1, 0.9), /10 after 80k of ~135k iterations.
    "finenet-paper": RestorationConfig(mixed_precision=True),
    # Table V's two distortion-trained RDNs ("maximising MS-SSIM or PSNR": the PSNR one
    # minimises the MSE), and an L1-trained one, a common artefact-removal objective.
    "rdn-psnr-paper": dataclasses.replace(_RDN_PAPER, rdn_loss="mse"),
    "rdn-msssim-paper": dataclasses.replace(_RDN_PAPER, rdn_loss="ms_ssim"),
    "rdn-paper": _RDN_PAPER,
    "finenet-tiny": RestorationConfig(
        generator=FineNetConfig(filters=16, res_blocks=4, upsample="resize"),
        discriminator=DiscriminatorConfig(filters=16), vgg_weights=None, crop=96, batch_size=4,
        decay_steps=(100_000,)),
    "rdn-psnr-tiny": dataclasses.replace(_RDN_TINY, rdn_loss="mse"),
    "rdn-msssim-tiny": dataclasses.replace(_RDN_TINY, rdn_loss="ms_ssim"),
    "rdn-tiny": _RDN_TINY,
}


def preset(name: str, **overrides) -> RestorationConfig:
    """The preset ``name`` with fields replaced (``keras_models.presets.preset``)."""
    return presets.preset(PRESETS, "restoration", name, **overrides)
