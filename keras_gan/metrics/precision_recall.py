"""Improved precision and recall (Kynkäänniemi et al. 2019).

Each set's manifold is estimated as the union of balls centred on its
samples, each ball reaching the sample's k-th nearest neighbour in the same
set. Precision is the fraction of fake samples inside the real manifold
(fidelity), recall the fraction of real samples inside the fake manifold
(diversity). A point on a ball's boundary counts as inside, as in the
authors' implementation.
"""

import keras

from keras_gan.metrics import _feature_buffer
from keras_gan.metrics import _knn
from keras_gan.metrics import _utils

_DTYPE = "float32"


def precision_recall(real_features, fake_features, k=3, batch_size=1024):
    """Improved precision and recall of fake features against real ones.

    Runs eagerly on every backend, in float32.

    Args:
        real_features: Array of shape `(num_real, num_features)`.
        fake_features: Array of shape `(num_fake, num_features)`.
        k: Neighbourhood size of the k-NN radii. Must be smaller than the
            number of samples of each set. Defaults to 3.
        batch_size: Rows of the pairwise-distance matrix computed at once;
            memory is `O(batch_size * max(num_real, num_fake))`. Defaults
            to 1024.

    Returns:
        A tuple `(precision, recall)` of scalar tensors in `[0, 1]`.

    Example:

    ```python
    rng = np.random.default_rng(0)
    real = rng.normal(size=(1000, 8))
    fake = rng.normal(scale=0.5, size=(1000, 8))  # faithful, not diverse
    precision, recall = keras_gan.metrics.precision_recall(real, fake)
    ```
    """
    real, fake = _knn.as_knn_inputs(
        real_features, fake_features, k, batch_size, _DTYPE
    )
    return _precision_recall(real, fake, k, batch_size)


def _precision_recall(
    real, fake, k, batch_size, real_mask=None, fake_mask=None
):
    real_radii = _knn.knn_radii(real, k, batch_size, real_mask)
    fake_radii = _knn.knn_radii(fake, k, batch_size, fake_mask)
    fakes_in_real = _knn.count_within(fake, real, real_radii, batch_size) > 0
    reals_in_fake = _knn.count_within(real, fake, fake_radii, batch_size) > 0
    precision = _knn.masked_mean(
        keras.ops.cast(fakes_in_real, _DTYPE), fake_mask
    )
    recall = _knn.masked_mean(keras.ops.cast(reals_in_fake, _DTYPE), real_mask)
    return precision, recall


@keras.saving.register_keras_serializable(package=_utils.PACKAGE)
class PrecisionRecall(_feature_buffer.FeatureBufferMetric):
    """Streaming improved precision and recall.

    The method compares every sample with every other one, so this metric
    stores the features: up to `max_samples` per set, in two preallocated
    float32 buffers of shape `(max_samples, num_features)` (80 MB each for
    10,000 Inception features); later samples are dropped. `result()`
    computes the k-NN statistics over the full buffers (`O(max_samples²)`
    distances, so choose `max_samples` no larger than needed) and returns
    `{"precision": ..., "recall": ...}`, NaN until each set holds more than
    `k` samples. Equals `precision_recall` on the stored samples.

    Args:
        num_features: Dimensionality of the features.
        k: Neighbourhood size of the k-NN radii. Defaults to 3.
        max_samples: Capacity of each buffer. Defaults to 10000.
        batch_size: Rows of the pairwise-distance matrix computed at once.
            Defaults to 1024.
        name: Name of the metric. Defaults to `"precision_recall"`.
        dtype: Dtype of the results. Defaults to `keras.config.floatx()`.

    Example:

    ```python
    metric = keras_gan.metrics.PrecisionRecall(num_features=2048)
    for real_images in dataset.take(10):
        fake_images = generator(keras.random.normal((1000, latent_dim)))
        metric.update_state(inception(real_images), inception(fake_images))
    results = metric.result()
    print(float(results["precision"]), float(results["recall"]))
    ```
    """

    _result_names = ("precision", "recall")
    _statistics = staticmethod(_precision_recall)

    def __init__(
        self,
        num_features,
        k=3,
        max_samples=10000,
        batch_size=1024,
        name="precision_recall",
        dtype=None,
    ):
        super().__init__(num_features, k, max_samples, batch_size, name, dtype)
