"""Class-conditional batch normalization (de Vries et al. 2017, BigGAN)."""

import keras
from keras import ops

from keras_gan.validation import is_integer


@keras.saving.register_keras_serializable(package="keras_gan")
class ConditionalBatchNormalization(keras.layers.Layer):
    """Batch normalization whose scale and offset depend on the class.

    `out = normalize(x) * gamma[label] + beta[label]`, where `normalize` is a
    `keras.layers.BatchNormalization` without its own scale and offset
    (batch statistics in training, moving averages in inference) and
    `gamma`, `beta` are per-class vectors over the channels (last axis),
    initialized to ones and zeros. This is how class labels condition the
    residual blocks of SNGAN/BigGAN generators.

    Args:
        num_classes: Integer >= 2, number of classes.
        momentum: Momentum of the moving mean and variance.
            Defaults to `0.99`.
        epsilon: Small float added to the variance. Defaults to `1e-3`.
        **kwargs: Base `keras.layers.Layer` arguments.

    Call arguments:
        inputs: A list `[x, labels]`: `x` of shape `(batch, ..., channels)`
            and integer `labels` of shape `(batch,)` or `(batch, 1)`.
        training: Whether to normalize with the batch statistics (and
            update the moving averages).

    Example:

    ```python
    cbn = keras_gan.layers.ConditionalBatchNormalization(num_classes=10)
    x = keras.random.normal((8, 14, 14, 32))
    labels = keras.ops.arange(8) % 10
    y = cbn([x, labels], training=True)  # (8, 14, 14, 32)
    ```
    """

    def __init__(self, num_classes, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        if not is_integer(num_classes) or num_classes < 2:
            raise ValueError(
                "Invalid value for argument `num_classes`. Expected an "
                f"integer >= 2. Received: num_classes={num_classes!r}"
            )
        self.num_classes = int(num_classes)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        # === Layers ===
        self.normalization = keras.layers.BatchNormalization(
            momentum=self.momentum,
            epsilon=self.epsilon,
            center=False,
            scale=False,
            dtype=self.dtype_policy,
            name="normalization",
        )

    def build(self, input_shape):
        x_shape = input_shape[0]
        channels = x_shape[-1]
        self.normalization.build(x_shape)
        self.class_scale = self.add_weight(
            shape=(self.num_classes, channels),
            initializer="ones",
            name="class_scale",
        )
        self.class_offset = self.add_weight(
            shape=(self.num_classes, channels),
            initializer="zeros",
            name="class_offset",
        )

    def call(self, inputs, training=False):
        x, labels = inputs
        labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
        normalized = self.normalization(x, training=training)
        broadcast = (-1,) + (1,) * (len(x.shape) - 2) + (x.shape[-1],)
        scale = ops.reshape(ops.take(self.class_scale, labels, axis=0), broadcast)
        offset = ops.reshape(
            ops.take(self.class_offset, labels, axis=0), broadcast
        )
        return normalized * ops.cast(scale, normalized.dtype) + ops.cast(
            offset, normalized.dtype
        )

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_classes": self.num_classes,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
            }
        )
        return config
