"""Generators and discriminators for sequences: text and time series.

Both networks are stacks of 1-D convolutional residual blocks, as in the
character-level language model of WGAN-GP (Gulrajani et al. 2017): every
block is `x + 0.3 * conv(relu(conv(relu(x))))` with "same" padding, so the
sequence length never changes.

- `sequence_generator` maps a latent vector to `(sequence_length,
  vocab_size)`: per-position probabilities (`output="softmax"`), relaxed
  one-hot samples (`output="gumbel_softmax"`, see
  `keras_gan.layers.GumbelSoftmax`) or real values (`output="linear"`, for
  time series).
- `sequence_discriminator` maps such a sequence (or one-hot real text) to
  one logit.

Outputs are float32 under mixed precision. The models are plain functional
Keras models: they save, reload and run on every backend.
"""

import random

import keras

from keras_gan.layers.gumbel_softmax import GumbelSoftmax
from keras_gan.layers.gumbel_softmax import check_temperature
from keras_gan.validation import invalid_argument
from keras_gan.validation import check_positive_int
from keras_gan.text.vocabulary import Vocabulary
from keras_gan.text.vocabulary import VocabularyLayer

OUTPUTS = ("softmax", "gumbel_softmax", "linear")
# Weight of the residual branch, as in the WGAN-GP language model.
_RESIDUAL_SCALE = 0.3


def _residual_block(x, channels, kernel_size, name):
    h = keras.layers.ReLU(name=f"{name}_relu1")(x)
    h = keras.layers.Conv1D(
        channels, kernel_size, padding="same", name=f"{name}_conv1"
    )(h)
    h = keras.layers.ReLU(name=f"{name}_relu2")(h)
    h = keras.layers.Conv1D(
        channels, kernel_size, padding="same", name=f"{name}_conv2"
    )(h)
    h = keras.layers.Rescaling(_RESIDUAL_SCALE, name=f"{name}_scale")(h)
    return keras.layers.Add(name=f"{name}_add")([x, h])


def _validate_common(sequence_length, vocab_size, channels, num_blocks,
                     kernel_size):
    check_positive_int("sequence_length", sequence_length)
    check_positive_int("vocab_size", vocab_size)
    check_positive_int("channels", channels)
    check_positive_int("kernel_size", kernel_size)
    if isinstance(num_blocks, bool) or not isinstance(num_blocks, int) or (
        num_blocks < 0
    ):
        raise invalid_argument("num_blocks", num_blocks, "an integer >= 0")


def sequence_generator(
    latent_dim,
    sequence_length,
    vocab_size,
    channels=128,
    num_blocks=5,
    kernel_size=5,
    output="softmax",
    temperature=1.0,
    seed=None,
    vocabulary=None,
    name="sequence_generator",
):
    """Builds a 1-D convolutional residual generator of sequences.

    The latent vector is projected by a `Dense` layer to
    `(sequence_length, channels)`, passed through `num_blocks` residual
    blocks, and mapped to `vocab_size` values per position by a
    kernel-size-1 `Conv1D`, then the `output` activation.

    Args:
        latent_dim: Positive integer, size of the latent vector.
        sequence_length: Positive integer, positions per sequence (for text,
            the vocabulary's `max_length`).
        vocab_size: Positive integer, values per position: the
            vocabulary's `size` for text, the number of features for time
            series.
        channels: Channels of the residual blocks. Defaults to `128`.
        num_blocks: Number of residual blocks. Defaults to `5`.
        kernel_size: Width of the convolutions. Defaults to `5`.
        output: `"softmax"` (per-position probabilities, the WGAN-GP
            character model), `"gumbel_softmax"` (relaxed one-hot samples in
            training, probabilities otherwise, see
            `keras_gan.layers.GumbelSoftmax`) or `"linear"` (real values,
            for time series). Defaults to `"softmax"`.
        temperature: Initial temperature of the Gumbel-softmax output; only
            used with `output="gumbel_softmax"`. Defaults to `1.0`.
        seed: Integer seed of the Gumbel noise. Defaults to `None`: one
            drawn from Python's `random` (which `keras.utils.set_random_seed`
            sets), so the noise resumes exactly on every backend.
        vocabulary: Optional `keras_gan.text.CharacterVocabulary` or
            `WordVocabulary` to save with the model: it is carried by a
            pass-through `keras_gan.text.VocabularyLayer` at the end, found
            again with `keras_gan.text.vocabulary_of(model)`. Its `size` and
            `max_length` must equal `vocab_size` and `sequence_length`.
            Defaults to `None`.
        name: Name of the model. Defaults to `"sequence_generator"`.

    Returns:
        A `keras.Model` mapping `(batch, latent_dim)` to
        `(batch, sequence_length, vocab_size)` float32 outputs.

    Example:

    ```python
    vocab = keras_gan.text.CharacterVocabulary.from_texts(names, max_length=12)
    generator = keras_gan.models.sequence_generator(
        latent_dim=128, sequence_length=12, vocab_size=vocab.size,
        vocabulary=vocab,
    )
    ```
    """
    check_positive_int("latent_dim", latent_dim)
    _validate_common(sequence_length, vocab_size, channels, num_blocks,
                     kernel_size)
    if output not in OUTPUTS:
        raise invalid_argument("output", output, f"one of {list(OUTPUTS)}")
    check_temperature(temperature)
    _check_vocabulary(vocabulary, sequence_length, vocab_size, output)

    z = keras.Input(shape=(latent_dim,), name="z")
    x = keras.layers.Dense(sequence_length * channels, name="project")(z)
    x = keras.layers.Reshape((sequence_length, channels), name="reshape")(x)
    for index in range(num_blocks):
        x = _residual_block(x, channels, kernel_size, f"block{index + 1}")
    logits = keras.layers.Conv1D(vocab_size, 1, name="to_tokens")(x)
    if output == "gumbel_softmax":
        if seed is None:
            seed = random.randint(0, 2**31 - 1)
        outputs = GumbelSoftmax(temperature, seed=seed, name="output")(logits)
    else:
        # Computed in float32 so mixed-precision models still emit float32.
        activation = "softmax" if output == "softmax" else "linear"
        outputs = keras.layers.Activation(
            activation, dtype="float32", name="output"
        )(logits)
    if vocabulary is not None:
        outputs = VocabularyLayer(
            vocabulary, dtype="float32", name="vocabulary"
        )(outputs)
    return keras.Model(z, outputs, name=name)


