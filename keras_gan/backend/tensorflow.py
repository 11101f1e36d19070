"""TensorFlow mechanics: `tf.GradientTape`."""

import keras
import tensorflow as tf


def input_gradients(fn, inputs):
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        outputs = fn(inputs)
        total = tf.reduce_sum(tf.cast(outputs, "float32"))
    return tape.gradient(total, inputs), outputs


def all_finite(loss, gradients):
    checks = []
    for value in [loss, *gradients]:
        if isinstance(value, tf.IndexedSlices):
            value = value.values
        if value is not None:
            checks.append(tf.reduce_all(tf.math.is_finite(value)))
    return tf.reduce_all(tf.stack(checks))


def replica_context():
    """`(replica index, number of replicas)` of the current replica."""
    context = tf.distribute.get_replica_context()
    if context is None:
        return 0, 1
    return context.replica_id_in_sync_group, context.num_replicas_in_sync


def replica_sum(value):
    """The sum of `value` over the replicas of a `tf.distribute` step."""
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return value
    return context.all_reduce("SUM", value)


def replica_concat(value):
    """`value` of every replica, concatenated in replica order on axis 0."""
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return value
    return context.all_gather(value, axis=0)


def all_replicas_finite(finite):
    """Whether `finite` holds on every replica."""
    return replica_sum(1.0 - tf.cast(finite, "float32")) == 0.0


def _poison_unless(finite, gradients):
    """The gradients, made NaN on every replica unless `finite` is true.

    Keras' `LossScaleOptimizer` checks only the first replica's gradients
    under a `MirroredStrategy`; with a flag agreed by all replicas, every
    replica's gradients are non-finite when any one's are, so the update is
    skipped everywhere.
    """
    poison = tf.where(finite, 0.0, float("nan"))

    def poisoned(gradient):
        if gradient is None:
            return None
        if isinstance(gradient, tf.IndexedSlices):
            return tf.IndexedSlices(
                poisoned(gradient.values), gradient.indices, gradient.dense_shape
            )
        return gradient + tf.cast(poison, gradient.dtype)

    return [poisoned(g) for g in gradients]


def stateful_cond(pred, true_fn, false_fn):
    return keras.ops.cond(pred, true_fn, false_fn)


def prepare_logs(logs):
    """Gives logs the shape Keras' multi-worker reduction expects.

    Keras reduces per-replica logs under `MultiWorkerMirroredStrategy` with
    `strategy.reduce("MEAN", value, axis=0)`, which fails on scalars
    (tensorflow/tensorflow#72388); shape `(1,)` reduces to a scalar.
    """
    if isinstance(tf.distribute.get_strategy(), tf.distribute.MultiWorkerMirroredStrategy):
        return {key: tf.reshape(value, (1,)) for key, value in logs.items()}
    return logs


class GANTrainer:
    def minimize(self, loss_fn, variables, optimizer):
        """Runs `loss_fn()` and applies one update of `variables`.

        `loss_fn` returns `(loss, aux)`; `(loss, aux, finite)` is returned,
        `finite` telling whether the loss and all gradients were finite.
        """
        _, num_replicas = replica_context()
        with tf.GradientTape() as tape:
            loss, aux = loss_fn()
            # Gradients are summed over replicas: dividing each replica's
            # mean by the replica count gives the global-batch mean.
            scaled_loss = optimizer.scale_loss(loss / num_replicas)
        gradients = tape.gradient(scaled_loss, variables)
        finite = all_finite(loss, gradients)
        if num_replicas > 1:
            finite = all_replicas_finite(finite)
            gradients = _poison_unless(finite, gradients)
        optimizer.apply(gradients, variables)
        return loss, aux, finite

    def skip_batches(self, function_args, count):
        """Drops `count` batches from the train function's iterator."""
        (iterator,) = function_args
        for _ in range(count):
            next(iterator)
        return self.get_logs()
