"""Reversible encoding of a table into the generator's output space."""

import warnings

import numpy as np

from keras_gan import validation
from keras_gan.serialization import ConfigMixin

# A continuous value is stored as `(x - mean_k) / (NORMALIZATION_SCALE *
# std_k)` for its mode `k`, so that almost all values fall in the tanh range.
NORMALIZATION_SCALE = 4.0
_CLIP = 0.99
# A mode whose training values (those it is the likeliest mode of) are at
# least `ATOM_SHARE` one value, which is itself at least `ATOM_MIN_SHARE`
# of the column's values, is that value: an atom.
ATOM_SHARE = 0.9
ATOM_MIN_SHARE = 0.05
# Datetime values come back rounded to the coarsest of these units (in
# seconds) that every training value is a whole multiple of.
_TIME_RESOLUTIONS = (86400.0, 3600.0, 60.0, 1.0, 1e-3, 1e-6)


class TabularTransformer(ConfigMixin):
    """Mode-specific normalization of continuous columns, one-hot of the rest.

    The encoding of CTGAN (Xu et al. 2019). Each continuous column is fitted
    with a variational Gaussian mixture
    (`sklearn.mixture.BayesianGaussianMixture`); the components whose weight
    exceeds `weight_threshold` are its modes. A value `x` becomes a mode `k`,
    drawn from the posterior `p(k | x)` of the fitted mixture, encoded
    one-hot, and the scalar `(x - mean_k) / (4 * std_k)` clipped to
    `[-0.99, 0.99]`. Discrete columns become one-hot vectors over their
    categories. `inverse_transform` reverses both: the mode and category are
    the argmax of their one-hot parts.

    Which columns are discrete: those named in `discrete_columns`, boolean
    and `category` columns, and integer columns with at most
    `max_integer_categories` distinct values. Every other numeric, datetime
    or timedelta column is continuous; datetimes and timedeltas are modelled
    as seconds and come back with their dtype and timezone, rounded to the
    coarsest unit (day, hour, minute, second, millisecond, microsecond) that
    all training values are whole multiples of.

    Repeated values: a mode whose training values (those it is the
    likeliest mode of) are at least 90 % one value, itself at least 5 % of
    the column, such as the zeros of a zero-inflated amount, is an *atom*: it decodes to exactly that value
    (a Gaussian mode alone would spread it into small values on both
    sides, so that "is the amount zero?" would be wrong for about half of
    the rows it generates).

    Missing values: in a discrete column, a missing value is one more
    category; in a continuous column, it is a two-way indicator
    `[present, missing]` appended to the column's encoding (the value part
    of a missing row holds a draw from the column's mixture). Both take part
    in the conditional vector of `keras_gan.tabular.TabularGAN`, so samples
    are missing at the data's rates and together with the other columns'
    values they go with. `inverse_transform` returns NaN (`NaT`, `pd.NA` for
    pandas' nullable dtypes) for them.

    Decoding keeps each column's dtype (including `category` with its
    categories and order, pandas `"string"` and nullable integers); integer
    columns are rounded, and continuous values are clipped to the range
    seen in `fit` unless `clip_to_observed_range` is `False`. Constant
    columns, columns with no value at all and object columns not named in
    `discrete_columns` are rejected with an error naming the column.

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
        max_integer_categories: An integer column not named in
            `discrete_columns` with at most this many distinct values is
            discrete; `0` models every unnamed integer column as
            continuous. Defaults to `10`.
        seed: Seed of the mixture fits and of the mode draws in `transform`.
            Defaults to `0`.
        columns: Fitted state, as returned by `get_config`; leave it `None`
            and call `fit`.
        missing_patterns: Fitted state: which columns are missing together,
            and how often (see `missing_patterns`).

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
        max_integer_categories=10,
        seed=0,
        columns=None,
        missing_patterns=None,
    ):
        if isinstance(discrete_columns, str):
            raise ValueError(
                "Invalid value for argument `discrete_columns`. Expected a "
                "list of column names. Received: "
                f"discrete_columns={discrete_columns!r}"
            )
        validation.check_positive_int("max_modes", max_modes)
        if isinstance(weight_threshold, bool) or not (
            0.0 <= float(weight_threshold) < 1.0
        ):
            raise ValueError(
                "Invalid value for argument `weight_threshold`. Expected a "
                f"number in [0, 1). Received: weight_threshold="
                f"{weight_threshold!r}"
            )
        if not validation.is_integer(max_integer_categories) or (
            max_integer_categories < 0
        ):
            raise ValueError(
                "Invalid value for argument `max_integer_categories`. "
                "Expected an integer >= 0. Received: "
                f"max_integer_categories={max_integer_categories!r}"
            )
        self.discrete_columns = list(discrete_columns)
        self.max_modes = int(max_modes)
        self.weight_threshold = float(weight_threshold)
        self.clip_to_observed_range = bool(clip_to_observed_range)
        self.max_integer_categories = int(max_integer_categories)
        self.seed = seed
        self.columns = columns
        self.missing_patterns = missing_patterns

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
        self.missing_patterns = _missing_patterns(data)
        return self

    def _check_fittable(self, name, values):
        present = values.dropna()
        if present.empty:
            raise ValueError(
                f"Invalid value for the data: column {name!r} has no value "
                "(all of its values are missing). Drop it."
            )
        if values.nunique(dropna=False) < 2:
            raise ValueError(
                f"Invalid value for the data: column {name!r} is constant "
                f"(its only value is {values.iloc[0]!r}). It carries no "
                "information to learn; drop it and add it back to the "
                "samples."
            )
        kind = values.dtype.kind
        if kind in "mM" and name in self.discrete_columns:
            raise ValueError(
                f"Invalid value for argument `discrete_columns`: column "
                f"{name!r} holds dates or times (dtype {values.dtype}), "
                "which are modelled as continuous seconds. Leave it out of "
                "`discrete_columns`, or convert it to strings first."
            )
        if kind not in "iufmM" and not self._is_discrete(name, values):
            raise ValueError(
                f"Invalid value for the data: column {name!r} has dtype "
                f"{values.dtype} and is not in `discrete_columns`. Declare "
                "it discrete, e.g. `discrete_columns=[..., "
                f"{name!r}]`, or convert it to numbers."
            )

    def _is_discrete(self, name, values):
        kind = values.dtype.kind
        return (
            name in self.discrete_columns
            or kind == "b"
            or str(values.dtype) in ("category", "boolean")
            or (
                kind in "iu"
                and values.nunique() <= self.max_integer_categories
            )
        )

    def _fit_continuous(self, name, values):
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.mixture import BayesianGaussianMixture

        column = {
            "name": name,
            "kind": "continuous",
            "dtype": str(values.dtype),
            "value_kind": _value_kind(values),
        }
        seconds = _to_numbers(values, column["value_kind"])
        missing = np.isnan(seconds)
        x = seconds[~missing].reshape(-1, 1)
        mixture = BayesianGaussianMixture(
            n_components=min(self.max_modes, len(np.unique(x))),
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
        column.update(
            {
                "min": float(x.min()),
                "max": float(x.max()),
                "weights": (weights / weights.sum()).tolist(),
                "means": mixture.means_[keep, 0].tolist(),
                "stds": np.sqrt(mixture.covariances_[keep, 0, 0]).tolist(),
                # Counts of `[present, missing]`; absent without missing
                # values (then the column has no indicator).
                "missing_counts": (
                    [int((~missing).sum()), int(missing.sum())]
                    if missing.any()
                    else None
                ),
            }
        )
        column["atoms"] = _atoms(x[:, 0], column)
        if column["value_kind"] == "datetime":
            column["timezone"] = _timezone(values)
        if column["value_kind"] in ("datetime", "timedelta"):
            column["resolution"] = _time_resolution(values, column)
        return column

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
        indicators, missingness indicators or discrete columns.
        """
        self.check_fitted()
        spans = []
        for column in self.columns:
            if column["kind"] == "continuous":
                spans += [("tanh", 1), ("softmax", len(column["means"]))]
                if column.get("missing_counts"):
                    spans.append(("softmax", 2))
            else:
                spans.append(("softmax", len(column["categories"])))
        return spans

    @property
    def output_dim(self):
        return sum(width for _, width in self.output_info)

    def discrete_spans(self):
        """`(column name, start, width)` of each conditional span.

        The one-hot of each discrete column and the `[present, missing]`
        indicator of each continuous column with missing values, in the
        order of the encoded rows: the spans the conditional vector of
        `keras_gan.tabular.TabularGAN` covers.
        """
        self.check_fitted()
        spans, start = [], 0
        for column in self.columns:
            if column["kind"] == "continuous":
                start += 1 + len(column["means"])
                if column.get("missing_counts"):
                    spans.append((column["name"], start, 2))
                    start += 2
            else:
                width = len(column["categories"])
                spans.append((column["name"], start, width))
                start += width
        return spans

    def span_frequencies(self, name):
        """Row counts of each entry of the conditional span of `name`."""
        column = self.column(name)
        if column["kind"] == "continuous":
            return list(column["missing_counts"])
        return list(column["frequencies"])

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
            seed: Seed of the mode draws (and of the values put in the
                value part of missing continuous entries). Defaults to the
                transformer's `seed`.
        """
        self.check_columns(data, "data")
        rng = np.random.default_rng(self.seed if seed is None else seed)
        parts = []
        for column in self.columns:
            values = data[column["name"]]
            if column["kind"] == "continuous":
                parts.append(_encode_continuous_column(values, column, rng))
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
                if column.get("missing_counts"):
                    width += 2
                result[column["name"]] = self._decode_continuous(
                    encoded[:, start : start + width], column
                )
            else:
                width = len(column["categories"])
                result[column["name"]] = _decode_discrete(
                    encoded[:, start : start + width], column
                )
            start += width
        # Each column as a Series of its own dtype: pandas >= 3 would read an
        # object array of strings as its `str` dtype.
        return pd.DataFrame(
            {
                name: pd.Series(values, dtype=getattr(values, "dtype", None))
                for name, values in result.items()
            }
        )

    def _decode_continuous(self, block, column):
        modes_width = len(column["means"])
        modes = np.argmax(block[:, 1 : 1 + modes_width], axis=1)
        means = np.asarray(column["means"])[modes]
        stds = np.asarray(column["stds"])[modes]
        values = np.clip(block[:, 0], -1.0, 1.0) * NORMALIZATION_SCALE * stds
        values = values + means
        # Files saved before atoms existed have none.
        atoms = column.get("atoms") or [None] * modes_width
        for mode, atom in enumerate(atoms):
            if atom is not None:
                values[modes == mode] = atom
        if self.clip_to_observed_range:
            values = np.clip(values, column["min"], column["max"])
        missing = None
        if column.get("missing_counts"):
            indicator = block[:, 1 + modes_width :]
            missing = indicator[:, 1] > indicator[:, 0]
        return _from_numbers(
            values, missing, column, self.clip_to_observed_range
        )

    def get_config(self):
        return {
            "discrete_columns": self.discrete_columns,
            "max_modes": self.max_modes,
            "weight_threshold": self.weight_threshold,
            "clip_to_observed_range": self.clip_to_observed_range,
            "max_integer_categories": self.max_integer_categories,
            "seed": self.seed,
            "columns": self.columns,
            "missing_patterns": self.missing_patterns,
        }


# At most this many distinct missingness patterns are kept; a table with
# more is sampled without matching them.
MAX_MISSING_PATTERNS = 256


def _missing_patterns(data):
    """Which columns are missing together in `data`, and how often.

    Returns `None` without missing values (or with more than
    `MAX_MISSING_PATTERNS` patterns), else `{"columns": [names with missing
    values], "patterns": [[0 or 1 per column], ...], "counts": [rows]}`.
    """
    missing = data.isna()
    names = [name for name in data.columns if missing[name].any()]
    if not names:
        return None
    counts = missing[names].value_counts(sort=True)
    if len(counts) > MAX_MISSING_PATTERNS:
        return None
    return {
        "columns": names,
        "patterns": [
            [int(v) for v in (key if isinstance(key, tuple) else (key,))]
            for key in counts.index
        ],
        "counts": [int(c) for c in counts.to_numpy()],
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


# === Continuous columns ===


def _value_kind(values):
    kind = values.dtype.kind
    if kind == "M":
        return "datetime"
    if kind == "m":
        return "timedelta"
    return "number"


def _timezone(values):
    tz = getattr(values.dt, "tz", None)
    return None if tz is None else str(tz)


def _to_numbers(values, value_kind):
    """Float64 values (seconds for times), NaN where missing."""
    missing = values.isna().to_numpy()
    if value_kind == "number":
        return values.to_numpy(dtype="float64", na_value=np.nan)
    if value_kind == "datetime":
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        nanoseconds = values.to_numpy("datetime64[ns]").view("int64")
    else:
        nanoseconds = values.to_numpy("timedelta64[ns]").view("int64")
    seconds = nanoseconds.astype("float64") / 1e9
    seconds[missing] = np.nan
    return seconds


def _wall_nanoseconds(values):
    """Integer nanoseconds on the wall clock (local time for datetimes)."""
    values = values.dropna()
    if values.dtype.kind == "M":
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_localize(None)
        return values.to_numpy("datetime64[ns]").view("int64")
    return values.to_numpy("timedelta64[ns]").view("int64")


def _time_resolution(values, column):
    nanoseconds = _wall_nanoseconds(values)
    for seconds in _TIME_RESOLUTIONS:
        step = int(round(seconds * 1e9))
        if not np.any(nanoseconds % step):
            return seconds
    return 0.0


def _from_numbers(values, missing, column, clipped):
    """Decoded float64 values back in the column's dtype."""
    import pandas as pd

    dtype = pd.api.types.pandas_dtype(column["dtype"])
    value_kind = column.get("value_kind", "number")
    if value_kind != "number":
        return _times(values, missing, column, dtype)
    if dtype.kind in "iu":
        values = np.round(values)
        if not clipped:
            info = np.iinfo(dtype.numpy_dtype if hasattr(dtype, "numpy_dtype") else dtype)
            values = np.clip(values, info.min, info.max)
    if missing is None or not missing.any():
        return pd.Series(values).astype(dtype).to_numpy() if isinstance(
            dtype, np.dtype
        ) else pd.array(values).astype(dtype)
    values = values.copy()
    values[missing] = np.nan
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        # NumPy integers have no missing value: a nullable integer column.
        return pd.array(values).astype(_nullable(dtype))
    if isinstance(dtype, np.dtype):
        return values.astype(dtype)
    return pd.array(values).astype(dtype)


