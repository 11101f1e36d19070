"""FID as papers report it: two sets of statistics, one Fréchet distance.

Statistics from different input pipelines are refused rather than
compared.
"""

import os



from keras_gan.metrics.frechet import frechet_distance_float64
from keras_gan.metrics.reportable.pipeline import check_pipeline
from keras_gan.metrics.reportable.statistics import as_statistics
from keras_gan.metrics.reportable.statistics import reference_statistics


def fid_from_statistics(statistics1, statistics2):
    """FID between two sets of statistics of the same pipeline."""
    first = as_statistics(statistics1, "statistics1")
    second = as_statistics(statistics2, "statistics2")
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
    reference = as_statistics(reference, "reference")
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
        statistics = as_statistics(source, "source")
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
