"""The tabular data transformer: encoding, inverse, errors (NumPy only)."""

import numpy as np
import pandas as pd
import pytest

from keras_gan.tabular import TabularTransformer
from keras_gan.tabular.transformer import encode_continuous
from keras_gan.tabular.transformer import posterior_modes


def mixed_frame(rows=300, seed=0):
    rng = np.random.default_rng(seed)
    half = rows // 2
    return pd.DataFrame(
        {
            "bimodal": np.concatenate(
                [rng.normal(-5.0, 0.5, half), rng.normal(5.0, 0.5, rows - half)]
            ),
            "count": rng.integers(0, 50, rows),
            "job": rng.choice(["clerk", "farming", "nurse"], rows),
            "flag": rng.random(rows) < 0.3,
            "level": pd.Categorical(rng.choice(["low", "high"], rows)),
            "grade": rng.choice([1, 2, 3], rows),
        }
    )


def fitted(frame=None, **kwargs):
    frame = mixed_frame() if frame is None else frame
    return TabularTransformer(["job", "grade"], **kwargs).fit(frame), frame


def test_round_trip_keeps_values_dtypes_and_categories():
    transformer, frame = fitted()
    encoded = transformer.transform(frame)
    assert encoded.dtype == np.float32
    assert encoded.shape == (len(frame), transformer.output_dim)
    decoded = transformer.inverse_transform(encoded)
    assert list(decoded.columns) == list(frame.columns)
    for name in frame.columns:
        assert decoded[name].dtype == frame[name].dtype, name
    np.testing.assert_allclose(decoded["bimodal"], frame["bimodal"], atol=1e-4)
    np.testing.assert_array_equal(decoded["count"], frame["count"])
    for name in ("job", "flag", "level", "grade"):
        assert decoded[name].tolist() == frame[name].tolist(), name
    assert list(decoded["level"].cat.categories) == ["high", "low"]


def test_mixture_finds_the_two_modes():
    transformer, _ = fitted()
    column = transformer.column("bimodal")
    assert len(column["means"]) == 2
    np.testing.assert_allclose(sorted(column["means"]), [-5.0, 5.0], atol=0.2)
    # The variational posterior pulls each spread towards the column's
    # variance (25) a little; still far below it.
    assert all(0.4 < std < 1.0 for std in column["stds"])
    # Layout: value, 2 mode indicators for each continuous column.
    assert transformer.output_info[:2] == [("tanh", 1), ("softmax", 2)]


HAND_COLUMN = {
    "name": "x",
    "kind": "continuous",
    "dtype": "float64",
    "min": -1.0,
    "max": 14.0,
    "weights": [0.25, 0.75],
    "means": [0.0, 10.0],
    "stds": [1.0, 2.0],
}


def test_posterior_against_hand_computation():
    x = np.array([5.0, 1.0])
    # p(k | x) is proportional to w_k / s_k * exp(-(x - m_k)^2 / (2 s_k^2)).
    joint = np.array(
        [
            [0.25 / 1.0 * np.exp(-25 / 2), 0.75 / 2.0 * np.exp(-25 / 8)],
            [0.25 / 1.0 * np.exp(-1 / 2), 0.75 / 2.0 * np.exp(-81 / 8)],
        ]
    )
    expected = joint / joint.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(posterior_modes(x, HAND_COLUMN), expected)


def test_mode_specific_normalization_against_hand_computation():
    x = np.array([1.0, 12.0, 30.0])
    encoded = encode_continuous(x, HAND_COLUMN, np.random.default_rng(0))
    # 1.0 -> mode 0: (1 - 0) / (4 * 1); 12.0 -> mode 1: (12 - 10) / (4 * 2);
    # 30.0 -> mode 1: (30 - 10) / 8 = 2.5, clipped to 0.99.
    np.testing.assert_allclose(encoded[:, 0], [0.25, 0.25, 0.99])
    np.testing.assert_array_equal(encoded[:, 1:], [[1, 0], [0, 1], [0, 1]])


def test_modes_are_drawn_from_the_posterior():
    x = np.full(20000, 6.5)
    encoded = encode_continuous(x, HAND_COLUMN, np.random.default_rng(0))
    share = encoded[:, 1].mean()
    assert share == pytest.approx(posterior_modes(x[:1], HAND_COLUMN)[0, 0], abs=0.01)


