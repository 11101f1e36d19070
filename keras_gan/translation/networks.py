"""Networks for image-to-image translation (Pix2Pix, CycleGAN).

- `unet_generator`: the encoder-decoder with skip connections of Pix2Pix
  (Isola et al. 2017).
- `resnet_translation_generator`: the residual generator of CycleGAN
  (Zhu et al. 2017, after Johnson et al. 2016).
- `patchgan_discriminator`: a fully convolutional discriminator that gives
  one logit per image patch, `(batch, h, w, 1)`.

All three are functional `keras.Model`s of Keras layers and
`keras_gan.layers.ReflectionPadding2D` (channels last), so they save to
`.keras` and run on every backend. Instance normalization is
`keras.layers.GroupNormalization(groups=-1)`. Outputs are computed in
float32, so the models also work under mixed precision. Random layers
(the U-Net's dropout) are seeded from Python's `random` module, which
`keras.utils.set_random_seed` sets, so training resumes exactly on every
backend.
"""

import math

import keras

from keras_gan.layers.reflection_padding import ReflectionPadding2D
from keras_gan.layers.upsampling import resolve_upsampling
from keras_gan.layers.upsampling import upsampling_convolution
from keras_gan.random_state import seeded_dropout
from keras_gan.validation import check_image_shape
from keras_gan.validation import check_one_of
from keras_gan.validation import check_positive_int

_LEAKY_RELU_SLOPE = 0.2
_MAX_FILTER_MULTIPLIER = 8
_MAX_UNET_DOWNSAMPLES = 8
PADDINGS = ("reflect", "zeros")


def _instance_norm(name):
    return keras.layers.GroupNormalization(groups=-1, epsilon=1e-5, name=name)


def _max_downsamples(image_shape):
    height, width = image_shape[:2]
    count = 0
    while height % 2 == 0 and width % 2 == 0 and count < 8:
        height, width, count = height // 2, width // 2, count + 1
    return count


def _check_downsamples(image_shape, num_downsamples):
    check_positive_int("num_downsamples", num_downsamples)
    if num_downsamples > _max_downsamples(image_shape):
        raise ValueError(
            "Invalid value for argument `num_downsamples`. Expected at most "
            f"{_max_downsamples(image_shape)}: the height and width "
            f"{tuple(image_shape[:2])} must be divisible by "
            f"2**num_downsamples. Received: num_downsamples={num_downsamples}"
        )


def _unet_downsamples(image_shape):
    """Enough stages to bring the larger side down to one pixel."""
    size = max(image_shape[:2])
    return max(1, min(_MAX_UNET_DOWNSAMPLES, math.ceil(math.log2(size))))


