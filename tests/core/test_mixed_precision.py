import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.training.optimizer_group import SkipNonFiniteOptimizer
from tests.conftest import BACKEND, gaussian_data, to_numpy, weights_of


@pytest.fixture
def policy(request):
    keras.mixed_precision.set_global_policy(request.param)
    yield request.param
    keras.mixed_precision.set_global_policy("float32")


def build_gan(seed=0):
    keras.utils.set_random_seed(seed)
    generator = keras_gan.models.mlp_generator(4, 2, hidden_units=(32, 32))
    discriminator = keras_gan.models.mlp_discriminator(2, hidden_units=(32, 32))
    return keras_gan.GAN(generator, discriminator, latent_dim=4, seed=seed)


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"], indirect=True)
def test_mixed_precision_training_is_finite(policy):
    gan = build_gan()
    gan.compile(
        loss="relativistic",
        penalty=[keras_gan.penalties.R1Penalty(1.0), keras_gan.penalties.R2Penalty(1.0)],
    )
    # float16 needs dynamic loss scaling; bfloat16 only skips non-finite steps.
    expected = (
        keras.optimizers.LossScaleOptimizer
        if policy == "mixed_float16"
        else SkipNonFiniteOptimizer
    )
    assert type(gan.d_optimizer) is expected and type(gan.g_optimizer) is expected
    before = weights_of(gan)
    history = gan.fit(gaussian_data(256), epochs=2, batch_size=64, verbose=0)
    for values in history.history.values():
        assert np.all(np.isfinite(values))
    assert not np.allclose(before[0], weights_of(gan)[0])
    assert keras.backend.standardize_dtype(gan.generator.layers[-1].compute_dtype) in (
        "float32",
        "float16",
        "bfloat16",
    )
    # Logits and losses are float32 whatever the policy.
    real = keras.ops.convert_to_tensor(gaussian_data(8))
    assert keras.backend.standardize_dtype(gan.call_discriminator(real).dtype) == "float32"


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_r1_under_mixed_precision_matches_float32(policy):
    mixed = build_gan()
    keras.mixed_precision.set_global_policy("float32")
    full = build_gan()
    real = keras.ops.convert_to_tensor(gaussian_data(64))
    penalty = keras_gan.penalties.R1Penalty(1.0)
    value_mixed = to_numpy(penalty(mixed.call_discriminator, real, real))
    value_full = to_numpy(penalty(full.call_discriminator, real, real))
    assert value_full > 0
    np.testing.assert_allclose(value_mixed, value_full, rtol=2e-2)


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_non_finite_step_is_skipped_and_the_scale_drops(policy):
    gan = build_gan()
    gan.compile(penalty=None)
    discriminator_before = weights_of(gan.discriminator)
    scale_before = float(to_numpy(gan.d_optimizer.dynamic_scale))
    # 1e6 overflows float16: the discriminator's gradients are not finite.
    data = np.full((64, 2), 1e6, "float32")
    gan.fit(data, epochs=1, batch_size=64, verbose=0)
    for before, after in zip(discriminator_before, weights_of(gan.discriminator)):
        np.testing.assert_array_equal(before, after)
    assert float(to_numpy(gan.d_optimizer.dynamic_scale)) == scale_before / 2
