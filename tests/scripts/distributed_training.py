"""Trains a small GAN under a tf.distribute strategy; prints weights as JSON.

Usage:
    python distributed_training.py single|mirrored OUT.npz [resume]
    python distributed_training.py multi_worker OUT.npz   (needs TF_CONFIG)

With `resume`, a first `fit` is interrupted after its first batch (saved by
`BackupAndRestore(save_freq=1)`) and a new model resumes it.

Run in its own process: logical devices must be set before TF starts.
"""

import os
import sys

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402

MODE, OUT = sys.argv[1], sys.argv[2]
RESUME = sys.argv[3:] == ["resume"]
if MODE == "mirrored":
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2
    )

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402

GLOBAL_BATCH = 64


def build():
    keras.utils.set_random_seed(0)
    generator = keras_gan.models.mlp_generator(2, 2, hidden_units=(32, 32))
    discriminator = keras_gan.models.mlp_discriminator(2, hidden_units=(32, 32))
    gan = keras_gan.GAN(generator, discriminator, latent_dim=2, seed=0)
    gan.compile(
        d_optimizer=keras.optimizers.SGD(0.1),
        g_optimizer=keras.optimizers.SGD(0.1),
        loss="non_saturating",
        penalty=keras_gan.penalties.R1Penalty(1.0),
    )
    return gan


def strategy_for(mode):
    if mode == "mirrored":
        return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    if mode == "multi_worker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    return tf.distribute.get_strategy()


class InterruptAfterFirstBatch(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        raise KeyboardInterrupt("simulated preemption")


def backup_and_restore():
    return [keras.callbacks.BackupAndRestore(OUT + ".backup", save_freq=1)] if RESUME else []


data = np.random.default_rng(0).normal(size=(GLOBAL_BATCH * 2, 2)).astype("float32")
fit_kwargs = dict(epochs=1, batch_size=GLOBAL_BATCH, shuffle=False, verbose=0)
strategy = strategy_for(MODE)
if RESUME:
    with strategy.scope():
        interrupted = build()
    try:
        interrupted.fit(
            data, callbacks=backup_and_restore() + [InterruptAfterFirstBatch()], **fit_kwargs
        )
    except KeyboardInterrupt:
        print("interrupted")
with strategy.scope():
    gan = build()
history = gan.fit(data, callbacks=backup_and_restore(), **fit_kwargs)
weights = {f"w{i}": keras.ops.convert_to_numpy(w) for i, w in enumerate(gan.weights)}
weights["d_loss"] = np.array(history.history["d_loss"])
np.savez(OUT, **weights)
print("replicas", strategy.num_replicas_in_sync)
