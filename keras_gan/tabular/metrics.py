"""Quality measures of synthetic tables, as SDMetrics defines them.

All scores are in `[0, 1]`, higher is better, computed in float64:

- Column shapes: `1 - KS statistic` for continuous columns
  (`ks_complement`), `1 - total variation distance` for discrete ones
  (`tv_complement`).
- Pair trends: `1 - |r_real - r_synthetic| / 2` of Pearson correlations for
  two continuous columns (`correlation_similarity`), `1 - total variation
  distance` of the two-way contingency tables otherwise
  (`contingency_similarity`; continuous columns are cut into 10 equal-width
  bins over the real range).
- Machine-learning efficacy (`ml_efficacy`): macro F1 on real held-out rows
  of a classifier trained on synthetic rows, next to the same classifier
  trained on real rows.
"""

import itertools

import numpy as np

CONTINGENCY_BINS = 10


def ks_complement(real, synthetic):
    """`1 - sup |F_real(x) - F_synthetic(x)|` (two-sample KS statistic)."""
    real = np.sort(np.asarray(real, dtype="float64"))
    synthetic = np.sort(np.asarray(synthetic, dtype="float64"))
    points = np.concatenate([real, synthetic])
    real_cdf = np.searchsorted(real, points, side="right") / len(real)
    synthetic_cdf = np.searchsorted(synthetic, points, side="right") / len(
        synthetic
    )
    return 1.0 - float(np.max(np.abs(real_cdf - synthetic_cdf)))


def _frequencies(values):
    import pandas as pd

    return pd.Series(values).value_counts(normalize=True, dropna=False)


def tv_complement(real, synthetic):
    """`1 - 0.5 * sum_c |p_real(c) - p_synthetic(c)|` over all categories."""
    real_p, synthetic_p = _frequencies(real), _frequencies(synthetic)
    real_p, synthetic_p = real_p.align(synthetic_p, fill_value=0.0)
    distance = 0.5 * np.abs(
        real_p.to_numpy("float64") - synthetic_p.to_numpy("float64")
    ).sum()
    return 1.0 - float(distance)


def correlation_similarity(real_a, real_b, synthetic_a, synthetic_b):
    """`1 - |r_real - r_synthetic| / 2` of Pearson correlations."""
    real_r = np.corrcoef(
        np.asarray(real_a, "float64"), np.asarray(real_b, "float64")
    )[0, 1]
    synthetic_r = np.corrcoef(
        np.asarray(synthetic_a, "float64"), np.asarray(synthetic_b, "float64")
    )[0, 1]
    if not np.isfinite(synthetic_r):
        # A constant synthetic column has no correlation: count it as 0.
        synthetic_r = 0.0
    return 1.0 - abs(float(real_r) - float(synthetic_r)) / 2.0


def contingency_similarity(real_a, real_b, synthetic_a, synthetic_b):
    """`1 - total variation distance` of the two-way frequency tables."""
    return tv_complement(
        _pairs(real_a, real_b), _pairs(synthetic_a, synthetic_b)
    )


def _pairs(a, b):
    return list(zip(np.asarray(a).tolist(), np.asarray(b).tolist()))


def _bin(real, synthetic):
    """Both columns cut into equal-width bins over the real range."""
    real = np.asarray(real, "float64")
    edges = np.histogram_bin_edges(real, bins=CONTINGENCY_BINS)
    inner = edges[1:-1]
    return (
        np.digitize(real, inner),
        np.digitize(np.asarray(synthetic, "float64"), inner),
    )


def _check_columns(real, synthetic, discrete_columns):
    from keras_gan.tabular.transformer import check_frame

    check_frame(real, "real")
    check_frame(synthetic, "synthetic")
    if list(real.columns) != list(synthetic.columns):
        raise ValueError(
            "Invalid value for argument `synthetic`. Expected the columns of "
            f"`real`: {list(real.columns)}. Received: "
            f"{list(synthetic.columns)}"
        )
    for name in discrete_columns:
        if name not in real.columns:
            raise ValueError(
                "Invalid value for argument `discrete_columns`: column "
                f"{name!r} is not in the data. Received: "
                f"discrete_columns={list(discrete_columns)!r}"
            )


def column_shapes(real, synthetic, discrete_columns=()):
    """Per-column shape scores: `{column: score}`.

    Args:
        real: The real DataFrame.
        synthetic: A DataFrame with the same columns.
        discrete_columns: Names of the discrete columns; the others are
            continuous.
    """
    _check_columns(real, synthetic, discrete_columns)
    return {
        name: (
            tv_complement(real[name], synthetic[name])
            if name in discrete_columns
            else ks_complement(real[name], synthetic[name])
        )
        for name in real.columns
    }