def unet_generator(
    image_shape,
    output_channels=None,
    filters=64,
    num_downsamples=None,
    dropout=0.5,
    name="unet_generator",
    upsampling=None,
):
    """The U-Net generator of Pix2Pix (Isola et al. 2017).

    Each encoder stage halves the resolution (4x4 convolution, stride 2,
    instance normalization except on the first and the innermost stage,
    as in the paper's code: it would zero a 1x1 map, LeakyReLU 0.2); each
    decoder stage doubles it (4x4 transposed convolution, instance
    normalization, ReLU, dropout on the three innermost stages) and is
    concatenated with the encoder features of the same resolution. The
    output is `tanh`, in `[-1, 1]`, with the source's height and width.

    By default the encoder goes down to one pixel, as the paper's 256x256
    network does, so every output pixel sees the whole source (a network
    that stops at 7x7 on 28x28 images sees 10 pixels around each output
    pixel: it cannot complete one half of an image from the other). Sources
    whose height or width is not divisible by `2**num_downsamples` are
    padded by reflection up to the next multiple and the output is cropped
    back.

    Args:
        image_shape: Source image shape `(height, width, channels)`.
        output_channels: Channels of the translation. Defaults to the
            source's channels.
        filters: Filters of the first stage, doubled per stage up to
            `8 * filters`. Defaults to `64`.
        num_downsamples: Encoder stages, at most enough to bring the
            larger side to one pixel (and 8). Defaults to that number: 8
            for 256x256 images (the paper's network), 5 for 28x28.
        dropout: Dropout rate of the three innermost decoder stages, the
            noise of Pix2Pix; the layers are seeded (see the module
            docstring). Defaults to `0.5`.
        name: Model name. Defaults to `"unet_generator"`.
        upsampling: `"transpose"` (stride-2 transposed convolutions, the
            paper's) or `"resize"` (nearest-neighbour resize then a 3x3
            convolution: no checkerboard artifacts). Defaults to `None`:
            the backend's default, `keras_gan.models.default_upsampling()`.

    Returns:
        A `keras.Model` mapping `(batch, *image_shape)` to
        `(batch, height, width, output_channels)`.

    Example:

    ```python
    generator = keras_gan.models.unet_generator((28, 28, 1), filters=32)
    ```
    """
    image_shape = check_image_shape(image_shape)
    output_channels = image_shape[-1] if output_channels is None else output_channels
    check_positive_int("output_channels", output_channels)
    check_positive_int("filters", filters)
    most = _unet_downsamples(image_shape)
    if num_downsamples is None:
        num_downsamples = most
    check_positive_int("num_downsamples", num_downsamples)
    if num_downsamples > most:
        raise ValueError(
            "Invalid value for argument `num_downsamples`. Expected at most "
            f"{most}: enough stages to bring the image size "
            f"{tuple(image_shape[:2])} to one pixel. Received: "
            f"num_downsamples={num_downsamples}"
        )
    upsampling = resolve_upsampling(upsampling)
    if isinstance(dropout, bool) or not 0.0 <= float(dropout) < 1.0:
        raise ValueError(
            "Invalid value for argument `dropout`. Expected a float in "
            f"[0, 1). Received: dropout={dropout!r}"
        )

    def stage_filters(stage):
        return filters * min(2**stage, _MAX_FILTER_MULTIPLIER)

    inputs = keras.Input(image_shape, name="source")
    h = inputs
    multiple = 2**num_downsamples
    padding = []
    for size in image_shape[:2]:
        extra = -size % multiple
        padding.append((extra // 2, extra - extra // 2))
    if any(sum(p) for p in padding):
        h = ReflectionPadding2D(tuple(padding), name="pad")(h)
    skips = []
    for stage in range(num_downsamples):
        h = keras.layers.Conv2D(
            stage_filters(stage), 4, strides=2, padding="same", name=f"down{stage}_conv"
        )(h)
        if 0 < stage < num_downsamples - 1:
            h = _instance_norm(f"down{stage}_norm")(h)
        h = keras.layers.LeakyReLU(_LEAKY_RELU_SLOPE, name=f"down{stage}_act")(h)
        skips.append(h)
    for stage in reversed(range(num_downsamples - 1)):
        h = upsampling_convolution(
            h, stage_filters(stage), upsampling, f"up{stage}_conv", use_bias=True
        )
        h = _instance_norm(f"up{stage}_norm")(h)
        h = keras.layers.ReLU(name=f"up{stage}_act")(h)
        if dropout > 0 and stage >= num_downsamples - 4:
            h = seeded_dropout(dropout, name=f"up{stage}_dropout")(h)
        h = keras.layers.Concatenate(name=f"up{stage}_skip")([h, skips[stage]])
    h = upsampling_convolution(
        h, output_channels, upsampling, "output_conv", use_bias=True
    )
    if any(sum(p) for p in padding):
        h = keras.layers.Cropping2D(tuple(padding), name="crop")(h)
    outputs = keras.layers.Activation("tanh", dtype="float32", name="output")(h)
    return keras.Model(inputs, outputs, name=name)


def resnet_translation_generator(
    image_shape,
    num_residual_blocks=9,
    output_channels=None,
    filters=64,
    num_downsamples=2,
    name="resnet_translation_generator",
    upsampling=None,
    padding="reflect",
):
    """The residual generator of CycleGAN (Zhu et al. 2017).

    A 7x7 convolution, `num_downsamples` stride-2 3x3 convolutions,
    `num_residual_blocks` residual blocks (two 3x3 convolutions with
    instance normalization), as many stride-2 transposed convolutions, and a
    7x7 `tanh` convolution. Every hidden convolution is followed by instance
    normalization (`GroupNormalization(groups=-1)`) and ReLU. As in the
    paper, the 7x7 and the residual convolutions pad by reflection
    (`padding="reflect"`), the strided ones with zeros.

    Args:
        image_shape: Input image shape `(height, width, channels)`; height
            and width divisible by `2**num_downsamples`.
        num_residual_blocks: Residual blocks at the lowest resolution
            (the paper: 9 for 256x256 images, 6 for 128x128). Defaults to
            `9`.
        output_channels: Channels of the output. Defaults to the input's.
        filters: Filters of the first convolution, doubled at each
            downsampling. Defaults to `64`.
        num_downsamples: Downsampling (and upsampling) stages. Defaults
            to `2`.
        name: Model name. Defaults to `"resnet_translation_generator"`.
        upsampling: `"transpose"` (stride-2 transposed convolutions, the
            paper's) or `"resize"` (nearest-neighbour resize then a 3x3
            convolution: no checkerboard artifacts). Defaults to `None`:
            the backend's default, `keras_gan.models.default_upsampling()`.
        padding: `"reflect"` (the paper's) or `"zeros"` (zero `"same"`
            padding everywhere). Defaults to `"reflect"`.

    Returns:
        A `keras.Model` mapping `(batch, *image_shape)` to
        `(batch, height, width, output_channels)` in `[-1, 1]`. Its layers
        are named `stem_conv`, `down{i}_conv`, `res{i}_add` (the output of
        residual block `i`), `up{i}_conv`, `output`; `keras_gan.CUT` takes
        its PatchNCE features from them.

    Example:

    ```python
    generator_ab = keras_gan.models.resnet_translation_generator(
        (28, 28, 1), num_residual_blocks=3, filters=32
    )
    ```
    """
    image_shape = check_image_shape(image_shape)
    output_channels = image_shape[-1] if output_channels is None else output_channels
    check_positive_int("output_channels", output_channels)
    check_positive_int("filters", filters)
    if isinstance(num_residual_blocks, bool) or not isinstance(
        num_residual_blocks, int
    ) or num_residual_blocks < 0:
        raise ValueError(
            "Invalid value for argument `num_residual_blocks`. Expected an "
            f"integer >= 0. Received: num_residual_blocks={num_residual_blocks!r}"
        )
    _check_downsamples(image_shape, num_downsamples)
    upsampling = resolve_upsampling(upsampling)
    check_one_of("padding", padding, PADDINGS)
    lowest = min(image_shape[:2]) // 2**num_downsamples
    if padding == "reflect" and (min(image_shape[:2]) <= 3 or (num_residual_blocks and lowest <= 1)):
        raise ValueError(
            "Invalid value for argument `padding`: reflection needs images "
            "larger than the padding (3 pixels at full resolution, 1 at the "
            f"lowest, {lowest}x{lowest} here). Pass padding='zeros'. "
            f"Received: padding={padding!r}"
        )

    def conv(h, width, kernel_size, name):
        """A stride-1 convolution with the chosen padding."""
        if padding == "zeros":
            return keras.layers.Conv2D(width, kernel_size, padding="same", name=name)(h)
        h = ReflectionPadding2D(kernel_size // 2, name=f"{name}_pad")(h)
        return keras.layers.Conv2D(width, kernel_size, padding="valid", name=name)(h)

    def norm_relu(h, name):
        h = _instance_norm(f"{name}_norm")(h)
        return keras.layers.ReLU(name=f"{name}_act")(h)

    inputs = keras.Input(image_shape, name="image")
    h = norm_relu(conv(inputs, filters, 7, "stem_conv"), "stem")
    width = filters
    for stage in range(num_downsamples):
        width *= 2
        h = keras.layers.Conv2D(
            width, 3, strides=2, padding="same", name=f"down{stage}_conv"
        )(h)
        h = norm_relu(h, f"down{stage}")
    for block in range(num_residual_blocks):
        name = f"res{block}"
        r = norm_relu(conv(h, width, 3, f"{name}_conv1"), f"{name}_1")
        r = conv(r, width, 3, f"{name}_conv2")
        r = _instance_norm(f"{name}_norm2")(r)
        h = keras.layers.Add(name=f"{name}_add")([h, r])
    for stage in range(num_downsamples):
        width //= 2
        h = upsampling_convolution(
            h, width, upsampling, f"up{stage}_conv", kernel_size=3, use_bias=True
        )
        h = norm_relu(h, f"up{stage}")
    if padding == "reflect":
        h = ReflectionPadding2D(3, name="output_pad")(h)
    outputs = keras.layers.Conv2D(
        output_channels,
        7,
        padding="same" if padding == "zeros" else "valid",
        activation="tanh",
        dtype="float32",
        name="output",
    )(h)
    return keras.Model(inputs, outputs, name=name)


def patchgan_discriminator(
    image_shape,
    conditional=False,
    source_shape=None,
    filters=64,
    num_layers=3,
    name="patchgan_discriminator",
):
    """The PatchGAN discriminator of Pix2Pix and CycleGAN.

    `num_layers` stride-2 4x4 convolutions (LeakyReLU 0.2, instance
    normalization except on the first), one stride-1 4x4 convolution and a
    4x4 convolution to one channel: a map of raw logits, one per patch,
    `(batch, h, w, 1)`. With the defaults on 256x256 images each logit sees
    a 70x70 patch. `keras_gan` losses average over the patches.

    Args:
        image_shape: Shape of the judged images `(height, width, channels)`.
        conditional: If `True`, the model takes `[source, image]` and
            judges the pair (Pix2Pix); the two are concatenated along the
            channels. Defaults to `False`.
        source_shape: Shape of the source images when `conditional`; same
            height and width as `image_shape`. Defaults to `image_shape`.
        filters: Filters of the first layer, doubled per layer up to
            `8 * filters`. Defaults to `64`.
        num_layers: Stride-2 layers. Defaults to `3`.
        name: Model name. Defaults to `"patchgan_discriminator"`.

    Returns:
        A `keras.Model` giving float32 logits `(batch, h, w, 1)`.

    Example:

    ```python
    discriminator = keras_gan.models.patchgan_discriminator(
        (28, 28, 1), conditional=True, filters=32, num_layers=2
    )
    ```
    """
    image_shape = check_image_shape(image_shape)
    check_positive_int("filters", filters)
    check_positive_int("num_layers", num_layers)
    if not isinstance(conditional, bool):
        raise ValueError(
            "Invalid value for argument `conditional`. Expected a bool. "
            f"Received: conditional={conditional!r}"
        )
    image = keras.Input(image_shape, name="image")
    h = image
    inputs = image
    if conditional:
        source_shape = image_shape if source_shape is None else check_image_shape(source_shape, "source_shape")
        if source_shape[:2] != image_shape[:2]:
            raise ValueError(
                "Invalid value for argument `source_shape`. Expected the "
                f"height and width of `image_shape` {image_shape}. "
                f"Received: source_shape={source_shape}"
            )
        source = keras.Input(source_shape, name="source")
        inputs = [source, image]
        h = keras.layers.Concatenate(name="pair")([source, image])
    elif source_shape is not None:
        raise ValueError(
            "Invalid value for argument `source_shape`: it is only used with "
            f"`conditional=True`. Received: source_shape={source_shape!r}"
        )

    def block(h, width, strides, index, normalize):
        h = keras.layers.Conv2D(
            width, 4, strides=strides, padding="same", name=f"conv{index}"
        )(h)
        if normalize:
            h = _instance_norm(f"norm{index}")(h)
        return keras.layers.LeakyReLU(_LEAKY_RELU_SLOPE, name=f"act{index}")(h)

    for index in range(num_layers):
        width = filters * min(2**index, _MAX_FILTER_MULTIPLIER)
        h = block(h, width, 2, index, normalize=index > 0)
    width = filters * min(2**num_layers, _MAX_FILTER_MULTIPLIER)
    h = block(h, width, 1, num_layers, normalize=True)
    outputs = keras.layers.Conv2D(
        1, 4, padding="same", dtype="float32", name="logits"
    )(h)
    return keras.Model(inputs, outputs, name=name)
