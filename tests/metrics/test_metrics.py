"""Tests for keras_gan.metrics against NumPy/SciPy reference implementations."""

import keras
import numpy as np
import pytest
import scipy.linalg
from keras import ops

from keras_gan import metrics
from keras_gan.metrics import _utils
from keras_gan.metrics.frechet import frechet_distance_float64
from keras_gan.metrics.kernel import subset_indices

# Tolerance of the FID/KID computations: float64 except on default JAX.
HIGH_PRECISION = _utils.accumulation_dtype() == "float64"
RTOL = 1e-9 if HIGH_PRECISION else 2e-3


def to_numpy(x):
    return np.asarray(ops.convert_to_numpy(x), dtype=np.float64)


def gaussian(seed, n=300, d=6, loc=0.0, scale=1.0):
    """Correlated Gaussian features, float32 like real network features."""
    rng = np.random.default_rng(seed)
    mixing = np.eye(d) + 0.3 * np.random.default_rng(1234).normal(size=(d, d))
    x = rng.normal(size=(n, d)) @ mixing * scale + loc
    return x.astype("float32")


# ---------------------------------------------------------------- references


def reference_fid(x, y):
    x, y = x.astype(np.float64), y.astype(np.float64)
    mu1, mu2 = x.mean(0), y.mean(0)
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    covmean = scipy.linalg.sqrtm(s1 @ s2).real
    return np.sum((mu1 - mu2) ** 2) + np.trace(s1 + s2 - 2 * covmean)


def reference_mmd2(x, y):
    x, y = x.astype(np.float64), y.astype(np.float64)
    d = x.shape[1]
    kernel = lambda a, b: (a @ b.T / d + 1) ** 3  # noqa: E731
    m, n = len(x), len(y)
    k_xx, k_yy, k_xy = kernel(x, x), kernel(y, y), kernel(x, y)
    term_xx = sum(
        k_xx[i, j] for i in range(m) for j in range(m) if i != j
    ) / (m * (m - 1))
    term_yy = sum(
        k_yy[i, j] for i in range(n) for j in range(n) if i != j
    ) / (n * (n - 1))
    return term_xx + term_yy - 2 * k_xy.mean()


def brute_force_distances(a, b):
    a, b = a.astype(np.float64), b.astype(np.float64)
    return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))


def brute_force_radii(x, k):
    # Column 0 of the sorted distances is the point itself.
    return np.sort(brute_force_distances(x, x), axis=1)[:, k]


def reference_precision_recall(real, fake, k):
    real_radii = brute_force_radii(real, k)
    fake_radii = brute_force_radii(fake, k)
    d_fake_real = brute_force_distances(fake, real)
    precision = np.mean((d_fake_real <= real_radii[None, :]).any(axis=1))
    recall = np.mean((d_fake_real.T <= fake_radii[None, :]).any(axis=1))
    return precision, recall


def reference_density_coverage(real, fake, k):
    real_radii = brute_force_radii(real, k)
    d_real_fake = brute_force_distances(real, fake)
    density = (d_real_fake < real_radii[:, None]).sum(axis=0).mean() / k
    coverage = (d_real_fake.min(axis=1) < real_radii).mean()
    return density, coverage


def test_references_are_sane():
    # The references must themselves tell matching sets from different ones.
    x = gaussian(0)
    assert reference_fid(x, x) == pytest.approx(0.0, abs=1e-6)
    assert reference_precision_recall(x, x, 3) == (1.0, 1.0)
    assert reference_density_coverage(x, x, 3)[1] == 1.0


# ------------------------------------------------------------------------ FID


def test_frechet_distance_matches_scipy():
    real, fake = gaussian(0, n=200), gaussian(1, n=250, loc=0.4, scale=1.3)
    expected = reference_fid(real, fake)
    got = to_numpy(metrics.frechet_distance(real, fake))
    np.testing.assert_allclose(got, expected, rtol=RTOL)


def test_frechet_distance_of_a_set_with_itself_is_zero():
    x = gaussian(0)
    assert abs(float(metrics.frechet_distance(x, x))) < 1e-3


