"""Reversible encoding of a table into the generator's output space."""

import warnings

import numpy as np

from keras_gan.serialization import ConfigMixin

# A continuous value is stored as `(x - mean_k) / (NORMALIZATION_SCALE *
# std_k)` for its mode `k`, so that almost all values fall in the tanh range.
NORMALIZATION_SCALE = 4.0
_CLIP = 0.99


class TabularTransformer(ConfigMixin):
    """Mode-specific normalization of continuous columns, one-hot of the rest.

    The encoding of CTGAN (Xu et al. 2019). Each continuous column is fitted
    with a variational Gaussian mixture
    (`sklearn.mixture.BayesianGaussianMixture`); the components whose weight
    exceeds `weight_threshold` are its modes. A value `x` becomes a mode `k`,
    drawn from the posterior `p(k | x)` of the fitted mixture, encoded
    one-hot, and the scalar `(x - mean_k) / (4 * std_k)` clipped to
    `[-0.99, 0.99]`. Discrete columns become one-hot vectors over the
    categories seen in `fit`. `inverse_transform` reverses both: the mode and
    category are the argmax of their one-hot parts.

    Integer columns come back as integers (rounded), and continuous values
    are clipped to the range seen in `fit` unless `clip_to_observed_range`
    is `False`. Missing values, datetime columns, constant columns and
    object columns not named in `discrete_columns` are rejected with an
    error naming the column. Boolean and `category` columns are discrete
    whether named or not.

    The fitted state is plain lists (see `get_config`), so a transformer is
    saved inside the `.keras` file of the `keras_gan.tabular.TabularGAN`
    that holds it.

    Args:
        discrete_columns: Names of the discrete columns. Defaults to `()`.
        max_modes: Components of each Gaussian mixture. Defaults to `10`.
        weight_threshold: Minimum mixture weight of a mode. Defaults to
            `0.005`.
        clip_to_observed_range: Whether decoded continuous values are
            clipped to the range seen in `fit`. Defaults to `True`.
        seed: Seed of the mixture fits and of the mode draws in `transform`.
            Defaults to `0`.
        columns: Fitted state, as returned by `get_config`; leave it `None`
            and call `fit`.

    Example:

    ```python
    transformer = keras_gan.tabular.TabularTransformer(
        discrete_columns=["occupation"]
    )
    transformer.fit(df)
    encoded = transformer.transform(df)   # float32, (rows, output_dim)
    decoded = transformer.inverse_transform(encoded)   # a DataFrame
    ```
    """

    def __init__(
        self,
        discrete_columns=(),
        max_modes=10,
        weight_threshold=0.005,
        clip_to_observed_range=True,
        seed=0,
        columns=None,
    ):
        if isinstance(discrete_columns, str):
            raise ValueError(
                "Invalid value for argument `discrete_columns`. Expected a "
                "list of column names. Received: "
                f"discrete_columns={discrete_columns!r}"
            )
        if isinstance(max_modes, bool) or not isinstance(
            max_modes, (int, np.integer)
        ) or max_modes < 1:
            raise ValueError(
                "Invalid value for argument `max_modes`. Expected a positive "
                f"integer. Received: max_modes={max_modes!r}"
            )
        if isinstance(weight_threshold, bool) or not (
            0.0 <= float(weight_threshold) < 1.0
        ):
            raise ValueError(
                "Invalid value for argument `weight_threshold`. Expected a "
                f"number in [0, 1). Received: weight_threshold="
                f"{weight_threshold!r}"
            )
        self.discrete_columns = list(discrete_columns)
        self.max_modes = int(max_modes)
        self.weight_threshold = float(weight_threshold)
        self.clip_to_observed_range = bool(clip_to_observed_range)
        self.seed = seed
        self.columns = columns

    # === Fit ===

    def fit(self, data):
        """Fits the encoding of every column of the DataFrame `data`."""
        check_frame(data, "data")
        missing = [c for c in self.discrete_columns if c not in data.columns]
        if missing:
            raise ValueError(
                "Invalid value for argument `discrete_columns`: column "
                f"{missing[0]!r} is not in the data. Received: "
                f"discrete_columns={self.discrete_columns!r}, columns="
                f"{list(data.columns)}"
            )
        for name in data.columns:
            self._check_fittable(name, data[name])
        self.columns = [
            _fit_discrete(name, data[name])
            if self._is_discrete(name, data[name])
            else self._fit_continuous(name, data[name])
            for name in data.columns
        ]
        return self

    def _check_fittable(self, name, values):
        _check_column(name, values)
        if values.nunique() < 2:
            raise ValueError(
                f"Invalid value for the data: column {name!r} is constant "
                f"(its only value is {values.iloc[0]!r}). It carries no "
                "information to learn; drop it and add it back to the "
                "samples."
            )
        numeric = values.dtype.kind in "iuf"
        if not numeric and not self._is_discrete(name, values):
            raise ValueError(
                f"Invalid value for the data: column {name!r} has dtype "
                f"{values.dtype} and is not in `discrete_columns`. Declare "
                "it discrete, e.g. `discrete_columns=[..., "
                f"{name!r}]`, or convert it to numbers."
            )

    def _is_discrete(self, name, values):
        return (
            name in self.discrete_columns
            or values.dtype.kind == "b"
            or str(values.dtype) == "category"
        )

    def _fit_continuous(self, name, values):
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.mixture import BayesianGaussianMixture

        x = values.to_numpy(dtype="float64").reshape(-1, 1)
        mixture = BayesianGaussianMixture(
            n_components=min(self.max_modes, values.nunique()),
            weight_concentration_prior_type="dirichlet_process",
            weight_concentration_prior=0.001,
            n_init=1,
            random_state=self.seed,
        )
        with warnings.catch_warnings():
            # Components beyond the data's modes rarely converge; they are
            # the ones the weight threshold drops.
            warnings.simplefilter("ignore", ConvergenceWarning)
            mixture.fit(x)
        keep = mixture.weights_ > self.weight_threshold
        if not keep.any():
            keep = mixture.weights_ == mixture.weights_.max()
        weights = mixture.weights_[keep]
        return {
            "name": name,
            "kind": "continuous",
            "dtype": str(values.dtype),
            "min": float(x.min()),
            "max": float(x.max()),
            "weights": (weights / weights.sum()).tolist(),
            "means": mixture.means_[keep, 0].tolist(),
            "stds": np.sqrt(mixture.covariances_[keep, 0, 0]).tolist(),
        }

    # === Layout ===

    def check_fitted(self):
        if self.columns is None:
            raise ValueError(
                "This `TabularTransformer` is not fitted yet. Call "
                "`fit(data)` first."
            )

    @property
    def column_names(self):
        self.check_fitted()
        return [column["name"] for column in self.columns]

    @property
    def output_info(self):
        """`(activation, width)` spans of the encoded rows, in order.

        `"tanh"` spans are normalized values; `"softmax"` spans are mode
        indicators or discrete columns.
        """
        self.check_fitted()
        spans = []
        for column in self.columns:
            if column["kind"] == "continuous":
                spans += [("tanh", 1), ("softmax", len(column["means"]))]
            else:
                spans.append(("softmax", len(column["categories"])))
        return spans

    @property
    def output_dim(self):
        return sum(width for _, width in self.output_info)

    def discrete_spans(self):
        """`(column name, start, width)` of each discrete column's one-hot."""
        self.check_fitted()
        spans, start = [], 0
        for column in self.columns:
            if column["kind"] == "continuous":
                start += 1 + len(column["means"])
            else:
                width = len(column["categories"])
                spans.append((column["name"], start, width))
                start += width
        return spans

    def column(self, name):
        self.check_fitted()
        for column in self.columns:
            if column["name"] == name:
                return column
        raise KeyError(name)

    # === Encode and decode ===

    def check_columns(self, data, argument="x"):
        """Rejects a DataFrame whose columns differ from the fitted ones."""
        check_frame(data, argument)
        expected = self.column_names
        received = list(data.columns)
        if received != expected:
            extra = [c for c in received if c not in expected]
            absent = [c for c in expected if c not in received]
            details = []
            if absent:
                details.append(f"missing columns {absent}")
            if extra:
                details.append(f"unexpected columns {extra}")
            detail = "; ".join(details)
            raise ValueError(
                f"Invalid value for argument `{argument}`: its columns differ "
                "from those the transformer was fitted on "
                f"({detail or 'same columns, other order'}). Expected: "
                f"{expected}. Received: {received}"
            )

    def transform(self, data, seed=None):
        """Encodes the DataFrame `data` as a float32 array.

        Args:
            data: A DataFrame with the fitted columns.
            seed: Seed of the mode draws. Defaults to the transformer's
                `seed`.
        """
        self.check_columns(data, "data")
        rng = np.random.default_rng(self.seed if seed is None else seed)
        parts = []
        for column in self.columns:
            values = data[column["name"]]
            _check_column(column["name"], values)
            if column["kind"] == "continuous":
                parts.append(
                    encode_continuous(
                        values.to_numpy(dtype="float64"), column, rng
                    )
                )
            else:
                parts.append(_encode_discrete(values, column))
        return np.concatenate(parts, axis=1).astype("float32")

    def inverse_transform(self, encoded):
        """Decodes encoded rows (or generator outputs) into a DataFrame."""
        import pandas as pd

        encoded = np.asarray(encoded, dtype="float64")
        if encoded.ndim != 2 or encoded.shape[1] != self.output_dim:
            raise ValueError(
                "Invalid value for argument `encoded`. Expected an array of "
                f"shape (rows, {self.output_dim}). Received: shape="
                f"{encoded.shape}"
            )
        result, start = {}, 0
        for column in self.columns:
            if column["kind"] == "continuous":
                width = 1 + len(column["means"])
                result[column["name"]] = self._decode_continuous(
                    encoded[:, start : start + width], column
                )
            else:
                width = len(column["categories"])
                result[column["name"]] = _decode_discrete(
                    encoded[:, start : start + width], column
                )
            start += width
        return pd.DataFrame(result)

    def _decode_continuous(self, block, column):
        modes = np.argmax(block[:, 1:], axis=1)
        means = np.asarray(column["means"])[modes]
        stds = np.asarray(column["stds"])[modes]
        values = np.clip(block[:, 0], -1.0, 1.0) * NORMALIZATION_SCALE * stds
        values = values + means
        if self.clip_to_observed_range:
            values = np.clip(values, column["min"], column["max"])
        if np.dtype(column["dtype"]).kind in "iu":
            values = np.round(values)
            if not self.clip_to_observed_range:
                info = np.iinfo(column["dtype"])
                values = np.clip(values, info.min, info.max)
        return values.astype(column["dtype"])

    def get_config(self):
        return {
            "discrete_columns": self.discrete_columns,
            "max_modes": self.max_modes,
            "weight_threshold": self.weight_threshold,
            "clip_to_observed_range": self.clip_to_observed_range,
            "seed": self.seed,
            "columns": self.columns,
        }


