"""Multi-process training helpers: which process this is, and its data.

A multi-process run starts one Python process per host or device, each
running the same script. The backend's own engine keeps the processes in
step (TensorFlow's `MultiWorkerMirroredStrategy`, JAX's `jax.distributed`,
PyTorch's `torch.distributed`); these helpers answer the questions the
script itself has: which process am I (`process_index`, `is_chief`), how
many are there (`process_count`), which rows of the data are mine
(`shard`), and what batch does each process feed
(`per_process_batch_size`). See `docs/distributed.md`.
"""

import json
import os

import keras
import numpy as np

from keras_gan import validation


def process_index():
    """The index of this process in a multi-process run, `0` otherwise.

    Read from the backend's distributed runtime: the `torch.distributed`
    rank, `jax.process_index()`, or the task of `TF_CONFIG` (the chief
    first, then the workers).

    Example:

    ```python
    if keras_gan.distributed.process_index() == 0:
        print("logging from the first process only")
    ```
    """
    return _process_info()[0]


def process_count():
    """The number of processes of a multi-process run, `1` otherwise.

    Example:

    ```python
    count = keras_gan.distributed.process_count()
    ```
    """
    return _process_info()[1]


def is_chief():
    """Whether this process writes checkpoints, sample grids and logs.

    The chief is process 0. Give the writing callbacks
    (`keras.callbacks.ModelCheckpoint`, `TensorBoard`,
    `keras_gan.callbacks.SampleGrid`) to the chief only; every process
    computes the same weights, so a checkpoint written by the chief
    restores any process.

    Example:

    ```python
    callbacks = []
    if keras_gan.distributed.is_chief():
        callbacks.append(keras.callbacks.ModelCheckpoint("gan.keras"))
    gan.fit(data, callbacks=callbacks)
    ```
    """
    return process_index() == 0


def per_process_batch_size(global_batch_size, count=None):
    """The batch size each of `count` processes feeds to `fit`.

    Args:
        global_batch_size: Rows of one training step over all processes.
        count: Number of processes. Defaults to `process_count()`.

    Returns:
        `global_batch_size // count`.

    Raises:
        ValueError: If `global_batch_size` is not a multiple of `count`.

    Example:

    ```python
    batch_size = keras_gan.distributed.per_process_batch_size(256)
    ```
    """
    count = process_count() if count is None else count
    validation.check_positive_int("count", count)
    validation.check_positive_int("global_batch_size", global_batch_size)
    if global_batch_size % count:
        raise ValueError(
            "Invalid value for argument `global_batch_size`. Expected a "
            f"multiple of the number of processes ({count}). Received: "
            f"global_batch_size={global_batch_size!r}"
        )
    return global_batch_size // count


def shard(data, index=None, count=None, batch_size=None):
    """The rows of `data` that process `index` of `count` trains on.

    Every process gets the same number of rows (the remainder is left
    out), so all run the same number of steps. With `batch_size` (the
    per-process batch size given to `fit`), the shards interleave by batch:
    the batches of process 0, 1, ... of step `k`, put together in that
    order, are batch `k` of `data` with `batch_size * count` rows, so `fit`
    with `shuffle=False` on every process trains like one process on
    `data` with the global batch. Without it, each process gets one
    contiguous block. Shuffle `data` with the same seed on every process
    before sharding; `fit(shuffle=True)` shuffles each shard on its own.

    For NumPy data and PyTorch tensors (`torch.distributed` and
    `jax.distributed` runs). Under `MultiWorkerMirroredStrategy`, `fit`
    shards NumPy data and `tf.data` datasets itself: pass the whole data.

    Args:
        data: An array, or a tuple, list or dict of arrays with the same
            number of rows (e.g. `(images, labels)`).
        index: This process's index. Defaults to `process_index()`.
        count: Number of processes. Defaults to `process_count()`.
        batch_size: Per-process batch size, or `None` for contiguous
            blocks. Defaults to `None`.

    Returns:
        `data`'s structure, each array cut to this process's rows.

    Example:

    ```python
    x = keras_gan.distributed.shard(images, batch_size=32)
    gan.fit(x, batch_size=32, shuffle=False)
    ```
    """
    index = process_index() if index is None else index
    count = process_count() if count is None else count
    validation.check_positive_int("count", count)
    if not validation.is_integer(index) or not 0 <= index < count:
        raise ValueError(
            "Invalid value for argument `index`. Expected an integer in "
            f"[0, {count}). Received: index={index!r}"
        )
    if batch_size is not None:
        validation.check_positive_int("batch_size", batch_size)
    arrays = keras.tree.flatten(data)
    rows = {len(array) for array in arrays}
    if len(rows) != 1:
        raise ValueError(
            "Invalid value for argument `data`. Expected arrays with the "
            f"same number of rows. Received row counts: {sorted(rows)}"
        )
    (rows,) = rows
    block = (batch_size or 1) * count
    kept = rows // block * block
    if kept == 0:
        raise ValueError(
            f"Invalid value for argument `data`: {rows} rows cannot give "
            f"{count} processes a batch of {batch_size or 1} rows each."
        )

    def cut(array):
        if batch_size is None:
            size = kept // count
            return array[index * size : (index + 1) * size]
        steps = kept // block
        positions = np.arange(kept).reshape(steps, count, batch_size)
        return array[positions[:, index].reshape(-1)]

    return keras.tree.map_structure(cut, data)


def barrier():
    """Waits until every process of a multi-process run gets here.

    On PyTorch (`torch.distributed`) and JAX (`jax.distributed`) runs; a
    no-op on one process and on TensorFlow, whose strategies synchronize
    inside their own collectives.
    """
    if process_count() == 1:
        return
    backend = keras.backend.backend()
    if backend == "torch":
        import torch.distributed as dist

        dist.barrier()
    elif backend == "jax":
        from jax.experimental import multihost_utils

        multihost_utils.sync_global_devices("keras_gan.distributed.barrier")


def _process_info():
    backend = keras.backend.backend()
    if backend == "torch":
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized():
            return dist.get_rank(), dist.get_world_size()
    elif backend == "jax":
        import jax

        return jax.process_index(), jax.process_count()
    elif backend == "tensorflow":
        return _tf_config_task()
    return 0, 1


def _tf_config_task():
    """`(index, count)` of this task in `TF_CONFIG`'s cluster, chief first."""
    config = json.loads(os.environ.get("TF_CONFIG") or "{}")
    cluster = config.get("cluster", {})
    task = config.get("task", {})
    chiefs = len(cluster.get("chief", []))
    workers = len(cluster.get("worker", []))
    if not chiefs + workers:
        return 0, 1
    index = int(task.get("index", 0))
    if task.get("type") == "worker":
        index += chiefs
    return index, chiefs + workers
