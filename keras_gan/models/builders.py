"""Ready-made generator and discriminator architectures.

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

import numbers
import random

import keras

from keras_gan.layers._spectral import spectrally_normalized
from keras_gan.layers.matmul_convolutions import MatmulConv2D
from keras_gan.layers.matmul_convolutions import MatmulConv2DTranspose

_CONDITIONINGS = ("projection", "concat")
# Size of the label embedding concatenated to the latent vector in
# conditional generators.
_GENERATOR_LABEL_EMBEDDING_DIM = 50
_LEAKY_RELU_SLOPE = 0.2
_DATA_FORMAT = "channels_last"
_UPSAMPLINGS = ("transpose", "resize")
# Measured by `benchmarks/upsampling.py` and, for JAX with
# `MatmulConv2DTranspose`, `benchmarks/backend_step_time.py` (README,
# "Benchmarks").
_DEFAULT_UPSAMPLING = {
    "tensorflow": "transpose",
    "jax": "transpose",
    "torch": "transpose",
}


# --------------------------------------------------------------------------
# Argument validation
# --------------------------------------------------------------------------


def _invalid(name, value, expected):
    return ValueError(
        f"Invalid value for argument `{name}`. "
        f"Received: {name}={value!r}. Expected {expected}."
    )


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _validate_positive_int(name, value):
    if not _is_int(value) or value <= 0:
        raise _invalid(name, value, "a positive integer")


def _validate_image_shape(image_shape):
    try:
        shape = tuple(image_shape)
    except TypeError:
        shape = None
    if (
        shape is None
        or len(shape) != 3
        or not all(_is_int(dim) and dim > 0 for dim in shape)
    ):
        raise _invalid(
            "image_shape",
            image_shape,
            "a tuple of 3 positive integers `(height, width, channels)`",
        )
    shape = tuple(int(dim) for dim in shape)
    if shape[0] % 4 or shape[1] % 4:
        raise _invalid(
            "image_shape", shape, "height and width divisible by 4"
        )
    return shape


def _validate_hidden_units(hidden_units):
    try:
        units = tuple(hidden_units)
    except TypeError:
        units = None
    if units is None or not all(_is_int(u) and u > 0 for u in units):
        raise _invalid(
            "hidden_units", hidden_units, "a sequence of positive integers"
        )
    return tuple(int(u) for u in units)


def _validate_num_classes(num_classes):
    if num_classes is None:
        return
    if not _is_int(num_classes) or num_classes < 2:
        raise _invalid("num_classes", num_classes, "`None` or an integer >= 2")


def _validate_conditioning(conditioning):
    if conditioning not in _CONDITIONINGS:
        raise _invalid(
            "conditioning", conditioning, f"one of {list(_CONDITIONINGS)}"
        )


def _validate_dropout(dropout):
    if (
        not isinstance(dropout, (int, float))
        or isinstance(dropout, bool)
        or not 0.0 <= dropout < 1.0
    ):
        raise _invalid("dropout", dropout, "a float in [0, 1)")


# --------------------------------------------------------------------------
# Shared building blocks
# --------------------------------------------------------------------------


def _label_input():
    """Integer class-id input; accepts `(batch,)` and `(batch, 1)` arrays."""
    return keras.Input(shape=(1,), dtype="int32", name="labels")


def _embed_labels(labels, num_classes, dim, name):
    """Embeds integer `labels` into float vectors of shape `(batch, dim)`.

    The embedding is never spectrally normalized: `SpectralNormalization`
    casts its output to the dtype of its (integer) inputs.
    """
    embedding = keras.layers.Embedding(num_classes, dim, name=name)
    return keras.layers.Flatten(name=f"{name}_flat")(embedding(labels))


def _generator_inputs(latent_dim, num_classes):
    """Returns `(inputs, h)`: the model inputs and the latent code to decode.

    For conditional generators, `h` is `z` concatenated with a label
    embedding.
    """
    z = keras.Input(shape=(latent_dim,), name="z")
    if num_classes is None:
        return z, z
    labels = _label_input()
    label_code = _embed_labels(
        labels,
        num_classes,
        _GENERATOR_LABEL_EMBEDDING_DIM,
        name="label_embedding",
    )
    h = keras.layers.Concatenate(name="z_and_labels")([z, label_code])
    return [z, labels], h


def _generator_output(h, output_activation):
    # Computed in float32 so mixed-precision models still emit float32.
    return keras.layers.Activation(
        output_activation, dtype="float32", name="output"
    )(h)


def _discriminator_head(
    features, labels, conditioning, num_classes, spectral_norm
):
    """Maps features `phi(x)` to one logit per sample.

    With projection conditioning (Miyato & Koyama, 2018) the logit is
    `psi(phi(x)) + <embed(y), phi(x)>`; otherwise it is `psi(phi(x))`.
    """
    logit = spectrally_normalized(
        keras.layers.Dense(1, name="logit"), spectral_norm
    )(features)
    if labels is not None and conditioning == "projection":
        class_embedding = _embed_labels(
            labels,
            num_classes,
            features.shape[-1],
            name="projection_embedding",
        )
        projection = keras.layers.Dot(axes=1, name="projection")(
            [class_embedding, features]
        )
        logit = keras.layers.Add(name="logit_plus_projection")(
            [logit, projection]
        )
    return keras.layers.Activation("linear", dtype="float32", name="output")(
        logit
    )


def _label_features(labels, num_classes, sample_shape):
    """Label embedding to concatenate to samples of shape `sample_shape`.

    Images `(height, width, channels)` get a `(height, width, 1)` label map;
    vectors `(dim,)` get a `(dim,)` label vector.
    """
    if len(sample_shape) == 1:
        return _embed_labels(
            labels, num_classes, sample_shape[0], name="label_embedding"
        )
    height, width = sample_shape[:2]
    label_map = _embed_labels(
        labels, num_classes, height * width, name="label_embedding"
    )
    return keras.layers.Reshape((height, width, 1), name="label_map")(
        label_map
    )


def _discriminator_inputs(sample_shape, num_classes, conditioning):
    """Returns `(inputs, x, labels)` for a discriminator.

    `x` is the sample to featurize. With concat conditioning it already holds
    the label embedding (as an extra channel for images, extra features for
    vectors). `labels` is the label input, or `None` when unconditional.
    """
    x_in = keras.Input(shape=sample_shape, name="x")
    if num_classes is None:
        return x_in, x_in, None
    labels = _label_input()
    x = x_in
    if conditioning == "concat":
        x = keras.layers.Concatenate(name="x_and_labels")(
            [x, _label_features(labels, num_classes, sample_shape)]
        )
    return [x_in, labels], x, labels


# --------------------------------------------------------------------------
# Public builders
# --------------------------------------------------------------------------


def dcgan_generator(
    latent_dim,
    image_shape,
    base_filters=64,
    num_classes=None,
    output_activation="tanh",
    name="generator",
    upsampling=None,
):
    """Builds a DCGAN generator (Radford et al., 2016).

    The latent vector is projected by a `Dense` layer and reshaped to a
    `(height / 4, width / 4, 4 * base_filters)` tensor, upsampled twice by
    stride-2 `Conv2DTranspose` layers (or nearest-neighbour resizes followed
    by 3x3 convolutions, see `upsampling`), with `BatchNormalization` and
    ReLU, then mapped to `channels` by a final `Conv2D`. With the default `"tanh"`
    output activation the images lie in `[-1, 1]`: scale real images to the
    same range (e.g. `x / 127.5 - 1`) before training.

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
    _validate_positive_int("latent_dim", latent_dim)
    height, width, channels = _validate_image_shape(image_shape)
    _validate_positive_int("base_filters", base_filters)
    _validate_num_classes(num_classes)
    upsampling = resolve_upsampling(upsampling)

    inputs, h = _generator_inputs(latent_dim, num_classes)
    start_shape = (height // 4, width // 4, 4 * base_filters)
    h = keras.layers.Dense(
        start_shape[0] * start_shape[1] * start_shape[2],
        use_bias=False,
        name="project",
    )(h)
    h = keras.layers.BatchNormalization(name="project_bn")(h)
    h = keras.layers.ReLU(name="project_relu")(h)
    h = keras.layers.Reshape(start_shape, name="reshape")(h)
    for i, filters in enumerate((2 * base_filters, base_filters)):
        h = _upsampling_convolution(h, filters, upsampling, f"upsample_{i}")
        h = keras.layers.BatchNormalization(name=f"upsample_{i}_bn")(h)
        h = keras.layers.ReLU(name=f"upsample_{i}_relu")(h)
    h = MatmulConv2D(
        channels,
        kernel_size=3,
        padding="same",
        data_format=_DATA_FORMAT,
        name="to_image",
    )(h)
    outputs = _generator_output(h, output_activation)
    return keras.Model(inputs, outputs, name=name)


def default_upsampling():
    """The generator builders' default `upsampling` on the current backend.

    Measured on CPU with `benchmarks/upsampling.py` (see the README): the
    faster of `"transpose"` and `"resize"` for the MNIST DCGAN generator.
    """
    return _DEFAULT_UPSAMPLING.get(keras.backend.backend(), "transpose")


def resolve_upsampling(upsampling):
    """`upsampling`, or the backend's default when it is `None`."""
    if upsampling is None:
        return default_upsampling()
    if upsampling not in _UPSAMPLINGS:
        raise _invalid(
            "upsampling", upsampling, f"one of {list(_UPSAMPLINGS)} or None"
        )
    return upsampling


def _upsampling_convolution(
    h, filters, upsampling, name, kernel_size=4, use_bias=False
):
    """Doubles height and width of `h` and maps it to `filters` channels:
    a stride-2 `kernel_size` transposed convolution (`"transpose"`), or a
    nearest-neighbour resize and a 3x3 convolution (`"resize"`)."""
    if upsampling == "transpose":
        return MatmulConv2DTranspose(
            filters,
            kernel_size=kernel_size,
            strides=2,
            padding="same",
            use_bias=use_bias,
            data_format=_DATA_FORMAT,
            name=name,
        )(h)
    h = keras.layers.UpSampling2D(
        2, data_format=_DATA_FORMAT, name=f"{name}_resize"
    )(h)
    return keras.layers.Conv2D(
        filters,
        kernel_size=3,
        padding="same",
        use_bias=use_bias,
        data_format=_DATA_FORMAT,
        name=name,
    )(h)


def _seeded_dropout(rate, name):
    # An explicit seed (drawn from the state `keras.utils.set_random_seed`
    # sets) makes the dropout masks reproducible and resumable on every
    # backend: unseeded, PyTorch draws them from its global generator.
    return keras.layers.Dropout(rate, seed=random.randint(0, 2**31 - 1), name=name)


def dcgan_discriminator(
    image_shape,
    base_filters=64,
    spectral_norm=False,
    num_classes=None,
    conditioning="projection",
    dropout=0.0,
    name="discriminator",
):
    """Builds a DCGAN discriminator that outputs one logit per image.

    Two stride-2 `Conv2D` + `LeakyReLU(0.2)` blocks downsample the image to
    `(height / 4, width / 4, 2 * base_filters)` features, which are flattened
    and mapped to a single logit by a `Dense` layer (no activation).

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
    image_shape = _validate_image_shape(image_shape)
    _validate_positive_int("base_filters", base_filters)
    _validate_num_classes(num_classes)
    _validate_conditioning(conditioning)
    _validate_dropout(dropout)

    inputs, h, labels = _discriminator_inputs(
        image_shape, num_classes, conditioning
    )
    for i, filters in enumerate((base_filters, 2 * base_filters)):
        h = spectrally_normalized(
            MatmulConv2D(
                filters,
                kernel_size=4,
                strides=2,
                padding="same",
                data_format=_DATA_FORMAT,
                name=f"downsample_{i}",
            ),
            spectral_norm,
        )(h)
        h = keras.layers.LeakyReLU(
            _LEAKY_RELU_SLOPE, name=f"downsample_{i}_lrelu"
        )(h)
        if dropout:
            h = _seeded_dropout(dropout, name=f"downsample_{i}_dropout")(h)
    features = keras.layers.Flatten(name="features")(h)
    outputs = _discriminator_head(
        features, labels, conditioning, num_classes, spectral_norm
    )
    return keras.Model(inputs, outputs, name=name)


def mlp_generator(
    latent_dim,
    output_dim,
    hidden_units=(128, 128),
    num_classes=None,
    activation="relu",
    output_activation=None,
    name="generator",
):
    """Builds a fully connected generator for vectors or tabular rows.

    Args:
        latent_dim: Positive integer, size of the latent vector `z`.
        output_dim: Positive integer, size of the generated vectors.
        hidden_units: Sequence of positive integers, the sizes of the hidden
            `Dense` layers. Defaults to `(128, 128)`.
        num_classes: Optional integer >= 2. When set, the model is
            class-conditional: its inputs are `[z, labels]` with integer
            `labels` of shape `(batch_size,)` or `(batch_size, 1)`, embedded
            and concatenated to `z`. Defaults to `None`.
        activation: Activation of the hidden layers. Defaults to `"relu"`.
        output_activation: Activation of the output layer; `None` gives
            unbounded outputs (e.g. standardized data), `"tanh"` outputs in
            `[-1, 1]`. Defaults to `None`.
        name: Name of the model. Defaults to `"generator"`.

    Returns:
        A `keras.Model` mapping `z` (or `[z, labels]`) to vectors of shape
        `(batch_size, output_dim)`.

    Example:

    ```python
    generator = keras_gan.models.mlp_generator(latent_dim=8, output_dim=2)
    points = generator(keras.random.normal((256, 8)))  # (256, 2)
    ```
    """
    _validate_positive_int("latent_dim", latent_dim)
    _validate_positive_int("output_dim", output_dim)
    hidden_units = _validate_hidden_units(hidden_units)
    _validate_num_classes(num_classes)

    inputs, h = _generator_inputs(latent_dim, num_classes)
    for i, units in enumerate(hidden_units):
        h = keras.layers.Dense(
            units, activation=activation, name=f"hidden_{i}"
        )(h)
    h = keras.layers.Dense(output_dim, name="to_output")(h)
    outputs = _generator_output(h, output_activation)
    return keras.Model(inputs, outputs, name=name)


def mlp_discriminator(
    input_dim,
    hidden_units=(128, 128),
    num_classes=None,
    conditioning="projection",
    spectral_norm=False,
    name="discriminator",
):
    """Builds a fully connected discriminator that outputs one logit per row.

    Hidden `Dense` layers use `LeakyReLU(0.2)`; a final `Dense` layer maps
    the last hidden features to a single logit (no activation).

    Args:
        input_dim: Positive integer, size of the input vectors.
        hidden_units: Sequence of positive integers, the sizes of the hidden
            `Dense` layers. Defaults to `(128, 128)`.
        num_classes: Optional integer >= 2. When set, the model is
            class-conditional: its inputs are `[x, labels]` with integer
            `labels` of shape `(batch_size,)` or `(batch_size, 1)`.
            Defaults to `None`.
        conditioning: How labels condition the model when `num_classes` is
            set. `"projection"` (recommended, Miyato & Koyama, 2018) adds
            `<embed(y), phi(x)>` to the logit, where `phi(x)` are the last
            hidden features. `"concat"` concatenates a label embedding (of
            size `input_dim`) to the input. Defaults to `"projection"`.
        spectral_norm: Whether to wrap every `Dense` layer in
            `keras_gan.layers.SpectralNormalization`. Defaults to `False`.
        name: Name of the model. Defaults to `"discriminator"`.

    Returns:
        A `keras.Model` mapping vectors (or `[vectors, labels]`) to logits of
        shape `(batch_size, 1)`.

    Example:

    ```python
    discriminator = keras_gan.models.mlp_discriminator(
        input_dim=2, num_classes=3
    )
    logits = discriminator([points, labels])  # (batch_size, 1)
    ```
    """
    _validate_positive_int("input_dim", input_dim)
    hidden_units = _validate_hidden_units(hidden_units)
    _validate_num_classes(num_classes)
    _validate_conditioning(conditioning)

    inputs, h, labels = _discriminator_inputs(
        (input_dim,), num_classes, conditioning
    )
    for i, units in enumerate(hidden_units):
        h = spectrally_normalized(
            keras.layers.Dense(units, name=f"hidden_{i}"), spectral_norm
        )(h)
        h = keras.layers.LeakyReLU(
            _LEAKY_RELU_SLOPE, name=f"hidden_{i}_lrelu"
        )(h)
    outputs = _discriminator_head(
        h, labels, conditioning, num_classes, spectral_norm
    )
    return keras.Model(inputs, outputs, name=name)
