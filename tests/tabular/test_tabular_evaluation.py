"""Tabular quality metrics against hand computations (NumPy only)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from keras_gan.tabular import evaluation


def test_ks_complement_by_hand_and_against_scipy():
    # ECDF gaps at 1, 2, 3, 4: 1/3, 1/3, 1/3, 0.
    assert evaluation.ks_complement([1, 2, 3], [2, 3, 4]) == pytest.approx(2 / 3)
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=200), rng.normal(0.3, 1.2, size=150)
    assert evaluation.ks_complement(a, b) == pytest.approx(
        1 - stats.ks_2samp(a, b).statistic
    )
    assert evaluation.ks_complement(a, a) == 1.0


def test_tv_complement_by_hand():
    # Real a: 2/3, b: 1/3; synthetic a: 1/4, b: 1/2, c: 1/4.
    distance = 0.5 * (abs(2 / 3 - 1 / 4) + abs(1 / 3 - 1 / 2) + 1 / 4)
    assert evaluation.tv_complement(
        ["a", "a", "b"], ["a", "b", "b", "c"]
    ) == pytest.approx(1 - distance)
    assert evaluation.tv_complement([1, 1], [2, 2]) == 0.0


def test_correlation_similarity_by_hand():
    x = np.arange(10.0)
    assert evaluation.correlation_similarity(x, x, x, -x) == pytest.approx(0.0)
    y = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 8.0, 7.0, 9.0, 10.0])
    r = np.corrcoef(x, y)[0, 1]
    assert evaluation.correlation_similarity(x, x, x, y) == pytest.approx(
        1 - (1 - r) / 2
    )


def test_contingency_similarity_by_hand():
    # Real pairs: (0,0) x2, (1,1) x2; synthetic: (0,0), (0,1), (1,1) x2.
    score = evaluation.contingency_similarity(
        [0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1], [0, 1, 1, 1]
    )
    distance = 0.5 * (abs(0.5 - 0.25) + abs(0 - 0.25) + abs(0.5 - 0.5))
    assert score == pytest.approx(1 - distance)


def frames():
    real = pd.DataFrame(
        {"x": [0.0, 1.0, 2.0, 3.0], "y": [0.0, 2.0, 4.0, 6.0], "c": list("aabb")}
    )
    synthetic = pd.DataFrame(
        {"x": [0.0, 1.0, 2.0, 3.0], "y": [6.0, 4.0, 2.0, 0.0], "c": list("aaab")}
    )
    return real, synthetic


def test_column_shapes_and_pair_trends_of_a_small_table():
    real, synthetic = frames()
    shapes = evaluation.column_shapes(real, synthetic, ["c"])
    assert shapes == pytest.approx({"x": 1.0, "y": 1.0, "c": 0.75})
    trends = evaluation.pair_trends(real, synthetic, ["c"])
    # x, y: r = 1 against r = -1.
    assert trends[("x", "y")] == pytest.approx(0.0)
    # x in 10 bins over [0, 3]: 0 -> bin 0, 1 -> 3, 2 -> 6, 3 -> 9. Pairs
    # with c: real (0,a) (3,a) (6,b) (9,b), synthetic (0,a) (3,a) (6,a)
    # (9,b): two cells differ by 1/4.
    assert trends[("x", "c")] == pytest.approx(0.75)
    report = evaluation.quality_report(real, synthetic, ["c"])
    assert report["column_shapes"] == pytest.approx((1 + 1 + 0.75) / 3)
    assert report["pair_trends"] == pytest.approx(np.mean(list(trends.values())))


def test_ml_efficacy_real_against_label_flipped_synthetic():
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    table = pd.DataFrame({"x": x, "g": rng.choice(["u", "v"], 400), "y": x > 0})
    train, test = table.iloc[:300], table.iloc[300:]
    flipped = train.assign(y=~train["y"])
    scores = evaluation.ml_efficacy(train, flipped, test, "y", ["g"])
    assert scores["real"] > 0.95
    assert scores["synthetic"] < 0.05
    # A function target, leaving its column out of the features.
    scores = evaluation.ml_efficacy(
        train, train, test, lambda df: df["x"] > 0, ["g"], features=["g"]
    )
    assert scores["real"] == scores["synthetic"] < 0.7


def test_ml_efficacy_with_a_single_synthetic_class():
    real, _ = frames()
    real = pd.concat([real] * 5, ignore_index=True)
    one_class = real.assign(c="a")
    scores = evaluation.ml_efficacy(real, one_class, real, "c", ["c"])
    # Predicting "a" everywhere: F1 of a = 2/3, of b = 0; macro = 1/3.
    assert scores["synthetic"] == pytest.approx(1 / 3)


def test_bad_input():
    real, synthetic = frames()
    with pytest.raises(ValueError, match="Expected the columns of `real`"):
        evaluation.column_shapes(real, synthetic.drop(columns="c"), ["c"])
    with pytest.raises(ValueError, match="column 'z' is not in the data"):
        evaluation.pair_trends(real, synthetic, ["z"])
    with pytest.raises(ValueError, match="`target`: column 'z'"):
        evaluation.ml_efficacy(real, synthetic, real, "z", ["c"])
    with pytest.raises(ValueError, match="the DataFrame is empty"):
        evaluation.column_shapes(real.iloc[:0], synthetic.iloc[:0])
