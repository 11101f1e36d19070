"""Non-finite losses and gradients never silently corrupt the weights."""

import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import gaussian_data, make_gan, to_numpy, weights_of


class CountBatches(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1


def poisoned_data():
    # One batch of 64 has infinite samples: the discriminator's loss is not
    # finite there. The other batches are clean.
    data = gaussian_data(256)
    data[64:128] = np.inf
    return data


def nan_loss_gan(on_nonfinite):
    class NaNOnInfGAN(keras_gan.GAN):
        """Makes the discriminator loss NaN where the data is not finite."""

        def compute_discriminator_loss(self, real, labels=None, training=True):
            total, terms, logits = super().compute_discriminator_loss(
                real, labels, training
            )
            poison = keras.ops.sum(real * 0.0)  # inf * 0 = NaN
            return total + poison, terms, logits

    gan = make_gan(cls=NaNOnInfGAN)
    gan.compile(penalty=None, on_nonfinite=on_nonfinite)
    return gan


def test_skip_leaves_the_weights_and_counts_the_step():
    gan = nan_loss_gan("skip")
    gan.fit(poisoned_data()[:64], epochs=1, batch_size=64, shuffle=False, verbose=0)
    clean = weights_of(gan.discriminator)
    history = gan.fit(poisoned_data()[64:128], epochs=1, batch_size=64, verbose=0)
    assert history.history["skipped_steps"] == [1.0]
    for before, after in zip(clean, weights_of(gan.discriminator)):
        np.testing.assert_array_equal(before, after)
    # The next clean batches train normally, with finite weights.
    history = gan.fit(poisoned_data()[128:], epochs=1, batch_size=64, verbose=0)
    assert history.history["skipped_steps"] == [0.0]
    assert all(np.isfinite(w).all() for w in weights_of(gan))


def test_apply_corrupts_the_weights_as_plain_keras_would():
    gan = nan_loss_gan("apply")
    history = gan.fit(poisoned_data(), epochs=1, batch_size=64, shuffle=False, verbose=0)
    assert "skipped_steps" not in history.history
    assert not all(np.isfinite(w).all() for w in weights_of(gan.discriminator))


def test_raise_stops_with_a_clear_message_and_intact_weights():
    gan = nan_loss_gan("raise")
    with pytest.raises(RuntimeError, match="epoch 1, batch 2: the update was skipped"):
        gan.fit(poisoned_data(), epochs=1, batch_size=64, shuffle=False, verbose=0)
    assert all(np.isfinite(w).all() for w in weights_of(gan))


def test_exploding_learning_rate_with_terminate_on_nan():
    # A huge learning rate makes the losses NaN after the first update;
    # TerminateOnNaN stops at the first NaN batch.
    gan = make_gan()
    gan.compile(
        d_optimizer=keras.optimizers.SGD(1e25),
        g_optimizer=keras.optimizers.SGD(1e25),
        penalty=None,
    )
    counter = CountBatches()
    gan.fit(gaussian_data(256), epochs=3, batch_size=64, verbose=0,
            callbacks=[keras.callbacks.TerminateOnNaN(), counter])
    assert counter.batches == 1
    assert gan.stop_training


def test_bad_policy():
    gan = make_gan()
    with pytest.raises(ValueError, match="on_nonfinite='ignore'"):
        gan.compile(on_nonfinite="ignore")