def test_frechet_distance_of_a_set_with_itself_keeps_its_small_variances():
    # Variances about 9, 1, 0.09 and 9e-4 along rotated axes: the squared
    # covariance's eigenvalues would span 81 to 8e-7, below float32's
    # rounding of the largest, and losing the smallest costs about 2e-3.
    # The distance must stay zero to float32's rounding of the traces
    # (default JAX computes in float32).
    rotation, _ = np.linalg.qr(np.random.default_rng(1234).normal(size=(4, 4)))
    for seed in range(4):
        x = np.random.default_rng(seed).normal(size=(500, 4)) * [3.0, 1.0, 0.3, 0.03]
        x = (x @ rotation).astype("float32")
        assert abs(float(metrics.frechet_distance(x, x))) < 1e-4, seed
        mean, cov = x.mean(axis=0, dtype="float64"), np.cov(x.astype("float64").T)
        assert abs(frechet_distance_float64(mean, cov, mean, cov)) < 1e-10, seed


def test_frechet_distance_handles_rank_deficient_covariances():
    # Fewer samples than features: singular covariances, where eigenvalues
    # must be clipped at zero instead of producing NaNs.
    real, fake = gaussian(0, n=5, d=12), gaussian(1, n=7, d=12, loc=0.5)
    got = to_numpy(metrics.frechet_distance(real, fake))
    assert np.isfinite(got)
    np.testing.assert_allclose(got, reference_fid(real, fake), rtol=1e-3)


def test_frechet_distance_same_vs_shifted_distribution():
    d = 8
    rng = np.random.default_rng(0)
    real = rng.normal(size=(2000, d))
    same = rng.normal(size=(2000, d))
    shifted = rng.normal(loc=1.0, size=(2000, d))
    assert float(metrics.frechet_distance(real, same)) < 0.1
    # |mean difference|² = d; covariances equal.
    assert float(metrics.frechet_distance(real, shifted)) == pytest.approx(
        d, rel=0.05
    )


def test_frechet_distance_metric_equals_function_when_streamed():
    real, fake = gaussian(0, n=200), gaussian(1, n=180, loc=0.5)
    metric = metrics.FrechetDistance(num_features=real.shape[1])
    for real_batch, fake_batch in zip(
        np.array_split(real, 4), np.array_split(fake, 4)
    ):
        metric.update_state(real_batch, fake_batch)
    expected = reference_fid(real, fake)
    np.testing.assert_allclose(
        to_numpy(metric.result()),
        expected,
        rtol=1e-5 if HIGH_PRECISION else 1e-2,
    )


def test_frechet_distance_metric_accepts_one_set_at_a_time():
    real, fake = gaussian(0, n=100), gaussian(1, n=100, loc=0.5)
    metric = metrics.FrechetDistance(num_features=6, reset_real_features=False)
    assert np.isnan(to_numpy(metric.result()))
    metric.update_state(real_features=real)
    assert np.isnan(to_numpy(metric.result()))
    metric.update_state(fake_features=fake)
    first = to_numpy(metric.result())
    np.testing.assert_allclose(first, reference_fid(real, fake), rtol=1e-2)
    # reset_real_features=False keeps the real statistics.
    metric.reset_state()
    metric.update_state(fake_features=real)
    assert abs(float(metric.result())) < 1e-2


def test_frechet_distance_metric_reset_forgets_everything_by_default():
    metric = metrics.FrechetDistance(num_features=6)
    metric.update_state(gaussian(0), gaussian(1))
    metric.reset_state()
    assert np.isnan(to_numpy(metric.result()))


# ------------------------------------------------------------------------ KID


def test_kernel_distance_on_full_sets_is_deterministic_mmd2():
    # subset_size (default 1000) is capped at n = 40: every subset is a
    # permutation of all samples, so every estimate is the full-set MMD².
    real, fake = gaussian(0, n=40), gaussian(1, n=40, loc=0.3)
    mean, std = metrics.kernel_distance(real, fake, num_subsets=3)
    expected = reference_mmd2(real, fake)
    np.testing.assert_allclose(to_numpy(mean), expected, rtol=RTOL, atol=1e-7)
    assert to_numpy(std) < (1e-9 if HIGH_PRECISION else 1e-4)


def test_kernel_distance_matches_numpy_on_the_same_subsets():
    real, fake = gaussian(0, n=60), gaussian(1, n=80, loc=0.3)
    mean, std = metrics.kernel_distance(
        real, fake, num_subsets=5, subset_size=20, seed=7
    )
    estimates = [
        reference_mmd2(real[r], fake[f])
        for r, f in subset_indices(60, 80, 5, 20, seed=7)
    ]
    assert np.std(estimates) > 0  # the subsets really differ
    np.testing.assert_allclose(to_numpy(mean), np.mean(estimates), rtol=RTOL)
    np.testing.assert_allclose(to_numpy(std), np.std(estimates), rtol=1e-4)