def check_frame(data, argument):
    """Rejects anything but a non-empty pandas DataFrame."""
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise ValueError(
            f"Invalid value for argument `{argument}`. Expected a pandas "
            f"DataFrame. Received: {argument} of type {type(data).__name__}"
        )
    if data.shape[0] == 0 or data.shape[1] == 0:
        raise ValueError(
            f"Invalid value for argument `{argument}`: the DataFrame is "
            f"empty. Received: {argument} with shape {data.shape}"
        )


def _check_column(name, values):
    if values.dtype.kind in "mM":
        raise ValueError(
            f"Invalid value for the data: column {name!r} holds dates or "
            f"times (dtype {values.dtype}), which are not supported. Convert "
            "it to numbers first, e.g. days since a reference date."
        )
    missing = int(values.isna().sum())
    if missing:
        raise ValueError(
            f"Invalid value for the data: column {name!r} has {missing} "
            "missing values. Fill or drop them first, or encode missingness "
            "as its own category of a discrete column."
        )


def posterior_modes(x, column):
    """`p(k | x)` of the fitted mixture restricted to the kept modes.

    Args:
        x: Float64 values, shape `(rows,)`.
        column: A fitted continuous column (from `TabularTransformer`).

    Returns:
        Array of shape `(rows, modes)` whose rows sum to 1.
    """
    means = np.asarray(column["means"])
    stds = np.asarray(column["stds"])
    log_weights = np.log(np.asarray(column["weights"]))
    z = (x[:, None] - means) / stds
    log_joint = log_weights - np.log(stds) - 0.5 * z**2
    log_joint -= log_joint.max(axis=1, keepdims=True)
    joint = np.exp(log_joint)
    return joint / joint.sum(axis=1, keepdims=True)


