"""Export of a trained Mean-Scale Hyperprior: builds the range-coding tables and writes a
SavedModel whose ``compress``/``decompress`` functions (and signatures of the same names) the
``msh`` codec loads (``image_codecs.msh``)."""
from __future__ import annotations

from keras_models.msh.model import MeanScaleHyperprior

__all__ = ["export"]


def export(model: MeanScaleHyperprior, path: str) -> str:
    """Writes a SavedModel exposing ``compress`` and ``decompress``."""
    model.prepare_for_compression()
    signatures = {"compress": model.compress.get_concrete_function(),
                  "decompress": model.decompress.get_concrete_function()}
    # save_traces=False: Keras would otherwise trace every layer's call, which GDN does not support.
    model.save(path, save_format="tf", save_traces=False, signatures=signatures)
    return path