def test_kernel_distance_is_reproducible_with_a_seed():
    real, fake = gaussian(0, n=60), gaussian(1, n=60)
    kwargs = dict(num_subsets=4, subset_size=10)
    a = metrics.kernel_distance(real, fake, seed=3, **kwargs)
    b = metrics.kernel_distance(real, fake, seed=3, **kwargs)
    c = metrics.kernel_distance(real, fake, seed=4, **kwargs)
    assert float(a[0]) == float(b[0])
    assert float(a[0]) != float(c[0])


def test_kernel_distance_same_vs_shifted_distribution():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(400, 8))
    same = rng.normal(size=(400, 8))
    shifted = rng.normal(loc=1.0, size=(400, 8))
    same_mean, same_std = metrics.kernel_distance(
        real, same, num_subsets=10, subset_size=200, seed=0
    )
    shifted_mean, _ = metrics.kernel_distance(
        real, shifted, num_subsets=10, subset_size=200, seed=0
    )
    # Unbiased: same distribution gives ~0, far below the shifted case.
    assert abs(float(same_mean)) < 0.05
    assert float(shifted_mean) > 1.0
    assert float(same_std) > 0


def test_kernel_distance_metric_accumulates_per_batch_estimates():
    real, fake = gaussian(0, n=90), gaussian(1, n=90, loc=0.3)
    metric = metrics.KernelDistance()
    assert np.isnan(to_numpy(metric.result()))
    estimates = []
    for r, f in zip(np.array_split(real, 3), np.array_split(fake, 3)):
        metric.update_state(r, f)
        estimates.append(reference_mmd2(r, f))
    np.testing.assert_allclose(
        to_numpy(metric.result()), np.mean(estimates), rtol=1e-5
    )
    np.testing.assert_allclose(
        to_numpy(metric.std()), np.std(estimates), rtol=1e-3
    )
    metric.reset_state()
    assert np.isnan(to_numpy(metric.result()))


# -------------------------------------------------- precision, recall, etc.


@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.parametrize("batch_size", [7, 1024])
def test_precision_recall_matches_brute_force(k, batch_size):
    real, fake = gaussian(0, n=60), gaussian(1, n=45, loc=0.5, scale=0.8)
    expected = reference_precision_recall(real, fake, k)
    got = metrics.precision_recall(real, fake, k=k, batch_size=batch_size)
    np.testing.assert_allclose([to_numpy(v) for v in got], expected, atol=1e-6)


@pytest.mark.parametrize("k", [1, 5])
@pytest.mark.parametrize("batch_size", [7, 1024])
def test_density_coverage_matches_brute_force(k, batch_size):
    real, fake = gaussian(0, n=60), gaussian(1, n=45, loc=0.5, scale=0.8)
    expected = reference_density_coverage(real, fake, k)
    got = metrics.density_coverage(real, fake, k=k, batch_size=batch_size)
    np.testing.assert_allclose([to_numpy(v) for v in got], expected, atol=1e-6)


def test_precision_recall_same_vs_shifted_vs_collapsed():
    real, same = gaussian(0, n=400), gaussian(1, n=400)
    precision, recall = metrics.precision_recall(real, same)
    assert float(precision) > 0.7 and float(recall) > 0.7
    precision, recall = metrics.precision_recall(real, same + 10.0)
    assert float(precision) == 0.0 and float(recall) == 0.0
    # A collapsed generator: faithful samples, poor diversity.
    precision, recall = metrics.precision_recall(real, 0.3 * same)
    assert float(precision) > 0.9 and float(recall) < 0.5


def test_density_coverage_same_vs_shifted():
    real, same = gaussian(0, n=400), gaussian(1, n=400)
    density, coverage = metrics.density_coverage(real, same)
    assert 0.7 < float(density) < 1.3 and float(coverage) > 0.8
    density, coverage = metrics.density_coverage(real, same + 10.0)
    assert float(density) == 0.0 and float(coverage) == 0.0


