"""How tiled restoration cuts an image (``tiling.restore_tiled``): the one home of its
defaults, read by the restoration config, the DatasetRestoration component and ``dsr restore``.
Kept free of heavy imports so that the command line can show the defaults at once."""
from __future__ import annotations

import dataclasses

__all__ = ["TileOptions"]


@dataclasses.dataclass(frozen=True)
class TileOptions:
    """Attributes:
      tile: output tile side in pixels (memory is bounded by the window, tile + 2 * margin).
      margin: context pixels read around each tile (mirrored at the image border).
      overlap: pixels by which neighbouring tiles overlap, blended with linear ramps.
    """

    tile: int = 512
    margin: int = 32
    overlap: int = 32
