"""Standard Keras callbacks and compile options work unchanged on a GAN."""

import csv
import os

import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import (
    BACKEND,
    assert_weights_equal,
    compiled_gan,
    gaussian_data,
    to_numpy,
    weights_of,
)

X = gaussian_data(256)
FIT = dict(batch_size=64, shuffle=False, verbose=0)


def test_model_checkpoint_full_model(tmp_path):
    path = str(tmp_path / "epoch{epoch}.keras")
    gan = compiled_gan()
    gan.fit(X, epochs=2, callbacks=[keras.callbacks.ModelCheckpoint(path)], **FIT)
    loaded = keras.models.load_model(str(tmp_path / "epoch2.keras"))
    assert_weights_equal(weights_of(gan), weights_of(loaded))
    assert os.path.exists(tmp_path / "epoch1.keras")


def test_model_checkpoint_weights_only_with_monitor(tmp_path):
    path = str(tmp_path / "best.weights.h5")
    gan = compiled_gan()
    checkpoint = keras.callbacks.ModelCheckpoint(
        path, save_weights_only=True, monitor="g_loss", save_best_only=True
    )
    gan.fit(X, epochs=2, callbacks=[checkpoint], **FIT)
    fresh = compiled_gan(seed=5)
    fresh.load_weights(path)
    assert checkpoint.best == pytest.approx(
        min(gan.history.history["g_loss"]), rel=1e-6
    )
    np.testing.assert_array_equal(
        [to_numpy(v) for v in fresh.latent_sampler.weights],
        [to_numpy(v) for v in gan.latent_sampler.weights],
    ) if gan.latent_sampler.weights else None
    # The generator from the best epoch came back (here: one of the two).
    assert fresh.generate(4, seed=0).shape == (4, 2)


def test_early_stopping_on_generator_loss():
    gan = compiled_gan(loss="wasserstein", penalty=None)
    stopper = keras.callbacks.EarlyStopping(monitor="g_loss", patience=0, min_delta=1e9)
    history = gan.fit(X, epochs=10, callbacks=[stopper], **FIT)
    # min_delta this large means no epoch counts as an improvement.
    assert len(history.history["g_loss"]) == 2


def test_csv_logger(tmp_path):
    path = str(tmp_path / "log.csv")
    gan = compiled_gan()
    gan.fit(X, epochs=2, callbacks=[keras.callbacks.CSVLogger(path)], **FIT)
    with open(path) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2
    assert {"epoch", "d_loss", "g_loss", "r1_penalty"} <= set(rows[0])
    assert float(rows[1]["g_loss"]) == pytest.approx(gan.history.history["g_loss"][1], rel=1e-5)


def test_tensorboard_writes_losses(tmp_path):
    pytest.importorskip("tensorflow")
    from tensorflow.core.util import event_pb2
    from tensorflow.python.lib.io import tf_record

    gan = compiled_gan()
    gan.fit(X, epochs=2, callbacks=[keras.callbacks.TensorBoard(str(tmp_path))], **FIT)
    tags = set()
    for root, _, files in os.walk(tmp_path / "train"):
        for name in files:
            for record in tf_record.tf_record_iterator(os.path.join(root, name)):
                event = event_pb2.Event.FromString(record)
                tags.update(v.tag for v in event.summary.value)
    assert {"epoch_d_loss", "epoch_g_loss"} <= tags


def test_learning_rate_scheduler_sets_both_optimizers():
    gan = compiled_gan()
    scheduler = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 1e-4 * (epoch + 1))
    gan.fit(X, epochs=2, callbacks=[scheduler], **FIT)
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        assert float(to_numpy(optimizer.learning_rate)) == pytest.approx(2e-4)


class DeterministicNoiseGAN(keras_gan.GAN):
    """Noise as a function of the step: XLA draws other random numbers."""

    def sample_noise(self, batch_size):
        step = self.d_optimizer.iterations + self.g_optimizer.iterations
        grid = keras.ops.arange(batch_size * self.latent_dim, dtype="float32")
        grid = keras.ops.reshape(grid, (batch_size, self.latent_dim))
        return keras.ops.sin(grid * 0.37 + keras.ops.cast(step, "float32"))


def fitted_weights(data=X, **compile_kwargs):
    gan = compiled_gan(cls=DeterministicNoiseGAN, **compile_kwargs)
    gan.fit(data, epochs=2, **FIT)
    return weights_of(gan)


def test_steps_per_execution_gives_the_same_result():
    if BACKEND == "torch":
        pytest.skip("Keras does not support steps_per_execution on torch.")
    assert_weights_equal(
        fitted_weights(), fitted_weights(steps_per_execution=3), atol=1e-5
    )


def test_run_eagerly_gives_the_same_result():
    assert_weights_equal(fitted_weights(), fitted_weights(run_eagerly=True), atol=1e-5)


def test_jit_compile_gives_the_same_result():
    if BACKEND == "torch":
        pytest.skip("torch.compile is not part of this test.")
    assert_weights_equal(
        fitted_weights(jit_compile=False), fitted_weights(jit_compile=True), atol=1e-4
    )
