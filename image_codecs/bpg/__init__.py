"""BPG (Fabrice Bellard's HEVC-based image format): container, encoder, decoder.

``image_codecs.bpg.codec.BpgCodec`` is the registered codec. It calls libbpg's ``bpgenc``
/ ``bpgdec`` when they are installed, and otherwise writes and reads genuine ``.bpg``
files itself: HEVC intra coding through the x265 of the ffmpeg that ``imageio-ffmpeg`` ships,
decoding with FFmpeg's HEVC decoder in this process (PyAV), and the container with its
compact ``hevc_header``.
"""

from image_codecs.base import BitstreamError

__all__ = ["BpgFormatError"]


class BpgFormatError(BitstreamError):
    """A BPG file (or its HEVC payload) is malformed, truncated or unsupported."""
