import io

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_models import pixels
from keras_models.restoration import config as rc, export, training


def _pairs(n=4, size=40, seed=0):
    rng = np.random.default_rng(seed)
    originals = rng.integers(0, 256, (n, size, size, 3), dtype=np.uint8)
    compressed = (originals // 32 * 32).astype(np.uint8)
    return tf.data.Dataset.from_tensor_slices((compressed, originals))


TINY = dict(crop=32, batch_size=2, generator={"filters": 4, "res_blocks": 1}, discriminator={"filters": 4})


def test_pair_crops_are_aligned_and_scaled_to_unit_range():
    x = np.arange(40 * 40 * 3, dtype=np.int64).reshape(40, 40, 3) % 256
    pairs = tf.data.Dataset.from_tensors((x.astype(np.uint8), x.astype(np.uint8)))
    a, b = next(iter(training.pair_crops(pairs, 16, 2)))
    assert a.shape == (2, 16, 16, 3) and float(tf.reduce_min(a)) >= -1 and float(tf.reduce_max(a)) <= 1
    np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.slow
@pytest.mark.parametrize("name", ["finenet-tiny", "rdn-tiny"])
def test_training_resumes_from_the_last_checkpoint(tmp_path, name):
    config = rc.preset(name, **(TINY if name.startswith("finenet") else dict(crop=32, batch_size=2)))
    ckpt = str(tmp_path / "ckpt")
    model = training.train(config, _pairs(), 2, checkpoint_dir=ckpt, log_dir=str(tmp_path / "logs"),
                           steps_per_epoch=1)
    assert int(model.g_optimizer.iterations) == 2
    weights = [w.copy() for w in model.generator.get_weights()]
    resumed = training.train(config, _pairs(), 2, checkpoint_dir=ckpt, steps_per_epoch=1)  # already done
    assert int(resumed.g_optimizer.iterations) == 2
    for a, b in zip(weights, resumed.generator.get_weights()):
        np.testing.assert_array_equal(a, b)
    longer = training.train(config, _pairs(), 3, checkpoint_dir=ckpt, steps_per_epoch=1)
    assert int(longer.g_optimizer.iterations) == 3
    assert tf.io.gfile.glob(str(tmp_path / "logs" / "samples" / "*"))  # TensorBoard sample images


def test_finenet_training_updates_generator_and_discriminators():
    config = rc.preset("finenet-tiny", **TINY)
    model = training.train(config, _pairs(), 1)
    before_g = [w.copy() for w in model.generator.get_weights()]
    before_d = [w.numpy().copy() for w in model.discriminator.trainable_variables]
    logs = model.train_step(next(iter(training.pair_crops(_pairs(), 32, 2))))
    assert {"g_loss", "d_loss", "l1", "dist", "ms_ssim", "g_gan"} <= set(logs)
    assert any(not np.array_equal(a, b) for a, b in zip(before_g, model.generator.get_weights()))
    assert any(not np.array_equal(a, b.numpy()) for a, b in zip(before_d, model.discriminator.trainable_variables))


def test_exported_restorer_takes_bytes_and_tensors_of_any_size(tmp_path):
    config = rc.preset("finenet-tiny", **TINY)
    model = training.train(config, _pairs(), 1)
    path = export.export(model.generator, str(tmp_path / "restorer"), 8, {"preset": "finenet-tiny"})
    loaded = tf.saved_model.load(path)
    image = np.random.default_rng(1).integers(0, 256, (37, 51, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    png = loaded.signatures["restore"](image=tf.constant(buffer.getvalue()))["restored"].numpy()
    restored = np.asarray(Image.open(io.BytesIO(png)))
    assert restored.shape == image.shape
    direct = export.load(path)(image[None].astype(np.float32))[0]
    np.testing.assert_allclose(restored, np.round(direct), atol=1)
    expected = model.generator(pixels.to_unit(np.pad(image, ((0, 3), (0, 5), (0, 0)), "symmetric"))[None])
    np.testing.assert_allclose(direct, ((expected.numpy()[0] + 1) * 127.5)[:37, :51], atol=1e-2)


def test_load_rejects_a_folder_without_a_saved_model(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a restorer SavedModel"):
        export.load(str(tmp_path))
