"""DCGAN generator and discriminator builders (Radford et al., 2016).

Every builder returns a plain Keras functional `keras.Model` made only of
built-in layers, so the models run on the TensorFlow, JAX and PyTorch
backends and can be saved with `model.save("model.keras")` and reloaded with
`keras.models.load_model()` (with the default `safe_mode=True`).

Conventions shared by all builders:

- Image models use the `"channels_last"` layout, `(height, width, channels)`,
  whatever the global `keras.config.image_data_format()` is.
- Discriminators return one raw logit per sample, shape `(batch_size, 1)`,
  with no activation: pair them with a loss that expects logits.
- Conditional models (`num_classes` set) take a list of two inputs,
  `[z, labels]` or `[x, labels]`, where `labels` are integer class ids of
  shape `(batch_size,)` or `(batch_size, 1)`.
"""

import keras

from keras_gan.layers.matmul_convolutions import MatmulConv2D
from keras_gan.layers.minibatch_standard_deviation import (
    MinibatchStandardDeviation,
)
from keras_gan.layers.spectral_normalization import spectrally_normalized
from keras_gan.layers.upsampling import resolve_upsampling
from keras_gan.layers.upsampling import upsampling_convolution
from keras_gan.models.conditioning import CONDITIONINGS
from keras_gan.models.conditioning import LEAKY_RELU_SLOPE
from keras_gan.models.conditioning import MINIBATCH_STD_GROUP_SIZE
from keras_gan.models.conditioning import discriminator_head
from keras_gan.models.conditioning import discriminator_inputs
from keras_gan.models.conditioning import generator_inputs
from keras_gan.models.conditioning import generator_output
from keras_gan.random_state import seeded_dropout
from keras_gan.validation import check_image_shape
from keras_gan.validation import check_num_classes
from keras_gan.validation import check_one_of
from keras_gan.validation import check_positive_int
from keras_gan.validation import check_rate


