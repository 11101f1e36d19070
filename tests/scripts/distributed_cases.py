"""Trains a small image GAN on one device or on two replicas; saves results.

Usage: python distributed_cases.py BACKEND single|parallel CASES OUT

CASES is a comma-separated list; each case writes `OUT.CASE.npz`.

BACKEND is `tensorflow` (`MirroredStrategy` on two logical CPUs) or `jax`
(`DataParallel` on two host devices). CASE:
- `random_draws`: gradient penalty, DiffAugment, adaptive augmentation and
  `d_steps=2`: every random draw inside the step must be per global batch.
- `nonfinite`: one `inf` in the second replica's half of the batch.
- a family of `tests/families.py` (`pix2pix`, `cyclegan`, `text`,
  `tabular`, `cut`, `textgan`): its model trained for 2 global batches of 8.
Run in its own process: devices must be set before the backend starts.
"""

import os
import sys

BACKEND, MODE, CASES, OUT = sys.argv[1:5]
os.environ["KERAS_BACKEND"] = BACKEND
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
if BACKEND == "jax" and MODE == "parallel":
    os.environ["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=2"
    )
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

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from tests import families  # noqa: E402

GLOBAL_BATCH = 16
SHAPE = families.CORE_SHAPE




# One strategy per process: the collectives of a second `MirroredStrategy`
# in the same process can be matched with the first one's.
STRATEGY = None
if BACKEND == "tensorflow" and MODE == "parallel":
    STRATEGY = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])


def scope():
    if STRATEGY is not None:
        return STRATEGY.scope()
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
        gan = families.core_gan(case, keras.optimizers.SGD, 0.1)
    initial = [keras.ops.convert_to_numpy(w) for w in gan.discriminator.weights]
    history = gan.fit(data, epochs=1, batch_size=GLOBAL_BATCH, shuffle=False, verbose=0)
    results = {f"w{i}": keras.ops.convert_to_numpy(w) for i, w in enumerate(gan.weights)}
    results.update({f"log_{k}": np.array(v) for k, v in history.history.items()})
    results.update({f"initial{i}": w for i, w in enumerate(initial)})
    np.savez(f"{OUT}.{case}.npz", **results)


def run_family(family):
    with scope():
        model = families.build(family)
    initial = families.weights(model)
    history = families.fit(model, family, families.data(family), families.GLOBAL_BATCH)
    np.savez(f"{OUT}.{family}.npz", **families.results(model, history, initial))


for case in CASES.split(","):
    if case in ("random_draws", "nonfinite"):
        run(case)
    else:
        run_family(case)
print("replicas", 2 if MODE == "parallel" else 1)
