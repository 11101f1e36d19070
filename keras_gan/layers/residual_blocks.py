"""Residual blocks of SNGAN/BigGAN generators and discriminators."""

import keras
from keras import ops

from keras_gan.layers.spectral_normalization import spectrally_normalized
from keras_gan.layers.conditional_batch_normalization import (
    ConditionalBatchNormalization,
)
from keras_gan.layers.matmul_convolutions import MatmulConv2DTranspose
from keras_gan.validation import check_positive_int
from keras_gan.validation import check_num_classes
from keras_gan.layers.upsampling import check_upsampling

class _ResidualBlock(keras.layers.Layer):
    """Shared construction of the convolutions of a residual block."""

    def _conv(self, filters, kernel_size, name, strides=1, transpose=False):
        conv_class = MatmulConv2DTranspose if transpose else keras.layers.Conv2D
        return spectrally_normalized(
            conv_class(
                filters,
                kernel_size,
                strides=strides,
                padding="same",
                data_format="channels_last",
                dtype=self.dtype_policy,
                name=name,
            ),
            self.spectral_norm,
        )


@keras.saving.register_keras_serializable(package="keras_gan")
class GeneratorResidualBlock(_ResidualBlock):
    """Generator residual block that doubles height and width (SNGAN/BigGAN).

    Main path: normalization, ReLU, 2x upsampling with a 3x3 convolution,
    normalization, ReLU, 3x3 convolution. Shortcut: nearest-neighbour 2x
    upsampling and a 1x1 convolution. The output is their sum.

    With `upsampling="resize"` the main path upsamples by nearest-neighbour
    resizing followed by the 3x3 convolution (no checkerboard artifacts,
    and fast on every backend); with `"transpose"` it uses one stride-2
    4x4 `Conv2DTranspose`.

    Args:
        filters: Positive integer, output channels.
        upsampling: `"resize"` or `"transpose"`, see above.
            Defaults to `"resize"`.
        num_classes: Optional integer >= 2. When set, both normalizations are
            `ConditionalBatchNormalization` layers and the block is called on
            `[x, labels]`. Defaults to `None` (`BatchNormalization`).
        spectral_norm: Whether to wrap the convolutions in
            `keras_gan.layers.SpectralNormalization`. Defaults to `False`.
        **kwargs: Base `keras.layers.Layer` arguments.

    Example:

    ```python
    block = keras_gan.layers.GeneratorResidualBlock(64, num_classes=10)
    y = block([keras.random.normal((8, 7, 7, 128)), labels])  # (8, 14, 14, 64)
    ```
    """

    def __init__(
        self,
        filters,
        upsampling="resize",
        num_classes=None,
        spectral_norm=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_positive_int("filters", filters)
        check_upsampling(upsampling)
        check_num_classes(num_classes)
        self.filters = int(filters)
        self.upsampling = upsampling
        self.num_classes = num_classes
        self.spectral_norm = bool(spectral_norm)
        # === Layers ===
        self.norm_1 = self._normalization("norm_1")
        self.norm_2 = self._normalization("norm_2")
        self.upsample = keras.layers.UpSampling2D(
            2, data_format="channels_last", name="upsample"
        )
        transpose = upsampling == "transpose"
        self.conv_1 = self._conv(
            self.filters,
            4 if transpose else 3,
            "conv_1",
            strides=2 if transpose else 1,
            transpose=transpose,
        )
        self.conv_2 = self._conv(self.filters, 3, "conv_2")
        self.shortcut = self._conv(self.filters, 1, "shortcut")

    def _normalization(self, name):
        if self.num_classes is None:
            return keras.layers.BatchNormalization(
                dtype=self.dtype_policy, name=name
            )
        return ConditionalBatchNormalization(
            self.num_classes, dtype=self.dtype_policy, name=name
        )

    def _normalize(self, layer, x, labels, training):
        if labels is None:
            return layer(x, training=training)
        return layer([x, labels], training=training)

    def build(self, input_shape):
        x_shape = input_shape if self.num_classes is None else input_shape[0]
        height, width = x_shape[1], x_shape[2]
        up_shape = (x_shape[0], _double(height), _double(width))
        self.upsample.build(x_shape)
        if self.upsampling == "transpose":
            self.conv_1.build(x_shape)
        else:
            self.conv_1.build(up_shape + (x_shape[-1],))
        self.shortcut.build(up_shape + (x_shape[-1],))
        self.conv_2.build(up_shape + (self.filters,))
        if self.num_classes is None:
            self.norm_1.build(x_shape)
            self.norm_2.build(up_shape + (self.filters,))
        else:
            labels_shape = input_shape[1]
            self.norm_1.build([x_shape, labels_shape])
            self.norm_2.build([up_shape + (self.filters,), labels_shape])

    def call(self, inputs, training=False):
        labels = None
        x = inputs
        if self.num_classes is not None:
            x, labels = inputs
        h = ops.relu(self._normalize(self.norm_1, x, labels, training))
        if self.upsampling == "resize":
            h = self.upsample(h)
        h = self.conv_1(h, training=training)
        h = ops.relu(self._normalize(self.norm_2, h, labels, training))
        h = self.conv_2(h, training=training)
        skip = self.shortcut(self.upsample(x), training=training)
        return h + skip

    def compute_output_shape(self, input_shape):
        x_shape = input_shape if self.num_classes is None else input_shape[0]
        return (
            x_shape[0],
            _double(x_shape[1]),
            _double(x_shape[2]),
            self.filters,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "upsampling": self.upsampling,
                "num_classes": self.num_classes,
                "spectral_norm": self.spectral_norm,
            }
        )
        return config


