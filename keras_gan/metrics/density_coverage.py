"""Density and coverage (Naeem et al. 2020).

Both use balls around the real samples only, reaching each real sample's
k-th nearest real neighbour, which makes them robust to outliers among the
fakes. Density is the average number of real balls containing a fake
sample, divided by k (about 1 when the distributions match, above 1 when
fakes crowd dense real regions); coverage is the fraction of real balls
that contain at least one fake sample. Boundaries are excluded (strict
`<`), as in the authors' implementation.
"""

import keras

from keras_gan.metrics import _feature_buffer
from keras_gan.metrics import _knn
from keras_gan.metrics import _utils

_DTYPE = "float32"


def density_coverage(real_features, fake_features, k=5, batch_size=1024):
    """Density and coverage of fake features against real ones.

    Runs eagerly on every backend, in float32.

    Args:
        real_features: Array of shape `(num_real, num_features)`.
        fake_features: Array of shape `(num_fake, num_features)`.
        k: Neighbourhood size of the k-NN radii. Must be smaller than the
            number of samples of each set. Defaults to 5.
        batch_size: Rows of the pairwise-distance matrix computed at once;
            memory is `O(batch_size * max(num_real, num_fake))`. Defaults
            to 1024.

    Returns:
        A tuple `(density, coverage)` of scalar tensors; density is in
        `[0, num_real / k]`, coverage in `[0, 1]`.

    Example:

    ```python
    rng = np.random.default_rng(0)
    real = rng.normal(size=(1000, 8))
    fake = rng.normal(size=(1000, 8))
    density, coverage = keras_gan.metrics.density_coverage(real, fake)
    ```
    """
    real, fake = _knn.as_knn_inputs(
        real_features, fake_features, k, batch_size, _DTYPE
    )
    return _density_coverage(real, fake, k, batch_size)


def _density_coverage(
    real, fake, k, batch_size, real_mask=None, fake_mask=None
):
    real_radii = _knn.knn_radii(real, k, batch_size, real_mask)
    balls_per_fake = _knn.count_within(
        fake, real, real_radii, batch_size, strict=True
    )
    density = _knn.masked_mean(balls_per_fake, fake_mask) / float(k)
    nearest_fake = _knn.nearest_distance(real, fake, batch_size, fake_mask)
    covered = keras.ops.cast(nearest_fake < real_radii, _DTYPE)
    coverage = _knn.masked_mean(covered, real_mask)
    return density, coverage


@keras.saving.register_keras_serializable(package=_utils.PACKAGE)
class DensityCoverage(_feature_buffer.FeatureBufferMetric):
    """Streaming density and coverage.

    Like `PrecisionRecall`, this metric stores the features (inherent to
    k-NN methods): up to `max_samples` per set in preallocated float32
    buffers, later samples dropped. `result()` returns
    `{"density": ..., "coverage": ...}` over the stored samples, equal to
    `density_coverage` on them, and NaN until each set holds more than `k`
    samples.

    Args:
        num_features: Dimensionality of the features.
        k: Neighbourhood size of the k-NN radii. Defaults to 5.
        max_samples: Capacity of each buffer. Defaults to 10000.
        batch_size: Rows of the pairwise-distance matrix computed at once.
            Defaults to 1024.
        name: Name of the metric. Defaults to `"density_coverage"`.
        dtype: Dtype of the results. Defaults to `keras.config.floatx()`.

    Example:

    ```python
    metric = keras_gan.metrics.DensityCoverage(num_features=2048)
    for real_images in dataset.take(10):
        fake_images = generator(keras.random.normal((1000, latent_dim)))
        metric.update_state(inception(real_images), inception(fake_images))
    results = metric.result()
    print(float(results["density"]), float(results["coverage"]))
    ```
    """

    _result_names = ("density", "coverage")
    _statistics = staticmethod(_density_coverage)

    def __init__(
        self,
        num_features,
        k=5,
        max_samples=10000,
        batch_size=1024,
        name="density_coverage",
        dtype=None,
    ):
        super().__init__(num_features, k, max_samples, batch_size, name, dtype)

    def _is_defined(self):
        return keras.ops.logical_and(
            self.real_count.value > self.k, self.fake_count.value > 0
        )
