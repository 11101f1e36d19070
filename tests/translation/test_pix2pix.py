"""Pix2Pix: loss terms against hand computations, training, saving, errors."""

import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import save_and_reload
from tests.conftest import to_numpy

SHAPE = (4, 4, 1)


def pixelwise_linear(weights, bias, name, inputs=1):
    """A network that is `sum_i weights[i] * input_i + bias` per pixel (a
    1x1 convolution): a generator, or a discriminator giving patch logits."""
    sources = [keras.Input(SHAPE) for _ in range(inputs)]
    h = sources[0] if inputs == 1 else keras.layers.Concatenate()(sources)
    conv = keras.layers.Conv2D(1, 1, name=f"{name}_conv")
    outputs = conv(h)
    conv.set_weights([np.reshape(weights, (1, 1, inputs, 1)).astype("float32"), np.float32([bias])])
    return keras.Model(sources if inputs > 1 else sources[0], outputs, name=name)


def softplus(x):
    return np.logaddexp(0.0, x)


def images(num, seed):
    return np.random.default_rng(seed).uniform(-1, 1, (num,) + SHAPE).astype("float32")


def linear_model(**kwargs):
    generator = pixelwise_linear([0.5], 0.1, "generator")
    discriminator = pixelwise_linear([0.7, -1.3], 0.2, "discriminator", inputs=2)
    model = keras_gan.Pix2Pix(generator, discriminator, l1_weight=3.0, **kwargs)
    return model


def hand_terms(source, target):
    fake = 0.5 * source + 0.1
    real_logits = 0.7 * source - 1.3 * target + 0.2
    fake_logits = 0.7 * source - 1.3 * fake + 0.2
    return {
        "d_loss": softplus(-real_logits).mean() + softplus(fake_logits).mean(),
        "g_loss": softplus(-fake_logits).mean(),
        "l1_loss": np.abs(fake - target).mean(),
    }


def test_loss_terms_match_a_hand_computation_on_patch_logits():
    model = linear_model()
    model.compile()
    source, target = images(8, 0), images(8, 1)
    expected = hand_terms(source.astype("float64"), target.astype("float64"))

    d_total, d_terms = model.compute_discriminator_loss(source, target, training=False)
    g_total, g_terms = model.compute_generator_loss(source, target, training=False)

    for name, value in {**d_terms, **g_terms}.items():
        np.testing.assert_allclose(to_numpy(value), expected[name], rtol=1e-5, err_msg=name)
    np.testing.assert_allclose(to_numpy(d_total), expected["d_loss"], rtol=1e-5)
    np.testing.assert_allclose(
        to_numpy(g_total), expected["g_loss"] + 3.0 * expected["l1_loss"], rtol=1e-5
    )


def test_first_training_step_logs_the_hand_computed_terms():
    model = linear_model()
    model.compile(loss="least_squares")
    source, target = images(8, 2), images(8, 3)
    history = model.fit(source, target, batch_size=8, epochs=1, shuffle=False, verbose=0).history
    s, t = source.astype("float64"), target.astype("float64")
    fake = 0.5 * s + 0.1
    real_logits = 0.7 * s - 1.3 * t + 0.2
    fake_logits = 0.7 * s - 1.3 * fake + 0.2
    d_loss = 0.5 * ((real_logits - 1) ** 2).mean() + 0.5 * (fake_logits**2).mean()
    l1 = np.abs(fake - t).mean()
    np.testing.assert_allclose(history["d_loss"][0], d_loss, rtol=1e-5)
    np.testing.assert_allclose(history["l1_loss"][0], l1, rtol=1e-5)
    # The generator step sees the discriminator after its update.
    assert history["g_loss"][0] != pytest.approx(0.5 * ((fake_logits - 1) ** 2).mean())
    assert int(to_numpy(model.d_optimizer.iterations)) == 1


def tiny_pix2pix(seed=0, **kwargs):
    keras.utils.set_random_seed(seed)
    generator = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
            keras.layers.Conv2D(1, 1, activation="tanh"),
        ],
        name="generator",
    )
    discriminator = keras_gan.models.patchgan_discriminator(
        (8, 8, 1), conditional=True, filters=4, num_layers=1
    )
    model = keras_gan.Pix2Pix(generator, discriminator, l1_weight=100.0, **kwargs)
    model.compile(
        d_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5),
    )
    return model


def inversion_pairs(num=64, seed=0):
    """Source: a random bright square; target: its negative."""
    rng = np.random.default_rng(seed)
    source = -np.ones((num, 8, 8, 1), "float32")
    for image in source:
        top, left = rng.integers(0, 5, 2)
        image[top : top + 4, left : left + 4] = 1.0
    return source, -source


def test_training_improves_the_translation_and_save_load_round_trips(tmp_path):
    model = tiny_pix2pix()
    source, target = inversion_pairs()
    before = np.abs(model.translate(source) - target).mean()
    model.fit(source, target, batch_size=32, epochs=8, verbose=0)
    after = np.abs(model.translate(source) - target).mean()
    assert after < 0.5 * before, (before, after)

    path = str(tmp_path / "pix2pix.keras")
    loaded = save_and_reload(model, path)
    assert isinstance(loaded, keras_gan.Pix2Pix)
    assert loaded.l1_weight == 100.0
    np.testing.assert_allclose(loaded.translate(source), model.translate(source), atol=1e-6)
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), atol=1e-7)


