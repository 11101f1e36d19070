import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import keras_gan
from keras_gan import penalties
from tests.conftest import to_numpy, value_and_gradients

RNG = np.random.default_rng(1)
REAL = RNG.normal(size=(8, 3)).astype("float32")
FAKE = RNG.normal(size=(8, 3)).astype("float32") + 2.0


def linear_discriminator(weights):
    w = keras.Variable(np.array(weights, "float32")[:, None])

    def discriminator(x):
        return keras.ops.matmul(x, w)

    return discriminator, w


def quadratic_discriminator(x):
    return keras.ops.sum(x**2, axis=-1)


def test_r1_of_linear_discriminator():
    # grad_x (w.x) = w, so R1 = weight / 2 * ||w||^2 for every sample.
    discriminator, _ = linear_discriminator([1.0, -2.0, 2.0])
    value = penalties.R1Penalty(weight=3.0)(discriminator, REAL, FAKE)
    np.testing.assert_allclose(to_numpy(value), 3.0 / 2 * 9.0, rtol=1e-6)


def test_r1_and_r2_of_quadratic_discriminator():
    # grad_x sum(x^2) = 2x: R1 uses reals, R2 uses fakes.
    expected_r1 = 0.5 * np.mean(np.sum((2 * REAL) ** 2, axis=1))
    expected_r2 = 0.5 * np.mean(np.sum((2 * FAKE) ** 2, axis=1))
    r1 = penalties.R1Penalty(1.0)(quadratic_discriminator, REAL, FAKE)
    r2 = penalties.R2Penalty(1.0)(quadratic_discriminator, REAL, FAKE)
    np.testing.assert_allclose(to_numpy(r1), expected_r1, rtol=1e-5)
    np.testing.assert_allclose(to_numpy(r2), expected_r2, rtol=1e-5)


def test_r1_gradient_with_respect_to_discriminator_weights():
    # R1 = w1/2 * ||w||^2  =>  dR1/dw = w1 * w.
    discriminator, w = linear_discriminator([1.0, -2.0, 0.5])
    value, (grad,) = value_and_gradients(
        lambda: penalties.R1Penalty(2.0)(discriminator, REAL, FAKE), [w]
    )
    np.testing.assert_allclose(
        to_numpy(grad)[:, 0], 2.0 * np.array([1.0, -2.0, 0.5]), rtol=1e-5
    )


def test_gradient_penalty_of_linear_discriminator():
    # ||grad|| = ||w|| = 3 everywhere, whatever the interpolation.
    discriminator, _ = linear_discriminator([1.0, -2.0, 2.0])
    value = penalties.GradientPenalty(weight=10.0)(
        discriminator, REAL, FAKE, seed=keras.random.SeedGenerator(0)
    )
    np.testing.assert_allclose(to_numpy(value), 10.0 * (3.0 - 1.0) ** 2, rtol=1e-5)


def test_gradient_penalty_interpolates_uniformly_between_real_and_fake():
    real = np.zeros((2000, 1), "float32")
    fake = np.ones((2000, 1), "float32")
    interpolated = penalties.GradientPenalty().interpolate(
        real, fake, seed=keras.random.SeedGenerator(3)
    )
    mix = 1.0 - to_numpy(interpolated)[:, 0]
    assert 0.0 <= mix.min() and mix.max() <= 1.0
    assert abs(mix.mean() - 0.5) < 0.03
    assert abs(mix.var() - 1.0 / 12) < 0.01


def test_gradient_penalty_finite_at_zero_gradient():
    w = keras.Variable(np.zeros((3, 1), "float32"))

    def flat_discriminator(x):
        return keras.ops.matmul(x, w)

    value, (grad,) = value_and_gradients(
        lambda: penalties.GradientPenalty(weight=10.0)(
            flat_discriminator, REAL, FAKE, seed=keras.random.SeedGenerator(0)
        ),
        [w],
    )
    np.testing.assert_allclose(to_numpy(value), 10.0, rtol=1e-4)
    assert np.all(np.isfinite(to_numpy(grad)))


