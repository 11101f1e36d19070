"""Sample-quality metrics (FID, KID, precision, recall) logged during `fit`."""

import keras
import numpy as np

from keras_gan.metrics import density_coverage
from keras_gan.metrics import frechet_distance
from keras_gan.metrics import kernel_distance
from keras_gan.metrics import precision_recall
from keras_gan.validation import check_positive_int

AVAILABLE_METRICS = ("fid", "kid", "precision", "recall", "density", "coverage")


def extract_features(feature_extractor, samples, batch_size):
    """Features of `samples` as a float NumPy array `(num_samples, d)`.

    Calls `feature_extractor` on batches of `batch_size` samples (Keras
    layers and models with `training=False`) and flattens every output to
    one vector per sample.
    """
    outputs = []
    is_layer = isinstance(feature_extractor, keras.layers.Layer)
    for start in range(0, len(samples), batch_size):
        batch = samples[start : start + batch_size]
        if is_layer:
            features = feature_extractor(batch, training=False)
        else:
            features = feature_extractor(batch)
        features = np.asarray(keras.ops.convert_to_numpy(features))
        if features.ndim == 0 or features.shape[0] != len(batch):
            raise ValueError(
                "`feature_extractor` must map a batch of samples to one "
                f"feature vector per sample. Received: {features.shape} "
                f"for a batch of {len(batch)} samples"
            )
        outputs.append(features.reshape(len(batch), -1))
    return np.concatenate(outputs, axis=0)


