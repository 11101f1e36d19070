"""The input pipelines of the reportable FID, and the sources of images.

Images are first quantized to uint8, as saved images are
(`keras_gan.images.to_uint8`), then either

- `"pytorch-fid"`: scaled to `[0, 1]`, resized to 299x299 bilinearly
  without antialiasing (PyTorch's `interpolate(mode="bilinear",
  align_corners=False)`), mapped to `[-1, 1]` by `2x - 1`; or
- `"clean"` (clean-fid): each channel of the uint8 image resized to
  299x299 by PIL's bicubic filter in float, clipped to `[0, 255]`, then
  `(x - 128) / 128`, as clean-fid feeds its Inception network.

`image_batches` reads images from a directory, an array, a dataset or a
generator, in batches.
"""

import os

import keras
import numpy as np

from keras_gan.images import to_uint8
from keras_gan.metrics.reportable.inception import IMAGE_SIZE
from keras_gan.validation import check_positive_int
from keras_gan.validation import check_value_range

PIPELINES = ("pytorch-fid", "clean")
IMAGE_EXTENSIONS = (
    ".bmp",
    ".jpg",
    ".jpeg",
    ".pgm",
    ".png",
    ".ppm",
    ".tif",
    ".tiff",
    ".webp",
)
DEFAULT_GENERATED_SAMPLES = 50_000



def check_pipeline(pipeline):
    if pipeline not in PIPELINES:
        raise ValueError(
            f"Invalid value for argument `pipeline`. Expected one of "
            f"{PIPELINES}. Received: pipeline={pipeline!r}"
        )
    return pipeline


def as_rgb(images):
    """`(num, h, w)`, `(num, h, w, 1)` or `(num, h, w, 3)` to 3 channels."""
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            "Expected channels-last images of shape `(num_images, height, "
            "width, channels)` with 1 or 3 channels. Received: "
            f"shape={images.shape}"
        )
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    return images


def _bilinear_matrix(in_size, out_size):
    """Rows of PyTorch's bilinear weights (`align_corners=False`),
    with its float32 source positions."""
    scale = np.float32(in_size / out_size)
    positions = scale * (np.arange(out_size, dtype=np.float32) + 0.5) - 0.5
    positions = np.maximum(positions, np.float32(0.0))
    lower = np.minimum(positions.astype(int), in_size - 1)
    upper = np.minimum(lower + 1, in_size - 1)
    fraction = positions - lower.astype(np.float32)
    matrix = np.zeros((out_size, in_size), np.float32)
    rows = np.arange(out_size)
    np.add.at(matrix, (rows, lower), 1.0 - fraction)
    np.add.at(matrix, (rows, upper), fraction)
    return matrix


def _resize_bilinear(images):
    """uint8 `(n, h, w, 3)` to float32 `(n, 299, 299, 3)` in [0, 1]."""
    x = images.astype(np.float32) / 255.0
    height, width = x.shape[1:3]
    if (height, width) == (IMAGE_SIZE, IMAGE_SIZE):
        return x
    x = np.einsum("ph,nhwc->npwc", _bilinear_matrix(height, IMAGE_SIZE), x)
    return np.einsum("qw,npwc->npqc", _bilinear_matrix(width, IMAGE_SIZE), x)


def _resize_bicubic_pil(image):
    """One uint8 `(h, w, 3)` image, each channel by PIL in float mode."""
    from PIL import Image

    channels = []
    for channel in range(3):
        resized = Image.fromarray(
            image[:, :, channel].astype(np.float32)
        ).resize((IMAGE_SIZE, IMAGE_SIZE), resample=Image.BICUBIC)
        channels.append(np.asarray(resized, dtype=np.float32))
    return np.clip(np.stack(channels, axis=-1), 0.0, 255.0)


def preprocess(images, pipeline="pytorch-fid"):
    """Resizes and scales uint8 images as `pipeline` does.

    Args:
        images: uint8 array `(num, height, width, 3)`.
        pipeline: `"pytorch-fid"` or `"clean"` (see the module docstring).
            Defaults to `"pytorch-fid"`.

    Returns:
        float32 `(num, 299, 299, 3)` inputs of `FIDInceptionV3`.
    """
    check_pipeline(pipeline)
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise ValueError(
            "Expected uint8 images (use `quantize` first). Received: "
            f"dtype={images.dtype}"
        )
    images = as_rgb(images)
    if pipeline == "pytorch-fid":
        return 2.0 * _resize_bilinear(images) - 1.0
    resized = np.stack([_resize_bicubic_pil(image) for image in images])
    return (resized - 128.0) / 128.0


def _image_files(directory):
    files = sorted(
        os.path.join(directory, name)
        for name in os.listdir(directory)
        if name.lower().endswith(IMAGE_EXTENSIONS)
    )
    if not files:
        raise ValueError(
            f"No image files ({', '.join(IMAGE_EXTENSIONS)}) in the "
            f"directory {directory!r}."
        )
    return files


