"""Artifact types of this project's components."""
from tfx.types.artifact import Artifact

__all__ = ["RateDistortion", "RestorationMeasures"]


class RateDistortion(Artifact):
    """Per-codec rate-distortion statistics (``rate_distortion.json``) and plot (``rate_distortion.png``)."""

    TYPE_NAME = "dsr.RateDistortion"  # <namespace>.<Title>, as Kubeflow V2 schema titles require


class RestorationMeasures(Artifact):
    """Per restored split, the mean rate and distortion before and after restoration and the
    naturalness index of original, compressed and restored images (``restoration.json``)."""

    TYPE_NAME = "dsr.RestorationMeasures"
