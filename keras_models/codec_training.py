"""A learned codec (MSH or IR2I) trained on image files and exported where the codec of the
registry reads it (``dsr codec train`` calls this). Imports TensorFlow only when it trains,
so that the command line can read ``CODECS`` at once."""
from __future__ import annotations

from typing import Optional, Sequence

__all__ = ["train_codec", "CODECS"]

CODECS = ("ir2i", "msh")


def train_codec(codec: str, preset: str, paths: Sequence[str], steps: int, out: str,
                lmbda: Optional[float] = None, checkpoint_dir: Optional[str] = None, verbose: int = 2) -> None:
    """Trains ``codec``'s ``preset`` for ``steps`` steps on the images at ``paths`` and exports
    the model to ``out``. ``lmbda`` overrides MSH's rate-distortion trade-off (IR2I has none).

    Raises:
      FileNotFoundError: no paths. ValueError: an unknown codec, or ``lmbda`` for IR2I.
    """
    if codec not in CODECS:
        raise ValueError(f"codec {codec!r} is not trainable; trainable codecs: {list(CODECS)}")
    if not paths:
        raise FileNotFoundError("no training images")
    import tensorflow as tf  # pylint: disable=g-import-not-at-top

    from image_datasets import image_files  # pylint: disable=g-import-not-at-top

    paths = list(paths)
    images = tf.data.Dataset.from_generator(lambda: (image_files.read_image(p) for p in paths),
                                            output_signature=tf.TensorSpec([None, None, 3], tf.uint8))
    if codec == "ir2i":
        if lmbda is not None:
            raise ValueError("ir2i has no lambda: its rate is the number of stages decoded")
        from keras_models.ir2i import config, export, training  # pylint: disable=g-import-not-at-top
        model = training.train(config.preset(preset), images, steps, checkpoint_dir=checkpoint_dir, verbose=verbose)
        export.export(model, out)
    else:
        from keras_models.msh import config, export, training  # pylint: disable=g-import-not-at-top
        overrides = {"lmbda": lmbda} if lmbda is not None else {}
        model = training.train(config.preset(preset, **overrides), images, steps, checkpoint_dir=checkpoint_dir,
                               verbose=verbose)
        export.export(model, out)