@pytest.mark.parametrize(
    "metric_class, function, keys",
    [
        (
            metrics.PrecisionRecall,
            metrics.precision_recall,
            ("precision", "recall"),
        ),
        (
            metrics.DensityCoverage,
            metrics.density_coverage,
            ("density", "coverage"),
        ),
    ],
)
def test_knn_metrics_equal_functions_when_streamed(
    metric_class, function, keys
):
    real, fake = gaussian(0, n=60), gaussian(1, n=45, loc=0.5, scale=0.8)
    metric = metric_class(num_features=6, k=3, max_samples=64, batch_size=7)
    result = metric.result()
    assert all(np.isnan(to_numpy(result[key])) for key in keys)
    for r, f in zip(np.array_split(real, 3), np.array_split(fake, 3)):
        metric.update_state(r, f)
    expected = function(real, fake, k=3)
    result = metric.result()
    for key, value in zip(keys, expected):
        np.testing.assert_allclose(
            to_numpy(result[key]), to_numpy(value), atol=1e-6
        )
    metric.reset_state()
    assert np.isnan(to_numpy(metric.result()[keys[0]]))


def test_knn_metric_drops_samples_beyond_max_samples():
    real, fake = gaussian(0, n=60), gaussian(1, n=45, loc=0.5, scale=0.8)
    metric = metrics.PrecisionRecall(num_features=6, max_samples=45)
    for r, f in zip(np.array_split(real, 4), np.array_split(fake, 4)):
        metric.update_state(r, f)
    expected = reference_precision_recall(real[:45], fake, 3)
    result = metric.result()
    np.testing.assert_allclose(
        [to_numpy(result["precision"]), to_numpy(result["recall"])],
        expected,
        atol=1e-6,
    )


def _compiled(fn):
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(fn)
    if backend == "jax":
        import jax

        return jax.jit(fn)
    return fn


@pytest.mark.parametrize(
    "metric",
    [
        lambda: metrics.FrechetDistance(num_features=6),
        metrics.KernelDistance,
        lambda: metrics.PrecisionRecall(num_features=6, max_samples=64),
    ],
)
def test_metrics_update_inside_compiled_functions(metric):
    metric = metric()
    real, fake = gaussian(0, n=40), gaussian(1, n=40, loc=0.5)
    update = _compiled(metric.stateless_update_state)
    state = [v.value for v in metric.variables]
    for r, f in zip(np.split(real, 2), np.split(fake, 2)):
        state = update(state, r, f)
    eager = metric.__class__.from_config(metric.get_config())
    for r, f in zip(np.split(real, 2), np.split(fake, 2)):
        eager.update_state(r, f)
    compiled_result = metric.stateless_result(state)
    eager_result = eager.result()
    if isinstance(eager_result, dict):
        compiled_result = compiled_result["precision"]
        eager_result = eager_result["precision"]
    np.testing.assert_allclose(
        to_numpy(compiled_result),
        to_numpy(eager_result),
        rtol=1e-6 if HIGH_PRECISION else 5e-3,
    )


# ------------------------------------------------------------- serialization


@pytest.mark.parametrize(
    "metric",
    [
        metrics.FrechetDistance(
            num_features=6, reset_real_features=False, name="fid"
        ),
        metrics.KernelDistance(name="kid"),
        metrics.PrecisionRecall(
            num_features=6, k=4, max_samples=64, batch_size=9
        ),
        metrics.DensityCoverage(
            num_features=6, k=2, max_samples=45, batch_size=3
        ),
    ],
)
def test_get_config_round_trip(metric):
    config = metric.get_config()
    clone = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(metric)
    )
    assert type(clone) is type(metric)
    assert clone.get_config() == config
    assert config["name"] == metric.name


def test_metrics_are_registered_under_keras_gan():
    for cls in (
        metrics.FrechetDistance,
        metrics.KernelDistance,
        metrics.PrecisionRecall,
        metrics.DensityCoverage,
    ):
        assert (
            keras.saving.get_registered_name(cls) == f"keras_gan>{cls.__name__}"
        )


def test_get_config_lists_every_constructor_argument():
    import inspect

    for metric in (
        metrics.FrechetDistance(num_features=6),
        metrics.KernelDistance(),
        metrics.PrecisionRecall(num_features=6, max_samples=64),
        metrics.DensityCoverage(num_features=6, max_samples=64),
    ):
        arguments = set(inspect.signature(type(metric).__init__).parameters)
        assert arguments - {"self"} == set(metric.get_config())


# --------------------------------------------------------------------- errors


