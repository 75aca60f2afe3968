"""A preview sheet of texture-city scenes: image | colourised train ids | JPEG at low quality."""
from __future__ import annotations

import io

import numpy as np
from PIL import Image

from image_datasets import labels
from image_datasets.texture_city import scene

__all__ = ["preview_sheet"]


def preview_sheet(rows: int = 3, width: int = 512, height: int = 256, seed: int = 0,
                  jpeg_quality: int = 5) -> np.ndarray:
    """Returns ``uint8[rows * height, 3 * width, 3]``; the JPEG column shows what low-rate
    compression leaves of the texture that tells classes apart."""
    table = labels.cityscapes_table()
    out = []
    for i in range(rows):
        image, label_ids = scene.render_scene(width, height, np.random.default_rng([seed, 1, i]))
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format="JPEG", quality=jpeg_quality)
        jpeg = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
        out.append(np.concatenate([image, table.colorize(table.to_train_ids(label_ids)), jpeg], axis=1))
    return np.concatenate(out, axis=0)
