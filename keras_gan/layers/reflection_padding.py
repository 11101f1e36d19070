import keras
from keras import ops


def _pair(argument, value):
    """`((top, bottom), (left, right))` from an int, a pair of ints or a
    pair of pairs."""
    def is_count(x):
        return isinstance(x, int) and not isinstance(x, bool) and x >= 0

    if is_count(value):
        return ((value, value), (value, value))
    try:
        first, second = value
    except (TypeError, ValueError):
        first = second = None
    if is_count(first) and is_count(second):
        return ((first, first), (second, second))
    try:
        pairs = tuple(tuple(p) for p in value)
    except TypeError:
        pairs = ()
    if len(pairs) == 2 and all(len(p) == 2 and all(is_count(x) for x in p) for p in pairs):
        return pairs
    raise ValueError(
        f"Invalid value for argument `{argument}`. Expected an integer >= 0, "
        "a pair of them `(height, width)` or a pair of pairs `((top, "
        f"bottom), (left, right))`. Received: {argument}={value!r}"
    )


@keras.saving.register_keras_serializable(package="keras_gan")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads height and width by reflecting the image at its borders.

    The padding of the CycleGAN generator (Zhu et al. 2017): a border pixel
    `x[-k]` beyond the edge repeats `x[k]`, so convolutions near the border
    see image content instead of zeros (zero `"same"` padding darkens or
    brightens borders in `[-1, 1]` images). Each side's padding must be
    smaller than the image along that axis. Channels last.

    Args:
        padding: An integer (the same on all four sides), a pair `(height,
            width)` (the same on both sides of each axis), or `((top,
            bottom), (left, right))`. Defaults to `1`.
        **kwargs: Passed to `keras.layers.Layer` (for example `name`).

    Example:

    ```python
    layer = keras_gan.layers.ReflectionPadding2D(3)
    padded = layer(keras.ops.zeros((2, 28, 28, 1)))  # (2, 34, 34, 1)
    ```
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = _pair("padding", padding)
        self.input_spec = keras.layers.InputSpec(ndim=4)

    def build(self, input_shape):
        for axis, (before, after) in zip((1, 2), self.padding):
            size = input_shape[axis]
            if size is not None and max(before, after) >= size:
                raise ValueError(
                    f"Invalid value for argument `padding`: reflection needs "
                    f"each side's padding smaller than the image ({size} "
                    f"pixels along axis {axis}). Received: padding="
                    f"{self.padding}"
                )
        self.built = True

    def call(self, inputs):
        (top, bottom), (left, right) = self.padding
        return ops.pad(
            inputs, [[0, 0], [top, bottom], [left, right], [0, 0]], mode="reflect"
        )

    def compute_output_shape(self, input_shape):
        (top, bottom), (left, right) = self.padding
        batch, height, width, channels = input_shape
        height = None if height is None else height + top + bottom
        width = None if width is None else width + left + right
        return (batch, height, width, channels)

    def get_config(self):
        config = super().get_config()
        config["padding"] = self.padding
        return config
