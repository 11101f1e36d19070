"""Self-attention over image positions (Zhang et al. 2019, SAGAN)."""

import keras
from keras import ops

from keras_gan.layers.spectral_normalization import spectrally_normalized
from keras_gan.validation import check_positive_int


@keras.saving.register_keras_serializable(package="keras_gan")
class SelfAttention(keras.layers.Layer):
    """SAGAN self-attention block for channels-last feature maps.

    Every position attends to every other one:
    `out = x + gamma * conv_o(softmax(q k^T) v)` with 1x1 convolutions
    `q = conv_q(x)`, `k = conv_k(x)` (`channels // key_ratio` channels each)
    and `v = conv_v(x)` (`channels // value_ratio` channels), the softmax
    taken over the attended positions. `gamma` is a learned scalar that
    starts at 0, so the block starts as the identity and the network learns
    how much non-local evidence to use. The attention weights are computed
    in float32.

    Args:
        key_ratio: Positive integer, channels of the queries and keys are
            `channels // key_ratio`. Defaults to `8`.
        value_ratio: Positive integer, channels of the values are
            `channels // value_ratio`. Defaults to `2`.
        spectral_norm: Whether to wrap the four convolutions in
            `keras_gan.layers.SpectralNormalization`. Defaults to `False`.
        **kwargs: Base `keras.layers.Layer` arguments.

    Example:

    ```python
    attention = keras_gan.layers.SelfAttention(spectral_norm=True)
    features = attention(keras.random.normal((4, 16, 16, 64)))  # same shape
    ```
    """

    def __init__(self, key_ratio=8, value_ratio=2, spectral_norm=False, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("key_ratio", key_ratio)
        check_positive_int("value_ratio", value_ratio)
        self.key_ratio = int(key_ratio)
        self.value_ratio = int(value_ratio)
        self.spectral_norm = bool(spectral_norm)

    def _conv(self, filters, name):
        return spectrally_normalized(
            keras.layers.Conv2D(
                filters,
                1,
                use_bias=False,
                data_format="channels_last",
                dtype=self.dtype_policy,
                name=name,
            ),
            self.spectral_norm,
        )

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(
                "`SelfAttention` expects inputs of shape "
                "(batch, height, width, channels) with known channels. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        channels = input_shape[-1]
        key_channels = max(1, channels // self.key_ratio)
        value_channels = max(1, channels // self.value_ratio)
        # === Layers ===
        self.query = self._conv(key_channels, "query")
        self.key = self._conv(key_channels, "key")
        self.value = self._conv(value_channels, "value")
        self.output_projection = self._conv(channels, "output_projection")
        self.query.build(input_shape)
        self.key.build(input_shape)
        self.value.build(input_shape)
        self.output_projection.build(
            tuple(input_shape[:-1]) + (value_channels,)
        )
        self.gamma = self.add_weight(
            shape=(), initializer="zeros", name="gamma"
        )

    def call(self, inputs, training=False):
        height, width = inputs.shape[1], inputs.shape[2]
        positions = height * width

        def flat(layer):
            h = layer(inputs, training=training)
            return ops.reshape(
                ops.cast(h, "float32"), (-1, positions, h.shape[-1])
            )

        queries, keys, values = flat(self.query), flat(self.key), flat(
            self.value
        )
        scores = ops.matmul(queries, ops.transpose(keys, (0, 2, 1)))
        weights = ops.softmax(scores, axis=-1)
        attended = ops.matmul(weights, values)
        attended = ops.reshape(
            attended, (-1, height, width, values.shape[-1])
        )
        attended = ops.cast(attended, self.compute_dtype)
        update = self.output_projection(attended, training=training)
        return inputs + ops.cast(self.gamma, inputs.dtype) * update

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "key_ratio": self.key_ratio,
                "value_ratio": self.value_ratio,
                "spectral_norm": self.spectral_norm,
            }
        )
        return config
