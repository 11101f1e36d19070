"""Interrupted training, resumed, ends exactly where an uninterrupted run does.

Every test compares a run interrupted by `InterruptAt` and resumed on a
freshly built model (other initial weights, as in a new process) with one
uninterrupted run: networks, EMA generator, noise-stream state, both
optimizers' variables and the logged epoch means.
"""

import functools

import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import save_and_reload
from tests import conftest
from tests.conftest import (
    BACKEND,
    InterruptAt,
    assert_weights_equal,
    compiled_gan,
    gaussian_data,
    to_numpy,
    weights_of,
)

X = gaussian_data(256)  # 4 batches of 64 per epoch
FIT = dict(batch_size=64, shuffle=False, verbose=0)
EPOCHS = 3


def ema():
    return keras_gan.callbacks.GeneratorEMA(decay=0.9)


def optimizer_values(gan):
    return [to_numpy(v) for v in gan.optimizer.variables]


@functools.lru_cache(maxsize=None)
def reference_run(steps_per_execution=1):
    """The uninterrupted run, trained once per setting and shared by the
    tests (which only read it)."""
    gan = compiled_gan(steps_per_execution=steps_per_execution)
    history = gan.fit(X, epochs=EPOCHS, callbacks=[ema()], **FIT)
    return gan, history.history


def assert_same_run(reference, history, resumed, resumed_history, first_epoch):
    assert len(weights_of(resumed)) > len(weights_of(resumed.generator)) * 2
    assert_weights_equal(weights_of(reference), weights_of(resumed), atol=1e-6)
    assert_weights_equal(
        optimizer_values(reference), optimizer_values(resumed), atol=1e-6
    )
    for key in ("loss", "d_loss", "g_loss", "r1_penalty", "skipped_steps"):
        np.testing.assert_allclose(
            resumed_history[key], history[key][first_epoch:], rtol=1e-5, err_msg=key
        )


def test_backup_and_restore_resumes_exactly_at_epoch_boundary(tmp_path):
    backup = str(tmp_path / "backup")
    reference, history = reference_run()

    interrupted = compiled_gan()
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(
            X,
            epochs=EPOCHS,
            callbacks=[keras.callbacks.BackupAndRestore(backup), ema(), InterruptAt(epoch=1)],
            **FIT,
        )
    resumed = compiled_gan(seed=7)
    resumed_history = resumed.fit(
        X, epochs=EPOCHS, callbacks=[keras.callbacks.BackupAndRestore(backup), ema()], **FIT
    ).history
    assert_same_run(reference, history, resumed, resumed_history, first_epoch=2)


@pytest.mark.parametrize(
    "steps_per_execution, interrupt_batch",
    [
        # Saved after 2 of the 4 batches, interrupted after the 3rd.
        (1, 2),
        # Saved after all 4 batches, interrupted before the epoch ended.
        (2, 3),
    ],
)
def test_backup_and_restore_resumes_exactly_mid_epoch(
    tmp_path, steps_per_execution, interrupt_batch
):
    if BACKEND == "torch" and steps_per_execution > 1:
        pytest.skip("Keras does not support steps_per_execution on torch.")
    backup = str(tmp_path / "backup")

    def backup_and_restore():
        return keras.callbacks.BackupAndRestore(backup, save_freq=2)

    reference, history = reference_run(steps_per_execution=steps_per_execution)
    interrupted = compiled_gan(steps_per_execution=steps_per_execution)
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(
            X,
            epochs=EPOCHS,
            callbacks=[backup_and_restore(), ema(), InterruptAt(epoch=1, batch=interrupt_batch)],
            **FIT,
        )
    resumed = compiled_gan(seed=7, steps_per_execution=steps_per_execution)
    # Shows the batches actually trained on resume.
    d_iterations = []
    counter = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: d_iterations.append(
            int(to_numpy(resumed.d_optimizer.iterations))
        )
    )
    resumed_history = resumed.fit(
        X, epochs=EPOCHS, callbacks=[backup_and_restore(), ema(), counter], **FIT
    ).history
    assert d_iterations == [8, 12]
    assert_same_run(reference, history, resumed, resumed_history, first_epoch=1)


def test_mid_epoch_checkpoint_load_model_and_fit_resume_exactly(tmp_path):
    path = str(tmp_path / "latest.keras")
    reference, history = reference_run()

    interrupted = compiled_gan()
    checkpoint = keras.callbacks.ModelCheckpoint(path, save_freq=2)
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(
            X, epochs=EPOCHS, callbacks=[checkpoint, ema(), InterruptAt(epoch=1, batch=2)], **FIT
        )
    resumed = keras.models.load_model(path)
    resumed_history = resumed.fit(
        X, epochs=EPOCHS, initial_epoch=1, callbacks=[ema()], **FIT
    ).history
    assert_same_run(reference, history, resumed, resumed_history, first_epoch=1)


