"""FID and Inception Score as papers report them.

A reportable number needs the same network, the same input pipeline and
the same statistics as the published ones:

- network: `FIDInceptionV3`, the 2015 Inception graph of `pytorch-fid`;
- input pipeline, named and stored with the statistics:
  images are first quantized to uint8, as saved images are
  (`round(255 * (x - low) / (high - low))`, clipped, like torchvision's
  `save_image`), then either
  - `"pytorch-fid"`: scaled to `[0, 1]`, resized to 299x299 bilinearly
    without antialiasing (PyTorch's `interpolate(mode="bilinear",
    align_corners=False)`), mapped to `[-1, 1]` by `2x - 1`; or
  - `"clean"` (clean-fid): each channel of the uint8 image resized to
    299x299 by PIL's bicubic filter in float, clipped to `[0, 255]`, then
    `(x - 128) / 128`, as clean-fid feeds its Inception network;
- statistics: mean and covariance of the 2048-d pool features,
  accumulated in float64 batch by batch (memory does not grow with the
  number of samples), stored in pytorch-fid's `.npz` format (`mu`,
  `sigma`) plus `pipeline` and `num_samples`.

Files without `pipeline` (those written by pytorch-fid) are read as
`"pytorch-fid"`. Statistics from different pipelines are refused rather
than compared.
"""

import os

import keras
import numpy as np

from keras_gan.metrics import fid_inception
from keras_gan.utils import check_positive_int
from keras_gan.utils import check_value_range

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
_SIZE = fid_inception.IMAGE_SIZE


# === Input pipeline ===


def check_pipeline(pipeline):
    if pipeline not in PIPELINES:
        raise ValueError(
            f"Invalid value for argument `pipeline`. Expected one of "
            f"{PIPELINES}. Received: pipeline={pipeline!r}"
        )
    return pipeline


def quantize(images, value_range=(-1.0, 1.0)):
    """Quantizes images to uint8 as saving them to PNG would.

    Args:
        images: Array `(num, height, width, channels)` (or without the
            channel axis) with values in `value_range`. uint8 arrays are
            returned unchanged.
        value_range: `(low, high)` of the values: `(-1, 1)` for `tanh`
            generators, `(0, 1)` or `(0, 255)`. Defaults to `(-1, 1)`.

    Returns:
        A uint8 NumPy array of the same shape:
        `floor(255 * (x - low) / (high - low) + 0.5)`, clipped to
        `[0, 255]`.
    """
    images = np.asarray(images)
    if images.dtype == np.uint8:
        return images
    low, high = check_value_range(value_range)
    scaled = (images.astype(np.float64) - low) * (255.0 / (high - low))
    return np.clip(np.floor(scaled + 0.5), 0, 255).astype(np.uint8)


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
    if (height, width) == (_SIZE, _SIZE):
        return x
    x = np.einsum("ph,nhwc->npwc", _bilinear_matrix(height, _SIZE), x)
    return np.einsum("qw,npwc->npqc", _bilinear_matrix(width, _SIZE), x)


def _resize_bicubic_pil(image):
    """One uint8 `(h, w, 3)` image, each channel by PIL in float mode."""
    from PIL import Image

    channels = []
    for channel in range(3):
        resized = Image.fromarray(
            image[:, :, channel].astype(np.float32)
        ).resize((_SIZE, _SIZE), resample=Image.BICUBIC)
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


# === Sources of images ===


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


def _generator_batches(model, num_samples, batch_size, seed):
    rng = np.random.default_rng(seed)
    for start in range(0, num_samples, batch_size):
        size = min(batch_size, num_samples - start)
        if hasattr(model, "generate"):
            yield model.generate(size, seed=int(rng.integers(2**31)))
        else:
            noise = rng.standard_normal((size,) + tuple(model.input_shape[1:]))
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
        yield as_rgb(quantize(batch, value_range))


# === Features ===


