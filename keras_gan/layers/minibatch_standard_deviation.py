"""Minibatch standard deviation (Karras et al. 2018, ProGAN/StyleGAN)."""

import keras
from keras import ops

from keras_gan.validation import check_positive_int


@keras.saving.register_keras_serializable(package="keras_gan")
class MinibatchStandardDeviation(keras.layers.Layer):
    """Appends the spread of features within groups of samples.

    The batch is split into groups of `group_size` samples: sample `b`
    belongs to the group of samples `b mod (batch / group_size)`, as in
    StyleGAN. For every group and every feature position the standard
    deviation across the group is taken, averaged over height, width and the
    channels of each of `num_channels` channel slices, and appended to every
    sample of the group as `num_channels` constant feature maps. A
    discriminator that sees this statistic can tell a generator with little
    variety (mode collapse) from the data. Statistics are computed in
    float32 and cast back to the input dtype.

    Args:
        group_size: Positive integer, number of samples per group. The batch
            size must be a multiple of `min(group_size, batch_size)`.
            Defaults to `4`.
        num_channels: Positive integer, number of appended feature maps; the
            input channels must be a multiple of it. Defaults to `1`.
        epsilon: Small float added to the variance before the square root.
            Defaults to `1e-8`.
        **kwargs: Base `keras.layers.Layer` arguments.

    Example:

    ```python
    layer = keras_gan.layers.MinibatchStandardDeviation(group_size=4)
    features = layer(keras.random.normal((8, 7, 7, 64)))  # (8, 7, 7, 65)
    ```
    """

    def __init__(self, group_size=4, num_channels=1, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("group_size", group_size)
        check_positive_int("num_channels", num_channels)
        if not float(epsilon) >= 0.0:
            raise ValueError(
                "Invalid value for argument `epsilon`. Expected a "
                f"non-negative float. Received: epsilon={epsilon!r}"
            )
        self.group_size = int(group_size)
        self.num_channels = int(num_channels)
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(
                "`MinibatchStandardDeviation` expects inputs of shape "
                "(batch, height, width, channels). "
                f"Received: input_shape={tuple(input_shape)}"
            )
        if input_shape[-1] % self.num_channels:
            raise ValueError(
                "Invalid value for argument `num_channels`. Expected a "
                f"divisor of the input channels ({input_shape[-1]}). "
                f"Received: num_channels={self.num_channels}"
            )

    def _group_size(self, batch):
        if isinstance(batch, int):
            if batch % min(self.group_size, batch):
                raise ValueError(
                    "`MinibatchStandardDeviation` needs a batch size that is "
                    f"a multiple of group_size={self.group_size}. "
                    f"Received: batch_size={batch}"
                )
            return min(self.group_size, batch)
        return self.group_size

    def call(self, inputs):
        height, width, channels = inputs.shape[1:]
        group = self._group_size(inputs.shape[0])
        x = ops.cast(inputs, "float32")
        x = ops.reshape(
            x,
            (
                group,
                -1,
                height,
                width,
                self.num_channels,
                channels // self.num_channels,
            ),
        )
        variance = ops.var(x, axis=0)
        std = ops.sqrt(variance + self.epsilon)
        stat = ops.mean(std, axis=(1, 2, 4))  # (batch / group, num_channels)
        stat = ops.tile(stat, (group, 1))  # row b is the stat of b's group
        maps = ops.broadcast_to(
            stat[:, None, None, :],
            (ops.shape(inputs)[0], height, width, self.num_channels),
        )
        return ops.concatenate([inputs, ops.cast(maps, inputs.dtype)], -1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (
            input_shape[-1] + self.num_channels,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "group_size": self.group_size,
                "num_channels": self.num_channels,
                "epsilon": self.epsilon,
            }
        )
        return config
