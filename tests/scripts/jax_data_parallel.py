"""Trains a small GAN on JAX, on one device or with DataParallel on two.

Usage: python jax_data_parallel.py single|parallel OUT.npz
"""

import os
import sys

MODE, OUT = sys.argv[1], sys.argv[2]
os.environ["KERAS_BACKEND"] = "jax"
if MODE == "parallel":
    os.environ["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=2"
    )

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402

if MODE == "parallel":
    assert len(jax.devices()) == 2
    keras.distribution.set_distribution(keras.distribution.DataParallel())

keras.utils.set_random_seed(0)
gan = keras_gan.GAN(
    keras_gan.models.mlp_generator(2, 2, hidden_units=(32, 32)),
    keras_gan.models.mlp_discriminator(2, hidden_units=(32, 32)),
    latent_dim=2,
    seed=0,
)
gan.compile(
    d_optimizer=keras.optimizers.SGD(0.1),
    g_optimizer=keras.optimizers.SGD(0.1),
    penalty=keras_gan.penalties.R1Penalty(1.0),
)
data = np.random.default_rng(0).normal(size=(128, 2)).astype("float32")
history = gan.fit(data, epochs=2, batch_size=64, shuffle=False, verbose=0)
weights = {f"w{i}": keras.ops.convert_to_numpy(w) for i, w in enumerate(gan.weights)}
np.savez(OUT, d_loss=np.array(history.history["d_loss"]), **weights)
print("devices", len(jax.devices()))
