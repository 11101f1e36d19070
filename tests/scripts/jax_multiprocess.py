"""Trains a small image GAN in one process or over `jax.distributed`.

Usage:
    python jax_multiprocess.py single OUT
    python jax_multiprocess.py distributed OUT COORDINATOR_PORT PROCESS_ID

A distributed run is two processes, each with one CPU device, joined by
`jax.distributed.initialize`; `keras.distribution.DataParallel` spans both.
Each process feeds its `keras_gan.distributed.shard` of the data with the
per-process batch size and saves `OUT.rank<i>.npz`; a single process trains
on all of the data with the global batch. The step has R1 and gradient
penalties, adaptive DiffAugment and `d_steps=2`.
"""

import os
import sys

os.environ["KERAS_BACKEND"] = "jax"
MODE, OUT = sys.argv[1:3]

import jax  # noqa: E402

if MODE == "distributed":
    port, process_id = sys.argv[3:5]
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(
        coordinator_address=f"127.0.0.1:{port}",
        num_processes=2,
        process_id=int(process_id),
        initialization_timeout=120,
    )

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from tests import families  # noqa: E402

GLOBAL_BATCH = 16
SHAPE = families.CORE_SHAPE

if MODE == "distributed":
    # The data is sharded by `keras_gan.distributed.shard`.
    keras.distribution.set_distribution(
        keras.distribution.DataParallel(auto_shard_dataset=False)
    )


data = np.random.default_rng(0).uniform(-1, 1, (GLOBAL_BATCH * 2,) + SHAPE)
data = data.astype("float32")
batch_size = keras_gan.distributed.per_process_batch_size(GLOBAL_BATCH)
data = keras_gan.distributed.shard(data, batch_size=batch_size)
gan = families.core_gan("random_draws", keras.optimizers.Adam, 0.01)
history = gan.fit(data, epochs=1, batch_size=batch_size, shuffle=False, verbose=0)
results = {
    f"w{i}": np.asarray(jax.device_get(w.value)) for i, w in enumerate(gan.weights)
}
results.update({f"log_{k}": np.array(v) for k, v in history.history.items()})
np.savez(f"{OUT}.rank{keras_gan.distributed.process_index()}.npz", **results)
print("processes", keras_gan.distributed.process_count(), "devices", len(jax.devices()))
