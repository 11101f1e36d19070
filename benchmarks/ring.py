"""The 2-D ring of 8 Gaussians and its mode-coverage metrics.

Shared by `benchmarks/default_recipe.py` and `examples/ring_2d.py`.

The data is the standard toy problem of Metz et al. (2017, "Unrolled
Generative Adversarial Networks") and Srivastava et al. (2017, "VEEGAN"):
a uniform mixture of 8 isotropic Gaussians, standard deviation 0.02, whose
means are evenly spaced on a circle of radius 2.

Metrics, on generated samples:

- A sample is *high quality* if it lies within 3 standard deviations
  (0.06) of the nearest mode mean.
- A mode is *covered* if at least 1% of the samples (20 of 2000) are high
  quality samples whose nearest mode it is. This is stricter than counting a
  mode as soon as a single sample lands near it, so a generator that leaks a
  handful of points into a mode does not get credit for it.
"""

import numpy as np

NUM_MODES = 8
RADIUS = 2.0
STD = 0.02
QUALITY_STDS = 3.0
MIN_MODE_FRACTION = 0.01


def ring_means(num_modes=NUM_MODES, radius=RADIUS):
    """The `(num_modes, 2)` mode means, evenly spaced on a circle."""
    angles = 2.0 * np.pi * np.arange(num_modes) / num_modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def sample_ring(num_samples, seed=None, std=STD):
    """Draws `num_samples` float32 points from the ring of Gaussians."""
    rng = np.random.default_rng(seed)
    means = ring_means()
    modes = rng.integers(0, len(means), size=num_samples)
    points = means[modes] + std * rng.standard_normal((num_samples, 2))
    return points.astype("float32")


def ring_metrics(samples, std=STD):
    """Mode coverage and sample quality of 2-D `samples`.

    Returns:
        A dict with `modes` (number of covered modes, 0 to 8),
        `high_quality` (fraction of samples within 3 std of the nearest
        mode) and `per_mode` (number of high quality samples per mode).
    """
    samples = np.asarray(samples, dtype="float64").reshape(-1, 2)
    means = ring_means()
    distances = np.linalg.norm(samples[:, None, :] - means[None], axis=-1)
    nearest = np.argmin(distances, axis=1)
    good = np.min(distances, axis=1) <= QUALITY_STDS * std
    per_mode = np.bincount(nearest[good], minlength=len(means))
    min_count = MIN_MODE_FRACTION * len(samples)
    return {
        "modes": int(np.sum(per_mode >= min_count)),
        "high_quality": float(np.mean(good)) if len(samples) else 0.0,
        "per_mode": per_mode,
    }
