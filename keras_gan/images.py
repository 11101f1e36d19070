"""uint8 images, image grids and PNG files: the one quantization.

Every place that turns generated values into pixels (`SampleGrid`, the
image-grid functions, the reportable FID pipeline) uses `to_uint8`:
`low` maps to 0, `high` to 255, values outside are clipped, and the result
is rounded half up (`floor(255 * (x - low) / (high - low) + 0.5)`), as
torchvision's `save_image` does. Everything is NumPy on the host, so it
works on every Keras backend.
"""

import math
import os

import numpy as np

from keras_gan.validation import check_positive_int
from keras_gan.validation import check_value_range
from keras_gan.validation import is_integer


def resolve_value_range(images, value_range):
    """`(low, high)` of the input scale; `"auto"` looks at the minimum."""
    if isinstance(value_range, str):
        if value_range != "auto":
            raise ValueError(
                "Invalid value for argument `value_range`. Expected "
                "`\"auto\"` or a pair `(low, high)`. Received: "
                f"value_range={value_range!r}"
            )
        return (-1.0, 1.0) if images.size and images.min() < 0 else (0.0, 1.0)
    return check_value_range(
        value_range, expected='`"auto"` or a pair `(low, high)`'
    )


def to_uint8(images, value_range="auto"):
    """Maps images from `value_range` to `uint8` pixels in `[0, 255]`.

    `uint8` input is returned unchanged. Otherwise `low` maps to 0 and
    `high` to 255, values outside the range are clipped, and the result is
    rounded half up (torchvision's `save_image`).

    Args:
        images: Array of images (any shape).
        value_range: `(low, high)` of the input, or `"auto"`: `(-1, 1)` if
            any value is negative, else `(0, 1)`. Defaults to `"auto"`.

    Returns:
        A `uint8` NumPy array of the same shape.
    """
    images = np.asarray(images)
    if images.dtype == np.uint8:
        return images
    images = images.astype("float64")
    if not np.all(np.isfinite(images)):
        raise ValueError(
            "The images contain NaN or infinite values; the generator may "
            "have diverged."
        )
    low, high = resolve_value_range(images, value_range)
    scaled = np.clip((images - low) / (high - low), 0.0, 1.0) * 255.0
    return np.floor(scaled + 0.5).astype(np.uint8)


def _as_nhwc(images):
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3, 4):
        raise ValueError(
            "Expected a batch of channels-last images of shape `(num_images, "
            "height, width)` or `(num_images, height, width, channels)` with "
            f"1, 3 or 4 channels. Received: shape={images.shape}"
        )
    if images.shape[0] == 0:
        raise ValueError("Expected at least one image. Received: 0 images.")
    return images


def make_image_grid(
    images, nrow=None, value_range="auto", padding=2, pad_value=0
):
    """Tiles a batch of images into one grid image.

    Images are placed row by row (image `i` goes to row `i // nrow`, column
    `i % nrow`), with `padding` pixels of `pad_value` between tiles and
    around the border, like `torchvision.utils.make_grid`. Unused cells of
    the last row are filled with `pad_value`.

    Args:
        images: Array of shape `(num_images, height, width)` (grayscale) or
            `(num_images, height, width, channels)` with 1, 3 or 4 channels,
            channels last. Floats in `value_range`, or `uint8`.
        nrow: Number of images per row (the number of columns), as in
            torchvision. Defaults to `ceil(sqrt(num_images))`.
        value_range: `(low, high)` of the input values, or `"auto"`:
            `(-1, 1)` (the range of `tanh` generators) if any value is
            negative, else `(0, 1)`. Ignored for `uint8` input. Defaults to
            `"auto"`.
        padding: Pixels between tiles and around the border. Defaults to 2.
        pad_value: `uint8` value of the padding. Defaults to 0 (black).

    Returns:
        A `uint8` array of shape `(grid_height, grid_width, channels)`, with
        `grid_height = rows * (height + padding) + padding` and
        `grid_width = nrow * (width + padding) + padding`.

    Example:

    ```python
    images = gan.generate(64, seed=0)  # (64, 28, 28, 1) in [-1, 1]
    grid = keras_gan.images.make_image_grid(images, nrow=8)
    grid.shape  # (242, 242, 1)
    ```
    """
    images = to_uint8(_as_nhwc(images), value_range)
    num, height, width, channels = images.shape
    if nrow is None:
        nrow = math.ceil(math.sqrt(num))
    check_positive_int("nrow", nrow)
    if not is_integer(padding) or padding < 0:
        raise ValueError(
            "Invalid value for argument `padding`. Expected an integer >= 0. "
            f"Received: padding={padding!r}"
        )
    ncol = int(min(nrow, num))
    rows = math.ceil(num / ncol)
    grid = np.full(
        (
            rows * (height + padding) + padding,
            ncol * (width + padding) + padding,
            channels,
        ),
        pad_value,
        dtype=np.uint8,
    )
    for index in range(num):
        row, col = divmod(index, ncol)
        top = padding + row * (height + padding)
        left = padding + col * (width + padding)
        grid[top : top + height, left : left + width] = images[index]
    return grid


def write_png(grid, path):
    """Writes a `uint8` `(height, width, channels)` image as a PNG file.

    Raises:
        ImportError: if Pillow is not installed.
    """
    grid = np.asarray(grid, dtype=np.uint8)
    if grid.ndim == 3 and grid.shape[-1] == 1:
        grid = grid[..., 0]
    directory = os.path.dirname(os.fspath(path))
    if directory:
        os.makedirs(directory, exist_ok=True)
    try:
        from PIL import Image
    except ImportError:
        # matplotlib writes PNGs through Pillow too, so it is no fallback.
        raise ImportError(
            "Saving image grids as PNG needs Pillow: `pip install pillow` "
            "(included in the `keras-gan[examples]` extra). "
            "`make_image_grid` works without it."
        ) from None
    Image.fromarray(grid).save(path, format="PNG")


def save_image_grid(
    images, path, value_range="auto", nrow=None, padding=2, pad_value=0
):
    """Tiles a batch of images (see `make_image_grid`) and saves a PNG.

    Needs Pillow (`pip install pillow`).

    Args:
        images: Array of shape `(num_images, height, width)` or
            `(num_images, height, width, channels)`, channels last.
        path: Path of the PNG file; missing directories are created.
        value_range: `(low, high)` of the input values, or `"auto"` (see
            `make_image_grid`). Defaults to `"auto"`.
        nrow: Images per row. Defaults to `ceil(sqrt(num_images))`.
        padding: Pixels between tiles. Defaults to 2.
        pad_value: `uint8` value of the padding. Defaults to 0.

    Returns:
        The `uint8` grid that was written.

    Example:

    ```python
    keras_gan.images.save_image_grid(
        gan.generate(64, seed=0), "samples.png", nrow=8
    )
    ```
    """
    grid = make_image_grid(
        images,
        nrow=nrow,
        value_range=value_range,
        padding=padding,
        pad_value=pad_value,
    )
    write_png(grid, path)
    return grid
