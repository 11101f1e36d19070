"""Trains a small image GAN in one process or under `torch.distributed`.

Usage:
    python torch_multiprocess.py single OUT
    torchrun --standalone --nproc_per_node 2 torch_multiprocess.py \
        distributed OUT

Each process of a distributed run trains on its `keras_gan.distributed.shard`
of the data with the per-process batch size and saves its results to
`OUT.<case>.rank<i>.npz`; a single process trains on all of the data with
the global batch and saves `OUT.<case>.rank0.npz`. Cases, one after another:
- `random_draws`: R1 and gradient penalties, adaptive DiffAugment and
  `d_steps=2`: every random draw inside the step must be per global batch.
- `nonfinite`: one `inf` in the second process's shard of the first batch.
- `resumed` (distributed only): `random_draws` interrupted on every process
  after the first batch, saved by the chief's
  `keras_gan.callbacks.ChiefBackupAndRestore`, and resumed by new models.
- `uneven` (distributed only): the processes feed batches of different
  sizes; the error message is saved.
"""

import os
import sys

os.environ["KERAS_BACKEND"] = "torch"
MODE, OUT = sys.argv[1:3]

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402

import keras_gan  # noqa: E402

GLOBAL_BATCH = 16
SHAPE = (8, 8, 1)

torch.set_num_threads(1)
if MODE == "distributed":
    dist.init_process_group("gloo")


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
        d_optimizer=keras.optimizers.Adam(0.01),
        g_optimizer=keras.optimizers.Adam(0.01),
        penalty=penalty,
        d_steps=2 if case == "random_draws" else 1,
    )
    return gan


class InterruptAfterFirstBatch(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        raise KeyboardInterrupt("simulated preemption")


def train(case):
    name = case
    data = np.random.default_rng(0).uniform(-1, 1, (GLOBAL_BATCH * 2,) + SHAPE)
    data = data.astype("float32")
    if case == "nonfinite":
        data[GLOBAL_BATCH - 3] = np.inf  # The second process's rows, first batch.
    batch_size = keras_gan.distributed.per_process_batch_size(GLOBAL_BATCH)
    data = keras_gan.distributed.shard(data, batch_size=batch_size)
    rank = keras_gan.distributed.process_index()
    callbacks = []
    if case == "resumed":
        case = "random_draws"
        backup = lambda: keras_gan.callbacks.ChiefBackupAndRestore(  # noqa: E731
            f"{OUT}.backup", save_freq=1
        )
        try:
            build(case).fit(
                data, batch_size=batch_size, shuffle=False, verbose=0,
                callbacks=[backup(), InterruptAfterFirstBatch()],
            )
        except KeyboardInterrupt:
            pass
        dist.barrier()  # Restarted once all processes were stopped.
        callbacks = [backup()]
    gan = build(case)
    if case == "uneven":
        data, batch_size = data[: 4 + rank], 4 + rank
    initial = [keras.ops.convert_to_numpy(w) for w in gan.discriminator.weights]
    try:
        history = gan.fit(
            data, epochs=1, batch_size=batch_size, shuffle=False, verbose=0,
            callbacks=callbacks,
        )
    except ValueError as error:
        np.savez(f"{OUT}.{case}.rank{rank}.npz", error=str(error))
        return
    results = {
        f"w{i}": keras.ops.convert_to_numpy(w) for i, w in enumerate(gan.weights)
    }
    results.update({f"log_{k}": np.array(v) for k, v in history.history.items()})
    results.update({f"initial{i}": w for i, w in enumerate(initial)})
    results.update(
        {
            f"final{i}": keras.ops.convert_to_numpy(w)
            for i, w in enumerate(gan.discriminator.weights)
        }
    )
    np.savez(f"{OUT}.{name}.rank{rank}.npz", **results)


CASES = ["random_draws", "nonfinite"]
if MODE == "distributed":
    CASES += ["resumed", "uneven"]
for case in CASES:
    train(case)
print("processes", keras_gan.distributed.process_count())
if MODE == "distributed":
    dist.destroy_process_group()
