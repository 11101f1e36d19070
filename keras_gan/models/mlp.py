"""MLP generator and discriminator builders for vector data."""

import keras

from keras_gan.layers.spectral_normalization import spectrally_normalized
from keras_gan.models.conditioning import CONDITIONINGS
from keras_gan.models.conditioning import LEAKY_RELU_SLOPE
from keras_gan.models.conditioning import discriminator_head
from keras_gan.models.conditioning import discriminator_inputs
from keras_gan.models.conditioning import generator_inputs
from keras_gan.models.conditioning import generator_output
from keras_gan.validation import check_num_classes
from keras_gan.validation import check_one_of
from keras_gan.validation import check_positive_int
from keras_gan.validation import check_units


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
    check_positive_int("latent_dim", latent_dim)
    check_positive_int("output_dim", output_dim)
    hidden_units = check_units("hidden_units", hidden_units)
    check_num_classes(num_classes)

    inputs, h = generator_inputs(latent_dim, num_classes)
    for i, units in enumerate(hidden_units):
        h = keras.layers.Dense(
            units, activation=activation, name=f"hidden_{i}"
        )(h)
    h = keras.layers.Dense(output_dim, name="to_output")(h)
    outputs = generator_output(h, output_activation)
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
    check_positive_int("input_dim", input_dim)
    hidden_units = check_units("hidden_units", hidden_units)
    check_num_classes(num_classes)
    check_one_of("conditioning", conditioning, CONDITIONINGS)

    inputs, h, labels = discriminator_inputs(
        (input_dim,), num_classes, conditioning
    )
    for i, units in enumerate(hidden_units):
        h = spectrally_normalized(
            keras.layers.Dense(units, name=f"hidden_{i}"), spectral_norm
        )(h)
        h = keras.layers.LeakyReLU(
            LEAKY_RELU_SLOPE, name=f"hidden_{i}_lrelu"
        )(h)
    outputs = discriminator_head(
        h, labels, conditioning, num_classes, spectral_norm
    )
    return keras.Model(inputs, outputs, name=name)
