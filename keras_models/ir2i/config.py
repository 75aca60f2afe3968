"""IR2I configuration and named presets (Baig, Koltun, Torresani 2017, supplement C).

``variant`` picks the progressive coder:
  * ``residual``: Toderici et al.'s residual encoder (Table 6): each stage codes the
    previous stage's residual and is trained to reproduce it (equation 1);
  * ``prediction``: R2I with prediction connections (Table 7);
  * ``full``: R2I with parametric connections between every pair of layers (Table 8);
  * ``decoding``: R2I with parametric connections between decoding layers only (Table 9).
The R2I variants predict the image at every stage (equation 2). ``inpainting`` adds the
partial-context inpainting network (Table 10): ``none``, ``separate`` (trained alone first,
then frozen while the coder trains) or ``joint`` (equation 4, IR2I).
"""
from __future__ import annotations

import dataclasses

from keras_models import presets

__all__ = ["Ir2iConfig", "VARIANTS", "INPAINTING", "INPAINT_CONTEXTS", "PRESETS", "preset", "paper_schedule"]

VARIANTS = ("residual", "prediction", "full", "decoding")
INPAINTING = ("none", "separate", "joint")
INPAINT_CONTEXTS = ("original", "coded")


@dataclasses.dataclass
class Ir2iConfig:
    """Attributes:
      variant: one of ``VARIANTS``.
      inpainting: one of ``INPAINTING``.
      stages: progressive stages; each adds ``bits / 64`` bits per pixel.
      bits: binary channels per stage at 1/8 resolution (8 -> 0.125 bpp per stage).
      filters: the three widths of a stage (64, 128, 256 in the tables).
      patch: patch size the coder works on (32; the stage is fully convolutional).
      inpaint_filters: filters per dilation of a multi-scale layer (24).
      inpaint_layers: number of multi-scale layers (8).
      dilations: dilation factors of a multi-scale layer (1, 2, 4, 8).
      context_stage: the stage whose reconstruction of already decoded neighbours feeds the
        inpainting network at coding time (2: the first code carries stages 1..2).
      inpaint_context: what the inpainting network sees during joint training: ``original``
        context pixels (the paper, Section 2.3) or the ``coded`` context, i.e. the coder's own
        stage-``context_stage`` reconstructions of the three neighbouring patches, as at
        coding time (see ``training``).
      learning_rate, lr_drops: Adam with the rate divided by 10 at each drop (steps).
      batch_size: patches per step.
      border_probability: chance that a training patch is placed at the top (or left) image
        border, so that the inpainting network learns to work with missing context there.
    """

    variant: str = "decoding"
    inpainting: str = "joint"
    stages: int = 8
    bits: int = 8
    filters: tuple[int, int, int] = (64, 128, 256)
    patch: int = 32
    inpaint_filters: int = 24
    inpaint_layers: int = 8
    dilations: tuple[int, ...] = (1, 2, 4, 8)
    context_stage: int = 2
    inpaint_context: str = "original"
    learning_rate: float = 1e-3
    lr_drops: tuple[int, ...] = (30000, 65000, 90000)
    batch_size: int = 32
    border_probability: float = 0.15

    def __post_init__(self):
        self.filters = tuple(self.filters)
        self.dilations = tuple(self.dilations)
        self.lr_drops = tuple(self.lr_drops)
        if self.variant not in VARIANTS:
            raise ValueError(f"ir2i: variant must be one of {VARIANTS}, got {self.variant!r}")
        if self.inpainting not in INPAINTING:
            raise ValueError(f"ir2i: inpainting must be one of {INPAINTING}, got {self.inpainting!r}")
        if self.inpainting != "none" and self.variant == "residual":
            raise ValueError("ir2i: inpainting needs an R2I variant (the residual encoder does not predict images)")
        if self.stages < 1 or self.bits < 1 or len(self.filters) != 3 or min(self.filters) < 1:
            raise ValueError(f"ir2i: invalid sizes stages={self.stages} bits={self.bits} filters={self.filters}")
        if self.patch % 8:
            raise ValueError(f"ir2i: patch must be a multiple of 8 (three stride-2 layers), got {self.patch}")
        if self.inpaint_context not in INPAINT_CONTEXTS:
            raise ValueError(f"ir2i: inpaint_context must be one of {INPAINT_CONTEXTS}, got {self.inpaint_context!r}")
        if self.inpaint_context == "coded" and self.inpainting != "joint":
            raise ValueError("ir2i: inpaint_context='coded' needs joint inpainting (the coder codes the context)")
        if self.inpainting != "none" and not 1 <= self.context_stage <= self.stages:
            raise ValueError(f"ir2i: context_stage must be in [1, {self.stages}], got {self.context_stage}")

    @property
    def uses_inpainting(self) -> bool:
        return self.inpainting != "none"

    @property
    def bpp_per_stage(self) -> float:
        """Bits per pixel each stage adds: ``bits`` binary values per 8x8 pixels."""
        return self.bits / 64

    @property
    def first_stages(self) -> int:
        """Stages in the first progressive code (the inpainting context needs them all)."""
        return self.context_stage if self.uses_inpainting else 1

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Ir2iConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"ir2i: unknown config keys {unknown}")
        return cls(**data)


