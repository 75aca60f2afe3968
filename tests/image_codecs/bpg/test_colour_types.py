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
