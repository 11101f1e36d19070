"""k-nearest-neighbour machinery for precision/recall and density/coverage.

All distances are squared Euclidean distances (comparisons against squared
radii give the same answers as with plain distances, without square
roots). Pairwise distances are computed `batch_size` query rows at a time,
so memory is `O(batch_size * num_points)` instead of quadratic.

Every function takes an optional boolean `mask` over `points`, used by the
streaming metrics whose fixed-size buffers are only partly filled: masked
out points are at infinite distance and contain nothing.
"""

from keras import ops

from keras_gan.metrics import _utils
from keras_gan.validation import check_positive_int


def as_knn_inputs(real_features, fake_features, k, batch_size, dtype):
    """Checks the arguments of a k-NN metric function and converts the
    features.

    Args:
        real_features: Array of shape `(num_real, num_features)`.
        fake_features: Array of shape `(num_fake, num_features)`.
        k: Neighbourhood size; must be smaller than each set's size.
        batch_size: Rows of the pairwise-distance matrix computed at once.
        dtype: Dtype of the returned tensors.

    Returns:
        The tuple `(real, fake)` of 2D tensors of `dtype`.
    """
    check_positive_int("batch_size", batch_size)
    real, fake = _utils.as_feature_pair(real_features, fake_features, dtype)
    _utils.check_k(k, real.shape[0], fake.shape[0])
    return real, fake


def pairwise_squared_distances(x, y):
    """`|x_i - y_j|²` for all pairs, shape `(len(x), len(y))`.

    Computed as `|x|² - 2 x·y + |y|²` in float64 where the backend allows,
    after centring both sets on the mean of `y`: features that share a large
    offset would otherwise lose every digit of their distances to the
    cancellation of the large norms.
    """
    dtype = x.dtype
    accumulation = _utils.accumulation_dtype()
    x = ops.cast(x, accumulation)
    y = ops.cast(y, accumulation)
    centre = _utils.mean(y, axis=0)[None, :]
    x, y = x - centre, y - centre
    x_norms = ops.sum(ops.square(x), axis=1)[:, None]
    y_norms = ops.sum(ops.square(y), axis=1)[None, :]
    cross = _utils.matmul(x, ops.transpose(y))
    distances = _utils.at_least(x_norms - 2.0 * cross + y_norms, 0.0)
    return ops.cast(distances, dtype)


def _map_row_batches(fn, queries, batch_size):
    """`concatenate([fn(batch, start) for each batch of rows])`.

    The last batch is zero-padded so that every batch has the same shape
    (one compilation per shape on JAX); padded rows are dropped at the end.
    """
    num_rows, num_features = queries.shape
    batch_size = min(batch_size, num_rows)
    num_batches = -(-num_rows // batch_size)
    padding = num_batches * batch_size - num_rows
    if padding:
        queries = ops.pad(queries, [[0, padding], [0, 0]])
    outputs = [
        fn(
            ops.slice(queries, [i * batch_size, 0], [batch_size, num_features]),
            i * batch_size,
        )
        for i in range(num_batches)
    ]
    outputs = ops.concatenate(outputs, axis=0)
    return outputs[:num_rows] if padding else outputs


def _mask_columns(distances, mask):
    if mask is None:
        return distances
    return ops.where(mask[None, :], distances, float("inf"))


def knn_radii(points, k, batch_size, mask=None):
    """Squared distance from each point to its k-th nearest other point.

    The point itself is excluded. Masked-out points get radius -1, so that
    no distance falls within them.
    """
    columns = ops.arange(points.shape[0])[None, :]

    def radii(batch, start):
        distances = pairwise_squared_distances(batch, points)
        rows = ops.arange(batch.shape[0])[:, None] + start
        distances = ops.where(rows == columns, float("inf"), distances)
        negated_nearest, _ = ops.top_k(-_mask_columns(distances, mask), k)
        return -negated_nearest[:, k - 1]

    result = _map_row_batches(radii, points, batch_size)
    if mask is not None:
        result = ops.where(mask, result, -1.0)
    return result


def count_within(queries, points, radii, batch_size, strict=False):
    """For each query, the number of points whose ball contains it.

    Point `i`'s ball has squared radius `radii[i]`; it contains `q` when
    `|q - p_i|² <= radii[i]` (`<` if `strict`).
    """

    def counts(batch, start):
        distances = pairwise_squared_distances(batch, points)
        if strict:
            inside = distances < radii[None, :]
        else:
            inside = distances <= radii[None, :]
        return ops.sum(ops.cast(inside, queries.dtype), axis=1)

    return _map_row_batches(counts, queries, batch_size)


def nearest_distance(queries, points, batch_size, mask=None):
    """For each query, the squared distance to its nearest point."""

    def nearest(batch, start):
        distances = pairwise_squared_distances(batch, points)
        return ops.min(_mask_columns(distances, mask), axis=1)

    return _map_row_batches(nearest, queries, batch_size)


def masked_mean(values, mask=None):
    """Mean of `values`, over the entries where `mask` is True if given."""
    if mask is None:
        return ops.mean(values)
    weights = ops.cast(mask, values.dtype)
    return ops.sum(values * weights) / ops.maximum(ops.sum(weights), 1.0)
