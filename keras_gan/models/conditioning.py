"""Inputs and heads shared by the image and vector builders.

Conditional builders (`num_classes` set) take `[z, labels]` or `[x,
labels]`: the generator concatenates a label embedding to `z`; the
discriminator either projects a class embedding on its features
(Miyato & Koyama, 2018) or concatenates a label map to its input.
"""

import keras

from keras_gan.layers.spectral_normalization import spectrally_normalized

CONDITIONINGS = ("projection", "concat")
# Size of the label embedding concatenated to the latent vector in
# conditional generators.
GENERATOR_LABEL_EMBEDDING_DIM = 50
LEAKY_RELU_SLOPE = 0.2
# Samples per group of the discriminators' minibatch standard deviation.
MINIBATCH_STD_GROUP_SIZE = 4


def label_input():
    """Integer class-id input; accepts `(batch,)` and `(batch, 1)` arrays."""
    return keras.Input(shape=(1,), dtype="int32", name="labels")


def embed_labels(labels, num_classes, dim, name):
    """Embeds integer `labels` into float vectors of shape `(batch, dim)`.

    The embedding is never spectrally normalized: `SpectralNormalization`
    casts its output to the dtype of its (integer) inputs.
    """
    embedding = keras.layers.Embedding(num_classes, dim, name=name)
    return keras.layers.Flatten(name=f"{name}_flat")(embedding(labels))


def generator_inputs(latent_dim, num_classes):
    """Returns `(inputs, h)`: the model inputs and the latent code to decode.

    For conditional generators, `h` is `z` concatenated with a label
    embedding.
    """
    z = keras.Input(shape=(latent_dim,), name="z")
    if num_classes is None:
        return z, z
    labels = label_input()
    label_code = embed_labels(
        labels,
        num_classes,
        GENERATOR_LABEL_EMBEDDING_DIM,
        name="label_embedding",
    )
    h = keras.layers.Concatenate(name="z_and_labels")([z, label_code])
    return [z, labels], h


def generator_output(h, output_activation):
    # Computed in float32 so mixed-precision models still emit float32.
    return keras.layers.Activation(
        output_activation, dtype="float32", name="output"
    )(h)


def discriminator_head(
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
        class_embedding = embed_labels(
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


def label_features(labels, num_classes, sample_shape):
    """Label embedding to concatenate to samples of shape `sample_shape`.

    Images `(height, width, channels)` get a `(height, width, 1)` label map;
    vectors `(dim,)` get a `(dim,)` label vector.
    """
    if len(sample_shape) == 1:
        return embed_labels(
            labels, num_classes, sample_shape[0], name="label_embedding"
        )
    height, width = sample_shape[:2]
    label_map = embed_labels(
        labels, num_classes, height * width, name="label_embedding"
    )
    return keras.layers.Reshape((height, width, 1), name="label_map")(
        label_map
    )


def discriminator_inputs(sample_shape, num_classes, conditioning):
    """Returns `(inputs, x, labels)` for a discriminator.

    `x` is the sample to featurize. With concat conditioning it already holds
    the label embedding (as an extra channel for images, extra features for
    vectors). `labels` is the label input, or `None` when unconditional.
    """
    x_in = keras.Input(shape=sample_shape, name="x")
    if num_classes is None:
        return x_in, x_in, None
    labels = label_input()
    x = x_in
    if conditioning == "concat":
        x = keras.layers.Concatenate(name="x_and_labels")(
            [x, label_features(labels, num_classes, sample_shape)]
        )
    return [x_in, labels], x, labels