def _nullable(dtype):
    import pandas as pd

    return pd.api.types.pandas_dtype(
        ("UInt" if dtype.kind == "u" else "Int") + str(dtype.itemsize * 8)
    )


def _times(seconds, missing, column, dtype):
    import pandas as pd

    nanoseconds = np.round(seconds * 1e9)
    missing = np.zeros(len(seconds), bool) if missing is None else missing
    if column["value_kind"] == "datetime":
        values = pd.Series(pd.to_datetime(nanoseconds.astype("int64"), unit="ns"))
        if column.get("timezone"):
            values = values.dt.tz_localize("UTC").dt.tz_convert(
                column["timezone"]
            )
    else:
        values = pd.Series(pd.to_timedelta(nanoseconds.astype("int64"), unit="ns"))
    resolution = column.get("resolution") or 0.0
    if resolution:
        # On the local clock: dates stay at local midnight across DST.
        step = pd.Timedelta(int(round(resolution * 1e9)), unit="ns")
        if column.get("timezone"):
            wall = values.dt.tz_localize(None).dt.round(step)
            values = wall.dt.tz_localize(
                column["timezone"],
                ambiguous=np.zeros(len(wall), bool),
                nonexistent="shift_forward",
            )
        else:
            values = values.dt.round(step)
    values = values.mask(missing)
    return values.astype(dtype).array