def dcgan_generator(
    latent_dim,
    image_shape,
    base_filters=64,
    num_classes=None,
    output_activation="tanh",
    name="generator",
    upsampling=None,
    start_conv_filters=None,
):
    """Builds a DCGAN generator (Radford et al., 2016).

    The latent vector is projected by a `Dense` layer and reshaped to a
    `(height / 4, width / 4, 4 * base_filters)` tensor, upsampled twice by
    stride-2 `Conv2DTranspose` layers (or nearest-neighbour resizes followed
    by 3x3 convolutions, see `upsampling`), with `BatchNormalization` and
    ReLU, then mapped to `channels` by a final `Conv2D`. With
    `start_conv_filters`, a stride-1 3x3 `Conv2D` + `BatchNormalization` +
    ReLU first works on the projected tensor, before the upsampling. With
    the default `"tanh"` output activation the images lie in `[-1, 1]`:
    scale real images to the same range (e.g. `x / 127.5 - 1`) before
    training.

    Args:
        latent_dim: Positive integer, size of the latent vector `z`.
        image_shape: Tuple `(height, width, channels)` of the generated
            images, channels last. `height` and `width` must be divisible
            by 4.
        base_filters: Positive integer, number of filters of the last
            upsampling block; earlier blocks use 2 and 4 times as many.
            Defaults to `64`.
        num_classes: Optional integer >= 2. When set, the model is
            class-conditional: its inputs are `[z, labels]` with integer
            `labels` of shape `(batch_size,)` or `(batch_size, 1)`, embedded
            and concatenated to `z`. Defaults to `None`.
        output_activation: Activation of the output layer. Defaults to
            `"tanh"`.
        name: Name of the model. Defaults to `"generator"`.
        upsampling: `"transpose"` (stride-2 4x4 `Conv2DTranspose`) or
            `"resize"` (2x nearest-neighbour `UpSampling2D` then a 3x3
            `Conv2D`: no checkerboard artifacts). Defaults to `None`: the
            faster of the two on the current backend, measured on CPU by
            `benchmarks/upsampling.py` (see `default_upsampling()`).
        start_conv_filters: Optional positive integer, filters of a
            stride-1 3x3 convolution at `(height / 4, width / 4)` after the
            projection, before the upsampling (the mirror of
            `dcgan_discriminator`'s `final_conv_filters`). Defaults to
            `None` (none).

    Returns:
        A `keras.Model` mapping `z` (or `[z, labels]`) to images of shape
        `(batch_size, height, width, channels)`.

    Example:

    ```python
    generator = keras_gan.models.dcgan_generator(
        latent_dim=128, image_shape=(28, 28, 1)
    )
    images = generator(keras.random.normal((16, 128)))  # (16, 28, 28, 1)
    ```
    """
    check_positive_int("latent_dim", latent_dim)
    height, width, channels = check_image_shape(image_shape, divisor=4)
    check_positive_int("base_filters", base_filters)
    check_num_classes(num_classes)
    upsampling = resolve_upsampling(upsampling)
    if start_conv_filters is not None:
        check_positive_int("start_conv_filters", start_conv_filters)

    inputs, h = generator_inputs(latent_dim, num_classes)
    start_shape = (height // 4, width // 4, 4 * base_filters)
    h = keras.layers.Dense(
        start_shape[0] * start_shape[1] * start_shape[2],
        use_bias=False,
        name="project",
    )(h)
    h = keras.layers.BatchNormalization(name="project_bn")(h)
    h = keras.layers.ReLU(name="project_relu")(h)
    h = keras.layers.Reshape(start_shape, name="reshape")(h)
    if start_conv_filters is not None:
        h = MatmulConv2D(
            start_conv_filters,
            kernel_size=3,
            padding="same",
            use_bias=False,
            data_format="channels_last",
            name="start_conv",
        )(h)
        h = keras.layers.BatchNormalization(name="start_conv_bn")(h)
        h = keras.layers.ReLU(name="start_conv_relu")(h)
    for i, filters in enumerate((2 * base_filters, base_filters)):
        h = upsampling_convolution(h, filters, upsampling, f"upsample_{i}")
        h = keras.layers.BatchNormalization(name=f"upsample_{i}_bn")(h)
        h = keras.layers.ReLU(name=f"upsample_{i}_relu")(h)
    h = MatmulConv2D(
        channels,
        kernel_size=3,
        padding="same",
        data_format="channels_last",
        name="to_image",
    )(h)
    outputs = generator_output(h, output_activation)
    return keras.Model(inputs, outputs, name=name)


def dcgan_discriminator(
    image_shape,
    base_filters=64,
    spectral_norm=False,
    num_classes=None,
    conditioning="projection",
    dropout=0.0,
    minibatch_std=False,
    stem_filters=None,
    final_conv_filters=None,
    name="discriminator",
):
    """Builds a DCGAN discriminator that outputs one logit per image.

    Two stride-2 `Conv2D` + `LeakyReLU(0.2)` blocks downsample the image to
    `(height / 4, width / 4, 2 * base_filters)` features, which are flattened
    and mapped to a single logit by a `Dense` layer (no activation). With
    `stem_filters`, a stride-1 3x3 `Conv2D` + `LeakyReLU(0.2)` first reads
    the image at full resolution; with `final_conv_filters`, another one
    follows the downsampling blocks.

    Args:
        image_shape: Tuple `(height, width, channels)` of the input images,
            channels last. `height` and `width` must be divisible by 4.
        base_filters: Positive integer, number of filters of the first
            convolution; the second one uses twice as many. Defaults to `64`.
        spectral_norm: Whether to wrap every `Conv2D` and `Dense` layer in
            `keras_gan.layers.SpectralNormalization` (Miyato et al., 2018).
            Defaults to `False`.
        num_classes: Optional integer >= 2. When set, the model is
            class-conditional: its inputs are `[x, labels]` with integer
            `labels` of shape `(batch_size,)` or `(batch_size, 1)`.
            Defaults to `None`.
        conditioning: How labels condition the model when `num_classes` is
            set. `"projection"` (recommended, Miyato & Koyama, 2018) adds
            `<embed(y), phi(x)>` to the logit, where `phi(x)` are the
            flattened features. `"concat"` embeds the labels as an extra
            `(height, width, 1)` channel concatenated to the image.
            Defaults to `"projection"`.
        dropout: Float in `[0, 1)`, dropout rate after each convolutional
            block. Defaults to `0.0`.
        minibatch_std: Whether to append a
            `keras_gan.layers.MinibatchStandardDeviation` feature map (groups
            of 4) after the last convolutional block (ProGAN/StyleGAN).
            Batch sizes must then be multiples of 4 (or smaller than 4).
            Defaults to `False`.
        stem_filters: Optional positive integer, filters of a stride-1 3x3
            convolution at full resolution before the downsampling blocks.
            Defaults to `None` (no stem).
        final_conv_filters: Optional positive integer, filters of a stride-1
            3x3 convolution at `(height / 4, width / 4)` after the
            downsampling blocks (before `minibatch_std` and the logit).
            Defaults to `None` (none).
        name: Name of the model. Defaults to `"discriminator"`.

    Returns:
        A `keras.Model` mapping images (or `[images, labels]`) to logits of
        shape `(batch_size, 1)`.

    Example:

    ```python
    discriminator = keras_gan.models.dcgan_discriminator(
        image_shape=(32, 32, 3), spectral_norm=True, num_classes=10
    )
    logits = discriminator([images, labels])  # (batch_size, 1)
    ```
    """
    image_shape = check_image_shape(image_shape, divisor=4)
    check_positive_int("base_filters", base_filters)
    check_num_classes(num_classes)
    check_one_of("conditioning", conditioning, CONDITIONINGS)
    check_rate("dropout", dropout)

    for argument, value in (
        ("stem_filters", stem_filters),
        ("final_conv_filters", final_conv_filters),
    ):
        if value is not None:
            check_positive_int(argument, value)

    inputs, h, labels = discriminator_inputs(
        image_shape, num_classes, conditioning
    )
    if stem_filters is not None:
        h = spectrally_normalized(
            MatmulConv2D(
                stem_filters,
                kernel_size=3,
                padding="same",
                data_format="channels_last",
                name="stem",
            ),
            spectral_norm,
        )(h)
        h = keras.layers.LeakyReLU(LEAKY_RELU_SLOPE, name="stem_lrelu")(h)
    for i, filters in enumerate((base_filters, 2 * base_filters)):
        h = spectrally_normalized(
            MatmulConv2D(
                filters,
                kernel_size=4,
                strides=2,
                padding="same",
                data_format="channels_last",
                name=f"downsample_{i}",
            ),
            spectral_norm,
        )(h)
        h = keras.layers.LeakyReLU(
            LEAKY_RELU_SLOPE, name=f"downsample_{i}_lrelu"
        )(h)
        if dropout:
            h = seeded_dropout(dropout, name=f"downsample_{i}_dropout")(h)
    if final_conv_filters is not None:
        h = spectrally_normalized(
            MatmulConv2D(
                final_conv_filters,
                kernel_size=3,
                padding="same",
                data_format="channels_last",
                name="final_conv",
            ),
            spectral_norm,
        )(h)
        h = keras.layers.LeakyReLU(
            LEAKY_RELU_SLOPE, name="final_conv_lrelu"
        )(h)
    if minibatch_std:
        h = MinibatchStandardDeviation(
            group_size=MINIBATCH_STD_GROUP_SIZE, name="minibatch_std"
        )(h)
    features = keras.layers.Flatten(name="features")(h)
    outputs = discriminator_head(
        features, labels, conditioning, num_classes, spectral_norm
    )
    return keras.Model(inputs, outputs, name=name)
