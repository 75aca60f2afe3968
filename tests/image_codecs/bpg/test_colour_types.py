"""The narrow-integer colour stage equals the int64 arithmetic it replaced, at every bit depth,
range and colour space (so bpgdec's pixels stay exact)."""
import numpy as np
import pytest

from image_codecs.bpg import colour


@pytest.mark.parametrize("bit_depth", [8, 10, 12])
@pytest.mark.parametrize("limited_range", [False, True])
@pytest.mark.parametrize("color_space", [0, 2, 3, 4])
def test_narrow_types_equal_int64_over_the_whole_range(bit_depth, limited_range, color_space):
    rng = np.random.default_rng(bit_depth)
    top = (1 << bit_depth) - 1
    planes = [rng.integers(0, top + 1, (64, 64)) for _ in range(3)]
    for k in range(8):  # every corner of the cube of extremes, where an overflow would show
        for i, p in enumerate(planes):
            p[0, k] = top if k >> i & 1 else 0
    planes = [p.astype(np.uint16) for p in planes]
    np.testing.assert_array_equal(colour.to_rgb(*planes, color_space, bit_depth, limited_range),
                                  colour.to_rgb(*planes, color_space, bit_depth, limited_range, dtype=np.int64))


@pytest.mark.parametrize("height", [1, 2, 7, 40, 41])
@pytest.mark.parametrize("strip", [2, 4, 6, 16])
@pytest.mark.parametrize("bit_depth,phase", [(8, 1), (8, 0), (10, 1)])
def test_strips_of_420_upsampling_equal_the_whole_picture(height, strip, bit_depth, phase):
    """Row strips read their own chroma rows plus a halo; stacked, they are the whole result,
    edges replicated only at the picture's top and bottom."""
    rng = np.random.default_rng(height * strip)
    width = 13
    plane = rng.integers(0, 1 << bit_depth, ((height + 1) // 2 + 3, (width + 1) // 2 + 1)).astype(np.uint16)
    whole = colour.upsample_420(plane, height, width, bit_depth, phase)
    strips = [colour.upsample_420_rows(plane, top, min(top + strip, height), height, width, bit_depth, phase)
              for top in range(0, height, strip)]
    np.testing.assert_array_equal(np.concatenate(strips), whole)


def test_a_420_strip_must_start_on_a_chroma_row():
    with pytest.raises(ValueError, match="even row"):
        colour.upsample_420_rows(np.zeros((4, 4), np.uint8), 1, 3, 8, 8)
