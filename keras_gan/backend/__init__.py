"""Backend-specific gradient mechanics, chosen once at import time.

Everything else in keras_gan is written once in `keras.ops`. Each backend
module provides:

- `input_gradients(fn, inputs)`: `(d sum(fn(inputs)) / d inputs, fn(inputs))`,
  differentiable again so penalties on input gradients can be minimized.
- `replica_context()`: `(replica index, number of replicas)` inside a
  `tf.distribute` replica, `(0, 1)` elsewhere.
- `replica_sum(value)`: `value` summed over the `tf.distribute` replicas;
  `all_replicas_finite(finite)`: whether a flag holds on every replica;
  `replica_concat(value)`: the replicas' values concatenated on axis 0
  (the global batch of a per-replica batch).
- `global_batch_mean(total, count)` (written once, below): a ratio over the
  global batch whose denominator differs between replicas.
- `prepare_logs(logs)`: the step's logs in the form the trainer reduces.
- `stateful_cond(pred, true_fn, false_fn)`: `keras.ops.cond` whose branches
  may assign variables (batch-norm statistics, seeds) on every backend.
- `GANTrainer`: a mixin with the training mechanics: `minimize` (how one
  loss is differentiated and applied by one optimizer), `skip_batches` (how
  a call of Keras' train function drops batches without training on them)
  and, on JAX, the adapter from the stateful `train_step(data)` to the
  stateless function Keras compiles.
"""

import keras
from keras import ops

_BACKEND = keras.backend.backend()

if _BACKEND == "tensorflow":
    from keras_gan.backend.tensorflow import GANTrainer
    from keras_gan.backend.tensorflow import all_replicas_finite
    from keras_gan.backend.tensorflow import input_gradients
    from keras_gan.backend.tensorflow import prepare_logs
    from keras_gan.backend.tensorflow import replica_concat
    from keras_gan.backend.tensorflow import replica_context
    from keras_gan.backend.tensorflow import replica_sum
    from keras_gan.backend.tensorflow import stateful_cond
elif _BACKEND == "jax":
    from keras_gan.backend.jax import GANTrainer
    from keras_gan.backend.jax import all_replicas_finite
    from keras_gan.backend.jax import input_gradients
    from keras_gan.backend.jax import prepare_logs
    from keras_gan.backend.jax import replica_concat
    from keras_gan.backend.jax import replica_context
    from keras_gan.backend.jax import replica_sum
    from keras_gan.backend.jax import stateful_cond
elif _BACKEND == "torch":
    from keras_gan.backend.torch import GANTrainer
    from keras_gan.backend.torch import all_replicas_finite
    from keras_gan.backend.torch import input_gradients
    from keras_gan.backend.torch import prepare_logs
    from keras_gan.backend.torch import replica_concat
    from keras_gan.backend.torch import replica_context
    from keras_gan.backend.torch import replica_sum
    from keras_gan.backend.torch import stateful_cond
else:
    raise ImportError(
        "keras_gan supports the `tensorflow`, `jax` and `torch` Keras "
        f"backends. Received: KERAS_BACKEND={_BACKEND!r}"
    )


def global_batch_mean(total, count):
    """`total / count` over the global batch, as this replica's loss.

    Keras averages the replicas' losses (and their gradients), which equals
    the single-device loss when each replica's loss is a mean over its equal
    share of rows. A mean whose denominator differs between replicas (tokens
    counted by a mask) is therefore written as this replica's `total` over
    the global `count` divided by the number of replicas: the replicas'
    average is then the global `sum(total) / sum(count)`.

    Args:
        total: This replica's sum (a scalar tensor).
        count: This replica's count (a scalar; no gradient flows through it).

    Returns:
        A scalar tensor: `total / max(count, 1)` on one device.
    """
    _, num_replicas = replica_context()
    count = ops.stop_gradient(ops.cast(count, "float32"))
    if num_replicas == 1:
        return total / ops.maximum(count, 1.0)
    count = replica_sum(count)
    return total * num_replicas / ops.maximum(count, 1.0)