def test_inverse_against_hand_computation_and_clipping():
    transformer = TabularTransformer(columns=[dict(HAND_COLUMN)])
    encoded = np.array([[0.5, 0.0, 1.0], [-0.5, 0.9, 0.1], [1.0, 0.0, 1.0]])
    decoded = transformer.inverse_transform(encoded)["x"].to_numpy()
    # 10 + 0.5 * 4 * 2 = 14; 0 - 0.5 * 4 * 1 = -2 -> min -1; 18 -> max 14.
    np.testing.assert_allclose(decoded, [14.0, -1.0, 14.0])
    unclipped = TabularTransformer(
        columns=[dict(HAND_COLUMN)], clip_to_observed_range=False
    ).inverse_transform(encoded)["x"]
    np.testing.assert_allclose(unclipped, [14.0, -2.0, 18.0])


def test_integer_columns_round_and_stay_in_range():
    column = dict(HAND_COLUMN, dtype="int64", min=0.0, max=12.0)
    transformer = TabularTransformer(columns=[column])
    decoded = transformer.inverse_transform([[0.3, 1.0, 0.0], [0.99, 0, 1]])
    assert decoded["x"].dtype == np.int64
    # 0.3 * 4 = 1.2 -> 1; 10 + 0.99 * 8 = 17.9 -> clipped to 12.
    assert decoded["x"].tolist() == [1, 12]


def test_config_round_trip_gives_the_same_encoding():
    transformer, frame = fitted()
    clone = TabularTransformer.from_config(transformer.get_config())
    np.testing.assert_array_equal(
        clone.transform(frame, seed=3), transformer.transform(frame, seed=3)
    )
    import json

    json.dumps(transformer.get_config())  # plain values only


@pytest.mark.parametrize(
    "frame, discrete, message",
    [
        (pd.DataFrame(), [], "the DataFrame is empty"),
        (pd.DataFrame({"a": []}), [], "the DataFrame is empty"),
        (pd.DataFrame({"a": [1.0, 2.0]}), ["b"], "column 'b' is not in"),
        (pd.DataFrame({"a": [1.0, 2.0], "c": [3, 3]}), [], "column 'c' is constant"),
        (pd.DataFrame({"a": [1.0, 2.0], "s": ["x", "y"]}), [], "column 's' has dtype (object|str)"),
        (pd.DataFrame({"a": [1.0, np.nan]}), [], "column 'a' has 1 missing"),
        (pd.DataFrame({"s": ["x", None]}), ["s"], "column 's' has 1 missing"),
        (
            pd.DataFrame({"t": pd.to_datetime(["2020-01-01", "2021-01-01"])}),
            [],
            "column 't' holds dates",
        ),
        ([[1.0, 2.0]], [], "Expected a pandas DataFrame"),
    ],
)
def test_bad_frames_are_rejected_naming_the_column(frame, discrete, message):
    with pytest.raises(ValueError, match=message):
        TabularTransformer(discrete).fit(frame)


def test_other_columns_and_unseen_categories_are_rejected():
    transformer, frame = fitted()
    with pytest.raises(ValueError, match=r"missing columns \['flag'\]"):
        transformer.transform(frame.drop(columns="flag"))
    with pytest.raises(ValueError, match=r"unexpected columns \['extra'\]"):
        transformer.transform(frame.assign(extra=1.0))
    with pytest.raises(ValueError, match="column 'job' holds 'pilot'"):
        transformer.transform(frame.assign(job="pilot"))


def test_bad_arguments():
    with pytest.raises(ValueError, match="`discrete_columns`"):
        TabularTransformer("job")
    with pytest.raises(ValueError, match="`max_modes`"):
        TabularTransformer(max_modes=0)
    with pytest.raises(ValueError, match="`weight_threshold`"):
        TabularTransformer(weight_threshold=1.5)
    with pytest.raises(ValueError, match="not fitted"):
        TabularTransformer().output_dim


@pytest.mark.slow
def test_importing_keras_gan_needs_neither_pandas_nor_sklearn():
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('pandas', 'sklearn'):\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import keras_gan\n"
        "print(keras_gan.tabular.TabularGAN.__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        # The lightest backend to import; the check is the same for all.
        env={**os.environ, "KERAS_BACKEND": "jax"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("TabularGAN")
