"""Trains a small image GAN on one device or on two replicas; saves results.

Usage: python distributed_cases.py BACKEND single|parallel CASES OUT

CASES is a comma-separated list; each case writes `OUT.CASE.npz`.

BACKEND is `tensorflow` (`MirroredStrategy` on two logical CPUs) or `jax`
(`DataParallel` on two host devices). CASE:
- `random_draws`: gradient penalty, DiffAugment, adaptive augmentation and
  `d_steps=2`: every random draw inside the step must be per global batch.
- `nonfinite`: one `inf` in the second replica's half of the batch.
Run in its own process: devices must be set before the backend starts.
"""

import os
import sys

BACKEND, MODE, CASES, OUT = sys.argv[1:5]
os.environ["KERAS_BACKEND"] = BACKEND
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
if BACKEND == "jax" and MODE == "parallel":
    os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
if BACKEND == "tensorflow":
    import tensorflow as tf

    if MODE == "parallel":
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2
        )

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402

GLOBAL_BATCH = 16
SHAPE = (8, 8, 1)


def build(case):
    keras.utils.set_random_seed(0)
    generator = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(64, activation="tanh"),
         keras.layers.Reshape(SHAPE)]
    )
    discriminator = keras.Sequential(
        [keras.Input(SHAPE), keras.layers.Flatten(),
         keras.layers.Dense(16, activation="tanh"), keras.layers.Dense(1)]
    )
    augmentation = None
    penalty = keras_gan.penalties.R1Penalty(1.0)
    if case == "random_draws":
        augmentation = keras_gan.augment.AdaptiveAugment(
            initial_probability=0.5, adjustment_speed=100, seed=1
        )
        penalty = [keras_gan.penalties.GradientPenalty(1.0), penalty]
    gan = keras_gan.GAN(
        generator, discriminator, latent_dim=4, seed=0, augmentation=augmentation
    )
    gan.compile(
        d_optimizer=keras.optimizers.SGD(0.1),
        g_optimizer=keras.optimizers.SGD(0.1),
        penalty=penalty,
        d_steps=2 if case == "random_draws" else 1,
    )
    return gan


def scope():
    if BACKEND == "tensorflow" and MODE == "parallel":
        return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]).scope()
    if BACKEND == "jax" and MODE == "parallel":
        keras.distribution.set_distribution(keras.distribution.DataParallel())
    import contextlib

    return contextlib.nullcontext()


def run(case):
    data = np.random.default_rng(0).uniform(-1, 1, (GLOBAL_BATCH * 2,) + SHAPE)
    data = data.astype("float32")
    if case == "nonfinite":
        data[GLOBAL_BATCH - 3] = np.inf  # Second replica's half, first batch.
    with scope():
        gan = build(case)
    initial = [keras.ops.convert_to_numpy(w) for w in gan.discriminator.weights]
    history = gan.fit(data, epochs=1, batch_size=GLOBAL_BATCH, shuffle=False, verbose=0)
    results = {f"w{i}": keras.ops.convert_to_numpy(w) for i, w in enumerate(gan.weights)}
    results.update({f"log_{k}": np.array(v) for k, v in history.history.items()})
    results.update({f"initial{i}": w for i, w in enumerate(initial)})
    np.savez(f"{OUT}.{case}.npz", **results)


for case in CASES.split(","):
    run(case)
print("replicas", 2 if MODE == "parallel" else 1)