def test_lazy_interval_scales_and_skips():
    discriminator, _ = linear_discriminator([1.0, 0.0, 0.0])
    penalty = penalties.R1Penalty(weight=1.0, interval=4)
    on = penalty(discriminator, REAL, FAKE, step=keras.ops.array(8))
    off = penalty(discriminator, REAL, FAKE, step=keras.ops.array(9))
    np.testing.assert_allclose(to_numpy(on), 4 * 0.5, rtol=1e-6)
    assert to_numpy(off) == 0.0


@pytest.mark.parametrize("weight", [-1.0, "1", None])
def test_bad_weight(weight):
    with pytest.raises(ValueError, match="argument `weight`"):
        penalties.R1Penalty(weight=weight)


@pytest.mark.parametrize("interval", [0, 1.5])
def test_bad_interval(interval):
    with pytest.raises(ValueError, match=f"interval={interval}"):
        penalties.R2Penalty(interval=interval)


@pytest.mark.parametrize(
    "penalty",
    [
        penalties.GradientPenalty(5.0, target=0.5),
        penalties.R1Penalty(0.2, interval=16),
        penalties.R2Penalty(0.1, name="r2"),
    ],
)
def test_serialization_round_trip(penalty):
    config = keras.saving.serialize_keras_object(penalty)
    restored = keras.saving.deserialize_keras_object(config)
    assert type(restored) is type(penalty)
    assert restored.get_config() == penalty.get_config()


def test_get_normalizes_to_a_list():
    r1 = penalties.R1Penalty()
    assert penalties.get(None) == []
    assert penalties.get(r1) == [r1]
    assert len(penalties.get([r1, penalties.R2Penalty()])) == 2
    with pytest.raises(ValueError, match="argument `penalty`"):
        penalties.get("r1")


@settings(max_examples=25, deadline=None)
@given(st.floats(-1e3, 1e3, width=32), st.sampled_from([0, 1, 2]))
def test_property_penalties_finite_and_non_negative(scale, index):
    penalty = [
        penalties.GradientPenalty(),
        penalties.R1Penalty(),
        penalties.R2Penalty(),
    ][index]
    w = keras.Variable(np.full((3, 1), scale, "float32"))

    def discriminator(x):
        return keras.ops.matmul(x, w)

    value, (grad,) = value_and_gradients(
        lambda: penalty(discriminator, REAL, FAKE, seed=keras.random.SeedGenerator(0)),
        [w],
    )
    assert np.isfinite(to_numpy(value)) and to_numpy(value) >= 0
    assert np.all(np.isfinite(to_numpy(grad)))


def test_r1_with_batch_normalization_in_discriminator_trains():
    """The penalty's input-gradient pass updates BatchNormalization's moving
    statistics on every backend (on JAX they leave `jax.grad` as outputs)."""
    keras.utils.set_random_seed(0)
    images = keras.Input((8, 8, 1))
    h = keras.layers.Conv2D(4, 3, strides=2, padding="same")(images)
    h = keras.layers.BatchNormalization()(h)
    h = keras.layers.Flatten()(h)
    discriminator = keras.Model(images, keras.layers.Dense(1)(h))
    generator = keras_gan.models.dcgan_generator(8, (8, 8, 1), base_filters=4)
    gan = keras_gan.GAN(generator, discriminator, latent_dim=8, seed=0)
    gan.compile(penalty=[keras_gan.penalties.R1Penalty(1.0)])
    before = [np.array(v) for v in discriminator.non_trainable_variables]
    x = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1)).astype("float32")
    history = gan.fit(x, batch_size=16, epochs=1, verbose=0)
    assert np.isfinite(history.history["r1_penalty"][-1])
    assert history.history["skipped_steps"][-1] == 0
    after = [np.array(v) for v in discriminator.non_trainable_variables]
    assert all(np.abs(a - b).max() > 0 for a, b in zip(after, before))
