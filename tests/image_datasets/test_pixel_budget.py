"""The pixel budget: one limit, from the environment, checked on declared sizes read from headers."""
import io
import pickle
import struct
import zlib

import pytest
from PIL import Image

from image_datasets import pixel_budget


def png_header_only(width, height):
    """A PNG whose IHDR declares width x height, with a tiny (invalid) image stream."""
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


def test_check_names_what_and_both_sizes():
    pixel_budget.check(1000, 1000, "x", limit=1_000_000)
    with pytest.raises(pixel_budget.PixelBudgetError, match=r"photo.png: declares 2000x1000 = 2,000,000 pixels, "
                                                             r"over the pixel budget of 1,000,000"):
        pixel_budget.check(2000, 1000, "photo.png", limit=1_000_000)



def test_the_error_carries_what_and_reason_and_pickles():
    with pytest.raises(pixel_budget.PixelBudgetError) as err:
        pixel_budget.check(2000, 1000, "a: b.png", limit=1_000_000)
    assert err.value.what == "a: b.png"
    assert err.value.reason.startswith("declares 2000x1000 = 2,000,000 pixels, over the pixel budget")
    assert str(err.value) == f"a: b.png: {err.value.reason}"
    copy = pickle.loads(pickle.dumps(err.value))  # as it crosses from a guarded decode's child
    assert (type(copy), copy.what, copy.reason, str(copy)) == (
        pixel_budget.PixelBudgetError, err.value.what, err.value.reason, str(err.value))

def test_the_budget_comes_from_the_environment(monkeypatch):
    assert pixel_budget.max_pixels() == pixel_budget.DEFAULT_MAX_PIXELS
    monkeypatch.setenv("DSR_MAX_PIXELS", "500")
    assert pixel_budget.max_pixels() == 500
    with pytest.raises(pixel_budget.PixelBudgetError):
        pixel_budget.check(30, 20, "x")
    monkeypatch.setenv("DSR_MAX_PIXELS", "lots")
    with pytest.raises(ValueError, match="DSR_MAX_PIXELS='lots'"):
        pixel_budget.max_pixels()


def test_declared_size_reads_headers_only():
    assert pixel_budget.declared_size(png_header_only(20000, 20000)) == (20000, 20000)
    buffer = io.BytesIO()
    Image.new("RGB", (7, 5)).save(buffer, "JPEG")
    assert pixel_budget.declared_size(buffer.getvalue()) == (7, 5)
    assert pixel_budget.declared_size(b"not an image") is None
    with pytest.raises(pixel_budget.PixelBudgetError, match="20000x20000"):
        pixel_budget.check_image_bytes(png_header_only(20000, 20000), "request")


def test_reading_headers_from_many_threads_leaves_pillows_own_limit_in_place(tmp_path):
    import threading
    path = str(tmp_path / "huge.png")
    with open(path, "wb") as f:
        f.write(png_header_only(20000, 20000))
    limit = Image.MAX_IMAGE_PIXELS
    sizes = []
    threads = [threading.Thread(target=lambda: sizes.append(pixel_budget.declared_size(path))) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sizes == [(20000, 20000)] * 16 and Image.MAX_IMAGE_PIXELS == limit
