"""`keras_gan.metrics` text metrics against hand computations."""

import math

import numpy as np
import pytest

from keras_gan import metrics


def test_ngram_counts_stay_inside_texts():
    counts = metrics.ngram_counts(["ABA", "BA", "A"], 2)
    assert counts == {("A", "B"): 1, ("B", "A"): 2}
    assert metrics.ngram_counts([["the", "cat"], ["the"]], 1) == {
        ("the",): 2, ("cat",): 1
    }


def test_ngram_jsd_by_hand():
    # Unigrams: P = (a 1/2, b 1/2), Q = (a 1/4, b 3/4), M = (3/8, 5/8).
    p, q, m = np.array([0.5, 0.5]), np.array([0.25, 0.75]), np.array([3 / 8, 5 / 8])
    kl_pm = sum(pi * math.log2(pi / mi) for pi, mi in zip(p, m))
    kl_qm = sum(qi * math.log2(qi / mi) for qi, mi in zip(q, m))
    expected = 0.5 * (kl_pm + kl_qm)
    assert metrics.ngram_jsd(["ab"], ["ab", "bb"], n=1) == pytest.approx(expected, abs=1e-12)
    assert expected == pytest.approx(0.04879494, abs=1e-8)


def test_ngram_jsd_bounds():
    assert metrics.ngram_jsd(["abc", "bca"], ["bca", "abc"], n=2) == pytest.approx(0.0)
    # Disjoint bigrams: 1 bit.
    assert metrics.ngram_jsd(["ab"], ["cd"], n=2) == pytest.approx(1.0)
    # Generated texts too short to have any 4-gram.
    assert metrics.ngram_jsd(["ab", ""], ["abcd"], n=4) == 1.0
    with pytest.raises(ValueError, match="`n`.*n=5"):
        metrics.ngram_jsd(["ab"], ["abcd"], n=5)
    with pytest.raises(ValueError, match="`n`.*n=0"):
        metrics.ngram_jsd(["ab"], ["abcd"], n=0)
    with pytest.raises(ValueError, match="`real`.*type int"):
        metrics.ngram_jsd(["ab"], ["abcd", 3], n=1)


def test_ngram_jsd_floor_is_the_jsd_of_two_halves():
    real = ["AB", "AB", "CD", "CD"]
    order = np.random.default_rng(0).permutation(4)
    first = [real[i] for i in order[:2]]
    second = [real[i] for i in order[2:]]
    assert metrics.ngram_jsd_floor(real, n=1, seed=0) == pytest.approx(
        metrics.ngram_jsd(first, second, n=1)
    )
    # Halves of a corpus of one repeated text are identical.
    assert metrics.ngram_jsd_floor(["ABC"] * 10, n=2) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="`num_samples`.*num_samples=3"):
        metrics.ngram_jsd_floor(real, num_samples=3)


def test_novelty_validity_diversity():
    generated = ["AB", "CD", "AB", "EF"]
    assert metrics.novelty(generated, ["AB", "XY"]) == pytest.approx(0.5)
    assert metrics.validity(generated, ["AB", "CD"]) == pytest.approx(0.75)
    assert metrics.diversity(generated) == pytest.approx(0.75)
    # Token sequences work like strings.
    assert metrics.novelty([["the", "cat"]], [("the", "cat")]) == 0.0
    with pytest.raises(ValueError, match="`generated`.*at least one"):
        metrics.diversity([])
    with pytest.raises(ValueError, match="`generated`.*not one string"):
        metrics.diversity("AB")


def test_length_distance_is_total_variation_of_length_histograms():
    # Lengths P: {1: 1/2, 2: 1/2}, Q: {2: 1/4, 3: 3/4}.
    expected = 0.5 * (0.5 + 0.25 + 0.75)
    real = ["AB", "ABC", "XYZ", "ZZZ"]
    assert metrics.length_distance(["A", "AB"], real) == pytest.approx(expected)
    assert metrics.length_distance(["AB", "CD"], ["XY"]) == 0.0


def test_text_quality_collects_everything():
    generated = ["AB", "AB", "CD"]
    results = metrics.text_quality(
        generated, ["AB", "XY"], training_texts=["AB"], corpus=["AB", "CD"],
        ngram_orders=(1, 2),
    )
    assert results == {
        "jsd_1": pytest.approx(metrics.ngram_jsd(generated, ["AB", "XY"], 1)),
        "jsd_2": pytest.approx(metrics.ngram_jsd(generated, ["AB", "XY"], 2)),
        "diversity": pytest.approx(2 / 3),
        "length_distance": 0.0,
        "novelty": pytest.approx(1 / 3),
        "validity": pytest.approx(1.0),
    }
    assert set(metrics.text_quality(generated, ["ABCD"])) == {
        "jsd_1", "jsd_2", "jsd_3", "jsd_4", "diversity", "length_distance"
    }