def encode_continuous(x, column, rng):
    """`[normalized value, one-hot mode]` rows of one continuous column."""
    posterior = posterior_modes(x, column)
    cumulative = np.cumsum(posterior, axis=1)
    draws = rng.random((len(x), 1))
    modes = np.minimum((draws > cumulative).sum(axis=1), posterior.shape[1] - 1)
    means = np.asarray(column["means"])[modes]
    stds = np.asarray(column["stds"])[modes]
    normalized = np.clip(
        (x - means) / (NORMALIZATION_SCALE * stds), -_CLIP, _CLIP
    )
    one_hot = np.eye(posterior.shape[1])[modes]
    return np.concatenate([normalized[:, None], one_hot], axis=1)


def _fit_discrete(name, values):
    categories = sorted(values.unique().tolist(), key=_sort_key)
    return {
        "name": name,
        "kind": "discrete",
        "dtype": str(values.dtype),
        "categories": [_plain(v) for v in categories],
        "frequencies": [
            int(n) for n in values.value_counts().reindex(categories).tolist()
        ],
    }


def _sort_key(value):
    return (type(value).__name__, str(value)) if not isinstance(
        value, (int, float, np.number)
    ) else ("", value)


def _plain(value):
    """A JSON-friendly Python scalar."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def category_index(column, value):
    """The position of `value` among a discrete column's categories."""
    for index, category in enumerate(column["categories"]):
        if category == _plain(value):
            return index
    raise ValueError(
        f"Invalid value for column {column['name']!r}: {value!r} is not one "
        f"of its categories {column['categories']}."
    )


def _encode_discrete(values, column):
    lookup = {category: i for i, category in enumerate(column["categories"])}
    indices = []
    for value in values.tolist():
        index = lookup.get(_plain(value))
        if index is None:
            raise ValueError(
                f"Invalid value for the data: column {column['name']!r} "
                f"holds {value!r}, not one of the categories seen in `fit` "
                f"({column['categories'][:10]})."
            )
        indices.append(index)
    return np.eye(len(column["categories"]))[np.asarray(indices, dtype=int)]


def _decode_discrete(block, column):
    import pandas as pd

    indices = np.argmax(block, axis=1)
    categories = column["categories"]
    values = [categories[i] for i in indices]
    if column["dtype"] == "category":
        return pd.Categorical(values, categories=categories)
    if column["dtype"] in ("object", "str", "string"):
        return pd.Series(values, dtype=column["dtype"]).to_numpy()
    return np.asarray(values).astype(column["dtype"])
