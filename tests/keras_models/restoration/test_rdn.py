import tensorflow as tf

from keras_models.restoration.config import RdnConfig
from keras_models.restoration.rdn import ResidualDenseNetwork


def test_paper_rdn_has_16_blocks_of_6_dense_layers_with_growth_32_and_global_fusion():
    model = ResidualDenseNetwork(RdnConfig())
    for d in range(1, 17):
        for c in range(1, 7):
            conv = model.get_layer(f"rdb{d}_conv{c}")
            assert conv.filters == 32 and conv.kernel_size == (3, 3)
            assert conv.input_shape[-1] == 64 + 32 * (c - 1)  # dense connections
        assert model.get_layer(f"rdb{d}_lff").kernel_size == (1, 1)
    assert model.get_layer("gff_cat").output_shape[-1] == 16 * 64
    assert model.get_layer("gff_1x1").filters == 64 and model.get_layer("gff_3x3").kernel_size == (3, 3)


def test_rdn_keeps_the_size_and_adds_to_the_input():
    model = ResidualDenseNetwork(RdnConfig(blocks=2, layers=2, growth=4, features=8))
    rgb = model.get_layer("to_rgb")
    rgb.set_weights([tf.zeros_like(w) for w in rgb.get_weights()])
    x = tf.random.uniform((1, 20, 12, 3), -1, 1, seed=0)
    tf.debugging.assert_near(model(x), x)



def test_table_v_presets_train_rdn_for_psnr_and_for_ms_ssim():
    """rdn-psnr minimises the MSE and rdn-msssim 1 - MS-SSIM (Appendix C's two objectives);
    the tiny ones train on 96-pixel crops (MS-SSIM then uses 4 of its 5 scales)."""
    import numpy as np  # pylint: disable=g-import-not-at-top
    from keras_models.restoration import config, training  # pylint: disable=g-import-not-at-top
    for size in ("paper", "tiny"):
        assert config.preset(f"rdn-psnr-{size}").rdn_loss == "mse"
        assert config.preset(f"rdn-msssim-{size}").rdn_loss == "ms_ssim"
    rng = np.random.default_rng(0)
    original = rng.integers(0, 256, (2, 96, 96, 3), dtype=np.uint8)
    compressed = np.clip(original.astype(int) + rng.integers(-20, 21, original.shape), 0, 255).astype(np.uint8)
    pairs = tf.data.Dataset.from_tensor_slices((compressed, original))
    small = {"rdn": {"blocks": 1, "layers": 2, "growth": 4, "features": 8}, "batch_size": 2}
    for name in ("rdn-psnr-tiny", "rdn-msssim-tiny"):
        model = training.train(config.preset(name, **small), pairs, steps=1)
        assert model(tf.zeros((1, 96, 96, 3))).shape == (1, 96, 96, 3)
