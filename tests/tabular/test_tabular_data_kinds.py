"""The data users bring: missing values, datetimes, integers, pandas dtypes.

Encoding and decoding only (NumPy and pandas, no training): what the
transformer keeps of every column, and how it lays out missing values.
"""

import numpy as np
import pandas as pd
import pytest

from keras_gan.tabular import TabularTransformer


def frame(rows=300, seed=0):
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2021-03-01")
    return pd.DataFrame(
        {
            "x": np.where(rng.random(rows) < 0.2, np.nan, rng.normal(size=rows)),
            "job": pd.Series(
                rng.choice(["a", "b", None], rows, p=[0.5, 0.3, 0.2]), dtype=object
            ),
            "level": pd.Categorical(
                rng.choice(["low", "mid"], rows),
                categories=["mid", "low", "high"],  # "high" never occurs
                ordered=True,
            ),
            "tag": pd.array(rng.choice(["p", "q"], rows), dtype="string"),
            "day": pd.Series(
                start + pd.to_timedelta(rng.integers(0, 900, rows), unit="D")
            ).dt.tz_localize("Europe/Paris"),
            "stamp": start + pd.to_timedelta(rng.integers(0, 10**6, rows), unit="s"),
            "wait": pd.Series(
                pd.to_timedelta(rng.integers(0, 100, rows), unit="min")
            ).mask(rng.random(rows) < 0.1),
            "grade": rng.integers(1, 4, rows),
            "count": rng.integers(0, 1000, rows),
            "visits": pd.array(
                np.where(rng.random(rows) < 0.1, None, rng.integers(0, 500, rows)),
                dtype="Int64",
            ),
        }
    )


def round_trip(data, **kwargs):
    transformer = TabularTransformer(["job", "tag"], **kwargs).fit(data)
    return transformer, transformer.inverse_transform(transformer.transform(data))


def test_round_trip_keeps_every_dtype_value_and_missing_entry():
    data = frame()
    _, decoded = round_trip(data)
    assert list(decoded.columns) == list(data.columns)
    for name in data.columns:
        assert decoded[name].dtype == data[name].dtype, name
        np.testing.assert_array_equal(
            decoded[name].isna(), data[name].isna(), err_msg=name
        )
    present = data["x"].notna()
    np.testing.assert_allclose(decoded["x"][present], data["x"][present], atol=1e-4)
    for name in ("job", "level", "tag", "grade"):
        assert decoded[name].dropna().tolist() == data[name].dropna().tolist(), name
    for name in ("day", "stamp", "wait", "count", "visits"):
        # A value drawn to a mode more than 3.96 of its deviations away is
        # clipped (CTGAN's encoding): rare, so nearly every value is exact.
        same = decoded[name].dropna().to_numpy() == data[name].dropna().to_numpy()
        assert same.mean() > 0.98, name


def test_categories_keep_their_order_flag_and_unused_entries():
    _, decoded = round_trip(frame())
    # Before: re-sorted ["high", "low", "mid"], unordered, "high" dropped.
    assert list(decoded["level"].cat.categories) == ["mid", "low", "high"]
    assert decoded["level"].cat.ordered
    # Before: the "string" column came back as object.
    assert str(decoded["tag"].dtype) == "string"


def test_missing_values_are_a_category_or_an_indicator():
    transformer, _ = round_trip(frame())
    job = transformer.column("job")
    assert job["categories"][-1] is None and job["frequencies"][-1] > 0
    x = transformer.column("x")
    data = frame()
    assert x["missing_counts"] == [
        int(data["x"].notna().sum()),
        int(data["x"].isna().sum()),
    ]
    # Conditional spans: the discrete columns and the two indicators.
    names = [name for name, _, _ in transformer.discrete_spans()]
    assert names == ["x", "job", "level", "tag", "wait", "grade", "visits"]
    encoded = transformer.transform(data)
    _, start, width = transformer.discrete_spans()[0]
    assert width == 2
    np.testing.assert_array_equal(encoded[:, start + 1], data["x"].isna())
    # Which columns are missing together, and how often.
    patterns = transformer.missing_patterns
    assert patterns["columns"] == ["x", "job", "wait", "visits"]
    assert sum(patterns["counts"]) == len(data)
    expected = data[patterns["columns"]].isna().value_counts()
    for pattern, count in zip(patterns["patterns"], patterns["counts"]):
        assert expected[tuple(bool(v) for v in pattern)] == count
    # The value part of a missing entry is a draw from the mixture, not a
    # constant the discriminator could spot.
    missing_values = encoded[data["x"].isna().to_numpy(), 0]
    assert missing_values.std() > 0.05


def test_decoding_follows_the_missingness_indicator():
    transformer, _ = round_trip(frame())
    encoded = transformer.transform(frame())
    _, start, _ = transformer.discrete_spans()[0]
    encoded[:, start : start + 2] = [0.2, 0.8]  # Every row "missing".
    assert transformer.inverse_transform(encoded)["x"].isna().all()
    encoded[:, start : start + 2] = [0.8, 0.2]
    assert transformer.inverse_transform(encoded)["x"].notna().all()


