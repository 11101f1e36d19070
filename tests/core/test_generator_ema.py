import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import save_and_reload
from tests.conftest import (
    assert_weights_equal,
    gaussian_data,
    make_gan,
    to_numpy,
    weights_of,
)

X = gaussian_data(64)


def one_step_fits(gan, steps, callbacks):
    """Runs `steps` single-step fits; returns generator weights after each."""
    history = []
    for _ in range(steps):
        gan.fit(X, epochs=1, batch_size=64, verbose=0, callbacks=callbacks)
        history.append([to_numpy(w) for w in gan.generator.trainable_weights])
    return history


def test_ema_matches_the_formula():
    gan = make_gan()
    gan.compile(penalty=None)
    initial = [to_numpy(w) for w in gan.generator.trainable_weights]
    decay = 0.6
    trajectory = one_step_fits(gan, 4, [keras_gan.callbacks.GeneratorEMA(decay=decay)])
    expected = initial
    for weights in trajectory:
        expected = [decay * e + (1 - decay) * w for e, w in zip(expected, weights)]
    actual = [
        to_numpy(average)
        for average, weight in zip(gan.ema_generator.weights, gan.generator.weights)
        if weight.trainable
    ]
    assert_weights_equal(actual, expected, atol=1e-6)
    # The average is not simply the latest weights.
    assert not np.allclose(actual[0], trajectory[-1][0])


def test_start_and_warmup_schedule():
    gan = make_gan()
    gan.compile(penalty=None)
    gan.enable_ema(decay=0.9, start=2, warmup=4)
    decays = [float(to_numpy(gan.ema_decay_at(step))) for step in range(8)]
    np.testing.assert_allclose(decays, [0, 0, 0, 0.225, 0.45, 0.675, 0.9, 0.9], atol=1e-6)
    # Before `start` the average copies the generator.
    one_step_fits(gan, 1, [])
    assert_weights_equal(weights_of(gan.ema_generator), weights_of(gan.generator))


def test_batch_norm_statistics_are_copied_not_averaged():
    keras.utils.set_random_seed(0)
    generator = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(16),
            keras.layers.BatchNormalization(),
            keras.layers.ReLU(),
            keras.layers.Dense(2),
        ]
    )
    discriminator = keras_gan.models.mlp_discriminator(2, hidden_units=(16,))
    gan = keras_gan.GAN(generator, discriminator, latent_dim=2, seed=0)
    gan.compile(penalty=None)
    gan.fit(X, epochs=3, batch_size=32, verbose=0,
            callbacks=[keras_gan.callbacks.GeneratorEMA(decay=0.99)])
    bn, ema_bn = generator.layers[1], gan.ema_generator.layers[1]
    np.testing.assert_array_equal(to_numpy(bn.moving_mean), to_numpy(ema_bn.moving_mean))
    assert not np.allclose(to_numpy(bn.moving_mean), 0.0)
    assert not np.allclose(
        to_numpy(generator.layers[0].kernel), to_numpy(gan.ema_generator.layers[0].kernel)
    )


def test_generate_uses_the_ema_generator_and_it_is_saved(tmp_keras_path):
    gan = make_gan()
    gan.compile(penalty=None)
    gan.fit(X, epochs=3, batch_size=32, verbose=0,
            callbacks=[keras_gan.callbacks.GeneratorEMA(decay=0.9)])
    noise = gan.noise_for_generation(5, seed=0)
    np.testing.assert_allclose(
        gan.generate(5, seed=0), to_numpy(gan.ema_generator(noise)), atol=1e-6
    )
    assert not np.allclose(gan.generate(5, seed=0), to_numpy(gan.generator(noise)))
    loaded = save_and_reload(gan, tmp_keras_path)
    assert loaded.ema_config == {"decay": 0.9, "start": 0, "warmup": 0}
    assert_weights_equal(weights_of(loaded.ema_generator), weights_of(gan.ema_generator))
    np.testing.assert_allclose(loaded.generate(5, seed=0), gan.generate(5, seed=0), atol=1e-6)


@pytest.mark.parametrize(
    "kwargs,match",
    [({"decay": 1.0}, "decay=1.0"), ({"start": -1}, "start=-1"), ({"warmup": 0.5}, "warmup=0.5")],
)
def test_bad_ema_arguments(kwargs, match):
    gan = make_gan()
    with pytest.raises(ValueError, match=match):
        gan.enable_ema(**kwargs)
