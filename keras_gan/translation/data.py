"""What Pix2Pix and CycleGAN share: checks of image batches, the L1
distance, translation in batches and generator EMAs."""

import keras
import numpy as np
from keras import ops

from keras_gan.training.network_checks import first
from keras_gan.training.network_checks import shapes_compatible


def mean_absolute_error(a, b):
    """`mean(|a - b|)` in float32: the L1 terms of Pix2Pix and CycleGAN."""
    return ops.mean(ops.abs(ops.cast(a, "float32") - ops.cast(b, "float32")))


def input_shape_of(network, index=0):
    """The shape of the `index`-th input of a functional network, or None."""
    inputs = getattr(network, "inputs", None)
    if not inputs or len(inputs) <= index:
        return None
    return tuple(inputs[index].shape)


def output_shape_of(network):
    output = first(getattr(network, "outputs", None))
    return None if output is None else tuple(output.shape)


def check_images(name, images, expected_shape, expected_what):
    """Checks the dtype and shape of a batch of images from the data."""
    if images is None:
        raise ValueError(
            f"Invalid value for the data: the {name} images are missing. "
            f"Expected {expected_what}."
        )
    dtype = keras.backend.standardize_dtype(images.dtype)
    if "float" not in dtype:
        raise ValueError(
            f"Invalid dtype of the {name} images. Expected floating point "
            "data in the generator's output range (for the bundled builders "
            f"[-1, 1]); scale them first, e.g. `x / 127.5 - 1`. Received: "
            f"dtype={dtype}"
        )
    if expected_shape is not None and not shapes_compatible(
        tuple(images.shape)[1:], tuple(expected_shape)[1:]
    ):
        raise ValueError(
            f"Invalid shape of the {name} images. Expected batches of shape "
            f"{tuple(expected_shape)} ({expected_what}). Received: "
            f"shape={tuple(images.shape)}"
        )
    return images


def check_network_output(argument, network, input_shape, expected_shape, what):
    """Checks that `network` on `input_shape` gives `expected_shape`."""
    if expected_shape is None or input_shape is None:
        return
    try:
        spec = network.compute_output_spec(keras.KerasTensor(input_shape))
    except ValueError:
        raise
    except Exception:
        return
    if not shapes_compatible(tuple(spec.shape)[1:], tuple(expected_shape)[1:]):
        raise ValueError(
            f"Invalid value for argument `{argument}`: its output shape "
            f"{tuple(spec.shape)} does not match {what} "
            f"{tuple(expected_shape)}."
        )


def translate_in_batches(network, images, batch_size):
    """`network(images, training=False)` as NumPy, `batch_size` at a time."""
    images = np.asarray(images)
    if images.dtype.kind != "f":
        raise ValueError(
            "Invalid dtype of argument `images`. Expected floating point "
            "images in the generator's input range. Received: "
            f"dtype={images.dtype}"
        )
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(
            "Invalid value for argument `batch_size`. Expected a positive "
            f"integer. Received: batch_size={batch_size!r}"
        )
    expected = input_shape_of(network)
    if expected is not None and not shapes_compatible(
        images.shape[1:], expected[1:]
    ):
        raise ValueError(
            "Invalid shape of argument `images`. Expected images of shape "
            f"{expected[1:]} (the generator's input). Received: "
            f"shape={images.shape}"
        )
    outputs = [
        ops.convert_to_numpy(
            network(ops.convert_to_tensor(images[start : start + batch_size]), training=False)
        )
        for start in range(0, len(images), batch_size)
    ]
    return np.concatenate(outputs, axis=0)
