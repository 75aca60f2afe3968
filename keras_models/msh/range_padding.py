"""Padding that keeps tensorflow-compression's range decoder finite on forged strings.

The range decoder (``tfc``'s C++ ``RangeDecoder`` behind ``entropy_decode_index`` and
``entropy_decode_channel``) reads zeros once it is past the end of its string. An escape
symbol (a value outside the table's range) is followed by an Elias-gamma code whose unary
prefix is read one bit at a time until a 1 comes; a forged string can put the decoder there
with nothing but zeros ahead of it, and it never returns. Its encoder has the mirror problem:
a value of 2**30 or more never leaves its Elias-gamma loop, and writes bytes as it goes.

``pad`` appends to a string ``GAP`` zero bytes and then ``0xFF`` bytes, enough for every
symbol the decode is asked for:
- A genuine string decodes to the same symbols. Its encoder ends with a value whose trailing
  zeros it leaves out, and the decoder's last 32-bit window ends at most 4 bytes past the
  string, plus 2 for each 16-bit carry still pending at the end (``GAP`` leaves room for 30);
  bytes below that window cannot move the value out of the last interval, so no decision
  changes. Without the gap, ``0xFF`` bytes right after the string do change some.
- A forged string's decode ends. In the ``0xFF`` bytes a unary prefix ends within 32 bits (the
  window's, then ones), so its value has at most 33 bits; an escape costs at most 2 bytes for
  its symbol and 7 renormalisations of 2 bytes for the rest, a plain symbol at most 2 bytes.
  ``BYTES_PER_SYMBOL`` (16) bounds both, and the string's own length plus ``GAP`` bounds the
  one escape whose prefix began before the ``0xFF`` bytes.
The decoder then stops short of the padding's end, so tfc's end-of-decode sanity check (all
bytes read) fails on every padded decode and must be off; callers compare the symbols'
re-encoding with the unpadded string instead, which is stricter. ``codable`` is the guard for
the encoder: symbols a decode of forged bytes may produce, that no genuine stream holds.
"""
from __future__ import annotations

import contextlib

import tensorflow as tf

__all__ = ["GAP", "BYTES_PER_SYMBOL", "CODABLE_LIMIT", "pad", "codable", "without_sanity_check"]

GAP = 64
BYTES_PER_SYMBOL = 16
# tfc's encoder loops for good on |value| >= 2**30; a stream it wrote holds none. The margin
# covers float32 rounding of the latents (the decoded symbols come back as floats).
CODABLE_LIMIT = 2.0 ** 28
_BLOCK = 1 << 16  # the 0xFF run is built from blocks of this many bytes


def pad(string: tf.Tensor, symbols: tf.Tensor) -> tf.Tensor:
    """``string`` (a scalar) followed by ``GAP`` zero bytes and enough ``0xFF`` bytes that a
    range decode of ``symbols`` symbols cannot run past them (see the module's docstring)."""
    length = tf.cast(tf.strings.length(string), tf.int64)
    needed = length + GAP + BYTES_PER_SYMBOL * tf.cast(symbols, tf.int64) + 64
    blocks = tf.cast(-(-needed // _BLOCK), tf.int32)
    ones = tf.strings.reduce_join(tf.fill([blocks], tf.constant(b"\xff" * _BLOCK)))
    return tf.strings.join([string, tf.constant(bytes(GAP)), ones])


def codable(*tensors: tf.Tensor) -> tf.Tensor:
    """Whether every element of ``tensors`` is finite and below ``CODABLE_LIMIT`` in magnitude
    (what tfc's encoder can code in finite time)."""
    return tf.reduce_all([tf.reduce_all(tf.abs(t) < CODABLE_LIMIT) for t in tensors])


@contextlib.contextmanager
def without_sanity_check(*entropy_models):
    """Traces ``decompress`` of ``entropy_models`` without tfc's all-bytes-read assertion."""
    saved = [m.decode_sanity_check for m in entropy_models]
    for m in entropy_models:
        m.decode_sanity_check = False
    try:
        yield
    finally:
        for m, value in zip(entropy_models, saved):
            m.decode_sanity_check = value