class GANQuality(keras.callbacks.Callback):
    """Computes sample-quality metrics every `every` epochs and logs them.

    At the end of every `every`-th epoch, `num_samples` samples are
    generated with `gan.generate` (from the EMA generator when there is
    one, see `GeneratorEMA`), mapped to features by `feature_extractor`,
    and compared with the features of `real_data`:

    - `"fid"`: Fréchet distance (`keras_gan.metrics.frechet_distance`).
    - `"kid"`: kernel distance (`keras_gan.metrics.kernel_distance`); logs
      `kid` (the mean over subsets) and `kid_std`.
    - `"precision"`, `"recall"`: `keras_gan.metrics.precision_recall`.
    - `"density"`, `"coverage"`: `keras_gan.metrics.density_coverage`.

    The values (Python floats) are written into the epoch `logs` under
    these names with `prefix` in front, so they show in the progress bar
    and in `History`, and callbacks placed after this one in the callbacks
    list can monitor them, e.g.
    `keras.callbacks.ModelCheckpoint(path, monitor="fid", mode="min",
    save_best_only=True)` or `keras.callbacks.EarlyStopping(monitor="fid",
    mode="min")` (pass `mode="min"`: Keras cannot infer the direction of
    these names).

    On epochs where it does not run the keys are absent from `logs`; use
    `every=1` for per-epoch monitoring. With `every > 1`, `ModelCheckpoint`
    and `EarlyStopping` warn and skip the epochs in between, and
    `EarlyStopping`'s `patience` then counts evaluations.

    Real features are computed once (on the first evaluation) and cached.
    If `real_data` has more than `num_samples` samples, a random subset of
    `num_samples` (drawn with `seed`) is used, so both sets have the same
    size, as precision and recall assume. The latent vectors are drawn with
    `seed` too, the same ones at every evaluation, so changes between
    epochs reflect the generator rather than the draw.

    For a `keras_gan.ConditionalGAN`, pass `real_data=(x, y)`: generated
    labels then follow the real label distribution (they are the labels of
    the real subset, or drawn from `y` when it has fewer than
    `num_samples` samples). With a plain array, the conditional GAN's
    default balanced labels are used. Unconditional GANs ignore `y`.

    With an Inception feature extractor
    (`keras_gan.metrics.inception_feature_extractor`) the values are the
    standard FID/KID (computed on `num_samples` samples, so compare only
    values computed with the same number); on small or non-image data use a
    classifier trained on your own data
    (`keras_gan.metrics.train_feature_classifier`) or, for low-dimensional
    data, `feature_extractor=lambda x: x`.

    Args:
        real_data: Real samples as a NumPy array, in the generator's output
            range; for a conditional GAN, a tuple `(x, y)` with integer
            labels `y`.
        feature_extractor: A Keras model or any callable mapping a batch of
            samples to features `(batch, d)`; outputs with more dimensions
            are flattened.
        every: Evaluate at the end of every `every`-th epoch. Defaults
            to 1.
        num_samples: Generated samples per evaluation (and the maximum
            number of real samples used). Defaults to 1000.
        batch_size: Batch size of generation and feature extraction.
            Defaults to 250.
        metrics: Names of the metrics, from `"fid"`, `"kid"`,
            `"precision"`, `"recall"`, `"density"`, `"coverage"`. Defaults
            to `("fid", "kid", "precision", "recall")`.
        seed: Integer seed of the latent vectors, the real subset, the
            generated labels and the KID subsets; `None` for fresh draws.
            Defaults to 0.
        prefix: String put in front of every log key, e.g. `"ema_"`.
            Defaults to `""`.
        k: Neighbourhood size of precision/recall and density/coverage.
            Defaults to 3 (precision/recall) and 5 (density/coverage).
        kid_subsets: Number of KID subsets. Defaults to 100.
        kid_subset_size: Samples per KID subset, capped by `num_samples`.
            Defaults to `None`: `min(1000, num_samples // 2)`, so that the
            subsets differ and `kid_std` measures a real spread (subsets of
            all the samples would all give the same estimate).

    Attributes:
        real_features: Cached real features, or `None` before the first
            evaluation.
        fake_features: Features of the last generated samples.
        results: Dict of the last values (with prefix), or `None`.

    Example:

    ```python
    extractor = keras_gan.metrics.train_feature_classifier(x, y, 10)
    gan.fit(
        x,
        epochs=50,
        callbacks=[
            keras_gan.callbacks.GANQuality(x, extractor, num_samples=2000),
            keras.callbacks.ModelCheckpoint(
                "best.keras", monitor="fid", mode="min", save_best_only=True
            ),
        ],
    )
    ```
    """

    def __init__(
        self,
        real_data,
        feature_extractor,
        every=1,
        num_samples=1000,
        batch_size=250,
        metrics=("fid", "kid", "precision", "recall"),
        seed=0,
        prefix="",
        k=None,
        kid_subsets=100,
        kid_subset_size=None,
    ):
        super().__init__()
        for name, value in (
            ("every", every),
            ("num_samples", num_samples),
            ("batch_size", batch_size),
            ("kid_subsets", kid_subsets),
        ):
            check_positive_int(name, value)
        if kid_subset_size is not None:
            check_positive_int("kid_subset_size", kid_subset_size)
        if num_samples < 2:
            raise ValueError(
                "Invalid value for argument `num_samples`. Expected at least "
                f"2. Received: num_samples={num_samples}"
            )
        if k is not None:
            check_positive_int("k", k)
        if isinstance(metrics, str):
            metrics = (metrics,)
        metrics = tuple(metrics)
        unknown = [m for m in metrics if m not in AVAILABLE_METRICS]
        if unknown or not metrics:
            raise ValueError(
                "Invalid value for argument `metrics`. Expected names from "
                f"{AVAILABLE_METRICS}. Received: metrics={metrics!r}"
            )
        if not callable(feature_extractor):
            raise ValueError(
                "Invalid value for argument `feature_extractor`. Expected a "
                "Keras model or a callable. Received: "
                f"feature_extractor={feature_extractor!r}"
            )
        if isinstance(real_data, (tuple, list)) and len(real_data) == 2:
            real_x, real_y = real_data
            real_y = np.asarray(real_y).reshape(-1)
            if real_y.dtype.kind not in "iu":
                raise ValueError(
                    "Invalid value for argument `real_data`. Expected `(x, y)` "
                    f"with integer labels. Received: labels of dtype "
                    f"{real_y.dtype}"
                )
        else:
            real_x, real_y = real_data, None
        real_x = np.asarray(real_x)
        if real_x.ndim < 1 or len(real_x) < 2:
            raise ValueError(
                "Invalid value for argument `real_data`. Expected at least 2 "
                f"samples. Received: shape={real_x.shape}"
            )
        if real_y is not None and len(real_y) != len(real_x):
            raise ValueError(
                "Invalid value for argument `real_data`: `x` and `y` have "
                f"different lengths ({len(real_x)} and {len(real_y)})."
            )
        self.real_data = real_x
        self.real_labels = real_y
        self.feature_extractor = feature_extractor
        self.every = int(every)
        self.num_samples = int(num_samples)
        self.batch_size = int(batch_size)
        self.metrics = metrics
        self.seed = seed
        self.prefix = prefix
        self.k = k
        self.kid_subsets = int(kid_subsets)
        self.kid_subset_size = (
            max(2, min(1000, num_samples // 2))
            if kid_subset_size is None
            else int(kid_subset_size)
        )
        self.real_features = None
        self.fake_features = None
        self.results = None
        self._subset = None

    def _real_subset(self):
        """Indices of the real samples used (fixed once drawn)."""
        if self._subset is None:
            num_real = len(self.real_data)
            if num_real > self.num_samples:
                rng = np.random.default_rng(self.seed)
                self._subset = np.sort(
                    rng.choice(num_real, self.num_samples, replace=False)
                )
            else:
                self._subset = np.arange(num_real)
        return self._subset

    def generation_labels(self):
        """Labels of the generated samples, or `None` (unconditional model,
        or no real labels)."""
        if getattr(self.model, "num_classes", None) is None:
            return None
        if self.real_labels is None:
            return None
        labels = self.real_labels[self._real_subset()]
        if len(labels) != self.num_samples:
            rng = np.random.default_rng(
                None if self.seed is None else self.seed + 1
            )
            labels = rng.choice(self.real_labels, self.num_samples)
        return labels

    def compute_real_features(self):
        """The (cached) features of the real samples."""
        if self.real_features is None:
            samples = self.real_data[self._real_subset()]
            self.real_features = extract_features(
                self.feature_extractor, samples, self.batch_size
            )
        return self.real_features

    def generate_samples(self):
        labels = self.generation_labels()
        if labels is None:
            return self.model.generate(
                self.num_samples, seed=self.seed, batch_size=self.batch_size
            )
        return self.model.generate(
            self.num_samples,
            labels=labels,
            seed=self.seed,
            batch_size=self.batch_size,
        )

    def evaluate(self):
        """Computes the metrics for the current model now.

        Returns:
            A dict of Python floats, keys with `prefix`.
        """
        if self.model is None:
            raise ValueError(
                "`GANQuality.evaluate()` needs a model: call `set_model(gan)` "
                "first, or pass the callback to `fit`."
            )
        real = self.compute_real_features()
        fake = extract_features(
            self.feature_extractor, self.generate_samples(), self.batch_size
        )
        if fake.shape[1] != real.shape[1]:
            raise ValueError(
                "Real and generated features have different sizes "
                f"({real.shape[1]} and {fake.shape[1]}); check that "
                "`real_data` matches the generator's output."
            )
        self.fake_features = fake
        values = {}
        if "fid" in self.metrics:
            values["fid"] = frechet_distance(real, fake)
        if "kid" in self.metrics:
            values["kid"], values["kid_std"] = kernel_distance(
                real,
                fake,
                num_subsets=self.kid_subsets,
                subset_size=self.kid_subset_size,
                seed=self.seed,
            )
        values.update(
            self._knn_values(
                precision_recall, ("precision", "recall"), 3, real, fake
            )
        )
        values.update(
            self._knn_values(
                density_coverage, ("density", "coverage"), 5, real, fake
            )
        )
        self.results = {
            self.prefix + name: float(keras.ops.convert_to_numpy(value))
            for name, value in values.items()
        }
        return dict(self.results)

    def _knn_values(self, metric_fn, names, default_k, real, fake):
        """The requested ones among the values `names` of a k-NN metric.

        Args:
            metric_fn: `precision_recall` or `density_coverage`.
            names: Names of the values `metric_fn` returns, in order.
            default_k: Neighbourhood size used when `self.k` is `None`.
            real: Real features.
            fake: Generated features.

        Returns:
            A dict from the names in `self.metrics` to their values; empty
            (and `metric_fn` not called) when none is requested.
        """
        requested = [name for name in names if name in self.metrics]
        if not requested:
            return {}
        k = default_k if self.k is None else self.k
        k = min(k, len(real) - 1, len(fake) - 1)
        results = dict(zip(names, metric_fn(real, fake, k=k)))
        return {name: results[name] for name in requested}

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        results = self.evaluate()
        if logs is not None:
            logs.update(results)