class _Moments:
    """Streaming mean and covariance in float64 (Chan et al.'s merge)."""

    def __init__(self):
        self.count = 0
        self.mean = None
        self.scatter = None

    def update(self, features):
        x = np.asarray(features, dtype=np.float64)
        batch_count = len(x)
        batch_mean = x.mean(axis=0)
        centered = x - batch_mean
        batch_scatter = centered.T @ centered
        if self.count == 0:
            self.count, self.mean, self.scatter = (
                batch_count,
                batch_mean,
                batch_scatter,
            )
            return
        total = self.count + batch_count
        delta = batch_mean - self.mean
        self.scatter += batch_scatter + np.outer(delta, delta) * (
            self.count * batch_count / total
        )
        self.mean = self.mean + delta * (batch_count / total)
        self.count = total

    def covariance(self):
        return self.scatter / (self.count - 1)


def _default_extractor(extractor):
    if extractor is None:
        return fid_inception.FIDInceptionV3()
    if not isinstance(extractor, keras.Model):
        raise ValueError(
            "Invalid value for argument `extractor`. Expected a "
            "`keras_gan.metrics.FIDInceptionV3`. Received: "
            f"extractor={extractor!r}"
        )
    return extractor


def _network_outputs(extractor, images, padded_size):
    """Runs `extractor` on one preprocessed batch, padded to `padded_size`
    so that compiled backends trace a single shape."""
    count = len(images)
    if count < padded_size:
        padding = np.zeros((padded_size - count,) + images.shape[1:], "float32")
        images = np.concatenate([images, padding])
    outputs = extractor.predict_on_batch(images.astype("float32"))
    return {
        key: np.asarray(keras.ops.convert_to_numpy(value))[:count]
        for key, value in outputs.items()
    }


def _outputs(
    source,
    extractor,
    pipeline,
    num_samples,
    batch_size,
    value_range,
    seed,
    verbose,
):
    """Yields the extractor's output dicts, batch by batch."""
    progress = (
        keras.utils.Progbar(num_samples, unit_name="image") if verbose else None
    )
    seen = 0
    padded_size = None
    for batch in image_batches(
        source, num_samples, batch_size, value_range, seed
    ):
        if isinstance(batch, list):
            inputs = np.concatenate(
                [preprocess(image[None], pipeline) for image in batch]
            )
        else:
            inputs = preprocess(batch, pipeline)
        padded_size = padded_size or len(inputs)
        yield _network_outputs(extractor, inputs, padded_size)
        seen += len(inputs)
        if progress is not None:
            progress.update(seen)


def fid_feature_extractor(
    extractor=None, pipeline="pytorch-fid", value_range=(-1.0, 1.0)
):
    """A callable mapping images to the reportable 2048-d pool features.

    Quantizes, resizes and scales images as `pipeline` does, then runs the
    FID Inception network; pass it to `keras_gan.callbacks.GANQuality` as
    `feature_extractor` to monitor the FID papers report (slow on CPU).

    Args:
        extractor: A `FIDInceptionV3`; `None` builds one with the
            pytorch-fid weights. Defaults to `None`.
        pipeline: `"pytorch-fid"` or `"clean"`. Defaults to
            `"pytorch-fid"`.
        value_range: `(low, high)` of the images. Defaults to `(-1, 1)`.

    Returns:
        A function `images -> np.ndarray (num_images, 2048)`.
    """
    extractor = _default_extractor(extractor)
    check_pipeline(pipeline)
    value_range = check_value_range(value_range)

    def features(images):
        images = keras.ops.convert_to_numpy(images)
        images = as_rgb(quantize(images, value_range))
        inputs = preprocess(images, pipeline)
        return _network_outputs(extractor, inputs, len(inputs))["pool"]

    return features


# === Statistics ===


