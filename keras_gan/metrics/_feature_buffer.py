"""Base class for metrics that must keep the features themselves.

k-NN metrics (precision/recall, density/coverage) compare every sample with
every other one, so no fixed-size summary of the features exists. The
features are stored in two preallocated `(max_samples, num_features)`
float32 buffers, one per set: memory is bounded and fixed when the metric
is built, and updates work inside compiled train/eval steps on every
backend (static shapes only). Samples beyond `max_samples` are dropped.
"""

import keras
from keras import ops

from keras_gan.metrics import _utils
from keras_gan.validation import check_positive_int

_BUFFER_DTYPE = "float32"


class FeatureBufferMetric(keras.metrics.Metric):
    """Stores up to `max_samples` real and fake features for a k-NN metric.

    Subclasses set `_statistics`, a function `(real, fake, k, batch_size,
    real_mask, fake_mask)` returning a tuple of scalars, and
    `_result_names`, the keys of those scalars in the `result()` dict.
    """

    _result_names = ()

    def __init__(
        self, num_features, k, max_samples, batch_size, name=None, dtype=None
    ):
        super().__init__(name=name, dtype=dtype)
        for arg_name, value in (
            ("num_features", num_features),
            ("k", k),
            ("max_samples", max_samples),
            ("batch_size", batch_size),
        ):
            check_positive_int(arg_name, value)
        if k >= max_samples:
            raise ValueError(
                f"Invalid value for argument `k`. Received: k={k}. Expected "
                "a positive integer smaller than "
                f"`max_samples={max_samples}`."
            )
        self.num_features = int(num_features)
        self.k = int(k)
        self.max_samples = int(max_samples)
        self.batch_size = int(batch_size)
        self.real_buffer, self.real_count = self._add_buffer("real")
        self.fake_buffer, self.fake_count = self._add_buffer("fake")

    def _add_buffer(self, prefix):
        buffer = self.add_variable(
            shape=(self.max_samples, self.num_features),
            initializer="zeros",
            dtype=_BUFFER_DTYPE,
            name=f"{prefix}_features",
        )
        count = self.add_variable(
            shape=(), initializer="zeros", dtype="int32", name=f"{prefix}_count"
        )
        return buffer, count

    def update_state(self, real_features=None, fake_features=None):
        """Stores a batch of real and/or fake features (either may be None)."""
        _utils.check_real_or_fake(real_features, fake_features)
        if real_features is not None:
            self._append(
                real_features,
                "real_features",
                self.real_buffer,
                self.real_count,
            )
        if fake_features is not None:
            self._append(
                fake_features,
                "fake_features",
                self.fake_buffer,
                self.fake_count,
            )

    def _append(self, features, name, buffer, count):
        x = _utils.as_features(features, name, _BUFFER_DTYPE)
        _utils.check_num_features(x, name, self.num_features)
        if x.shape[0] == 0:
            return
        batch = ops.cast(ops.shape(x)[0], "int32")
        # Row `count + i` of the buffer receives row `i` of the batch; the
        # rows past `max_samples` are dropped. Static shapes throughout.
        offsets = ops.arange(self.max_samples, dtype="int32") - count.value
        receives = ops.logical_and(offsets >= 0, offsets < batch)
        rows = ops.take(x, ops.clip(offsets, 0, batch - 1), axis=0)
        buffer.assign(ops.where(receives[:, None], rows, buffer.value))
        count.assign(ops.minimum(count.value + batch, self.max_samples))

    def _mask(self, count):
        return ops.arange(self.max_samples, dtype="int32") < count.value

    def result(self):
        values = self._compute(
            self.real_buffer.value,
            self.fake_buffer.value,
            self._mask(self.real_count),
            self._mask(self.fake_count),
        )
        defined = self._is_defined()
        return {
            key: ops.cast(ops.where(defined, value, float("nan")), self.dtype)
            for key, value in values.items()
        }

    def _is_defined(self):
        return ops.logical_and(
            self.real_count.value > self.k, self.fake_count.value > self.k
        )

    @staticmethod
    def _statistics(real, fake, k, batch_size, real_mask, fake_mask):
        raise NotImplementedError

    def _compute(self, real, fake, real_mask, fake_mask):
        values = self._statistics(
            real, fake, self.k, self.batch_size, real_mask, fake_mask
        )
        return dict(zip(self._result_names, values))

    def get_config(self):
        return {
            **super().get_config(),
            "num_features": self.num_features,
            "k": self.k,
            "max_samples": self.max_samples,
            "batch_size": self.batch_size,
        }
