"""The CTGAN generator and packed discriminator as Keras functional models."""

import random

import keras
import numpy as np

from keras_gan import compat


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
    packed_dim, hidden_dims=(256, 256), dropout=0.0, name=None
):
    """The MLP critic of CTGAN on packed rows.

    `Dense -> LeakyReLU(0.2) -> Dropout` per hidden layer (no dropout by
    default; CTGAN's is `0.5`), then one logit.

    Args:
        packed_dim: Input width: `pack * (row width + condition width)`.
        hidden_dims: Width of each hidden layer. Defaults to `(256, 256)`.
        dropout: Dropout rate. Defaults to `0.0`.
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


def numpy_inference(model):
    """The inference pass of `model` as a NumPy function, or `None`.

    For functional models built of `Dense` (linear or ReLU activation),
    `BatchNormalization` (its moving statistics), `ReLU` and `Concatenate`
    layers, as `tabular_generator` builds them: a function of a list of
    NumPy arrays (one per model input) computing the outputs in float32
    NumPy, so that sampling compiles nothing and calls no backend. The
    weights are read when this is called. Any other layer (or model) gives
    `None`: the caller then uses the backend.

    Args:
        model: A Keras model.

    Returns:
        A function, or `None`.
    """
    if not isinstance(model, keras.Model) or not hasattr(model, "outputs"):
        return None
    layers = [
        layer
        for layer in model.layers
        if not isinstance(layer, keras.layers.InputLayer)
    ]
    operations = {id(layer): _numpy_operation(layer) for layer in layers}
    if any(operation is None for operation in operations.values()):
        return None

    def forward(inputs):
        outputs = compat.run_functional_graph(
            model,
            [np.asarray(x, "float32") for x in inputs],
            lambda layer: operations[id(layer)],
        )
        return np.asarray(outputs)

    return forward


def _numpy_operation(layer):
    """A NumPy callable computing `layer` in inference mode, or `None`."""
    get = lambda variable: np.asarray(  # noqa: E731
        keras.ops.convert_to_numpy(variable), "float32"
    )
    if type(layer) is keras.layers.Dense:
        activation = layer.activation
        if activation not in (keras.activations.linear, keras.activations.relu):
            return None
        if getattr(layer, "lora_enabled", False) or getattr(
            layer, "quantization_mode", None
        ):
            return None
        kernel = get(layer.kernel)
        bias = get(layer.bias) if layer.use_bias else np.float32(0.0)
        relu = activation is keras.activations.relu

        def dense(x, **kwargs):
            y = x @ kernel + bias
            return np.maximum(y, 0.0) if relu else y

        return dense
    if type(layer) is keras.layers.BatchNormalization:
        ndim = len(layer.input.shape)
        if layer.axis not in (-1, ndim - 1):
            return None
        scale = 1.0 / np.sqrt(get(layer.moving_variance) + np.float32(layer.epsilon))
        if layer.scale:
            scale = scale * get(layer.gamma)
        shift = -get(layer.moving_mean) * scale
        if layer.center:
            shift = shift + get(layer.beta)
        return lambda x, **kwargs: x * scale + shift
    if type(layer) is keras.layers.ReLU:
        if layer.max_value is not None or layer.negative_slope or layer.threshold:
            return None
        return lambda x, **kwargs: np.maximum(x, 0.0)
    if type(layer) is keras.layers.Concatenate:
        return lambda values, **kwargs: np.concatenate(values, axis=layer.axis)
    return None