def test_resume_with_other_steps_per_execution_is_exact(tmp_path):
    if BACKEND == "torch":
        pytest.skip("Keras does not support steps_per_execution on torch.")
    path = str(tmp_path / "latest.weights.h5")
    reference, _ = reference_run()

    interrupted = compiled_gan()
    checkpoint = keras.callbacks.ModelCheckpoint(path, save_weights_only=True, save_freq=1)
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(
            X, epochs=EPOCHS, callbacks=[checkpoint, ema(), InterruptAt(epoch=1, batch=0)], **FIT
        )
    # One batch of epoch 1 is done: with 2 batches per call, the first call
    # skips one and trains two.
    resumed = compiled_gan(seed=7, steps_per_execution=2)
    resumed.enable_ema(decay=0.9)
    resumed.load_weights(path)
    resumed.fit(X, epochs=EPOCHS, initial_epoch=1, callbacks=[ema()], **FIT)
    assert_weights_equal(weights_of(reference), weights_of(resumed), atol=1e-5)
    assert int(to_numpy(resumed.d_optimizer.iterations)) == EPOCHS * 4


def test_interrupted_fit_called_again_trains_every_batch():
    gan = compiled_gan()
    with pytest.raises(KeyboardInterrupt):
        gan.fit(X, epochs=1, callbacks=[InterruptAt(epoch=0, batch=1)], **FIT)
    assert int(to_numpy(gan.d_optimizer.iterations)) == 2
    # Nothing was restored: the new `fit` starts its first epoch afresh.
    gan.fit(X, epochs=1, **FIT)
    assert int(to_numpy(gan.d_optimizer.iterations)) == 6


def test_file_saved_at_epoch_end_does_not_skip_batches(tmp_path):
    gan = compiled_gan()
    gan.fit(X, epochs=1, **FIT)
    loaded = save_and_reload(gan, str(tmp_path / "gan.keras"))
    loaded.fit(X, epochs=1, **FIT)
    assert int(to_numpy(loaded.d_optimizer.iterations)) == 8


def test_adaptive_augmentation_resumes_exactly_mid_epoch(tmp_path):
    from tests.augment.test_gan_augmentation import digits, image_gan

    backup = str(tmp_path / "backup")
    images = digits(64)  # 4 batches of 16 per epoch

    def augmented_gan(seed):
        ada = keras_gan.augment.AdaptiveAugment(adjustment_speed=500, seed=0)
        gan = image_gan(ada, seed=seed)
        gan.compile(
            d_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
            g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5),
        )
        return gan

    def fit(gan, *extra_callbacks):
        callbacks = [keras.callbacks.BackupAndRestore(backup, save_freq=3), *extra_callbacks]
        return gan.fit(images, epochs=EPOCHS, batch_size=16, shuffle=False, verbose=0,
                       callbacks=callbacks).history

    reference = augmented_gan(seed=0)
    history = reference.fit(images, epochs=EPOCHS, batch_size=16, shuffle=False, verbose=0).history
    with pytest.raises(KeyboardInterrupt):
        fit(augmented_gan(seed=0), InterruptAt(epoch=1, batch=3))
    resumed = augmented_gan(seed=5)
    resumed_history = fit(resumed)

    p = float(to_numpy(reference.augmentation.probability))
    assert p > 0.0
    assert float(to_numpy(resumed.augmentation.probability)) == pytest.approx(p, abs=1e-7)
    assert_weights_equal(weights_of(reference), weights_of(resumed), atol=1e-5)
    np.testing.assert_allclose(resumed_history["aug_p"], history["aug_p"][1:], atol=1e-7)


