"""Means and covariances of feature sets, accumulated batch by batch.

Two forms, for two places:

- `StreamingMoments` (host, NumPy float64): Chan et al.'s pairwise merge
  of batch means and scatter matrices, numerically stable for features
  with a large mean relative to their spread. The reportable FID uses it.
- `moments_from_sums` (`keras.ops`): the mean and covariance from a count,
  a sum and a sum of outer products, the state a `keras.metrics.Metric`
  keeps because sums add up across replicas. `FrechetDistance` uses it.
"""

import numpy as np
from keras import ops

from keras_gan.metrics import _utils


class StreamingMoments:
    """Streaming mean and covariance in float64 (Chan et al.'s merge).

    Example:

    ```python
    moments = StreamingMoments()
    for batch in feature_batches:
        moments.update(batch)
    mean, covariance = moments.mean, moments.covariance()
    ```
    """

    def __init__(self):
        self.count = 0
        self.mean = None
        self.scatter = None

    def update(self, features):
        x = np.asarray(features, dtype=np.float64)
        batch_count = len(x)
        batch_mean = x.mean(axis=0)
        centered = x - batch_mean
        batch_scatter = centered.T @ centered
        if self.count == 0:
            self.count, self.mean, self.scatter = (
                batch_count,
                batch_mean,
                batch_scatter,
            )
            return
        total = self.count + batch_count
        delta = batch_mean - self.mean
        self.scatter += batch_scatter + np.outer(delta, delta) * (
            self.count * batch_count / total
        )
        self.mean = self.mean + delta * (batch_count / total)
        self.count = total

    def covariance(self):
        return self.scatter / (self.count - 1)


def moments_from_sums(count, total, outer_total):
    """Mean and unbiased covariance from streaming sums (safe for count<2)."""
    mean = total / _utils.at_least(count, 1.0)
    cov = (outer_total - count * ops.outer(mean, mean)) / _utils.at_least(
        count - 1.0, 1.0
    )
    return mean, cov
