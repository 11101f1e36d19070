"""The CTGAN generator and packed discriminator as Keras functional models."""

import random

import keras


def tabular_generator(
    latent_dim, condition_dim, output_dim, hidden_dims=(256, 256), name=None
):
    """The residual MLP generator of CTGAN (Xu et al. 2019).

    Each block is `Dense -> BatchNormalization -> ReLU`, its output
    concatenated to its input. The model returns raw values; the tanh and
    Gumbel-softmax heads are applied by `TabularGAN`.

    Args:
        latent_dim: Size of the noise input.
        condition_dim: Size of the conditional vector input; `0` for a
            table without discrete columns (then the model takes the noise
            only).
        output_dim: Width of the encoded rows.
        hidden_dims: Width of each residual block. Defaults to `(256, 256)`.
        name: Model name. Defaults to `None`.

    Returns:
        A `keras.Model` on `[noise, conditions]` (or `noise`).
    """
    noise = keras.Input((latent_dim,), name="noise")
    inputs = [noise]
    hidden = noise
    if condition_dim:
        conditions = keras.Input((condition_dim,), name="conditions")
        inputs.append(conditions)
        hidden = keras.layers.Concatenate()([noise, conditions])
    for width in hidden_dims:
        block = keras.layers.Dense(width)(hidden)
        # PyTorch's default momentum (CTGAN's): Keras' 0.99 leaves the
        # moving statistics used for sampling near their initial values
        # after a few hundred steps.
        block = keras.layers.BatchNormalization(momentum=0.9)(block)
        block = keras.layers.ReLU()(block)
        hidden = keras.layers.Concatenate()([block, hidden])
    outputs = keras.layers.Dense(output_dim)(hidden)
    return keras.Model(inputs if condition_dim else noise, outputs, name=name)


def tabular_discriminator(
    packed_dim, hidden_dims=(256, 256), dropout=0.5, name=None
):
    """The MLP critic of CTGAN on packed rows.

    `Dense -> LeakyReLU(0.2) -> Dropout` per hidden layer, then one logit.

    Args:
        packed_dim: Input width: `pack * (row width + condition width)`.
        hidden_dims: Width of each hidden layer. Defaults to `(256, 256)`.
        dropout: Dropout rate. Defaults to `0.5`.
        name: Model name. Defaults to `None`.

    Returns:
        A `keras.Model` mapping `(packs, packed_dim)` to `(packs, 1)`.
    """
    inputs = keras.Input((packed_dim,), name="packed_rows")
    hidden = inputs
    for width in hidden_dims:
        hidden = keras.layers.Dense(width)(hidden)
        hidden = keras.layers.LeakyReLU(negative_slope=0.2)(hidden)
        if dropout:
            hidden = keras.layers.Dropout(
                dropout, seed=random.randint(0, 2**31 - 1)
            )(hidden)
    outputs = keras.layers.Dense(1)(hidden)
    return keras.Model(inputs, outputs, name=name)
