"""Untrusted bytes decoded in a child process under a deadline: the same pixels, the same
errors, and a decoder that never returns is stopped with a named error."""
import io
import time
import types

import numpy as np
import pytest
from PIL import Image

from image_codecs import guarded, registry
from image_codecs.base import BitstreamError
from image_datasets import pixel_budget


def _jpeg():
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (24, 32, 3), dtype=np.uint8)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_guarded_decode_gives_the_same_pixels():
    codec = registry.make_codec("jpeg", 50)
    np.testing.assert_array_equal(guarded.decode(codec, _jpeg(), 120), codec.decode(_jpeg()))


def test_the_decoders_own_error_reaches_the_caller():
    with pytest.raises(BitstreamError, match="jpeg"):
        guarded.decode(registry.make_codec("jpeg", 50), b"not a jpeg", 120)



def test_a_pixel_budget_refusal_in_the_child_reaches_the_caller_with_its_fields():
    with pytest.raises(pixel_budget.PixelBudgetError) as err:
        guarded.call(pixel_budget.check, (8192, 8192, "x.ir2", 1_000_000), 120)
    assert err.value.what == "x.ir2" and err.value.reason.startswith("declares 8192x8192")

def test_a_decoder_that_never_returns_is_stopped_at_the_deadline():
    # Stuck as tensorflow-compression's range decoder can be on a forged MSH stream. A library
    # callable, because a spawned process cannot import this test module (importlib mode).
    stuck = types.SimpleNamespace(name="stuck", check=id, decode=time.sleep)  # id: no check
    with pytest.raises(guarded.DecodeTimeout, match=r"stuck: the decoder did not finish within 3 s"):
        guarded.decode(stuck, 3600, 3)


def test_only_the_msh_decoder_is_marked_as_able_to_hang():
    assert [n for n in registry.codec_names() if registry.codec_class(n).decode_can_hang] == ["msh"]


def test_an_untrusted_decode_checks_the_stream_first():
    calls = []
    codec = types.SimpleNamespace(name="spy", decode_can_hang=False, check=lambda data: calls.append(("check", data)),
                                  decode=lambda data: calls.append(("decode", data)) or "pixels")
    assert guarded.decode_untrusted(codec, b"x") == "pixels"
    assert calls == [("check", b"x"), ("decode", b"x")]
