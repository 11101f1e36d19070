"""ResNet generator and discriminator builders (SNGAN/BigGAN/SAGAN style).

Both builders return plain functional `keras.Model`s made of Keras layers
and the layers of `keras_gan.layers`, so they run on every backend and save
to `.keras` files. Images are channels-last; generator outputs lie in
`[-1, 1]` with the default `"tanh"`; discriminators return one float32 logit
per image, shape `(batch_size, 1)`.
"""

import keras

from keras_gan.layers.conditional_batch_normalization import (
    ConditionalBatchNormalization,
)
from keras_gan.layers.minibatch_standard_deviation import (
    MinibatchStandardDeviation,
)
from keras_gan.layers.residual_blocks import DiscriminatorResidualBlock
from keras_gan.layers.residual_blocks import GeneratorResidualBlock
from keras_gan.layers.spectral_normalization import spectrally_normalized
from keras_gan.layers.self_attention import SelfAttention
from keras_gan.layers.upsampling import resolve_upsampling
from keras_gan.models.conditioning import MINIBATCH_STD_GROUP_SIZE
from keras_gan.models.conditioning import discriminator_head
from keras_gan.models.conditioning import discriminator_inputs
from keras_gan.models.conditioning import generator_output
from keras_gan.models.conditioning import label_input
from keras_gan.models.conditioning import CONDITIONINGS
from keras_gan.validation import check_image_shape
from keras_gan.validation import check_num_classes
from keras_gan.validation import check_one_of
from keras_gan.validation import check_positive_int


def _resolve_num_blocks(num_blocks, image_shape):
    """Number of resolution-changing blocks: 2 up to 32 px, else 3."""
    height, width = image_shape[:2]
    if num_blocks is None:
        num_blocks = 2 if max(height, width) <= 32 else 3
    check_positive_int("num_blocks", num_blocks)
    factor = 2**num_blocks
    if height % factor or width % factor:
        raise ValueError(
            "Invalid value for argument `image_shape`. Expected height and "
            f"width divisible by 2**num_blocks={factor}. "
            f"Received: image_shape={tuple(image_shape)}"
        )
    return num_blocks


def _apply(layer, h, labels):
    """Calls a block on `h`, or on `[h, labels]` when it is conditional."""
    return layer(h) if labels is None else layer([h, labels])


