"""Latent-space sampling utilities: the truncation trick and interpolation.

* `truncated_latents` draws latent vectors whose entries are restricted to
  `[-truncation, truncation]` (Brock et al. 2019, BigGAN's "truncation
  trick"): smaller thresholds trade variety for sample quality.
* `lerp` and `slerp` interpolate between latent vectors, linearly or along
  the great circle (Shoemake 1985; White 2016 for GANs). For a normal
  latent, `slerp` keeps the interpolated vectors at the norm typical of the
  prior, where `lerp` passes through lower-norm vectors the generator
  rarely saw.
"""

import math

import keras
import numpy as np
from keras import ops

DISTRIBUTIONS = ("normal", "uniform")


def check_truncation(truncation):
    """Returns `truncation` as a float, or `None`; raises if it is invalid."""
    if truncation is None:
        return None
    if isinstance(truncation, bool) or not isinstance(
        truncation, (int, float, np.integer, np.floating)
    ) or not truncation > 0 or not math.isfinite(truncation):
        raise ValueError(
            "Invalid value for argument `truncation`. Expected `None` or a "
            f"positive finite float. Received: truncation={truncation!r}"
        )
    return float(truncation)


def _standard_normal_cdf(value):
    return 0.5 * (1.0 + math.erf(value / math.sqrt(2.0)))


def truncated_latents(shape, truncation, distribution="normal", seed=None):
    """Latent vectors with every entry in `[-truncation, truncation]`.

    For the `"normal"` prior the entries follow a standard normal truncated
    to `[-truncation, truncation]`: the distribution one gets by redrawing
    every entry that falls outside until it falls inside. They are drawn
    exactly, by the inverse CDF: `u ~ U(Phi(-t), Phi(t))`,
    `z = sqrt(2) erfinv(2u - 1)`. For the `"uniform"` prior on `[-1, 1]`
    the entries are uniform on `[-t, t]` (`t` capped at 1).

    Args:
        shape: Shape of the latent tensor, e.g. `(num_samples, latent_dim)`.
        truncation: Positive float, the threshold `t`, or `None` for the
            untruncated prior.
        distribution: `"normal"` or `"uniform"`. Defaults to `"normal"`.
        seed: Integer seed or `keras.random.SeedGenerator`.
            Defaults to `None`.

    Returns:
        A float32 tensor of shape `shape`.

    Example:

    ```python
    z = keras_gan.sampling.truncated_latents((16, 128), truncation=0.7, seed=0)
    images = generator(z)
    ```
    """
    truncation = check_truncation(truncation)
    if distribution not in DISTRIBUTIONS:
        raise ValueError(
            "Invalid value for argument `distribution`. Expected one of "
            f"{list(DISTRIBUTIONS)}. Received: distribution={distribution!r}"
        )
    if distribution == "uniform":
        bound = 1.0 if truncation is None else min(truncation, 1.0)
        return keras.random.uniform(shape, -bound, bound, seed=seed)
    if truncation is None:
        return keras.random.normal(shape, seed=seed)
    low = _standard_normal_cdf(-truncation)
    u = keras.random.uniform(shape, low, 1.0 - low, seed=seed)
    z = math.sqrt(2.0) * ops.erfinv(2.0 * u - 1.0)
    # erfinv's float32 rounding may step a hair outside the interval.
    return ops.clip(z, -truncation, truncation)


def _as_float64(name, value):
    array = np.asarray(keras.ops.convert_to_numpy(value), dtype="float64")
    if array.ndim == 0:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected an array of "
            f"latent vectors. Received: {name} of shape {array.shape}"
        )
    return array


def _fractions(fractions, start):
    """`fractions` as float64 with one axis per axis of `start` appended."""
    t = np.asarray(keras.ops.convert_to_numpy(fractions), dtype="float64")
    return t.reshape(t.shape + (1,) * start.ndim)


def lerp(start, end, fractions):
    """Linear interpolation `start + t * (end - start)` for each `t`.

    Args:
        start: Latent vectors, shape `(..., latent_dim)`.
        end: Latent vectors of the same shape.
        fractions: A float or an array of fractions `t` (0 gives `start`,
            1 gives `end`).

    Returns:
        A float32 NumPy array of shape `fractions.shape + start.shape`.

    Example:

    ```python
    path = keras_gan.sampling.lerp(z0, z1, np.linspace(0, 1, 8))
    ```
    """
    start = _as_float64("start", start)
    end = _as_float64("end", end)
    t = _fractions(fractions, start)
    return (start + t * (end - start)).astype("float32")


def slerp(start, end, fractions, epsilon=1e-7):
    """Spherical interpolation between latent vectors (last axis).

    `slerp(a, b, t) = sin((1 - t) w) / sin(w) a + sin(t w) / sin(w) b`,
    where `w` is the angle between `a` and `b`. Computed in float64; where
    `a` and `b` are (anti)parallel within `epsilon` this falls back to
    `lerp`.

    Args:
        start: Latent vectors, shape `(..., latent_dim)`.
        end: Latent vectors of the same shape.
        fractions: A float or an array of fractions `t`.
        epsilon: Smallest `sin(w)` for which the spherical formula is used.
            Defaults to `1e-7`.

    Returns:
        A float32 NumPy array of shape `fractions.shape + start.shape`.

    Example:

    ```python
    path = keras_gan.sampling.slerp(z0, z1, np.linspace(0, 1, 8))
    ```
    """
    start = _as_float64("start", start)
    end = _as_float64("end", end)
    if start.shape != end.shape:
        raise ValueError(
            "Invalid value for argument `end`. Expected the shape of "
            f"`start` {start.shape}. Received: end of shape {end.shape}"
        )
    t = _fractions(fractions, start)
    norms = np.linalg.norm(start, axis=-1) * np.linalg.norm(end, axis=-1)
    cosine = np.sum(start * end, -1) / np.maximum(norms, 1e-300)
    omega = np.arccos(np.clip(cosine, -1.0, 1.0))[..., None]
    sin_omega = np.sin(omega)
    spherical = np.abs(sin_omega) > epsilon
    safe_sin = np.where(spherical, sin_omega, 1.0)
    result = np.where(
        spherical,
        (np.sin((1.0 - t) * omega) * start + np.sin(t * omega) * end)
        / safe_sin,
        start + t * (end - start),
    )
    return result.astype("float32")
