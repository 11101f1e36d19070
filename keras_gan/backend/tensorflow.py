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
        optimizer.apply(gradients, variables)
        return loss, aux, all_finite(loss, gradients)

    def skip_batches(self, function_args, count):
        """Drops `count` batches from the train function's iterator."""
        (iterator,) = function_args
        for _ in range(count):
            next(iterator)
        return self.get_logs()
