"""Checks and conversions of network inputs and outputs."""

import keras
from keras import ops

from keras_gan import compat


def flatten_logits(logits):
    """Float32 logits: `(batch,)` for one per sample, else `(batch, -1)`."""
    logits = ops.cast(logits, "float32")
    if len(logits.shape) <= 1 or all(d == 1 for d in logits.shape[1:]):
        return ops.reshape(logits, (-1,))
    return ops.reshape(logits, (ops.shape(logits)[0], -1))


def is_logits_shape(shape):
    """One logit per sample, or a map of patch logits with one channel."""
    inner = tuple(shape[1:])
    return inner in ((), (1,)) or (len(inner) >= 2 and inner[-1] == 1)


def check_type(argument, value, expected):
    if not isinstance(value, expected):
        raise ValueError(
            f"Invalid value for argument `{argument}`. Expected a "
            f"`{expected.__module__.split('.')[0]}.{expected.__name__}`. "
            f"Received: {argument}={value!r}"
        )


def first(tensors):
    if not tensors:
        return None
    return tensors[0]


def output_spec(model, input_spec):
    """The symbolic output of `model`, or None if it can't be inferred."""
    try:
        return model.compute_output_spec(input_spec)
    except ValueError:
        raise
    except Exception:
        return None


def shapes_compatible(shape_a, shape_b):
    if len(shape_a) != len(shape_b):
        return False
    return all(a is None or b is None or a == b for a, b in zip(shape_a, shape_b))


def pack_samples(x, pack):
    """Groups `pack` consecutive samples into one (PacGAN, Lin et al. 2018).

    `(batch, *shape)` becomes `(batch // pack, *shape[:-1], pack *
    shape[-1])`: for rows, `(batch, d)` -> `(batch // pack, pack * d)`.

    Args:
        x: A tensor whose first axis is the batch.
        pack: Samples per group, a positive integer.

    Raises:
        ValueError: If the (static) batch size is not a multiple of `pack`.
    """
    if pack == 1:
        return x
    shape = tuple(x.shape)
    batch_size = shape[0]
    if isinstance(batch_size, int) and batch_size % pack:
        raise ValueError(
            f"Invalid batch size for packing: {batch_size} samples cannot "
            f"be split into groups of pack={pack}. Use a batch size that is "
            f"a multiple of {pack}."
        )
    groups = ops.reshape(x, (-1, pack) + shape[1:])
    if len(shape) > 2:
        # Images: the pack's samples side by side along the channels.
        groups = ops.moveaxis(groups, 1, -2)
    return ops.reshape(groups, (-1,) + shape[1:-1] + (pack * shape[-1],))


def check_spectral_normalization(networks):
    """On PyTorch, refuses Keras' own `SpectralNormalization` layers.

    Their in-place kernel update breaks autograd when a step calls the
    network more than once (see `keras_gan.layers.SpectralNormalization`).
    """
    if keras.backend.backend() != "torch":
        return
    from keras_gan.layers import SpectralNormalization

    for network in networks:
        for layer in compat.sublayers(network):
            if type(layer) is keras.layers.SpectralNormalization:
                raise ValueError(
                    f"Invalid layer `{layer.name}` in `{network.name}`: "
                    "`keras.layers.SpectralNormalization` cannot train a GAN "
                    "on the PyTorch backend (each call writes its kernel in "
                    "place, which invalidates the gradient of the "
                    "network's earlier calls in the same step). Use "
                    "`keras_gan.layers.SpectralNormalization`, a drop-in "
                    "subclass with the same arguments and weights. "
                    f"Received: {layer.name}={layer!r}"
                )
