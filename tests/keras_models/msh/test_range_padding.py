"""Range padding: genuine strings decode to the same symbols padded; forged strings that keep
tensorflow-compression's decoder looping for good decode to an end once padded."""
import pathlib
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
import tensorflow as tf

from keras_models.msh import range_padding
from keras_models.msh.config import MshConfig
from keras_models.msh.model import latent_entropy_model


def test_the_padding_is_the_string_a_zero_gap_and_room_for_16_bytes_a_symbol():
    padded = range_padding.pad(tf.constant(b"abc"), tf.constant(1000)).numpy()
    assert padded[:3] == b"abc" and padded[3:3 + range_padding.GAP] == bytes(range_padding.GAP)
    ones = padded[3 + range_padding.GAP:]
    assert set(ones) == {0xFF} and len(ones) >= 3 + range_padding.GAP + 16 * 1000


def test_genuine_strings_decode_to_the_same_symbols_padded():
    """Strings with escapes (values far outside the tables, coded with Elias gamma) among them,
    and strings of nearly nothing, decode the same with the padding (without its zero gap,
    one of these 60 does not)."""
    model = latent_entropy_model(MshConfig(), compression=True)
    model.decode_sanity_check = False  # the padded string is not read to its end
    decode = tf.function(lambda s, n, index, loc: model.decompress(range_padding.pad(s, n)[None], index, loc=loc))
    for seed in range(60):
        rng = np.random.default_rng(seed)
        shape = (1, int(rng.integers(1, 12)), int(rng.integers(1, 12)), 8)
        index = tf.constant(rng.uniform(0, 63, shape), tf.float32)
        loc = tf.constant(rng.normal(0, 3, shape), tf.float32)
        values = np.round(rng.normal(0, 2, shape) * model.parameter_fns["scale"](index).numpy())
        values[rng.random(shape) < 0.02] = rng.choice([-1, 1]) * 2.0 ** rng.integers(8, 20)  # escapes
        if seed % 3 == 0:
            values[:] = 0  # a string of nearly nothing
        string = model.compress(tf.constant(values, tf.float32) + loc, index, loc=loc)[0]
        got = decode(string, tf.constant(int(np.prod(shape))), index, loc) - loc
        np.testing.assert_array_equal(np.round(got.numpy()), values, err_msg=f"seed {seed}")


def test_symbols_no_encoder_could_write_are_not_codable():
    assert bool(range_padding.codable(tf.constant([0.0, -1e6, 2.0 ** 27])))
    for bad in (2.0 ** 28, -2.0 ** 30, np.inf, np.nan):
        assert not bool(range_padding.codable(tf.constant([0.0]), tf.constant([1.0, bad])))


# Forged strings, each drawn from the seed [1, case] with its latent shape, scale indexes and
# means: tfc's decoder never returns on these 7 of 2,000 such random short strings.
_FORGED = textwrap.dedent("""
    import sys
    import numpy as np, tensorflow as tf
    from keras_models.msh import range_padding
    from keras_models.msh.config import MshConfig
    from keras_models.msh.model import latent_entropy_model
    model = latent_entropy_model(MshConfig(), compression=True)
    model.decode_sanity_check = False
    padded = sys.argv[1] == "padded"
    print("ready", flush=True)
    for case in (88, 740, 1218, 1288, 1325, 1628, 1979):
        rng = np.random.default_rng([1, case])
        string = rng.integers(0, 256, int(rng.integers(1, 64)), dtype=np.uint8).tobytes()
        height, width = int(rng.integers(1, 40)), int(rng.integers(1, 40))
        index = tf.constant(rng.uniform(0, 63, (1, height, width, 8)), tf.float32)
        loc = tf.constant(rng.normal(0, 3, (1, height, width, 8)), tf.float32)
        string = range_padding.pad(tf.constant(string), height * width * 8) if padded else tf.constant(string)
        model.decompress(string[None], index, loc=loc)
        print(case, flush=True)
""")


def _decoded_within(mode: str, seconds: float) -> list[str]:
    """The forged cases the decode finished, ``seconds`` after the child has imported TF."""
    child = subprocess.Popen([sys.executable, "-c", _FORGED, mode], stdout=subprocess.PIPE, text=True,
                             stderr=subprocess.DEVNULL, cwd=pathlib.Path(__file__).parents[3])
    try:
        assert child.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.2)
        child.kill()
        return child.stdout.read().split()
    finally:
        child.kill()
        child.wait()


@pytest.mark.slow
def test_forged_strings_that_loop_forever_decode_to_an_end_once_padded():
    assert _decoded_within("plain", 10) == []  # the first forged string already loops
    assert _decoded_within("padded", 120) == ["88", "740", "1218", "1288", "1325", "1628", "1979"]
