"""Behaviour of the progressive coders, the binarizer and the inpainting network."""
import numpy as np
import pytest
import tensorflow as tf

from keras_models.ir2i import config as ic
from keras_models.ir2i.layers import Binarizer
from keras_models.ir2i.model import InpaintingNetwork, ProgressiveCoder, context_mask
from keras_models.ir2i.training import Ir2iModel


def test_config_validation():
    with pytest.raises(ValueError, match="variant"):
        ic.Ir2iConfig(variant="lstm")
    with pytest.raises(ValueError, match="inpainting needs an R2I variant"):
        ic.Ir2iConfig(variant="residual", inpainting="joint")
    with pytest.raises(ValueError, match="inpaint_context must be one of"):
        ic.Ir2iConfig(inpaint_context="decoded")
    with pytest.raises(ValueError, match="needs joint inpainting"):
        ic.Ir2iConfig(inpainting="separate", inpaint_context="coded")
    with pytest.raises(ValueError, match="unknown IR2I preset"):
        ic.preset("nope")
    with pytest.raises(ValueError, match="unknown config keys"):
        ic.Ir2iConfig.from_json({"variant": "decoding", "colour": 1})
    assert ic.preset("ir2i-paper").bpp_per_stage == 0.125 and ic.preset("ir2i-paper").first_stages == 2
    assert ic.preset("r2i-decoding-paper").first_stages == 1


def test_paper_schedule_scales_the_papers_iterations_and_drops():
    assert ic.paper_schedule(ic.preset("ir2i-paper"), 60000) == (110000, ic.preset("ir2i-paper"))
    assert ic.preset("ir2i-paper").lr_drops == (30000, 65000, 90000)
    assert ic.paper_schedule(ic.preset("r2i-decoding-paper"), 60000) == (60000, ic.preset("r2i-decoding-paper"))
    # The tiny presets have R2I's schedule shape for 5500 steps, for every variant.
    steps, config = ic.paper_schedule(ic.preset("r2i-decoding-tiny"), 5500)
    assert steps == 5500 and config == ic.preset("r2i-decoding-tiny") == ic.preset("ir2i-tiny", inpainting="none")
    steps, config = ic.paper_schedule(ic.preset("ir2i-tiny"), 600)
    assert steps == 1100 and config.lr_drops == (300, 650, 900) and config.filters == (8, 16, 32)
    steps, config = ic.paper_schedule(ic.preset("ir2i-tiny"), 600, equal=True)
    assert steps == 600 and config.lr_drops == (300, 450) and config.inpainting == "joint"


def test_binarizer_is_unbiased_and_straight_through():
    x = tf.constant(np.linspace(-0.9, 0.9, 7, dtype=np.float32))
    layer = Binarizer(seed=1)
    samples = tf.stack([layer(x, training=True) for _ in range(4000)])
    assert set(np.unique(samples.numpy())) == {-1.0, 1.0}
    np.testing.assert_allclose(samples.numpy().mean(0), x.numpy(), atol=0.05)  # E[b] = x
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(layer(x, training=True) * tf.range(7, dtype=tf.float32))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), np.arange(7))  # d b / d x = 1
    np.testing.assert_array_equal(layer(tf.constant([-0.2, 0.0, 0.3]), training=False).numpy(), [-1, 1, 1])


@pytest.mark.parametrize("name", ["residual-tiny", "r2i-prediction-tiny", "r2i-full-tiny", "r2i-decoding-tiny"])
def test_each_stage_emits_an_eighth_of_a_bit_per_pixel(name):
    config = ic.preset(name)
    coder = ProgressiveCoder(config)
    patches = tf.random.uniform((3, 32, 32, 3), -1, 1, seed=0)
    out = coder(patches, training=False)
    bits = out["bits"].numpy()
    assert bits.shape == (3, config.stages, 4, 4, 8)
    assert set(np.unique(bits)) <= {-1.0, 1.0}
    assert bits[0, 0].size / (32 * 32) == 0.125  # bits per pixel of one stage
    assert out["images"].shape == (3, config.stages, 32, 32, 3) and out["stage_losses"].shape == (config.stages,)
    # A receiver rebuilds every stage's image from the bits alone.
    np.testing.assert_allclose(coder.decode(out["bits"]).numpy(), out["images"].numpy(), atol=1e-5)
    # Decoding a prefix of the stages gives those stages' images unchanged.
    np.testing.assert_allclose(coder.decode(out["bits"][:, :3], stages=3).numpy(), out["images"][:, :3].numpy(),
                               atol=1e-5)