def _atoms(x, column):
    """Per mode, the value its training values repeat (or `None`).

    A mode is an atom when at least `ATOM_SHARE` of the values it is the
    likeliest mode of are one value, and that value is at least
    `ATOM_MIN_SHARE` of `x` (a value seen a few times is no atom).
    """
    likeliest = np.argmax(posterior_modes(x, column), axis=1)
    atoms = []
    for mode in range(len(column["means"])):
        members = x[likeliest == mode]
        if len(members) == 0:
            atoms.append(None)
            continue
        values, counts = np.unique(members, return_counts=True)
        top = int(np.argmax(counts))
        repeated = counts[top] >= max(
            ATOM_SHARE * len(members), ATOM_MIN_SHARE * len(x)
        )
        atoms.append(float(values[top]) if repeated else None)
    return atoms


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


def _encode_continuous_column(values, column, rng):
    name = column["name"]
    if values.dtype.kind in "mM" and column.get("value_kind", "number") == "number":
        raise ValueError(
            f"Invalid value for the data: column {name!r} holds dates or "
            f"times (dtype {values.dtype}), but numbers in `fit`."
        )
    x = _to_numbers(values, column.get("value_kind", "number"))
    missing = np.isnan(x)
    if missing.any():
        if not column.get("missing_counts"):
            raise ValueError(
                f"Invalid value for the data: column {name!r} has "
                f"{int(missing.sum())} missing values, but had none in "
                "`fit`. Fit the transformer on data with missing values "
                "in that column, or fill them."
            )
        # The value part of a missing entry: a draw from the mixture.
        weights = np.asarray(column["weights"])
        modes = rng.choice(len(weights), size=int(missing.sum()), p=weights)
        x = x.copy()
        x[missing] = np.asarray(column["means"])[modes] + np.asarray(
            column["stds"]
        )[modes] * rng.standard_normal(len(modes))
    encoded = encode_continuous(x, column, rng)
    if column.get("missing_counts"):
        indicator = np.stack([~missing, missing], axis=1).astype("float64")
        encoded = np.concatenate([encoded, indicator], axis=1)
    return encoded


