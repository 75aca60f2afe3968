import tensorflow as tf

from benchmarks import conv_arithmetic


def test_a_convolution_counts_two_operations_per_multiply_add_per_output_pixel():
    x = tf.zeros([2, 8, 8, 3])
    with conv_arithmetic.counting() as count:
        tf.keras.layers.Conv2D(4, 3, padding="same")(x)
    assert count.flops == 2 * (2 * 8 * 8) * 3 * 3 * 3 * 4
    with conv_arithmetic.counting() as strided:
        tf.keras.layers.Conv2D(4, 3, strides=2, padding="same")(x)
    assert strided.flops == count.flops // 4  # a quarter of the output pixels


def test_dilation_does_not_change_the_count_and_a_transposed_convolution_counts_its_input_pixels():
    x = tf.zeros([1, 16, 16, 2])
    counts = []
    for dilation in (1, 4):
        with conv_arithmetic.counting() as count:
            tf.keras.layers.Conv2D(5, 3, padding="same", dilation_rate=dilation)(x)
        counts.append(count.flops)
    assert counts[0] == counts[1] == 2 * 256 * 9 * 2 * 5
    with conv_arithmetic.counting() as count:
        y = tf.keras.layers.Conv2DTranspose(6, 2, strides=2)(x)
    assert y.shape == (1, 32, 32, 6) and count.flops == 2 * 256 * 2 * 2 * 2 * 6


def test_calls_outside_the_block_are_not_counted_and_traced_calls_are():
    layer = tf.keras.layers.Conv2D(1, 1)
    layer(tf.zeros([3, 4, 4, 2]))  # built here: a first trace that creates variables runs twice
    with conv_arithmetic.counting() as count:
        tf.function(layer).get_concrete_function(tf.TensorSpec([3, 4, 4, 2]))
    assert count.flops == 2 * 48 * 2
    layer(tf.zeros([3, 4, 4, 2]))
    assert count.flops == 2 * 48 * 2


def test_the_rates_are_measured():
    assert conv_arithmetic.matmul_gflop_per_s(n=64, repeats=2) > 0
    assert conv_arithmetic.conv_gflop_per_s(channels=2, size=8, batch=2, repeats=2) > 0