def test_residual_encoder_sums_stage_outputs_and_targets_residuals():
    coder = ProgressiveCoder(ic.preset("residual-tiny", stages=3))
    patches = tf.random.uniform((2, 32, 32, 3), -1, 1, seed=1)
    out = coder(patches, training=False)
    images = out["images"].numpy()
    # Stage 1 reconstructs the patch; each later image adds that stage's residual estimate.
    first = images[:, 0]
    loss1 = np.mean((patches.numpy() - first) ** 2)
    np.testing.assert_allclose(out["stage_losses"][0].numpy(), loss1, rtol=1e-4)
    second_estimate = images[:, 1] - images[:, 0]
    loss2 = np.mean(((patches.numpy() - first) - second_estimate) ** 2)
    np.testing.assert_allclose(out["stage_losses"][1].numpy(), loss2, rtol=1e-4)


def test_r2i_stages_predict_the_image_and_inpainting_enters_before_tanh():
    config = ic.preset("r2i-decoding-tiny", inpainting="joint", stages=3)
    coder = ProgressiveCoder(config)
    patches = tf.random.uniform((2, 32, 32, 3), -1, 1, seed=2)
    inpaint = tf.random.normal((2, 32, 32, 3), seed=3)
    out = coder((patches, inpaint), training=False)
    for s in range(3):  # Every stage's loss is against the data (equations 2 and 4).
        np.testing.assert_allclose(out["stage_losses"][s].numpy(),
                                   np.mean((patches.numpy() - out["images"][:, s].numpy()) ** 2), rtol=1e-4)
    no_inpaint = coder.decode(out["bits"])
    with_inpaint = coder.decode(out["bits"], inpaint)
    assert not np.allclose(no_inpaint.numpy(), with_inpaint.numpy())
    np.testing.assert_allclose(with_inpaint.numpy(), out["images"].numpy(), atol=1e-5)


def test_inpainting_sees_only_the_context():
    config = ic.preset("ir2i-tiny")
    net = InpaintingNetwork(config)
    context = tf.random.uniform((1, 64, 64, 3), -1, 1, seed=4)
    changed = tf.concat([context[:, :32], tf.concat([context[:, 32:, :32], -context[:, 32:, 32:]], 2)], 1)
    np.testing.assert_allclose(net(context).numpy(), net(changed).numpy(), atol=1e-6)  # patch itself is hidden
    assert net(context).shape == (1, 32, 32, 3)
    assert float(tf.reduce_sum(context_mask(32))) == 64 * 64 - 32 * 32


def test_joint_training_updates_inpainting_through_the_compression_loss():
    config = ic.preset("ir2i-tiny", stages=3)
    model = Ir2iModel(config)
    model.build_all()
    context = tf.random.uniform((4, 64, 64, 3), -1, 1, seed=5)
    patches = context[:, 32:, 32:]
    with tf.GradientTape() as tape:
        pre = model.inpainter(context, training=True)
        stages = model.coder((patches, pre), training=True)["stage_losses"]
        compression_only = tf.reduce_sum(stages)  # equation 4 without L_inp
    grads = tape.gradient(compression_only, model.inpainter.trainable_variables)
    assert all(g is not None for g in grads) and sum(float(tf.norm(g)) for g in grads) > 0

    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3))
    before = [v.numpy().copy() for v in model.inpainter.trainable_variables]
    model.train_step((context, patches))
    assert any(not np.allclose(b, v.numpy()) for b, v in zip(before, model.inpainter.trainable_variables))

    # With separately trained inpainting, the coder's phase leaves the inpainting network alone.
    separate = Ir2iModel(ic.preset("r2i-decoding-sep-inp-tiny", stages=3))
    separate.build_all()
    separate.compile(optimizer=tf.keras.optimizers.Adam(1e-3))
    assert separate.phase == "coder"
    before = [v.numpy().copy() for v in separate.inpainter.trainable_variables]
    separate.train_step((context, patches))
    assert all(np.array_equal(b, v.numpy()) for b, v in zip(before, separate.inpainter.trainable_variables))
