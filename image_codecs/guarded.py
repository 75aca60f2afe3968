"""Running a call in a child process under a deadline; decoding untrusted bytes that way.

Decoders run native code that no Python timeout can interrupt. One of them loops forever on
hostile input: tensorflow-compression's range decoder, given an MSH stream whose declared
shape exceeds its data, reads past the string and can stay in its overflow (Elias-gamma) loop
for good. MSH's ``check`` no longer can (see ``keras_models.msh.range_padding``), and what it
passes decodes to an end; the deadline remains for its ``decode`` alone, for models exported
before that check, and for slow decodes. ``decode`` runs the decode in a spawned process and
kills it at the deadline.
Codecs whose decoder can hang say so with ``Codec.decode_can_hang``; ``decode_untrusted``
guards those, and runs each codec's ``check`` of the stream before its decode (``dsr codec
decode`` uses it). ``call`` is the mechanism, for any picklable function (benchmarks run their
cases through it).
"""
from __future__ import annotations

import multiprocessing
from typing import Any, Callable, Optional

import numpy as np

from image_codecs.base import BitstreamError, Codec

__all__ = ["DecodeTimeout", "ChildDied", "DEFAULT_DEADLINE_S", "call", "checked_decode", "decode", "decode_untrusted"]

# Deadline of an untrusted decode by a codec that can hang: a 40-megapixel MSH decode with the
# paper's model takes minutes on a CPU.
DEFAULT_DEADLINE_S = 600.0


class DecodeTimeout(BitstreamError):
    """A decode did not finish within its deadline (the stream is taken as malformed)."""


class ChildDied(RuntimeError):
    """The child process ended without an answer (e.g. it could not import the function)."""


def _child(fn: Callable, args: tuple, connection) -> None:
    try:
        answer = (True, fn(*args))
    except BaseException as e:  # pylint: disable=broad-except  # the parent raises it
        answer = (False, e)
    try:
        connection.send(answer)
    except Exception as e:  # pylint: disable=broad-except  # an unpicklable result or exception
        connection.send((False, RuntimeError(f"{type(e).__name__}: {e}")))
    finally:
        connection.close()


def call(fn: Callable, args: tuple = (), seconds: Optional[float] = None, name: Optional[str] = None) -> Any:
    """``fn(*args)`` in a spawned process: its result, or its exception raised here.
    ``ChildDied`` when the process ends without answering; ``TimeoutError`` when it has not
    answered within ``seconds`` (the process is killed). Errors name ``name`` (default: the
    call)."""
    name = name or f"{getattr(fn, '__name__', fn)}{args}"
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(fn, args, send), daemon=True)
    process.start()
    send.close()  # the child's end only: a child that dies closes the pipe, and poll returns
    try:
        if not receive.poll(seconds):
            raise TimeoutError(f"{name}: no answer in {seconds:g} s")
        try:
            ok, value = receive.recv()
        except EOFError:
            process.join(5)
            raise ChildDied(f"{name}: the process exited with code {process.exitcode} without an answer") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()
    if ok:
        return value
    raise value


def checked_decode(codec: Codec, data: bytes) -> np.ndarray:
    """``codec.check(data)``, then ``codec.decode(data)``."""
    codec.check(data)
    return codec.decode(data)


def decode(codec: Codec, data: bytes, seconds: float) -> np.ndarray:
    """``checked_decode(codec, data)`` through ``call``: the decoder's own errors are raised here,
    ``DecodeTimeout`` at the deadline and ``BitstreamError`` when the decoder process dies."""
    try:
        return call(checked_decode, (codec, data), seconds)
    except TimeoutError:
        raise DecodeTimeout(f"{codec.name}: the decoder did not finish within {seconds:g} s (a stream whose "
                            f"declared size exceeds its data can make it loop); stopped") from None
    except ChildDied as e:
        raise BitstreamError(f"{codec.name}: the decoder process died: {e}") from None


def decode_untrusted(codec: Codec, data: bytes, seconds: Optional[float] = None) -> np.ndarray:
    """Checks and decodes bytes from outside (``checked_decode``): under ``seconds`` (default
    ``DEFAULT_DEADLINE_S``) in a child process when given or when the codec's decoder can hang,
    in this process otherwise."""
    if seconds is None and codec.decode_can_hang:
        seconds = DEFAULT_DEADLINE_S
    return checked_decode(codec, data) if seconds is None else decode(codec, data, seconds)