FUNCTIONS = [
    metrics.frechet_distance,
    metrics.kernel_distance,
    metrics.precision_recall,
    metrics.density_coverage,
]


@pytest.mark.parametrize("function", FUNCTIONS)
def test_mismatched_feature_dimensions_name_both_shapes(function):
    with pytest.raises(ValueError, match=r"\(10, 4\).*\(12, 5\)"):
        function(np.zeros((10, 4)), np.zeros((12, 5)))


@pytest.mark.parametrize("function", FUNCTIONS)
def test_features_must_be_2d(function):
    with pytest.raises(
        ValueError, match=r"2D tensor.*real_features.shape=\(10,\)"
    ):
        function(np.zeros((10,)), np.zeros((10, 4)))


@pytest.mark.parametrize(
    "function", [metrics.precision_recall, metrics.density_coverage]
)
def test_invalid_k(function):
    x = gaussian(0, n=10)
    with pytest.raises(
        ValueError, match=r"Invalid value for argument `k`. Received: k=0\."
    ):
        function(x, x, k=0)
    with pytest.raises(ValueError, match=r"Received: k=10\. .*real: 10"):
        function(x, x, k=10)
    with pytest.raises(ValueError, match="argument `batch_size`"):
        function(x, x, k=1, batch_size=0)


def test_invalid_kernel_distance_arguments():
    x = gaussian(0, n=10)
    with pytest.raises(
        ValueError, match="argument `num_subsets`. Received: num_subsets=0"
    ):
        metrics.kernel_distance(x, x, num_subsets=0)
    with pytest.raises(ValueError, match="argument `subset_size`"):
        metrics.kernel_distance(x, x, subset_size=-1)
    with pytest.raises(ValueError, match="at least 2 samples"):
        metrics.kernel_distance(x[:1], x)


def test_frechet_distance_needs_two_samples():
    with pytest.raises(ValueError, match=r"at least 2 samples.*\(1, 6\)"):
        metrics.frechet_distance(gaussian(0, n=1), gaussian(0))


def test_metric_constructor_errors():
    with pytest.raises(ValueError, match="Received: num_features=0"):
        metrics.FrechetDistance(num_features=0)
    with pytest.raises(ValueError, match="Received: k=0"):
        metrics.PrecisionRecall(num_features=3, k=0)
    with pytest.raises(ValueError, match="Received: k=8.*max_samples=8"):
        metrics.DensityCoverage(num_features=3, k=8, max_samples=8)
    with pytest.raises(ValueError, match="Received: max_samples=2.5"):
        metrics.PrecisionRecall(num_features=3, max_samples=2.5)


@pytest.mark.parametrize(
    "metric",
    [
        lambda: metrics.FrechetDistance(num_features=6),
        lambda: metrics.PrecisionRecall(num_features=6, max_samples=64),
    ],
)
def test_metric_update_errors(metric):
    metric = metric()
    with pytest.raises(
        ValueError, match=r"6 features.*fake_features.shape=\(3, 4\)"
    ):
        metric.update_state(np.zeros((3, 6)), np.zeros((3, 4)))
    with pytest.raises(ValueError, match="both None"):
        metric.update_state()


def test_kernel_distance_metric_update_errors():
    metric = metrics.KernelDistance()
    with pytest.raises(ValueError, match=r"\(3, 6\).*\(3, 4\)"):
        metric.update_state(np.zeros((3, 6)), np.zeros((3, 4)))
    with pytest.raises(ValueError, match="at least 2 samples"):
        metric.update_state(np.zeros((1, 6)), np.zeros((3, 6)))


def test_ball_boundary_conventions():
    # Real points 0, 1, 2 on a line: every k=1 radius is exactly 1. The fake
    # point 3 lies exactly on the boundary of the ball around 2: inside for
    # precision (Kynkäänniemi et al. use <=), outside for density and
    # coverage (Naeem et al. use <).
    real = np.array([[0.0], [1.0], [2.0]])
    fake = np.array([[3.0], [4.0]])
    precision, recall = metrics.precision_recall(real, fake, k=1)
    assert float(precision) == 0.5
    # Fake radii are 1 too: real point 2 is on the boundary of fake ball 3.
    assert float(recall) == pytest.approx(1 / 3)
    density, coverage = metrics.density_coverage(real, fake, k=1)
    assert float(density) == 0.0 and float(coverage) == 0.0
