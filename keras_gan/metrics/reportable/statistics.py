"""Features and statistics of the reportable FID.

The 2048-d pool features of `FIDInceptionV3`, and their mean and
covariance accumulated in float64 batch by batch (memory does not grow
with the number of samples), stored in pytorch-fid's `.npz` format (`mu`,
`sigma`) plus `pipeline` and `num_samples`. Files without `pipeline`
(those written by pytorch-fid) are read as `"pytorch-fid"`.
"""

import os

import keras
import numpy as np

from keras_gan.images import to_uint8
from keras_gan.metrics.moments import StreamingMoments
from keras_gan.metrics.reportable import inception
from keras_gan.metrics.reportable.pipeline import as_rgb
from keras_gan.metrics.reportable.pipeline import check_pipeline
from keras_gan.metrics.reportable.pipeline import image_batches
from keras_gan.metrics.reportable.pipeline import preprocess
from keras_gan.validation import check_value_range


def default_extractor(extractor):
    if extractor is None:
        return inception.FIDInceptionV3()
    if not isinstance(extractor, keras.Model):
        raise ValueError(
            "Invalid value for argument `extractor`. Expected a "
            "`keras_gan.metrics.FIDInceptionV3`. Received: "
            f"extractor={extractor!r}"
        )
    return extractor


def network_outputs(extractor, images, padded_size):
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


def network_outputs_of(
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
        yield network_outputs(extractor, inputs, padded_size)
        seen += len(inputs)
        if progress is not None:
            progress.update(seen)
    if progress is not None and progress.target is None:
        # Without a known total the bar never ends its line by itself.
        progress.update(seen, finalize=True)


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
    extractor = default_extractor(extractor)
    check_pipeline(pipeline)
    value_range = check_value_range(value_range)

    def features(images):
        images = keras.ops.convert_to_numpy(images)
        images = as_rgb(to_uint8(images, value_range))
        inputs = preprocess(images, pipeline)
        return network_outputs(extractor, inputs, len(inputs))["pool"]

    return features


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
    extractor = default_extractor(extractor)
    moments = StreamingMoments()
    for outputs in network_outputs_of(
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


def as_statistics(value, name):
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
