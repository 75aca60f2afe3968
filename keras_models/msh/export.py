"""Export of a trained Mean-Scale Hyperprior: builds the range-coding tables and writes a
SavedModel whose ``compress``/``decompress`` functions (and signatures of the same names) the
``msh`` codec loads (``image_codecs.msh``), with ``entropy_round_trip`` for its check of
untrusted streams."""
from __future__ import annotations

from keras_models.msh.model import MeanScaleHyperprior

__all__ = ["export"]


def export(model: MeanScaleHyperprior, path: str) -> str:
    """Writes a SavedModel exposing ``compress``, ``decompress`` and ``entropy_round_trip``."""
    model.prepare_for_compression()
    signatures = {name: getattr(model, name).get_concrete_function()
                  for name in ("compress", "decompress", "entropy_round_trip")}
    # save_traces=False: Keras would otherwise trace every layer's call, which GDN does not support.
    model.save(path, save_format="tf", save_traces=False, signatures=signatures)
    return path
