"""The narrow-integer colour stage equals the int64 arithmetic it replaced, at every bit depth,
range and colour space (so bpgdec's pixels stay exact)."""
import numpy as np
import pytest

from image_codecs.bpg import colour


def _reference_to_rgb(y, cb, cr, color_space, bit_depth, limited_range):
    """The int64 conversion (bpgdec's fixed point), written out independently."""
    c_shift = 22
    in_max = (1 << bit_depth) - 1
    mult = 255.0 * (1 << c_shift) / in_max
    mult_y = 255.0 * (1 << c_shift) / (219 << (bit_depth - 8)) if limited_range else mult
    mult_c = 255.0 * (1 << c_shift) / (224 << (bit_depth - 8)) if limited_range else mult
    rnd = 1 << (c_shift - 1)
    y_one = int(np.rint(mult_y))
    y_offset = (-(16 << (bit_depth - 8)) * y_one + rnd) if limited_range else rnd
    center = 1 << (bit_depth - 1)
    y, cb, cr = (p.astype(np.int64) for p in (y, cb, cr))
    if color_space == 2:
        cg, co = cb - center, cr - center
        out = [(y - cg + co) * y_one, (y + cg) * y_one, (y - cg - co) * y_one]
    else:
        kr, kb = {0: (0.299, 0.114), 3: (0.2126, 0.0722), 4: (0.2627, 0.0593)}[color_space]
        c = [int(np.rint(v * mult_c)) for v in (2 * (1 - kr), 2 * kb * (1 - kb) / (1 - kb - kr),
                                                2 * kr * (1 - kr) / (1 - kb - kr), 2 * (1 - kb))]
        out = [y * y_one + c[0] * (cr - center), y * y_one - c[1] * (cb - center) - c[2] * (cr - center),
               y * y_one + c[3] * (cb - center)]
    return np.clip(np.stack([(o + y_offset) >> c_shift for o in out], -1), 0, 255).astype(np.uint8)


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
                                  _reference_to_rgb(*planes, color_space, bit_depth, limited_range))
