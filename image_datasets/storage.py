"""Where dataset files are read from: local paths through ``os`` and ``open``, and any path with
a scheme (``gs://``, ``s3://``, ``hdfs://``, ``ram://``) through TensorFlow's file systems, so a
Beam worker on Dataflow, Flink, Spark or Dask reads the same dataset root the launcher listed.

Local paths keep the plain calls: they are faster, and ``os`` tells a dangling symlink from a
missing file.
"""
from __future__ import annotations

import glob as _glob
import os
from typing import IO, Iterator

__all__ = ["is_remote", "exists", "isdir", "islink", "abspath", "sorted_glob", "walk_files", "open_binary",
           "listdir"]


def is_remote(path: str) -> bool:
    """A path with a scheme (``gs://bucket/...``), read through TensorFlow's file systems."""
    return "://" in path


def _gfile():
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    return tf.io.gfile


def exists(path: str) -> bool:
    return _gfile().exists(path) if is_remote(path) else os.path.exists(path)


def isdir(path: str) -> bool:
    return _gfile().isdir(path) if is_remote(path) else os.path.isdir(path)


def islink(path: str) -> bool:
    return False if is_remote(path) else os.path.islink(path)


def abspath(path: str) -> str:
    return path.rstrip("/") if is_remote(path) else os.path.abspath(path)


def sorted_glob(pattern: str) -> list[str]:
    """The paths matching ``pattern`` (``*``, ``?`` and ``[...]`` within one path segment), sorted."""
    return sorted(_gfile().glob(pattern) if is_remote(pattern) else _glob.glob(pattern))


def walk_files(root: str) -> Iterator[str]:
    """Every file under ``root``, at any depth, but for hidden ones (a name starting with '.',
    in the file or a folder below ``root``: as ``glob``'s ``**`` leaves out, e.g. macOS's
    ``._photo.png`` companions)."""
    walk = _gfile().walk(root) if is_remote(root) else os.walk(root, followlinks=True)
    for folder, dirs, files in walk:
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith("."):
                yield os.path.join(folder, name.rstrip("/"))


def listdir(path: str) -> list[str]:
    return [d.rstrip("/") for d in _gfile().listdir(path)] if is_remote(path) else os.listdir(path)


def open_binary(path: str) -> IO[bytes]:
    """``path`` opened for reading bytes."""
    return _gfile().GFile(path, "rb") if is_remote(path) else open(path, "rb")