def reference_statistics(
    source,
    extractor=None,
    out=None,
    pipeline="pytorch-fid",
    num_samples=None,
    batch_size=50,
    value_range=(-1.0, 1.0),
    seed=0,
    verbose=0,
):
    """Mean and covariance of the FID features of `source`.

    Args:
        source: Images: see `image_batches` (a directory, an array, a
            dataset, a generator, ...).
        extractor: A `FIDInceptionV3`; `None` builds one with the
            pytorch-fid weights. Defaults to `None`.
        out: Optional `.npz` path to write the statistics to (readable by
            pytorch-fid). Defaults to `None`.
        pipeline: `"pytorch-fid"` or `"clean"`. Defaults to
            `"pytorch-fid"`.
        num_samples: Number of images; `None` takes all of a data source
            and 50,000 from a generator. Defaults to `None`.
        batch_size: Images per network call. Defaults to 50.
        value_range: `(low, high)` of float images. Defaults to `(-1, 1)`.
        seed: Seed of a generator's latent vectors. Defaults to 0.
        verbose: 1 shows a progress bar. Defaults to 0.

    Returns:
        A dict with `"mu"` (2048,), `"sigma"` (2048, 2048) (float64),
        `"num_samples"` and `"pipeline"`.

    Example:

    ```python
    extractor = keras_gan.metrics.FIDInceptionV3()
    reference = keras_gan.metrics.reference_statistics(
        x_train, extractor, out="cifar10_train.npz", value_range=(0, 255)
    )
    ```
    """
    check_pipeline(pipeline)
    extractor = _default_extractor(extractor)
    moments = _Moments()
    for outputs in _outputs(
        source, extractor, pipeline, num_samples, batch_size, value_range,
        seed, verbose,
    ):
        moments.update(outputs["pool"])
    if moments.count < 2:
        raise ValueError(
            "Expected at least 2 images to estimate a covariance. Received: "
            f"{moments.count}"
        )
    statistics = {
        "mu": moments.mean,
        "sigma": moments.covariance(),
        "num_samples": moments.count,
        "pipeline": pipeline,
    }
    if out is not None:
        save_statistics(out, statistics)
    return statistics


def save_statistics(path, statistics):
    """Writes statistics as pytorch-fid's `.npz` (plus their pipeline)."""
    np.savez_compressed(
        path,
        mu=statistics["mu"],
        sigma=statistics["sigma"],
        num_samples=np.int64(statistics.get("num_samples", -1)),
        pipeline=np.str_(statistics["pipeline"]),
    )


def load_statistics(path):
    """Reads a `.npz` of ours or pytorch-fid's (then `"pytorch-fid"`)."""
    with np.load(path) as data:
        if "mu" not in data or "sigma" not in data:
            raise ValueError(
                f"Expected FID statistics with arrays `mu` and `sigma` in "
                f"{path!r}. Received: arrays {sorted(data.keys())}"
            )
        pipeline = "pytorch-fid"
        if "pipeline" in data:
            pipeline = str(data["pipeline"])
        return {
            "mu": np.asarray(data["mu"], dtype=np.float64),
            "sigma": np.asarray(data["sigma"], dtype=np.float64),
            "num_samples": int(data["num_samples"])
            if "num_samples" in data
            else -1,
            "pipeline": pipeline,
        }


def _as_statistics(value, name):
    if isinstance(value, (str, os.PathLike)) and os.fspath(value).endswith(
        ".npz"
    ):
        return load_statistics(value)
    if isinstance(value, dict) and {"mu", "sigma", "pipeline"} <= set(value):
        return value
    raise ValueError(
        f"Invalid value for argument `{name}`. Expected a `.npz` path or the "
        f"dict returned by `reference_statistics`. Received: {name}={value!r}"
    )


