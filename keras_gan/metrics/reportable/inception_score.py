"""Inception Score (Salimans et al. 2016) from the FID Inception network."""

import keras
import numpy as np

from keras_gan.metrics.reportable.pipeline import check_pipeline
from keras_gan.metrics.reportable.statistics import default_extractor
from keras_gan.metrics.reportable.statistics import network_outputs_of
from keras_gan.validation import check_positive_int


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
        probabilities = np.exp(part)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_marginal = np.log(probabilities.mean(axis=0))
            terms = probabilities * (part - log_marginal)
        # A class with probability 0 adds nothing (0 * log 0 = 0), not NaN.
        divergence = np.where(probabilities > 0, terms, 0.0).sum(axis=1)
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
    extractor = default_extractor(extractor)
    bias = keras.ops.convert_to_numpy(extractor.get_layer("fc").bias)
    logits = [
        outputs["logits"] - bias
        for outputs in network_outputs_of(
            source, extractor, pipeline, num_samples, batch_size,
            value_range, seed, verbose,
        )
    ]
    return inception_score_from_logits(np.concatenate(logits), splits)
