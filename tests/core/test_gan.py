import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import save_and_reload
from tests.conftest import (
    BACKEND,
    assert_weights_equal,
    gaussian_data,
    make_gan,
    mlp,
    to_numpy,
    weights_of,
)

CENTER = np.array([2.0, -1.0], "float32")


def sample_error(gan):
    samples = gan.generate(500, seed=123)
    return float(np.linalg.norm(samples.mean(axis=0) - CENTER))


def adam():
    return keras.optimizers.Adam(2e-3, beta_1=0.5)


def test_training_measurably_improves_the_generator():
    gan = make_gan()
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    before = sample_error(gan)
    history = gan.fit(gaussian_data(), epochs=15, batch_size=64, verbose=0)
    after = sample_error(gan)
    assert before > 1.5
    assert after < 0.35 * before, (before, after)
    samples = gan.generate(500, seed=1)
    within = np.mean(np.linalg.norm(samples - CENTER, axis=1) < 3 * 0.3 * 2)
    assert within > 0.7
    assert set(history.history) == {
        "loss", "d_loss", "g_loss", "r1_penalty", "skipped_steps"
    }
    assert history.history["skipped_steps"] == [0.0] * 15


def test_logs_are_reset_every_epoch():
    gan = make_gan()
    gan.compile(penalty=None)
    gan.fit(gaussian_data(256), epochs=2, batch_size=64, verbose=0)
    # Mean trackers hold only the last epoch's 4 steps.
    assert float(to_numpy(gan.loss_trackers["d_loss"].count)) == 4
    assert float(to_numpy(gan.loss_trackers["g_loss"].count)) == 4


@pytest.mark.parametrize("d_steps", [1, 3])
def test_d_steps_updates_per_generator_update(d_steps):
    gan = make_gan()
    gan.compile(d_steps=d_steps, loss="hinge", penalty=None)
    gan.fit(gaussian_data(256), epochs=1, batch_size=64, verbose=0)
    assert int(to_numpy(gan.g_optimizer.iterations)) == 4
    assert int(to_numpy(gan.d_optimizer.iterations)) == 4 * d_steps
    # Each discriminator step logs its loss.
    assert float(to_numpy(gan.loss_trackers["d_loss"].count)) == 4 * d_steps


def test_evaluate_reports_losses_without_updating():
    gan = make_gan()
    gan.compile(loss="relativistic", penalty=[
        keras_gan.penalties.R1Penalty(1.0), keras_gan.penalties.R2Penalty(1.0)
    ])
    before = weights_of(gan)
    logs = gan.evaluate(gaussian_data(128), batch_size=64, verbose=0, return_dict=True)
    assert set(logs) == {
        "loss", "d_loss", "g_loss", "r1_penalty", "r2_penalty", "skipped_steps"
    }
    assert all(np.isfinite(v) for v in logs.values())
    # Relativistic pairing: both losses are softplus of opposite gaps.
    assert logs["d_loss"] > 0 and logs["g_loss"] > 0
    assert_weights_equal(before, weights_of(gan))


class ArrayDataset(keras.utils.PyDataset):
    def __init__(self, x, batch_size, with_labels):
        super().__init__()
        self.x, self.batch_size, self.with_labels = x, batch_size, with_labels

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, index):
        batch = self.x[index * self.batch_size : (index + 1) * self.batch_size]
        if self.with_labels:
            return batch, np.zeros((len(batch),), "int32")
        return batch


def input_variants():
    import tensorflow as tf

    x = gaussian_data(200)  # 200 = 3 * 64 + 8: a partial last batch
    y = np.zeros((200,), "int32")
    return {
        "numpy_x": (x, {}),
        "numpy_xy": (x, {"y": y}),
        "tf_data_x": (tf.data.Dataset.from_tensor_slices(x).batch(64), {}),
        "tf_data_xy": (tf.data.Dataset.from_tensor_slices((x, y)).batch(64), {}),
        "py_dataset_x": (ArrayDataset(x, 64, False), {}),
        "py_dataset_xy": (ArrayDataset(x, 64, True), {}),
    }