def frechet_distance_float64(mu1, sigma1, mu2, sigma2):
    """Fréchet distance in NumPy float64, on every backend.

    The symmetric form of `keras_gan.metrics.frechet`:
    `tr sqrt(S1 S2) = tr sqrt(R S2 R)` with `R = sqrt(S1)`, written as
    `B = V sqrt(L)` over the positive eigenpairs `(L, V)` of `S1`, so that
    `R S2 R` has the eigenvalues of the smaller `Bᵀ S2 B` (exact: the
    clipped eigenvalues contribute nothing). NumPy keeps it in float64 on
    JAX without `jax_enable_x64` too.
    """
    mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
    sigma1 = np.asarray(sigma1, np.float64)
    sigma2 = np.asarray(sigma2, np.float64)
    if mu1.shape != mu2.shape or sigma1.shape != sigma2.shape:
        raise ValueError(
            "Expected statistics of the same dimension. Received: "
            f"mu shapes {mu1.shape} and {mu2.shape}"
        )
    eigenvalues, eigenvectors = np.linalg.eigh((sigma1 + sigma1.T) / 2.0)
    positive = eigenvalues > 0.0
    root = eigenvectors[:, positive] * np.sqrt(eigenvalues[positive])
    inner = root.T @ sigma2 @ root
    inner_eigenvalues = np.linalg.eigvalsh((inner + inner.T) / 2.0)
    trace_sqrt = np.sqrt(np.clip(inner_eigenvalues, 0.0, None)).sum()
    diff = mu1 - mu2
    return float(
        diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_sqrt
    )


def fid_from_statistics(statistics1, statistics2):
    """FID between two sets of statistics of the same pipeline."""
    first = _as_statistics(statistics1, "statistics1")
    second = _as_statistics(statistics2, "statistics2")
    if first["pipeline"] != second["pipeline"]:
        raise ValueError(
            "The statistics were computed with different input pipelines "
            f"({first['pipeline']!r} and {second['pipeline']!r}); their FID "
            "would not be comparable with anything. Recompute one of them "
            "with the other's `pipeline`."
        )
    return frechet_distance_float64(
        first["mu"], first["sigma"], second["mu"], second["sigma"]
    )


def fid(
    source,
    reference,
    extractor=None,
    num_samples=None,
    batch_size=50,
    pipeline=None,
    value_range=(-1.0, 1.0),
    seed=0,
    out=None,
    verbose=0,
):
    """The FID of `source` against reference statistics.

    Args:
        source: Generated images or their generator (see `image_batches`),
            or statistics (`.npz` path or dict).
        reference: Statistics of the real images: a `.npz` path (ours or
            pytorch-fid's) or the dict of `reference_statistics`.
        extractor: A `FIDInceptionV3`; `None` builds one with the
            pytorch-fid weights. Defaults to `None`.
        num_samples: Number of images; `None` takes all of a data source
            and 50,000 (the usual FID-50k) from a generator. Defaults to
            `None`.
        batch_size: Images per network call. Defaults to 50.
        pipeline: Input pipeline; `None` uses the reference's. A different
            one is refused. Defaults to `None`.
        value_range: `(low, high)` of float images. Defaults to `(-1, 1)`.
        seed: Seed of a generator's latent vectors. Defaults to 0.
        out: Optional `.npz` path for the statistics of `source`.
            Defaults to `None`.
        verbose: 1 shows a progress bar. Defaults to 0.

    Returns:
        The FID as a Python float.

    Example:

    ```python
    value = keras_gan.metrics.fid(
        gan, "cifar10_train.npz", num_samples=50_000, batch_size=250
    )
    ```
    """
    reference = _as_statistics(reference, "reference")
    if pipeline is None:
        pipeline = reference["pipeline"]
    check_pipeline(pipeline)
    if pipeline != reference["pipeline"]:
        raise ValueError(
            f"Invalid value for argument `pipeline`. The reference "
            f"statistics were computed with pipeline="
            f"{reference['pipeline']!r}; FIDs are only comparable with the "
            f"same pipeline. Received: pipeline={pipeline!r}"
        )
    is_statistics = isinstance(source, dict) or (
        isinstance(source, (str, os.PathLike))
        and os.fspath(source).endswith(".npz")
    )
    if is_statistics:
        statistics = _as_statistics(source, "source")
    else:
        statistics = reference_statistics(
            source,
            extractor,
            out=out,
            pipeline=pipeline,
            num_samples=num_samples,
            batch_size=batch_size,
            value_range=value_range,
            seed=seed,
            verbose=verbose,
        )
    return fid_from_statistics(statistics, reference)


