"""Kernel distance (KID, Bińkowski et al. 2018).

The unbiased estimate of the squared maximum mean discrepancy (MMD²)
between two feature sets under the cubic polynomial kernel
`k(x, y) = (x·y / d + 1)³`, `d` the number of features. The estimate is
averaged over random subsets; its standard deviation across subsets tells
how much to trust the mean. Unlike FID it is unbiased, so two samples of
the same distribution score 0 on average (and may score slightly below 0).

Kernels and sums are computed in float64 where the backend supports it,
else float32 (see `keras_gan.metrics.frechet`).
"""

import keras
import numpy as np
from keras import ops

from keras_gan.metrics import _utils
from keras_gan.validation import check_positive_int


def polynomial_kernel(x, y):
    """The KID kernel matrix `(x @ yᵀ / d + 1)³`, of shape `(m, n)`."""
    num_features = ops.cast(ops.shape(x)[-1], x.dtype)
    return (_utils.matmul(x, ops.transpose(y)) / num_features + 1.0) ** 3


def unbiased_mmd2(x, y):
    """Unbiased MMD² between the samples `x` and `y` (each >= 2 rows).

    `mean_{i≠j} k(x_i, x_j) + mean_{i≠j} k(y_i, y_j)
    - 2 mean_{i,j} k(x_i, y_j)`.
    """
    m = ops.cast(ops.shape(x)[0], x.dtype)
    n = ops.cast(ops.shape(y)[0], x.dtype)
    k_xx = polynomial_kernel(x, x)
    k_yy = polynomial_kernel(y, y)
    k_xy = polynomial_kernel(x, y)
    within_x = (ops.sum(k_xx) - ops.trace(k_xx)) / (m * (m - 1.0))
    within_y = (ops.sum(k_yy) - ops.trace(k_yy)) / (n * (n - 1.0))
    return within_x + within_y - 2.0 * _utils.mean(k_xy)


def subset_indices(num_real, num_fake, num_subsets, subset_size, seed=None):
    """The `(real_indices, fake_indices)` pairs `kernel_distance` uses.

    Each subset draws `subset_size` samples without replacement from each
    set, with a NumPy generator seeded by `seed`.
    """
    rng = np.random.default_rng(seed)
    return [
        (
            rng.choice(num_real, subset_size, replace=False),
            rng.choice(num_fake, subset_size, replace=False),
        )
        for _ in range(num_subsets)
    ]


def kernel_distance(
    real_features,
    fake_features,
    num_subsets=100,
    subset_size=1000,
    seed=None,
):
    """Kernel Inception Distance between two sets of features.

    Computes the unbiased MMD² on `num_subsets` random subsets of
    `subset_size` samples of each set (capped by the smaller set) and
    returns its mean and standard deviation (`ddof=0`) over subsets. Subset
    indices are drawn on the host with NumPy (`subset_indices`); all the
    arithmetic runs in `keras.ops`. Runs eagerly on every backend.

    Args:
        real_features: Array of shape `(num_real, num_features)`.
        fake_features: Array of shape `(num_fake, num_features)`.
        num_subsets: Number of random subsets. Defaults to 100.
        subset_size: Samples per set in each subset. Defaults to 1000, and
            is capped by `min(num_real, num_fake)`.
        seed: Optional integer seed for the subset draws.

    Returns:
        A tuple `(mean, std)` of scalar tensors.

    Example:

    ```python
    rng = np.random.default_rng(0)
    real = rng.normal(size=(500, 8))
    fake = rng.normal(loc=1.0, size=(500, 8))
    mean, std = keras_gan.metrics.kernel_distance(real, fake, seed=0)
    ```
    """
    check_positive_int("num_subsets", num_subsets)
    check_positive_int("subset_size", subset_size)
    dtype = _utils.accumulation_dtype()
    real, fake = _utils.as_feature_pair(
        real_features, fake_features, dtype, min_samples=2
    )
    num_real, num_fake = real.shape[0], fake.shape[0]
    subset_size = max(min(subset_size, num_real, num_fake), 2)
    estimates = ops.stack(
        [
            unbiased_mmd2(
                ops.take(real, real_idx, axis=0),
                ops.take(fake, fake_idx, axis=0),
            )
            for real_idx, fake_idx in subset_indices(
                num_real, num_fake, num_subsets, subset_size, seed
            )
        ]
    )
    return _utils.mean(estimates), ops.std(estimates)


@keras.saving.register_keras_serializable(package=_utils.PACKAGE)
class KernelDistance(keras.metrics.Metric):
    """Streaming Kernel Inception Distance.

    Each `update_state(real_features, fake_features)` call treats the pair
    of batches as one subset: it computes their unbiased MMD² and adds it
    to a running count, sum and sum of squares, so memory does not grow
    with the number of samples. `result()` is the mean over the batches
    seen so far and `std()` their standard deviation (`ddof=0`), as in
    `kernel_distance`. Feed batches of equal, reasonably large size
    (hundreds to a thousand samples): smaller subsets give noisier, though
    still unbiased, estimates. Both are NaN before the first update.

    Args:
        name: Name of the metric. Defaults to `"kernel_distance"`.
        dtype: Dtype of the result. Defaults to `keras.config.floatx()`.

    Example:

    ```python
    kid = keras_gan.metrics.KernelDistance()
    for real_images in dataset.take(10):
        fake_images = generator(keras.random.normal((1000, latent_dim)))
        kid.update_state(inception(real_images), inception(fake_images))
    print(float(kid.result()), float(kid.std()))
    ```
    """

    def __init__(self, name="kernel_distance", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._accumulation_dtype = _utils.accumulation_dtype()
        self.num_subsets, self.total, self.squares_total = (
            self.add_variable(
                shape=(),
                initializer="zeros",
                dtype=self._accumulation_dtype,
                name=variable_name,
            )
            for variable_name in ("num_subsets", "total", "squares_total")
        )

    def update_state(self, real_features, fake_features):
        """Adds the MMD² estimate of one pair of batches (each >= 2 rows)."""
        real, fake = _utils.as_feature_pair(
            real_features, fake_features, self._accumulation_dtype
        )
        for name, x in (("real_features", real), ("fake_features", fake)):
            if x.shape[0] is not None and x.shape[0] < 2:
                raise ValueError(
                    f"Expected `{name}` to hold at least 2 samples. "
                    f"Received: {name}.shape={_utils.static_shape(x)}"
                )
        estimate = unbiased_mmd2(real, fake)
        self.num_subsets.assign_add(ops.ones((), self.num_subsets.dtype))
        self.total.assign_add(estimate)
        self.squares_total.assign_add(estimate * estimate)

    def _mean(self):
        count = self.num_subsets.value
        count = ops.where(count > 0, count, float("nan"))
        return self.total.value / count, self.squares_total.value / count

    def result(self):
        mean, _ = self._mean()
        return ops.cast(mean, self.dtype)

    def std(self):
        """Standard deviation of the per-batch estimates (`ddof=0`)."""
        mean, mean_square = self._mean()
        variance = _utils.at_least(mean_square - mean * mean, 0.0)
        return ops.cast(ops.sqrt(variance), self.dtype)