@pytest.mark.parametrize("variant", sorted(input_variants()))
def test_input_types_with_partial_last_batch(variant):
    data, kwargs = input_variants()[variant]
    gan = make_gan()
    gan.compile(penalty=None)
    if variant.startswith("numpy"):
        kwargs = dict(kwargs, batch_size=64)
    history = gan.fit(data, epochs=1, verbose=0, **kwargs)
    assert int(to_numpy(gan.g_optimizer.iterations)) == 4
    assert np.isfinite(history.history["g_loss"][0])


def test_generate_is_reproducible_by_seed():
    gan = make_gan()
    a = gan.generate(16, seed=0)
    b = gan.generate(16, seed=0)
    c = gan.generate(16, seed=1)
    assert a.shape == (16, 2)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    np.testing.assert_allclose(
        gan.generate(600, seed=4, batch_size=256)[:10],
        gan.generate(600, seed=4, batch_size=100)[:10],
        atol=1e-5,
    )


def test_call_and_predict_map_noise_to_samples():
    gan = make_gan()
    noise = np.random.default_rng(0).normal(size=(5, 2)).astype("float32")
    expected = to_numpy(gan.generator(noise))
    np.testing.assert_allclose(to_numpy(gan(noise)), expected, atol=1e-6)
    np.testing.assert_allclose(gan.predict(noise, verbose=0), expected, atol=1e-6)


def test_save_load_round_trip_and_continued_training(tmp_keras_path):
    x = gaussian_data(256)
    gan = make_gan()
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.RMSprop(5e-4),
        loss=keras_gan.losses.HingeLoss(),
        penalty=keras_gan.penalties.R1Penalty(0.5, interval=2),
        d_steps=2,
    )
    gan.fit(x, epochs=1, batch_size=64, shuffle=False, verbose=0)
    loaded = save_and_reload(gan, tmp_keras_path)

    assert type(loaded) is keras_gan.GAN
    assert loaded.d_steps == 2
    assert type(loaded.loss_fn) is keras_gan.losses.HingeLoss
    assert loaded.penalties[0].interval == 2
    assert isinstance(loaded.g_optimizer.inner_optimizer, keras.optimizers.RMSprop)
    np.testing.assert_array_equal(loaded.generate(8, seed=3), gan.generate(8, seed=3))
    # Slot variables and step counters came back.
    assert_weights_equal(
        [to_numpy(v) for v in gan.d_optimizer.variables],
        [to_numpy(v) for v in loaded.d_optimizer.variables],
    )
    compile_config = loaded.get_compile_config()
    assert compile_config["loss"]["class_name"] == "HingeLoss"
    assert compile_config["penalty"][0]["class_name"] == "R1Penalty"

    # Training continues exactly where it stopped.
    gan.fit(x, epochs=1, batch_size=64, shuffle=False, verbose=0)
    loaded.fit(x, epochs=1, batch_size=64, shuffle=False, verbose=0)
    assert_weights_equal(weights_of(gan), weights_of(loaded), atol=1e-6)


def test_config_round_trip():
    gan = make_gan(latent_distribution="uniform")
    config = gan.get_config()
    restored = keras_gan.GAN.from_config(config)
    assert restored.latent_dim == 2
    assert restored.latent_sampler.distribution == "uniform"
    assert restored.generator.get_config() == gan.generator.get_config()
    serialized = keras.saving.serialize_keras_object(gan)
    assert serialized["registered_name"] == "keras_gan>GAN"


