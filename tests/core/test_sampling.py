"""Tests for `keras_gan.sampling`, `generate(truncation=...)` and `LatentWalk`."""

import math

import keras
import numpy as np
import pytest
from scipy import stats

import keras_gan
from keras_gan import sampling

from tests.conftest import make_gan


def _np(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


@pytest.mark.parametrize("threshold", [0.5, 1.5])
def test_truncated_latents_follow_the_truncated_normal(threshold):
    z = _np(sampling.truncated_latents((4000, 5), threshold, seed=3)).ravel()
    assert z.dtype == np.float32
    assert np.abs(z).max() <= threshold
    # Variance of N(0, 1) truncated to [-t, t]: 1 - 2 t phi(t) / (2 Phi(t) - 1).
    phi = math.exp(-threshold**2 / 2) / math.sqrt(2 * math.pi)
    mass = math.erf(threshold / math.sqrt(2))
    expected_var = 1 - 2 * threshold * phi / mass
    assert abs(z.var() - expected_var) < 0.03 * expected_var + 0.005
    ks = stats.kstest(z, stats.truncnorm(-threshold, threshold).cdf)
    assert ks.pvalue > 1e-3


def test_truncated_latents_uniform_and_none():
    u = _np(sampling.truncated_latents((2000, 2), 0.3, "uniform", seed=0))
    assert np.abs(u).max() <= 0.3 and np.abs(u).max() > 0.29
    z = _np(sampling.truncated_latents((2000, 2), None, seed=0))
    assert np.abs(z).max() > 2.5  # the untruncated prior
    with pytest.raises(ValueError, match="`truncation`.*truncation=-1"):
        sampling.truncated_latents((2, 2), -1)
    with pytest.raises(ValueError, match="`distribution`"):
        sampling.truncated_latents((2, 2), 1.0, "laplace")


def test_lerp_matches_hand_computation():
    a, b = np.array([[0.0, 2.0]]), np.array([[4.0, -2.0]])
    path = sampling.lerp(a, b, [0.0, 0.25, 1.0])
    np.testing.assert_allclose(
        path[:, 0], [[0.0, 2.0], [1.0, 1.0], [4.0, -2.0]]
    )


def test_slerp_matches_hand_computation():
    a = np.array([[1.0, 0.0]])
    b = np.array([[0.0, 2.0]])
    path = sampling.slerp(a, b, [0.0, 0.5, 1.0])
    # w = pi/2: slerp(0.5) = sin(pi/4) (a + b) / sin(pi/2).
    s = math.sin(math.pi / 4)
    np.testing.assert_allclose(
        path[:, 0], [[1.0, 0.0], [s, 2 * s], [0.0, 2.0]], atol=1e-6
    )
    # Unit vectors stay on the unit sphere.
    rng = np.random.default_rng(0)
    u, v = rng.normal(size=(2, 3, 16))
    u /= np.linalg.norm(u, axis=-1, keepdims=True)
    v /= np.linalg.norm(v, axis=-1, keepdims=True)
    norms = np.linalg.norm(sampling.slerp(u, v, np.linspace(0, 1, 7)), axis=-1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-5)
    # Parallel vectors fall back to lerp instead of dividing by zero.
    np.testing.assert_allclose(sampling.slerp(a, 3 * a, 0.5), [[2.0, 0.0]])


def test_generate_with_truncation_uses_truncated_latents():
    gan = make_gan(latent_dim=2, data_dim=2)
    truncated = gan.generate(64, seed=5, truncation=0.2)
    noise = sampling.truncated_latents((64, 2), 0.2, seed=5)
    np.testing.assert_allclose(
        truncated, _np(gan.generator(noise)), rtol=1e-5, atol=1e-6
    )
    plain = gan.generate(64, seed=5)
    # Truncated latents sit near 0: their samples spread less.
    assert truncated.std(axis=0).sum() < plain.std(axis=0).sum()
    with pytest.raises(ValueError, match="`truncation`"):
        gan.generate(4, truncation=0.0)


def test_conditional_generate_accepts_truncation():
    generator = keras_gan.models.mlp_generator(2, 2, (8,), num_classes=2)
    discriminator = keras_gan.models.mlp_discriminator(2, (8,), num_classes=2)
    gan = keras_gan.ConditionalGAN(generator, discriminator, 2, num_classes=2)
    labels = np.array([0, 1, 0, 1])
    samples = gan.generate(4, labels=labels, seed=1, truncation=0.5)
    noise = sampling.truncated_latents((4, 2), 0.5, seed=1)
    expected = generator(
        [noise, keras.ops.convert_to_tensor(labels.reshape(-1, 1))]
    )
    np.testing.assert_allclose(samples, _np(expected), rtol=1e-5, atol=1e-6)


def test_latent_walk_writes_interpolation_grid(tmp_path):
    pytest.importorskip("PIL")
    keras.utils.set_random_seed(0)
    generator = keras_gan.models.dcgan_generator(4, (8, 8, 1), base_filters=2)
    discriminator = keras_gan.models.dcgan_discriminator((8, 8, 1), base_filters=2)
    gan = keras_gan.GAN(generator, discriminator, latent_dim=4, seed=0)
    gan.compile()
    walk = keras_gan.callbacks.LatentWalk(
        str(tmp_path), num_rows=2, num_steps=3, interpolation="lerp"
    )
    images = np.zeros((8, 8, 8, 1), "float32")
    gan.fit(images, batch_size=8, epochs=1, verbose=0, callbacks=[walk])
    assert walk.last_path.endswith("walk_0001.png")
    assert walk.last_grid.shape == (2 * 8 + 3 * 2, 3 * 8 + 4 * 2, 1)
    latents = walk.walk_latents()
    ends = _np(gan.noise_for_generation(4, 0))
    # Row r walks from ends[r] to ends[2 + r]; the middle step is the mean.
    np.testing.assert_allclose(latents[0], ends[0], atol=1e-6)
    np.testing.assert_allclose(latents[1], (ends[0] + ends[2]) / 2, atol=1e-6)
    np.testing.assert_allclose(latents[5], ends[3], atol=1e-6)
    with pytest.raises(ValueError, match="`num_steps`"):
        keras_gan.callbacks.LatentWalk(str(tmp_path), num_steps=1)
    restored = keras_gan.callbacks.LatentWalk(**walk.get_config())
    assert restored.get_config() == walk.get_config()
