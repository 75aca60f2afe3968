"""Calling external programs (ffmpeg, bpgenc, bpgdec): one place that captures stderr into
the raised error, bounds the run time, and removes temporary files."""
from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import tempfile
from typing import Iterator, Sequence

from image_codecs.base import CodecError

__all__ = ["run", "ffmpeg_exe", "temporary_directory", "which"]

DEFAULT_TIMEOUT_S = 600.0


def run(args: Sequence[str], stdin: bytes | None = None, timeout: float = DEFAULT_TIMEOUT_S,
        what: str = "") -> bytes:
    """Runs ``args`` and returns its stdout.

    Raises:
      CodecError: the program is missing, failed (its stderr tail is in the message) or
        ran longer than ``timeout`` seconds.
    """
    name = what or os.path.basename(args[0])
    try:
        done = subprocess.run(list(args), input=stdin, capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError as e:
        raise CodecError(f"{name}: program not found: {args[0]}") from e
    except subprocess.TimeoutExpired as e:
        raise CodecError(f"{name}: timed out after {timeout:.0f} s") from e
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-6:]
        raise CodecError(f"{name}: exit code {done.returncode}: " + " | ".join(tail))
    return done.stdout


@functools.lru_cache(maxsize=None)
def ffmpeg_exe() -> str:
    """The ffmpeg binary that imageio-ffmpeg ships (it has libx265 and an HEVC decoder)."""
    import imageio_ffmpeg  # pylint: disable=g-import-not-at-top

    return imageio_ffmpeg.get_ffmpeg_exe()


def which(program: str) -> str | None:
    return shutil.which(program)


@contextlib.contextmanager
def temporary_directory(prefix: str = "dsr-codec-") -> Iterator[str]:
    path = tempfile.mkdtemp(prefix=prefix)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
