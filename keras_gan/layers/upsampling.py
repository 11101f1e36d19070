"""How generators double their resolution: transposed convolution or resize."""

import keras

from keras_gan.layers.matmul_convolutions import MatmulConv2DTranspose
from keras_gan.validation import check_one_of

UPSAMPLINGS = ("transpose", "resize")
# The faster mode for the MNIST DCGAN generator on each backend, measured
# by `benchmarks/upsampling.py` and `benchmarks/backend_step_time.py`.
_DEFAULT_UPSAMPLING = {
    "tensorflow": "transpose",
    "jax": "transpose",
    "torch": "transpose",
}


def check_upsampling(upsampling):
    """Raises a Keras-style error unless `upsampling` is a known mode."""
    check_one_of("upsampling", upsampling, UPSAMPLINGS)


def default_upsampling():
    """The generator builders' default `upsampling` on the current backend.

    Measured on CPU with `benchmarks/upsampling.py` (docs/benchmarks.md): the
    faster of `"transpose"` and `"resize"` for the MNIST DCGAN generator.
    """
    return _DEFAULT_UPSAMPLING.get(keras.backend.backend(), "transpose")


def resolve_upsampling(upsampling):
    """`upsampling`, or the backend's default when it is `None`."""
    if upsampling is None:
        return default_upsampling()
    return check_one_of("upsampling", upsampling, UPSAMPLINGS)


def upsampling_convolution(
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
            data_format="channels_last",
            name=name,
        )(h)
    h = keras.layers.UpSampling2D(
        2, data_format="channels_last", name=f"{name}_resize"
    )(h)
    return keras.layers.Conv2D(
        filters,
        kernel_size=3,
        padding="same",
        use_bias=use_bias,
        data_format="channels_last",
        name=name,
    )(h)