def _read_images(files):
    from PIL import Image

    images = []
    for path in files:
        with Image.open(path) as image:
            images.append(np.asarray(image.convert("RGB")))
    return images


def _first_item(element):
    """The images of a dataset element `x`, `(x, y)` or `{"images": x}`."""
    if isinstance(element, dict):
        element = element.get("images", next(iter(element.values())))
    elif isinstance(element, (tuple, list)):
        element = element[0]
    return keras.ops.convert_to_numpy(element)


def check_generator_model(model):
    """Raises unless images can be drawn from `model`: a model with
    `generate` (a `keras_gan.GAN`) or a generator with one input."""
    if hasattr(model, "generate"):
        return
    name = type(model).__name__
    if hasattr(model, "translate"):
        raise ValueError(
            f"Invalid value for argument `source`: a {name} translates "
            "given images and has no latent space to draw images from. "
            "Pass its translations of a set of source images instead, "
            "e.g. `source=model.translate(source_images)` (CycleGAN: "
            "`model.translate(images, direction=...)`)."
        )
    inputs = getattr(model, "inputs", None)
    if not inputs or len(inputs) != 1:
        raise ValueError(
            f"Invalid value for argument `source`: images are drawn from a "
            "generator model by feeding it standard normal vectors, which "
            f"needs a model with one input; this {name} has "
            f"{len(inputs or [])}. Pass generated images instead."
        )


def _generator_batches(model, num_samples, batch_size, seed):
    rng = np.random.default_rng(seed)
    for start in range(0, num_samples, batch_size):
        size = min(batch_size, num_samples - start)
        if hasattr(model, "generate"):
            yield model.generate(size, seed=int(rng.integers(2**31)))
        else:
            noise = rng.standard_normal((size,) + tuple(model.inputs[0].shape[1:]))
            yield keras.ops.convert_to_numpy(
                model.predict_on_batch(noise.astype("float32"))
            )


def _take(batches, num_samples):
    """Batches truncated to `num_samples` images in all (`None`: all)."""
    taken = 0
    for batch in batches:
        if num_samples is not None:
            batch = batch[: num_samples - taken]
        if len(batch):
            taken += len(batch)
            yield batch
        if num_samples is not None and taken >= num_samples:
            return
    if num_samples is not None and taken < num_samples:
        raise ValueError(
            f"Invalid value for argument `num_samples`. The source holds "
            f"only {taken} images. Received: num_samples={num_samples}"
        )


def image_batches(
    source, num_samples=None, batch_size=50, value_range=(-1.0, 1.0), seed=0
):
    """Yields uint8 RGB batches (arrays, or lists of differently sized
    images for a directory) from any supported source.

    Args:
        source: A directory of images, a `.npy` file, a `.keras` generator
            or GAN, an array of images, a `keras.Model` generator (a
            `keras_gan.GAN` uses `generate`; other models get standard
            normal inputs of their input shape), or an iterable of batches
            (e.g. a `tf.data.Dataset` of `x` or `(x, y)`).
        num_samples: Number of images; `None` takes all of a data source
            and 50,000 from a generator. Defaults to `None`.
        batch_size: Images per batch. Defaults to 50.
        value_range: `(low, high)` of float images (uint8 images are used
            as they are). Defaults to `(-1, 1)`.
        seed: Seed of the latent vectors of a generator. Defaults to 0.
    """
    check_positive_int("batch_size", batch_size)
    if num_samples is not None:
        check_positive_int("num_samples", num_samples)
    if isinstance(source, (str, os.PathLike)):
        source = os.fspath(source)
        if os.path.isdir(source):
            files = _image_files(source)
            chunks = (
                files[start : start + batch_size]
                for start in range(0, len(files), batch_size)
            )
            for chunk in _take(chunks, num_samples):
                yield [as_rgb(image[None])[0] for image in _read_images(chunk)]
            return
        if source.endswith(".npy"):
            source = np.load(source, mmap_mode="r")
        elif source.endswith(".keras"):
            source = keras.saving.load_model(source, compile=False)
        else:
            raise ValueError(
                "Invalid value for argument `source`. Expected a directory of "
                "images, a `.npy` file or a `.keras` model. Received: "
                f"source={source!r}"
            )
    if isinstance(source, keras.Model):
        check_generator_model(source)
        count = num_samples or DEFAULT_GENERATED_SAMPLES
        batches = _generator_batches(source, count, batch_size, seed)
    elif isinstance(source, np.ndarray) or hasattr(source, "shape"):
        array = source
        batches = (
            np.asarray(array[start : start + batch_size])
            for start in range(0, len(array), batch_size)
        )
    else:
        batches = (_first_item(element) for element in source)
    for batch in _take(batches, num_samples):
        yield as_rgb(to_uint8(batch, value_range))