class GANWithGradientNorm(keras_gan.GAN):
    """A user subclass that adds its own metric through `super()`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sample_std_tracker = keras.metrics.Mean(name="sample_std")

    @property
    def metrics(self):
        return super().metrics + [self.sample_std_tracker]

    def train_step(self, data):
        logs = super().train_step(data)
        samples = self.generate_fake(32, training=False)
        self.sample_std_tracker.update_state(keras.ops.std(samples))
        logs["sample_std"] = self.sample_std_tracker.result()
        return logs


def test_subclass_adds_a_metric_through_super_train_step():
    keras.utils.set_random_seed(0)
    gan = GANWithGradientNorm(mlp(2, 2), mlp(2, 1), latent_dim=2, seed=0)
    gan.compile()
    history = gan.fit(gaussian_data(128), epochs=2, batch_size=64, verbose=0)
    assert len(history.history["sample_std"]) == 2
    assert history.history["sample_std"][-1] > 0
    assert "d_loss" in history.history


def test_subclass_overrides_the_noise_sampler():
    class ZeroNoiseGAN(keras_gan.GAN):
        def sample_noise(self, batch_size):
            return keras.ops.zeros((batch_size, self.latent_dim))

    keras.utils.set_random_seed(0)
    gan = ZeroNoiseGAN(mlp(2, 2), mlp(2, 1), latent_dim=2)
    fake = to_numpy(gan.generate_fake(4, training=False))
    np.testing.assert_allclose(fake, np.repeat(fake[:1], 4, axis=0))


# === Errors ===


def test_latent_dim_must_match_generator_input():
    with pytest.raises(ValueError, match="argument `latent_dim`.*latent_dim=3"):
        keras_gan.GAN(mlp(2, 2), mlp(2, 1), latent_dim=3)


def test_generator_output_must_match_discriminator_input():
    with pytest.raises(ValueError, match=r"\(None, 2\).*\(None, 5\)"):
        keras_gan.GAN(mlp(2, 2), mlp(5, 1), latent_dim=2)


def test_discriminator_must_give_one_logit_per_sample():
    with pytest.raises(ValueError, match=r"one logit per sample.*\(None, 10\)"):
        keras_gan.GAN(mlp(2, 2), mlp(2, 10), latent_dim=2)


@pytest.mark.parametrize("latent_dim", [0, -1, 2.5, "2", True])
def test_latent_dim_must_be_a_positive_integer(latent_dim):
    with pytest.raises(ValueError, match="argument `latent_dim`"):
        keras_gan.GAN(mlp(2, 2), mlp(2, 1), latent_dim=latent_dim)


def test_unknown_loss_name():
    gan = make_gan()
    with pytest.raises(ValueError, match="argument `loss`.*loss='wgan'"):
        gan.compile(loss="wgan")


@pytest.mark.parametrize("d_steps", [0, -2, 1.5])
def test_d_steps_below_one(d_steps):
    gan = make_gan()
    with pytest.raises(ValueError, match=f"argument `d_steps`.*d_steps={d_steps}"):
        gan.compile(d_steps=d_steps)


def test_negative_penalty_weight():
    with pytest.raises(ValueError, match="argument `weight`.*weight=-0.5"):
        keras_gan.penalties.GradientPenalty(weight=-0.5)


def test_fit_before_compile():
    gan = make_gan()
    with pytest.raises(ValueError, match="compile"):
        gan.fit(gaussian_data(64), epochs=1, verbose=0)


def test_shared_optimizer_is_rejected():
    gan = make_gan()
    optimizer = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="argument `g_optimizer`"):
        gan.compile(d_optimizer=optimizer, g_optimizer=optimizer)


def test_keras_optimizer_argument_is_redirected():
    gan = make_gan()
    with pytest.raises(ValueError, match="d_optimizer"):
        gan.compile(optimizer="adam")


def test_networks_sharing_layers_are_rejected():
    shared = keras.layers.Dense(2)
    generator = keras.Sequential([keras.Input((2,)), shared])
    discriminator = keras.Sequential([keras.Input((2,)), shared, keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="shares variables"):
        keras_gan.GAN(generator, discriminator, latent_dim=2)


def test_integer_data_gets_a_clear_error():
    gan = make_gan()
    gan.compile()
    data = (gaussian_data(64) * 100).astype("uint8")
    with pytest.raises(ValueError, match="dtype=uint8"):
        gan.fit(data, epochs=1, verbose=0)