def sequence_discriminator(
    sequence_length,
    vocab_size,
    channels=128,
    num_blocks=5,
    kernel_size=5,
    name="sequence_discriminator",
):
    """Builds a 1-D convolutional residual discriminator of sequences.

    A kernel-size-1 `Conv1D` maps each position to `channels`, then
    `num_blocks` residual blocks, `Flatten` and `Dense(1)` give one raw
    logit per sequence (no normalization layers, so gradient penalties
    apply per sample).

    Args:
        sequence_length: Positive integer, positions per sequence.
        vocab_size: Positive integer, values per position (the
            vocabulary's `size`, or the number of time-series features).
        channels: Channels of the residual blocks. Defaults to `128`.
        num_blocks: Number of residual blocks. Defaults to `5`.
        kernel_size: Width of the convolutions. Defaults to `5`.
        name: Name of the model. Defaults to `"sequence_discriminator"`.

    Returns:
        A `keras.Model` mapping `(batch, sequence_length, vocab_size)` to
        float32 logits of shape `(batch, 1)`.

    Example:

    ```python
    discriminator = keras_gan.models.sequence_discriminator(
        sequence_length=12, vocab_size=vocab.size
    )
    ```
    """
    _validate_common(sequence_length, vocab_size, channels, num_blocks,
                     kernel_size)
    x_in = keras.Input(shape=(sequence_length, vocab_size), name="x")
    x = keras.layers.Conv1D(channels, 1, name="from_tokens")(x_in)
    for index in range(num_blocks):
        x = _residual_block(x, channels, kernel_size, f"block{index + 1}")
    x = keras.layers.Flatten(name="flatten")(x)
    logit = keras.layers.Dense(1, name="logit")(x)
    outputs = keras.layers.Activation(
        "linear", dtype="float32", name="output"
    )(logit)
    return keras.Model(x_in, outputs, name=name)


def _check_vocabulary(vocabulary, sequence_length, vocab_size, output):
    if vocabulary is None:
        return
    if not isinstance(vocabulary, Vocabulary):
        raise invalid_argument(
            "vocabulary",
            vocabulary,
            "`None` or a `keras_gan.text.CharacterVocabulary` or "
            "`WordVocabulary`",
        )
    if output == "linear":
        raise invalid_argument(
            "vocabulary", vocabulary, '`None` with output="linear"'
        )
    if (vocabulary.size, vocabulary.max_length) != (vocab_size,
                                                      sequence_length):
        raise invalid_argument(
            "vocabulary",
            vocabulary,
            f"size={vocab_size} and max_length={sequence_length} (the "
            "`vocab_size` and `sequence_length` arguments)",
        )


def default_compile_kwargs():
    """`GAN.compile` arguments for the sequence networks.

    The non-saturating loss with R1 (what `gan.compile()` uses) with both
    networks trained by `Adam(1e-3, beta_1=0.5, beta_2=0.9)` instead of the
    default `Adam(2e-4, beta_1=0.5)`; chosen by measurement on the Census
    surnames (`examples/text_names.py`, see docs/benchmarks.md).

    Returns:
        A new dict (new optimizers) for
        `gan.compile(**keras_gan.text.default_compile_kwargs())`.

    Example:

    ```python
    gan = keras_gan.GAN(generator, discriminator, latent_dim=128)
    gan.compile(**keras_gan.text.default_compile_kwargs())
    ```
    """
    return {
        "d_optimizer": keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9),
        "g_optimizer": keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9),
    }
