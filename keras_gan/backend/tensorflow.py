"""TensorFlow mechanics: `tf.GradientTape`."""

import tensorflow as tf


def input_gradients(fn, inputs):
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        outputs = fn(inputs)
        total = tf.reduce_sum(tf.cast(outputs, "float32"))
    return tape.gradient(total, inputs), outputs


class GANTrainer:
    def minimize(self, loss_fn, variables, optimizer):
        """Runs `loss_fn()` and applies one update of `variables`.

        `loss_fn` returns `(loss, aux)`; `(loss, aux)` is returned.
        """
        with tf.GradientTape() as tape:
            loss, aux = loss_fn()
            scaled_loss = optimizer.scale_loss(loss)
        gradients = tape.gradient(scaled_loss, variables)
        optimizer.apply(gradients, variables)
        return loss, aux
