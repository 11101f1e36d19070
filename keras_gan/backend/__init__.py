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