def test_generator_ema_is_used_for_translation_and_saved(tmp_path):
    model = tiny_pix2pix()
    source, target = inversion_pairs(32)
    model.fit(
        source,
        target,
        batch_size=16,
        epochs=1,
        verbose=0,
        callbacks=[keras_gan.callbacks.GeneratorEMA(decay=0.5)],
    )
    assert model.ema_generator is not None
    ema_output = to_numpy(model.ema_generator(source[:4], training=False))
    np.testing.assert_allclose(model.translate(source[:4]), ema_output, atol=1e-6)
    assert not np.allclose(to_numpy(model.generator(source[:4])), ema_output, atol=1e-4)
    path = str(tmp_path / "ema.keras")
    loaded = save_and_reload(model, path)
    np.testing.assert_allclose(loaded.translate(source[:4]), ema_output, atol=1e-6)


def compiled_linear_model():
    model = linear_model()
    model.compile()
    return model


def test_errors_are_clear():
    source = images(8, 0)
    # A fresh model per failed `fit`: the failure happens while tracing.
    with pytest.raises(ValueError, match="target images are missing"):
        compiled_linear_model().fit(source, batch_size=8, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="Invalid dtype of the source"):
        compiled_linear_model().fit(
            (source * 100).astype("int32"), source, batch_size=8, verbose=0
        )
    model = compiled_linear_model()
    with pytest.raises(ValueError, match="Invalid shape of the source"):
        model.unpack_batch((np.zeros((8, 5, 5, 1), "float32"), source))
    with pytest.raises(ValueError, match="Invalid shape of the target"):
        model.unpack_batch((source, np.zeros((8, 4, 4, 2), "float32")))
    with pytest.raises(ValueError, match="Invalid value for argument `l1_weight`"):
        keras_gan.Pix2Pix(model.generator, model.discriminator, l1_weight=-1.0)
    wrong = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Conv2D(1, 1)])
    with pytest.raises(ValueError, match="Invalid value for argument `generator`: its output"):
        keras_gan.Pix2Pix(model.generator, wrong)
    with pytest.raises(ValueError, match="`d_steps`"):
        model.compile(d_steps=0)
    with pytest.raises(ValueError, match="Invalid shape of argument `images`"):
        model.translate(np.zeros((2, 5, 5, 1), "float32"))


def test_sample_grid_shows_source_translation_and_target_rows(tmp_path):
    model = linear_model()
    source, target = images(6, 4), images(6, 5)
    callback = keras_gan.callbacks.SampleGrid(
        str(tmp_path), sources=source, targets=target, nrow=3, value_range=(-1, 1)
    )
    callback.set_model(model)
    callback.on_epoch_end(0)
    grid = callback.last_grid
    # Two blocks of 3 rows (source, translation, target), 3 images each.
    assert grid.shape == (6 * (4 + 2) + 2, 3 * (4 + 2) + 2, 1)
    expected_rows = [source[:3], 0.5 * source[:3] + 0.1, target[:3], source[3:]]
    for row, expected in enumerate(expected_rows):
        for col in range(3):
            top, left = 2 + row * 6, 2 + col * 6
            tile = grid[top : top + 4, left : left + 4]
            pixels = np.round(np.clip((expected[col] + 1) / 2, 0, 1) * 255)
            np.testing.assert_allclose(tile, pixels, atol=1)
    assert (tmp_path / "epoch_0001.png").exists()
    with pytest.raises(ValueError, match="`targets`"):
        keras_gan.callbacks.SampleGrid(str(tmp_path), sources=source, targets=target[:2])


def unet_pix2pix(seed=0):
    keras.utils.set_random_seed(seed)
    generator = keras_gan.models.unet_generator((8, 8, 1), filters=4, dropout=0.5)
    discriminator = keras_gan.models.patchgan_discriminator(
        (8, 8, 1), conditional=True, filters=4, num_layers=1
    )
    model = keras_gan.Pix2Pix(generator, discriminator, seed=seed)
    model.compile()
    return model


def test_unet_dropout_resumes_exactly(tmp_path):
    # The U-Net's dropout is the Pix2Pix noise: its masks must continue
    # after `BackupAndRestore` as in the uninterrupted run (unseeded, they
    # came from PyTorch's global generator).
    from tests.conftest import InterruptAt
    from tests.conftest import assert_weights_equal
    from tests.conftest import weights_of

    source, target = inversion_pairs(32)
    fit = dict(batch_size=8, epochs=2, shuffle=False, verbose=0)
    reference = unet_pix2pix()
    reference.fit(source, target, **fit)
    backup = str(tmp_path / "backup")
    with pytest.raises(KeyboardInterrupt):
        unet_pix2pix().fit(
            source,
            target,
            callbacks=[
                keras.callbacks.BackupAndRestore(backup, save_freq=2),
                InterruptAt(epoch=1, batch=2),
            ],
            **fit,
        )
    keras.utils.set_random_seed(123)  # The global generators move on.
    resumed = unet_pix2pix(seed=7)
    resumed.fit(
        source, target, callbacks=[keras.callbacks.BackupAndRestore(backup, save_freq=2)], **fit
    )
    assert_weights_equal(weights_of(reference), weights_of(resumed), atol=1e-6)
