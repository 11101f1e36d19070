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
- `short_last`: `random_draws` on 24 rows, whose last global batch has 8
  rows: 4 on each process (not cut by `shard`: equal short batches train).
- each family of `tests/families.py` (Pix2Pix, CycleGAN, the text GAN,
  TabularGAN, CUT, the autoregressive TextGAN): 2 global batches of 8, saved to `OUT.<family>.rank<i>.npz`.
- `uneven` and `uneven_last` (distributed only): the processes feed
  batches of different sizes at the first step, or at the last one only
  (4 and 5 rows after a full batch); the error message is saved.
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

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
from tests import families  # noqa: E402

FAMILIES = families.FAMILIES

GLOBAL_BATCH = 16
SHAPE = families.CORE_SHAPE

torch.set_num_threads(1)
if MODE == "distributed":
    dist.init_process_group("gloo")


def build(case):
    return families.core_gan(case, keras.optimizers.Adam, 0.01)


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
    rank = keras_gan.distributed.process_index()
    if case == "short_last":
        case = "random_draws"
        data = data[: GLOBAL_BATCH + GLOBAL_BATCH // 2]
        if MODE == "distributed":  # Full batch, then 4 rows, per process.
            data = np.concatenate(
                [
                    data[rank * batch_size : (rank + 1) * batch_size],
                    data[GLOBAL_BATCH + 4 * rank : GLOBAL_BATCH + 4 * rank + 4],
                ]
            )
    else:
        data = keras_gan.distributed.shard(data, batch_size=batch_size)
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
    if case == "uneven_last":
        data = data[: batch_size + 4 + rank]
    initial = [keras.ops.convert_to_numpy(w) for w in gan.discriminator.weights]
    try:
        history = gan.fit(
            data, epochs=1, batch_size=batch_size, shuffle=False, verbose=0,
            callbacks=callbacks,
        )
    except ValueError as error:
        np.savez(
            f"{OUT}.{case}.rank{rank}.npz",
            error=str(error),
            d_iterations=keras.ops.convert_to_numpy(gan.d_optimizer.iterations),
            **{f"w{i}": keras.ops.convert_to_numpy(w) for i, w in enumerate(gan.weights)},
        )
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


def train_family(family):
    x = families.data(family)
    batch_size = keras_gan.distributed.per_process_batch_size(families.GLOBAL_BATCH)
    if family != "tabular":  # TabularGAN draws its batches itself.
        x = keras_gan.distributed.shard(x, batch_size=batch_size)
    model = families.build(family)
    initial = families.weights(model)
    history = families.fit(model, family, x, batch_size)
    rank = keras_gan.distributed.process_index()
    np.savez(f"{OUT}.{family}.rank{rank}.npz", **families.results(model, history, initial))


for family in FAMILIES:
    train_family(family)

CASES = ["random_draws", "nonfinite", "short_last"]
if MODE == "distributed":
    CASES += ["resumed", "uneven", "uneven_last"]
for case in CASES:
    train(case)
# One write per process: the processes of `torchrun` share one stdout.
sys.stdout.write(
    f"processes {keras_gan.distributed.process_count()} "
    f"rank {keras_gan.distributed.process_index()}\n"
)
sys.stdout.flush()
if MODE == "distributed":
    dist.destroy_process_group()