def resnet_generator(
    latent_dim,
    image_shape,
    base_filters=64,
    num_blocks=None,
    num_classes=None,
    self_attention=False,
    spectral_norm=False,
    upsampling=None,
    output_activation="tanh",
    name="generator",
):
    """Builds a residual generator (SNGAN/BigGAN style) for 28-64 px images.

    `z` is projected by a `Dense` layer to a
    `(height / 2**n, width / 2**n, base_filters * 2**n)` tensor, then
    `n = num_blocks` `keras_gan.layers.GeneratorResidualBlock`s double the
    resolution and halve the channels, down to `base_filters`; a final
    normalization, ReLU, 3x3 convolution and `output_activation` give the
    image.

    Args:
        latent_dim: Positive integer, size of the latent vector `z`.
        image_shape: Tuple `(height, width, channels)`, channels last;
            height and width divisible by `2**num_blocks`.
        base_filters: Positive integer, channels of the last block.
            Defaults to `64`.
        num_blocks: Positive integer, number of upsampling blocks.
            Defaults to `None`: 2 for images up to 32 px, 3 above.
        num_classes: Optional integer >= 2. When set, the model takes
            `[z, labels]` and every normalization is a
            `keras_gan.layers.ConditionalBatchNormalization`, as in BigGAN.
            Defaults to `None`.
        self_attention: Whether to add a `keras_gan.layers.SelfAttention`
            block before the last residual block (SAGAN). Defaults to `False`.
        spectral_norm: Whether to spectrally normalize the generator's
            `Dense` and convolution layers (SAGAN, BigGAN do).
            Defaults to `False`.
        upsampling: `"transpose"`, `"resize"` or `None` for the backend's
            default, see `keras_gan.models.dcgan_generator`.
        output_activation: Activation of the output. Defaults to `"tanh"`.
        name: Name of the model. Defaults to `"generator"`.

    Returns:
        A `keras.Model` mapping `z` (or `[z, labels]`) to images of shape
        `(batch_size, height, width, channels)`.

    Example:

    ```python
    generator = keras_gan.models.resnet_generator(
        latent_dim=128, image_shape=(32, 32, 3), num_classes=10
    )
    images = generator([keras.random.normal((8, 128)), labels])
    ```
    """
    check_positive_int("latent_dim", latent_dim)
    height, width, channels = check_image_shape(image_shape, divisor=4)
    check_positive_int("base_filters", base_filters)
    check_num_classes(num_classes)
    num_blocks = _resolve_num_blocks(num_blocks, (height, width))
    upsampling = resolve_upsampling(upsampling)

    z = keras.Input(shape=(latent_dim,), name="z")
    labels = None if num_classes is None else label_input()
    scale = 2**num_blocks
    start_shape = (height // scale, width // scale, base_filters * scale)
    h = spectrally_normalized(
        keras.layers.Dense(
            start_shape[0] * start_shape[1] * start_shape[2], name="project"
        ),
        spectral_norm,
    )(z)
    h = keras.layers.Reshape(start_shape, name="reshape")(h)
    for i in range(num_blocks):
        if self_attention and i == num_blocks - 1:
            h = SelfAttention(spectral_norm=spectral_norm, name="attention")(h)
        block = GeneratorResidualBlock(
            base_filters * 2 ** (num_blocks - 1 - i),
            upsampling=upsampling,
            num_classes=num_classes,
            spectral_norm=spectral_norm,
            name=f"block_{i}",
        )
        h = _apply(block, h, labels)
    if num_classes is None:
        norm = keras.layers.BatchNormalization(name="output_bn")
    else:
        norm = ConditionalBatchNormalization(num_classes, name="output_bn")
    h = keras.layers.ReLU(name="output_relu")(_apply(norm, h, labels))
    h = spectrally_normalized(
        keras.layers.Conv2D(
            channels, 3, padding="same", data_format="channels_last",
            name="to_image",
        ),
        spectral_norm,
    )(h)
    outputs = generator_output(h, output_activation)
    inputs = z if labels is None else [z, labels]
    return keras.Model(inputs, outputs, name=name)


def resnet_discriminator(
    image_shape,
    base_filters=64,
    num_blocks=None,
    spectral_norm=True,
    self_attention=False,
    minibatch_std=False,
    num_classes=None,
    conditioning="projection",
    name="discriminator",
):
    """Builds a residual discriminator (SNGAN style) for 28-64 px images.

    `num_blocks` `keras_gan.layers.DiscriminatorResidualBlock`s halve the
    resolution and double the channels (from `base_filters`; the first one
    is SNGAN's "optimized" block without pre-activation), one more block
    keeps the resolution, then ReLU, global average pooling and a `Dense`
    logit (plus the class projection `<embed(y), phi(x)>` of Miyato &
    Koyama 2018 when `num_classes` is set with `conditioning="projection"`).

    Args:
        image_shape: Tuple `(height, width, channels)`, channels last;
            height and width divisible by `2**num_blocks`.
        base_filters: Positive integer, channels of the first block.
            Defaults to `64`.
        num_blocks: Positive integer, number of downsampling blocks.
            Defaults to `None`: 2 for images up to 32 px, 3 above.
        spectral_norm: Whether to wrap every convolution and `Dense` layer
            in `keras_gan.layers.SpectralNormalization`. Defaults to `True`.
        self_attention: Whether to add a `keras_gan.layers.SelfAttention`
            block after the first residual block (SAGAN). Defaults to
            `False`.
        minibatch_std: Whether to append a
            `keras_gan.layers.MinibatchStandardDeviation` feature map (groups
            of 4) before the last block (ProGAN/StyleGAN). Batch sizes must
            then be multiples of 4 (or smaller than 4). Defaults to `False`.
        num_classes: Optional integer >= 2; the model then takes
            `[images, labels]`. Defaults to `None`.
        conditioning: `"projection"` or `"concat"`, see
            `keras_gan.models.dcgan_discriminator`.
            Defaults to `"projection"`.
        name: Name of the model. Defaults to `"discriminator"`.

    Returns:
        A `keras.Model` mapping images (or `[images, labels]`) to logits of
        shape `(batch_size, 1)`.

    Example:

    ```python
    discriminator = keras_gan.models.resnet_discriminator(
        (28, 28, 1), minibatch_std=True, num_classes=10
    )
    logits = discriminator([images, labels])  # (batch_size, 1)
    ```
    """
    image_shape = check_image_shape(image_shape, divisor=4)
    check_positive_int("base_filters", base_filters)
    check_num_classes(num_classes)
    check_one_of("conditioning", conditioning, CONDITIONINGS)
    num_blocks = _resolve_num_blocks(num_blocks, image_shape)

    inputs, h, labels = discriminator_inputs(
        image_shape, num_classes, conditioning
    )
    for i in range(num_blocks):
        h = DiscriminatorResidualBlock(
            base_filters * 2**i,
            preactivation=i > 0,
            spectral_norm=spectral_norm,
            name=f"block_{i}",
        )(h)
        if self_attention and i == 0:
            h = SelfAttention(spectral_norm=spectral_norm, name="attention")(h)
    if minibatch_std:
        h = MinibatchStandardDeviation(
            group_size=MINIBATCH_STD_GROUP_SIZE, name="minibatch_std"
        )(h)
    h = DiscriminatorResidualBlock(
        base_filters * 2 ** (num_blocks - 1),
        downsample=False,
        spectral_norm=spectral_norm,
        name=f"block_{num_blocks}",
    )(h)
    h = keras.layers.ReLU(name="features_relu")(h)
    features = keras.layers.GlobalAveragePooling2D(name="features")(h)
    outputs = discriminator_head(
        features, labels, conditioning, num_classes, spectral_norm
    )
    return keras.Model(inputs, outputs, name=name)