def pair_trends(real, synthetic, discrete_columns=()):
    """Per-pair trend scores: `{(column_a, column_b): score}`.

    Pearson-correlation similarity for two continuous columns, contingency
    similarity otherwise.
    """
    _check_columns(real, synthetic, discrete_columns)
    scores = {}
    for a, b in itertools.combinations(real.columns, 2):
        if a not in discrete_columns and b not in discrete_columns:
            scores[(a, b)] = correlation_similarity(
                real[a], real[b], synthetic[a], synthetic[b]
            )
            continue
        columns = []
        for name in (a, b):
            if name in discrete_columns:
                columns.append((real[name], synthetic[name]))
            else:
                columns.append(_bin(real[name], synthetic[name]))
        (real_a, synthetic_a), (real_b, synthetic_b) = columns
        scores[(a, b)] = contingency_similarity(
            real_a, real_b, synthetic_a, synthetic_b
        )
    return scores


def _classifier_pipeline(features, discrete_columns, classifier):
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder
    from sklearn.preprocessing import StandardScaler

    discrete = [c for c in features if c in discrete_columns]
    continuous = [c for c in features if c not in discrete_columns]
    encoder = ColumnTransformer(
        [
            ("discrete", OneHotEncoder(handle_unknown="ignore"), discrete),
            ("continuous", StandardScaler(), continuous),
        ]
    )
    if classifier is None:
        classifier = LogisticRegression(max_iter=1000)
    return make_pipeline(encoder, classifier)


def ml_efficacy(
    real_train,
    synthetic,
    real_test,
    target,
    discrete_columns=(),
    classifier=None,
    features=None,
):
    """Macro F1 on `real_test` of a classifier fitted on real or synthetic rows.

    Discrete features are one-hot encoded and continuous ones standardized
    before the classifier. `target` is a label column (never used as a
    feature) or a function of a DataFrame returning labels, e.g.
    `lambda df: df["affairs"] > 0` (then leave the column it reads out of
    `features`).

    Args:
        real_train: Real training rows.
        synthetic: Synthetic rows with the same columns.
        real_test: Real held-out rows.
        target: Name of the label column, or a function of a DataFrame
            giving the labels.
        discrete_columns: Names of the discrete columns.
        classifier: A scikit-learn classifier; cloned for each fit.
            Defaults to `LogisticRegression(max_iter=1000)`.
        features: Names of the feature columns. Defaults to every column
            but `target`.

    Returns:
        `{"real": f1, "synthetic": f1}`.
    """
    from sklearn.base import clone
    from sklearn.metrics import f1_score

    _check_columns(real_train, synthetic, discrete_columns)
    _check_columns(real_train, real_test, discrete_columns)
    if callable(target):
        labels_of = target
        default_features = list(real_train.columns)
    else:
        if target not in real_train.columns:
            raise ValueError(
                f"Invalid value for argument `target`: column {target!r} is "
                f"not in the data. Received: target={target!r}"
            )
        labels_of = lambda frame: frame[target]  # noqa: E731
        default_features = [c for c in real_train.columns if c != target]
    if features is None:
        features = default_features
    unknown = [c for c in features if c not in real_train.columns]
    if unknown:
        raise ValueError(
            f"Invalid value for argument `features`: column {unknown[0]!r} "
            f"is not in the data. Received: features={list(features)!r}"
        )
    features = list(features)
    scores = {}
    test_labels = np.asarray(labels_of(real_test))
    for name, train in (("real", real_train), ("synthetic", synthetic)):
        labels = np.asarray(labels_of(train))
        if len(np.unique(labels)) < 2:
            # One class only: the classifier predicts it everywhere.
            predictions = np.full(len(real_test), labels[0])
        else:
            model = _classifier_pipeline(
                features,
                discrete_columns,
                None if classifier is None else clone(classifier),
            )
            model.fit(train[features], labels)
            predictions = model.predict(real_test[features])
        scores[name] = float(
            f1_score(test_labels, predictions, average="macro")
        )
    return scores


def quality_report(real, synthetic, discrete_columns=()):
    """Mean column-shape and pair-trend scores: `{"column_shapes": ...,
    "pair_trends": ...}`."""
    shapes = column_shapes(real, synthetic, discrete_columns)
    trends = pair_trends(real, synthetic, discrete_columns)
    return {
        "column_shapes": float(np.mean(list(shapes.values()))),
        "pair_trends": float(np.mean(list(trends.values()))),
    }
