"""Fréchet distance between Gaussians fitted to two feature sets (FID).

`d² = |mu_r - mu_f|² + tr(S_r) + tr(S_f) - 2 tr(sqrt(R S_f R))`, with
`R = sqrt(S_r)`.

The usual formula takes `sqrtm(S_r @ S_f)`, a square root of a
non-symmetric matrix that needs a complex Schur decomposition. The
symmetric form above has the same trace (the two matrices are similar).
With `Q = sqrt(S_f)`, `R S_f R = (R Q)(R Q)ᵀ`, so that trace is the sum of
the singular values of `R Q`: the code takes the square roots of `S_r` and
`S_f` with `keras.ops.eigh` (eigenvalues that rounding pushed below zero
are clipped to zero) and the singular values of their product with
`keras.ops.svd`, so it runs on every backend without complex numbers, and
never squares a covariance (the eigenvalues of `R S_f R` are the squares
of those singular values: rounding would lose the small ones first).

Precision: moments are accumulated and the matrix square roots computed in
float64 on TensorFlow and PyTorch, and on JAX when `jax_enable_x64` is on;
on default JAX, in float32. FID is ill-conditioned where covariances are
near-singular (typical of 2048-d Inception features): the square roots of
tiny eigenvalues amplify float32 rounding, so enable
`jax.config.update("jax_enable_x64", True)` for results comparable with
published (float64) FIDs. Everything stays in `keras.ops`, with no host
round trip, so the metric also runs inside compiled functions."""

import keras
from keras import ops

import numpy as np

from keras_gan.metrics import _utils
from keras_gan.validation import check_positive_int
from keras_gan.metrics.moments import moments_from_sums


def frechet_distance(real_features, fake_features):
    """Fréchet distance between two sets of features (FID on Inception
    features).

    Fits a Gaussian (mean and unbiased covariance) to each set and returns
    the Fréchet distance between them. Runs eagerly on every backend.

    Args:
        real_features: Array of shape `(num_real, num_features)`, at least
            two samples.
        fake_features: Array of shape `(num_fake, num_features)`, at least
            two samples.

    Returns:
        A scalar tensor, in float64 where the backend supports it (see the
        module docstring), else float32.

    Example:

    ```python
    rng = np.random.default_rng(0)
    real = rng.normal(size=(500, 8))
    fake = rng.normal(loc=1.0, size=(500, 8))
    distance = keras_gan.metrics.frechet_distance(real, fake)  # about 8
    ```
    """
    dtype = _utils.accumulation_dtype()
    real, fake = _utils.as_feature_pair(
        real_features, fake_features, dtype, min_samples=2
    )
    real_mean, real_cov = _mean_and_covariance(real)
    fake_mean, fake_cov = _mean_and_covariance(fake)
    return frechet_distance_from_moments(
        real_mean, real_cov, fake_mean, fake_cov
    )


def frechet_distance_from_moments(mean1, cov1, mean2, cov2):
    """Fréchet distance between `N(mean1, cov1)` and `N(mean2, cov2)`.

    Useful with precomputed reference statistics. The covariances must be
    symmetric positive semi-definite. Computed with `keras.ops` in float64
    where the backend allows (see the module docstring), whatever the
    arguments' dtypes, so it also runs inside compiled functions.

    Example:

    ```python
    distance = keras_gan.metrics.frechet_distance_from_moments(
        np.zeros(2), np.eye(2), np.ones(2), np.eye(2)
    )  # 2.0
    ```
    """
    dtype = _utils.accumulation_dtype()
    mean1, cov1, mean2, cov2 = (
        ops.cast(ops.convert_to_tensor(v), dtype) for v in (mean1, cov1, mean2, cov2)
    )
    return _frechet(_KERAS_OPS, mean1, cov1, mean2, cov2)


def frechet_distance_float64(mean1, cov1, mean2, cov2):
    """The same distance in NumPy float64 on the host, on every backend.

    The reportable FID uses it: NumPy keeps float64 on JAX without
    `jax_enable_x64` too.
    """
    mean1, mean2 = np.asarray(mean1, np.float64), np.asarray(mean2, np.float64)
    cov1, cov2 = np.asarray(cov1, np.float64), np.asarray(cov2, np.float64)
    if mean1.shape != mean2.shape or cov1.shape != cov2.shape:
        raise ValueError(
            "Expected statistics of the same dimension. Received: "
            f"mean shapes {mean1.shape} and {mean2.shape}"
        )
    return float(_frechet(_NUMPY, mean1, cov1, mean2, cov2))


class _Namespace:
    """The few array functions `_frechet` needs, for `keras.ops` or NumPy."""

    def __init__(self, eigh, svdvals, matmul, maximum, transpose, sum, sqrt, trace):
        self.eigh, self.svdvals, self.matmul = eigh, svdvals, matmul
        self.maximum, self.transpose = maximum, transpose
        self.sum, self.sqrt, self.trace = sum, sqrt, trace


_KERAS_OPS = _Namespace(
    ops.eigh, lambda matrix: ops.svd(matrix, compute_uv=False), _utils.matmul,
    _utils.at_least, ops.transpose, ops.sum, ops.sqrt, ops.trace,
)
_NUMPY = _Namespace(
    np.linalg.eigh, lambda matrix: np.linalg.svd(matrix, compute_uv=False),
    np.matmul, np.maximum, np.transpose, np.sum, np.sqrt, np.trace,
)