def test_dropout_in_the_networks_resumes_exactly_mid_epoch(tmp_path):
    # Keras does not save a Dropout layer's random state; the GAN does.
    path = str(tmp_path / "latest.keras")

    def dropout_gan(seed):
        keras.utils.set_random_seed(seed)
        generator = keras_gan.models.mlp_generator(2, 2, hidden_units=(32,))
        discriminator = keras.Sequential([
            keras.Input((2,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dropout(0.3, seed=seed),
            keras.layers.Dense(1),
        ])
        gan = keras_gan.GAN(generator, discriminator, latent_dim=2, seed=0)
        gan.compile()
        return gan

    reference = dropout_gan(seed=0)
    reference.fit(X, epochs=2, **FIT)
    interrupted = dropout_gan(seed=0)
    checkpoint = keras.callbacks.ModelCheckpoint(path, save_freq=1)
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(X, epochs=2, callbacks=[checkpoint, InterruptAt(epoch=1, batch=1)], **FIT)
    resumed = keras.models.load_model(path)
    resumed.fit(X, epochs=2, initial_epoch=1, **FIT)
    assert_weights_equal(weights_of(reference), weights_of(resumed), atol=1e-6)


@pytest.mark.slow
def test_process_killed_mid_epoch_resumes_exactly_in_a_new_process(tmp_path):
    # SIGKILL: no `finally`, no `on_train_end`; the backup is all that is left.
    import os
    import subprocess
    import sys

    script = os.path.join(conftest.SCRIPTS, "preempted_training.py")

    def start(name, init_seed, *kill_at):
        return subprocess.Popen(
            [sys.executable, script, str(tmp_path / name), str(tmp_path / f"{name}.npz"),
             str(init_seed), *map(str, kill_at)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )

    def finish(process, returncode=0):
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == returncode, stderr[-3000:]

    uninterrupted, killed = start("reference", 0), start("preempted", 0, 1, 3)
    finish(uninterrupted)
    finish(killed, returncode=-9)  # in epoch 1 after batch 3; saved after batch 1
    finish(start("preempted", 5))
    with np.load(tmp_path / "reference.npz") as a, np.load(tmp_path / "preempted.npz") as b:
        assert sorted(a.files) == sorted(b.files)
        for key in a.files:
            expected = a[key][1:] if key.startswith("history_") else a[key]
            np.testing.assert_allclose(b[key], expected, atol=1e-5, rtol=1e-5, err_msg=key)


def test_mid_epoch_checkpoint_fit_from_another_epoch_warns_and_trains_every_batch(tmp_path):
    path = str(tmp_path / "latest.keras")
    gan = compiled_gan()
    checkpoint = keras.callbacks.ModelCheckpoint(path, save_freq=2)
    with pytest.raises(KeyboardInterrupt):
        gan.fit(X, epochs=EPOCHS, callbacks=[checkpoint, InterruptAt(epoch=1, batch=2)], **FIT)
    loaded = keras.models.load_model(path)  # after 2 batches of epoch 2 (index 1)
    with pytest.warns(UserWarning, match=r"batch 2 of epoch 2.*`initial_epoch=1`"):
        loaded.fit(X, epochs=1, **FIT)
    assert int(to_numpy(loaded.d_optimizer.iterations)) == 6 + 4


def test_second_interruption_in_the_resumed_epoch_resumes_exactly(tmp_path):
    # Keras' BackupAndRestore alone records epoch 0 for saves made before the
    # first epoch of a resumed run ends; the GAN tells it the epoch.
    backup = str(tmp_path / "backup")
    reference, history = reference_run()

    def backup_and_restore():
        return keras.callbacks.BackupAndRestore(backup, save_freq=1)

    for seed, batch in ((0, 0), (7, 2)):
        with pytest.raises(KeyboardInterrupt):
            compiled_gan(seed=seed).fit(
                X,
                epochs=EPOCHS,
                callbacks=[backup_and_restore(), ema(), InterruptAt(epoch=1, batch=batch)],
                **FIT,
            )
    resumed = compiled_gan(seed=9)
    resumed_history = resumed.fit(
        X, epochs=EPOCHS, callbacks=[backup_and_restore(), ema()], **FIT
    ).history
    assert_same_run(reference, history, resumed, resumed_history, first_epoch=1)


def test_train_on_batch_is_not_epoch_progress(tmp_path):
    gan = compiled_gan()
    gan.fit(X, epochs=1, **FIT)
    for batch in np.split(X[:192], 3):
        gan.train_on_batch(batch)
    loaded = save_and_reload(gan, str(tmp_path / "gan.keras"))
    loaded.fit(X, epochs=1, **FIT)
    assert int(to_numpy(loaded.d_optimizer.iterations)) == 4 + 3 + 4


def test_last_partial_call_counts_only_the_batches_of_the_epoch():
    if BACKEND == "torch":
        pytest.skip("Keras does not support steps_per_execution on torch.")
    gan = compiled_gan(steps_per_execution=2)
    counts = []
    recorder = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: counts.append(gan.training_progress.batches_done)
    )
    gan.fit(gaussian_data(320), epochs=1, callbacks=[recorder], **FIT)  # 5 batches
    assert counts == [2, 4, 5]


def test_callback_list_subclass_is_kept():
    gan = compiled_gan()
    epochs_ended = []

    class RecordingList(keras.callbacks.CallbackList):
        def on_epoch_end(self, epoch, logs=None):
            epochs_ended.append(epoch)
            super().on_epoch_end(epoch, logs)

    callbacks = RecordingList([], add_history=True, model=gan)
    gan.fit(X, epochs=2, callbacks=callbacks, **FIT)
    assert epochs_ended == [0, 1]
    assert len(callbacks.callbacks) == 1  # the user's list is not changed


def test_resume_with_steps_per_epoch_warns(tmp_path):
    path = str(tmp_path / "latest.keras")
    fit = dict(FIT, steps_per_epoch=2)
    with pytest.raises(KeyboardInterrupt):
        compiled_gan().fit(
            X,
            epochs=EPOCHS,
            callbacks=[keras.callbacks.ModelCheckpoint(path, save_freq=1), InterruptAt(epoch=1, batch=0)],
            **fit,
        )
    with pytest.warns(UserWarning, match="steps_per_epoch=2"):
        keras.models.load_model(path).fit(X, epochs=EPOCHS, initial_epoch=1, **fit)