def test_datetimes_come_back_rounded_with_their_timezone():
    transformer, _ = round_trip(frame())
    day = transformer.column("day")
    assert day["kind"] == "continuous" and day["timezone"] == "Europe/Paris"
    assert day["resolution"] == 86400.0
    assert transformer.column("stamp")["resolution"] == 1.0
    assert transformer.column("wait")["resolution"] == 60.0
    encoded = transformer.transform(frame())
    # Moves every value off the data's grid.
    block = transformer.inverse_transform(
        np.random.default_rng(0).normal(size=encoded.shape) * 0.3 + encoded
    )
    days = block["day"].dt.tz_localize(None)
    assert (days == days.dt.normalize()).all()  # Local midnights.
    assert str(block["day"].dt.tz) == "Europe/Paris"
    data = frame()
    assert block["day"].min() >= data["day"].min()
    assert block["day"].max() <= data["day"].max()
    waits = block["wait"].dropna()
    assert (waits % pd.Timedelta(minutes=1) == pd.Timedelta(0)).all()


def test_integer_columns_with_few_values_are_discrete_by_a_stated_rule():
    transformer, decoded = round_trip(frame())
    # 3 distinct values <= max_integer_categories=10: discrete.
    assert transformer.column("grade")["kind"] == "discrete"
    assert transformer.column("grade")["categories"] == [1, 2, 3]
    assert transformer.column("count")["kind"] == "continuous"
    off, _ = round_trip(frame(), max_integer_categories=0)
    assert off.column("grade")["kind"] == "continuous"
    few, _ = round_trip(frame(), max_integer_categories=2)
    assert few.column("grade")["kind"] == "continuous"
    with pytest.raises(ValueError, match="`max_integer_categories`"):
        TabularTransformer(max_integer_categories=-1)


def test_bad_missing_and_time_data_is_named():
    with pytest.raises(ValueError, match="column 'a' has no value"):
        TabularTransformer().fit(pd.DataFrame({"a": [np.nan, np.nan], "b": [1.0, 2.0]}))
    transformer = TabularTransformer().fit(pd.DataFrame({"a": [1.0, 2.0, 3.0]}))
    with pytest.raises(ValueError, match="column 'a' has 1 missing values, but had none"):
        transformer.transform(pd.DataFrame({"a": [1.0, np.nan]}))
    discrete = TabularTransformer(["s"]).fit(pd.DataFrame({"s": ["u", "v"]}))
    with pytest.raises(ValueError, match="column 's' has 1 missing values, but had none"):
        discrete.transform(pd.DataFrame({"s": ["u", None]}))
    times = pd.DataFrame({"t": pd.to_datetime(["2020-01-01", "2021-01-01"])})
    with pytest.raises(ValueError, match="column 't' holds dates"):
        TabularTransformer(["t"]).fit(times)


def test_a_repeated_value_decodes_exactly():
    # A zero-inflated amount: 60 % exact zeros, the rest spread out.
    rng = np.random.default_rng(0)
    amount = np.where(rng.random(2000) < 0.6, 0.0, rng.lognormal(1.0, 0.5, 2000))
    data = pd.DataFrame({"amount": amount, "level": rng.choice(["a", "b"], 2000)})
    transformer = TabularTransformer(["level"], seed=0).fit(data)
    column = transformer.columns[0]
    atoms = column["atoms"]
    assert 0.0 in atoms and atoms.count(None) >= 1
    zero_mode = atoms.index(0.0)
    spread_mode = atoms.index(None)
    # Any normalized value of the zero mode decodes to exactly 0; the
    # spread mode keeps its values.
    width = len(atoms)
    block = np.zeros((4, transformer.output_dim), "float32")
    block[:, 0] = [0.3, 0.9, -0.2, 0.6]
    block[:2, 1 + zero_mode] = 1.0
    block[2:, 1 + spread_mode] = 1.0
    block[:, 1 + width] = 1.0  # level "a"
    decoded = transformer.inverse_transform(block)["amount"].to_numpy()
    assert decoded[0] == 0.0 and decoded[1] == 0.0
    assert decoded[2] > 0.0 and decoded[3] > decoded[2]
    # Encoding and decoding the data keeps every zero a zero: "is the
    # amount zero?" is answered as in the data.
    round_trip = transformer.inverse_transform(transformer.transform(data))
    np.testing.assert_array_equal(round_trip["amount"] == 0.0, amount == 0.0)
    # A transformer saved before atoms existed (no "atoms" entry) decodes
    # as it did.
    config = transformer.get_config()
    for saved in config["columns"]:
        saved.pop("atoms", None)
    legacy = TabularTransformer.from_config(config)
    legacy_decoded = legacy.inverse_transform(block)["amount"].to_numpy()
    assert legacy_decoded[0] > 0.0 and legacy_decoded[1] > legacy_decoded[0]
