"""Argument checks and dtype selection shared by the metrics."""


import keras
from keras import ops

from keras_gan.validation import check_positive_int


PACKAGE = "keras_gan"


def accumulation_dtype():
    """The most precise float dtype the current backend can compute in.

    `"float64"` on TensorFlow, PyTorch and on JAX with `jax_enable_x64`;
    `"float32"` on JAX without it (JAX would otherwise silently truncate
    float64 arrays to float32 and warn). Code computing in this dtype uses
    `matmul`, `mean` and `at_least` below instead of the `ops` ones.
    """
    if keras.backend.backend() == "jax":
        import jax

        if not jax.config.read("jax_enable_x64"):
            return "float32"
    return "float64"


def matmul(a, b):
    """`a @ b` for 2D tensors, keeping float64 on every backend.

    With float64 inputs on PyTorch, `ops.matmul` (like `ops.maximum` and
    other ops that go through Keras type promotion) returns float32;
    `ops.einsum` does not.
    """
    return ops.einsum("ij,jk->ik", a, b)


def mean(x, axis=None):
    """`ops.mean` keeping float64 precision (it averages in float32 on
    PyTorch)."""
    total = ops.sum(x, axis=axis)
    count = ops.size(x) // ops.size(total)
    return total / ops.cast(count, x.dtype)


def at_least(x, minimum):
    """`max(x, minimum)`, keeping float64 (see `matmul`)."""
    return ops.where(x > minimum, x, minimum)


def check_k(k, num_real, num_fake):
    """Checks that every sample has `k` neighbours besides itself."""
    check_positive_int("k", k)
    if k >= min(num_real, num_fake):
        raise ValueError(
            f"Invalid value for argument `k`. Received: k={k}. Expected a "
            "positive integer smaller than the number of samples in each "
            f"set (real: {num_real}, fake: {num_fake})."
        )


def check_real_or_fake(real_features, fake_features):
    """Checks that a metric update received at least one feature set."""
    if real_features is None and fake_features is None:
        raise ValueError(
            "Expected at least one of `real_features` and "
            "`fake_features`. Received: both None."
        )


def static_shape(x):
    return tuple(x.shape)


def as_features(x, name, dtype):
    """Converts `x` to a 2D tensor of `dtype`, or raises a clear error."""
    x = ops.convert_to_tensor(x, dtype=dtype)
    if len(x.shape) != 2:
        raise ValueError(
            f"Expected `{name}` to be a 2D tensor of shape "
            f"(num_samples, num_features). Received: {name}.shape="
            f"{static_shape(x)}"
        )
    return x


def as_feature_pair(real_features, fake_features, dtype, min_samples=1):
    """Converts both feature sets and checks that they are compatible."""
    real = as_features(real_features, "real_features", dtype)
    fake = as_features(fake_features, "fake_features", dtype)
    if real.shape[-1] != fake.shape[-1]:
        raise ValueError(
            "Expected `real_features` and `fake_features` to have the same "
            "number of features (last dimension). Received: "
            f"real_features.shape={static_shape(real)}, "
            f"fake_features.shape={static_shape(fake)}"
        )
    for name, x in (("real_features", real), ("fake_features", fake)):
        if x.shape[0] < min_samples:
            raise ValueError(
                f"Expected `{name}` to hold at least {min_samples} samples. "
                f"Received: {name}.shape={static_shape(x)}"
            )
    return real, fake


def check_num_features(x, name, num_features):
    """Checks a metric input against the metric's `num_features`."""
    if x.shape[-1] is not None and x.shape[-1] != num_features:
        raise ValueError(
            f"Expected `{name}` to have {num_features} features (last "
            f"dimension), as set by `num_features={num_features}`. "
            f"Received: {name}.shape={static_shape(x)}"
        )