# === Discrete columns ===


def _fit_discrete(name, values):
    is_category = str(values.dtype) == "category"
    if is_category:
        categories = [_plain(v) for v in values.cat.categories.tolist()]
    else:
        categories = sorted(
            {_plain(v) for v in values.dropna().tolist()}, key=_sort_key
        )
    missing = int(values.isna().sum())
    counts = values.dropna().map(_plain).value_counts()
    frequencies = [int(counts.get(c, 0)) for c in categories]
    if missing:
        categories.append(None)
        frequencies.append(missing)
    return {
        "name": name,
        "kind": "discrete",
        "dtype": str(values.dtype),
        "categories": categories,
        "frequencies": frequencies,
        "ordered": bool(is_category and values.cat.ordered),
        "has_missing": bool(missing),
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


def category_index(column, value, argument="conditions"):
    """The position of `value` among a discrete column's categories."""
    categories = column["categories"]
    if _is_missing(value):
        if column.get("has_missing"):
            return len(categories) - 1
    else:
        for index, category in enumerate(categories):
            if category is not None and category == _plain(value):
                return index
    shown = [c for c in categories if c is not None]
    raise ValueError(
        f"Invalid value for argument `{argument}`: column "
        f"{column['name']!r} never takes the value {value!r} in the data "
        f"the model was fitted on. Its values: {shown[:20]}"
        + (" and missing values" if column.get("has_missing") else "")
        + "."
    )


def _is_missing(value):
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _encode_discrete(values, column):
    import pandas as pd

    categories = column["categories"]
    lookup = {c: i for i, c in enumerate(categories) if c is not None}
    missing = values.isna().to_numpy()
    if missing.any() and not column.get("has_missing"):
        raise ValueError(
            f"Invalid value for the data: column {column['name']!r} has "
            f"{int(missing.sum())} missing values, but had none in `fit`."
        )
    indices = np.full(len(values), len(categories) - 1, dtype=int)
    present = pd.Series(values.to_numpy(dtype=object)[~missing]).map(_plain)
    found = present.map(lookup)
    if found.isna().any():
        value = present[found.isna()].iloc[0]
        raise ValueError(
            f"Invalid value for the data: column {column['name']!r} "
            f"holds {value!r}, not one of the categories seen in `fit` "
            f"({[c for c in categories if c is not None][:10]})."
        )
    indices[~missing] = found.to_numpy(dtype=int)
    return np.eye(len(categories))[indices]


def _decode_discrete(block, column):
    import pandas as pd

    indices = np.argmax(block, axis=1)
    categories = column["categories"]
    table = np.empty(len(categories), dtype=object)
    table[:] = categories
    values = table[indices]
    dtype = column["dtype"]
    if dtype == "category":
        return pd.Categorical(
            values,
            categories=[c for c in categories if c is not None],
            ordered=column.get("ordered", False),
        )
    missing = (
        indices == len(categories) - 1
        if column.get("has_missing")
        else np.zeros(len(values), bool)
    )
    pandas_dtype = pd.api.types.pandas_dtype(dtype)
    if isinstance(pandas_dtype, np.dtype) and pandas_dtype.kind == "O":
        values[missing] = np.nan
        return values
    if not missing.any():
        if isinstance(pandas_dtype, np.dtype):
            return np.asarray(values.tolist()).astype(pandas_dtype)
        return pd.array(values.tolist(), dtype=pandas_dtype)
    if isinstance(pandas_dtype, np.dtype) and pandas_dtype.kind == "f":
        values[missing] = np.nan
        return values.astype(pandas_dtype)
    values[missing] = pd.NA
    if isinstance(pandas_dtype, np.dtype):
        if pandas_dtype.kind in "iu":
            pandas_dtype = _nullable(pandas_dtype)
        elif pandas_dtype.kind == "b":
            pandas_dtype = pd.BooleanDtype()
        else:
            values[missing] = np.nan
            return values
    return pd.array(values.tolist(), dtype=pandas_dtype)