# Section 2.3: the residual encoder and R2I train for 60k iterations with the rate dropped at 30k
# and 45k; joint IR2I trains for 110k with drops at 30k, 65k and 90k.
_PAPER_R2I = (60000, (30000, 45000))
_PAPER_JOINT = (110000, (30000, 65000, 90000))

# Tiny models for 5500 steps (IR2I's paper length at 1/20), every variant with the R2I schedule's
# shape (drops at 1/2 and 3/4) so that like is compared with like; ``paper_schedule`` gives the
# paper's own. At this scale the joint schedule's early first drop (at 27%) costs a lot: seed 0
# of joint IR2I lost 0.6 dB MS-SSIM at 0.25 bpp to R2I trained as long with late drops
# (docs/BENCHMARKS.md, ir2i_context).
_TINY = dict(filters=(8, 16, 32), inpaint_filters=4, inpaint_layers=4, batch_size=16, lr_drops=(2750, 4125))

PRESETS = {
    # The paper's sizes (supplement C) and schedules (Section 2.3).
    "residual-paper": Ir2iConfig(variant="residual", inpainting="none", lr_drops=_PAPER_R2I[1]),
    "r2i-prediction-paper": Ir2iConfig(variant="prediction", inpainting="none", lr_drops=_PAPER_R2I[1]),
    "r2i-full-paper": Ir2iConfig(variant="full", inpainting="none", lr_drops=_PAPER_R2I[1]),
    "r2i-decoding-paper": Ir2iConfig(variant="decoding", inpainting="none", lr_drops=_PAPER_R2I[1]),
    "r2i-decoding-sep-inp-paper": Ir2iConfig(variant="decoding", inpainting="separate", lr_drops=_PAPER_R2I[1]),
    "ir2i-paper": Ir2iConfig(variant="decoding", inpainting="joint", lr_drops=_PAPER_JOINT[1]),
    # Small models that train on 2 CPU cores in minutes (tests, the demo, the benchmark).
    "residual-tiny": Ir2iConfig(variant="residual", inpainting="none", **_TINY),
    "r2i-prediction-tiny": Ir2iConfig(variant="prediction", inpainting="none", **_TINY),
    "r2i-full-tiny": Ir2iConfig(variant="full", inpainting="none", **_TINY),
    "r2i-decoding-tiny": Ir2iConfig(variant="decoding", inpainting="none", **_TINY),
    "r2i-decoding-sep-inp-tiny": Ir2iConfig(variant="decoding", inpainting="separate", **_TINY),
    "ir2i-tiny": Ir2iConfig(variant="decoding", inpainting="joint", **_TINY),
}


def preset(name: str, **overrides) -> Ir2iConfig:
    """The preset ``name`` with fields replaced (``keras_models.presets.preset``)."""
    return presets.preset(PRESETS, "IR2I", name, **overrides)


def paper_schedule(config: Ir2iConfig, r2i_steps: int, equal: bool = False) -> tuple[int, Ir2iConfig]:
    """(steps, config with lr_drops) of the paper's schedule scaled so that R2I trains for
    ``r2i_steps``: joint IR2I trains 110/60 as long, and the learning rate drops at the paper's
    fractions of each. ``paper_schedule(preset("ir2i-paper"), 60000)`` is the paper's own.
    With ``equal`` every variant gets R2I's schedule (like for like)."""
    steps, drops = _PAPER_JOINT if config.inpainting == "joint" and not equal else _PAPER_R2I
    scale = r2i_steps / _PAPER_R2I[0]
    return round(steps * scale), dataclasses.replace(config, lr_drops=tuple(round(d * scale) for d in drops))
