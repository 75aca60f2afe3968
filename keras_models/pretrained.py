"""ImageNet weights without downloads: ``imagenet`` resolves to Keras' local cache file
(``$KERAS_HOME/models`` or ``~/.keras/models``) and fails clearly when it is not there."""
from __future__ import annotations

import os

__all__ = ["keras_cache_file"]


def keras_cache_file(filename: str, what: str) -> str:
    """The cached ``filename``; FileNotFoundError naming where to put it otherwise."""
    path = os.path.join(os.path.expanduser(os.environ.get("KERAS_HOME", "~/.keras")), "models", filename)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{what} ImageNet weights are not in Keras' cache ({path}) and are never downloaded "
                                "at run time: copy the file there or give the weights file's path instead")
    return path