# === Inception Score ===


def inception_score_from_logits(logits, splits=10):
    """Inception Score of class logits (Salimans et al. 2016).

    Splits the samples into `splits` consecutive parts; in each, the score
    is `exp(mean_x KL(p(y|x) || p(y)))` with `p(y)` the part's mean
    prediction. Computed in float64.

    Args:
        logits: Array `(num_samples, num_classes)`.
        splits: Number of parts. Defaults to 10.

    Returns:
        `(mean, std)` of the parts' scores, as Python floats.

    Example:

    ```python
    logits = np.log(np.eye(10))  # ten confident, distinct predictions
    keras_gan.metrics.inception_score_from_logits(logits, splits=1)
    # (10.0, 0.0)
    ```
    """
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim != 2:
        raise ValueError(
            "Expected `logits` of shape (num_samples, num_classes). "
            f"Received: logits.shape={logits.shape}"
        )
    check_positive_int("splits", splits)
    num = len(logits)
    if splits > num:
        raise ValueError(
            "Invalid value for argument `splits`. Expected at most the "
            f"number of samples ({num}). Received: splits={splits}"
        )
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    scores = []
    for index in range(splits):
        part = log_p[index * num // splits : (index + 1) * num // splits]
        log_marginal = np.log(np.exp(part).mean(axis=0))
        divergence = (np.exp(part) * (part - log_marginal)).sum(axis=1)
        scores.append(np.exp(divergence.mean()))
    return float(np.mean(scores)), float(np.std(scores))


def inception_score(
    source,
    extractor=None,
    splits=10,
    num_samples=None,
    batch_size=50,
    pipeline="pytorch-fid",
    value_range=(-1.0, 1.0),
    seed=0,
    verbose=0,
):
    """Inception Score of images, on the FID Inception network's logits.

    Uses the 1008 logits without the final bias, as the original
    TensorFlow implementation (and torch-fidelity) do.

    Args:
        source: Images or their generator (see `image_batches`).
        extractor: A `FIDInceptionV3`; `None` builds one with the
            pytorch-fid weights. Defaults to `None`.
        splits: Number of parts (see `inception_score_from_logits`).
            Defaults to 10.
        num_samples: Number of images; `None` takes all of a data source
            and 50,000 from a generator. Defaults to `None`.
        batch_size: Images per network call. Defaults to 50.
        pipeline: `"pytorch-fid"` or `"clean"`. Defaults to
            `"pytorch-fid"`.
        value_range: `(low, high)` of float images. Defaults to `(-1, 1)`.
        seed: Seed of a generator's latent vectors. Defaults to 0.
        verbose: 1 shows a progress bar. Defaults to 0.

    Returns:
        `(mean, std)` as Python floats.

    Example:

    ```python
    mean, std = keras_gan.metrics.inception_score(
        gan, keras_gan.metrics.FIDInceptionV3(), num_samples=50_000
    )
    ```
    """
    check_pipeline(pipeline)
    check_positive_int("splits", splits)
    extractor = _default_extractor(extractor)
    bias = keras.ops.convert_to_numpy(extractor.get_layer("fc").bias)
    logits = [
        outputs["logits"] - bias
        for outputs in _outputs(
            source, extractor, pipeline, num_samples, batch_size,
            value_range, seed, verbose,
        )
    ]
    return inception_score_from_logits(np.concatenate(logits), splits)
