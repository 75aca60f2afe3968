"""One registry of codecs by name: ``make_codec("jpeg", 5)``."""
from __future__ import annotations

from typing import Callable

from image_codecs.base import Codec

__all__ = ["register", "make_codec", "codec_class", "codec_names"]

_REGISTRY: dict[str, type[Codec]] = {}


def register(name: str) -> Callable[[type[Codec]], type[Codec]]:
    """Class decorator that registers a codec under ``name``."""

    def wrap(cls: type[Codec]) -> type[Codec]:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise ValueError(f"codec {name!r} is already registered by {_REGISTRY[name].__name__}")
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return wrap


def _load_builtins() -> None:
    # Importing the modules registers them; done lazily so that importing the registry
    # does not import TensorFlow.
    from image_codecs import jpeg  # noqa: F401  pylint: disable=g-import-not-at-top,unused-import
    from image_codecs.bpg import codec as _bpg  # noqa: F401  pylint: disable=g-import-not-at-top,unused-import
    from image_codecs import msh  # noqa: F401  pylint: disable=g-import-not-at-top,unused-import
    from image_codecs import ir2i  # noqa: F401  pylint: disable=g-import-not-at-top,unused-import
    from image_codecs import avif, jp2k, vvc, webp  # noqa: F401  pylint: disable=g-import-not-at-top,unused-import


def codec_names() -> list[str]:
    _load_builtins()
    return sorted(_REGISTRY)


def codec_class(name: str) -> type[Codec]:
    _load_builtins()
    if name not in _REGISTRY:
        raise ValueError(f"unknown codec {name!r}; expected one of {sorted(_REGISTRY)}")
    return _REGISTRY[name]


def make_codec(name: str, quality: float, **options) -> Codec:
    """Builds codec ``name`` at ``quality`` with codec-specific ``options``."""
    return codec_class(name)(quality, **options)