@keras.saving.register_keras_serializable(package="keras_gan")
class DiscriminatorResidualBlock(_ResidualBlock):
    """Discriminator residual block that halves height and width (SNGAN).

    Main path: ReLU (omitted when `preactivation=False`), 3x3 convolution,
    ReLU, 3x3 convolution, 2x2 average pooling (when `downsample`).
    Shortcut: 1x1 convolution then average pooling (pooling first when
    `preactivation=False`, as in SNGAN's first "optimized" block); it is the
    identity when the block neither downsamples nor changes the channels.

    Args:
        filters: Positive integer, output channels.
        downsample: Whether to halve height and width. Defaults to `True`.
        preactivation: Whether the main path starts with a ReLU. Use `False`
            for the first block, applied to images. Defaults to `True`.
        spectral_norm: Whether to wrap the convolutions in
            `keras_gan.layers.SpectralNormalization` (Miyato et al. 2018).
            Defaults to `True`.
        **kwargs: Base `keras.layers.Layer` arguments.

    Example:

    ```python
    block = keras_gan.layers.DiscriminatorResidualBlock(
        64, preactivation=False
    )
    features = block(images)  # (batch, height / 2, width / 2, 64)
    ```
    """

    def __init__(
        self,
        filters,
        downsample=True,
        preactivation=True,
        spectral_norm=True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_positive_int("filters", filters)
        self.filters = int(filters)
        self.downsample = bool(downsample)
        self.preactivation = bool(preactivation)
        self.spectral_norm = bool(spectral_norm)
        # === Layers ===
        self.conv_1 = self._conv(self.filters, 3, "conv_1")
        self.conv_2 = self._conv(self.filters, 3, "conv_2")
        self.pool = keras.layers.AveragePooling2D(
            2, data_format="channels_last", name="pool"
        )
        self.shortcut = None

    def build(self, input_shape):
        channels = input_shape[-1]
        self.conv_1.build(input_shape)
        self.conv_2.build(tuple(input_shape[:-1]) + (self.filters,))
        if self.downsample or channels != self.filters:
            self.shortcut = self._conv(self.filters, 1, "shortcut")
            self.shortcut.build(input_shape)

    def call(self, inputs, training=False):
        h = ops.relu(inputs) if self.preactivation else inputs
        h = self.conv_1(h, training=training)
        h = self.conv_2(ops.relu(h), training=training)
        if self.downsample:
            h = self.pool(h)
        skip = inputs
        if self.shortcut is None:
            return h + skip
        if self.downsample and not self.preactivation:
            skip = self.pool(skip)
        skip = self.shortcut(skip, training=training)
        if self.downsample and self.preactivation:
            skip = self.pool(skip)
        return h + skip

    def compute_output_shape(self, input_shape):
        batch, height, width = input_shape[:3]
        if self.downsample:
            height, width = _halve(height), _halve(width)
        return (batch, height, width, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "downsample": self.downsample,
                "preactivation": self.preactivation,
                "spectral_norm": self.spectral_norm,
            }
        )
        return config


def _double(size):
    return None if size is None else 2 * size


def _halve(size):
    return None if size is None else size // 2