def _frechet(xp, mean1, cov1, mean2, cov2):
    """`|m1 - m2|² + tr(S1) + tr(S2) - 2 tr sqrt(R S2 R)`, `R = sqrt(S1)`."""
    diff = mean1 - mean2
    return (
        xp.sum(diff * diff)
        + xp.trace(cov1)
        + xp.trace(cov2)
        - 2.0 * _trace_sqrt_product(xp, cov1, cov2)
    )


def _mean_and_covariance(x):
    count = ops.cast(ops.shape(x)[0], x.dtype)
    mean = _utils.mean(x, axis=0)
    centered = x - mean
    cov = _utils.matmul(ops.transpose(centered), centered) / (count - 1.0)
    return mean, cov


def _symmetrize(xp, matrix):
    return (matrix + xp.transpose(matrix)) / 2.0


def _sqrtm_psd(xp, matrix):
    """Square root of a symmetric PSD matrix via its eigen-decomposition."""
    eigenvalues, eigenvectors = xp.eigh(_symmetrize(xp, matrix))
    roots = xp.sqrt(xp.maximum(eigenvalues, 0.0))
    return xp.matmul(eigenvectors * roots[None, :], xp.transpose(eigenvectors))


def _trace_sqrt_product(xp, cov1, cov2):
    """`tr(sqrtm(cov1 @ cov2))`: the sum of the singular values of
    `sqrt(cov1) @ sqrt(cov2)` (module docstring)."""
    return xp.sum(xp.svdvals(xp.matmul(_sqrtm_psd(xp, cov1), _sqrtm_psd(xp, cov2))))


@keras.saving.register_keras_serializable(package=_utils.PACKAGE)
class FrechetDistance(keras.metrics.Metric):
    """Streaming Fréchet distance (FID when fed Inception features).

    Accumulates, for the real and the fake set, the sample count, the sum
    of the features and the sum of their outer products, so memory is
    `O(num_features²)` whatever the number of samples, and the sums add up
    correctly across replicas. `result()` turns them into means and
    covariances and returns the distance of `frechet_distance`. The sums
    are kept in float64 where the backend supports it (see the module
    docstring); on default JAX they are float32, where
    `sum(x xᵀ) - n mean meanᵀ` loses precision for features with a large
    mean relative to their spread.

    `result()` is NaN until each set has received at least two samples.

    Args:
        num_features: Dimensionality of the features.
        reset_real_features: If `False`, `reset_state()` keeps the real
            statistics, so reference features need to be fed only once
            (e.g. across epochs). Defaults to `True`.
        name: Name of the metric. Defaults to `"frechet_distance"`.
        dtype: Dtype of the result. Defaults to `keras.config.floatx()`.

    Example:

    ```python
    fid = keras_gan.metrics.FrechetDistance(
        num_features=2048, reset_real_features=False
    )
    for real_images in dataset:
        fid.update_state(real_features=inception(real_images))
    for _ in range(num_batches):
        fake_images = generator(keras.random.normal((batch_size, latent_dim)))
        fid.update_state(fake_features=inception(fake_images))
    print(float(fid.result()))
    fid.reset_state()  # forgets the fakes only
    ```
    """

    def __init__(
        self,
        num_features,
        reset_real_features=True,
        name="frechet_distance",
        dtype=None,
    ):
        super().__init__(name=name, dtype=dtype)
        check_positive_int("num_features", num_features)
        self.num_features = int(num_features)
        self.reset_real_features = bool(reset_real_features)
        self._accumulation_dtype = _utils.accumulation_dtype()
        self._real_state = self._add_moment_variables("real")
        self._fake_state = self._add_moment_variables("fake")

    def _add_moment_variables(self, prefix):
        d = self.num_features
        return tuple(
            self.add_variable(
                shape=shape,
                initializer="zeros",
                dtype=self._accumulation_dtype,
                name=f"{prefix}_{suffix}",
            )
            for shape, suffix in (
                ((), "count"),
                ((d,), "sum"),
                ((d, d), "outer_sum"),
            )
        )

    def update_state(self, real_features=None, fake_features=None):
        """Adds a batch of real and/or fake features (either may be None)."""
        _utils.check_real_or_fake(real_features, fake_features)
        if real_features is not None:
            self._accumulate(real_features, "real_features", self._real_state)
        if fake_features is not None:
            self._accumulate(fake_features, "fake_features", self._fake_state)

    def _accumulate(self, features, name, state):
        x = _utils.as_features(features, name, self._accumulation_dtype)
        _utils.check_num_features(x, name, self.num_features)
        count, total, outer_total = state
        count.assign_add(ops.cast(ops.shape(x)[0], count.dtype))
        total.assign_add(ops.sum(x, axis=0))
        outer_total.assign_add(_utils.matmul(ops.transpose(x), x))

    def result(self):
        real_mean, real_cov = moments_from_sums(
            *(v.value for v in self._real_state)
        )
        fake_mean, fake_cov = moments_from_sums(
            *(v.value for v in self._fake_state)
        )
        distance = frechet_distance_from_moments(
            real_mean, real_cov, fake_mean, fake_cov
        )
        defined = ops.logical_and(
            self._real_state[0].value >= 2.0, self._fake_state[0].value >= 2.0
        )
        distance = ops.where(defined, distance, float("nan"))
        return ops.cast(distance, self.dtype)

    def reset_state(self):
        states = [self._fake_state]
        if self.reset_real_features:
            states.append(self._real_state)
        for state in states:
            for variable in state:
                variable.assign(ops.zeros(variable.shape, variable.dtype))

    def get_config(self):
        return {
            **super().get_config(),
            "num_features": self.num_features,
            "reset_real_features": self.reset_real_features,
        }
