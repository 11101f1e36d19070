"""Smoke tests of `examples/text_names.py` and `examples/time_series.py`.

Tiny settings (a few steps): the outputs must exist and be valid; the
quality of full runs is documented in the README.
"""

import re

import keras
import numpy as np
import pytest

import keras_gan
from tests.images.test_examples import load_example


@pytest.mark.slow
def test_text_names_writes_model_samples_and_metrics(tmp_path, capsys):
    example = load_example("text_names")
    surnames = example.load_surnames()
    assert len(surnames) == 88_799 and surnames[:2] == ["SMITH", "JOHNSON"]
    corpus, train, held_out = example.split_names(surnames[:1000])
    assert len(held_out) == 100 and len(train) + len(held_out) == len(corpus)
    assert not set(train) & set(held_out)

    result = example.main([
        "--num-names", "400", "--epochs", "1", "--steps-per-epoch", "2",
        "--channels", "8", "--blocks", "1", "--num-generated", "500",
        "--out", str(tmp_path),
    ])
    lines = open(result["samples_path"]).read().splitlines()
    assert len(lines) == 500
    assert all(re.fullmatch("[A-Z]{0,12}", line) for line in lines)
    loaded = keras.models.load_model(result["model_path"])
    vocab = keras_gan.text.vocabulary_of(loaded)
    assert vocab.max_length == 12 and vocab.decode(loaded.generate(5, seed=0)) == lines[:5]
    rows = result["metrics"]
    real = rows["real (train vs held)"]
    assert real["novelty"] == 0.0 and real["validity"] == 1.0
    assert 0.0 <= rows["GAN"]["jsd_4"] <= 1.0
    # The n-gram baseline only writes names made of training 4-grams.
    assert rows["4-gram baseline"]["jsd_1"] < 0.1
    assert "4-gram baseline" in capsys.readouterr().out


def test_time_series_distances():
    example = load_example("time_series")
    waves = example.sine_waves(500, seed=0)
    assert waves.shape == (500, 32, 1)
    # A pure sine of 2 cycles per window: all power in frequency bin 2.
    t = np.arange(32)
    pure = np.sin(2 * np.pi * 2 * t / 32)[None, :, None]
    spectrum = example.mean_power_spectrum(pure)
    assert spectrum.argmax() == 2 and spectrum[2] > 0.999
    np.testing.assert_allclose(
        example.mean_autocorrelation(pure, max_lag=8)[7], np.cos(np.pi) * 24 / 32,
        atol=1e-9,
    )
    assert example.spectrum_distance(waves, waves) == 0.0
    assert example.spectrum_distance(pure, -pure) == 0.0


@pytest.mark.slow
def test_time_series_example_runs(tmp_path):
    example = load_example("time_series")
    result = example.main(
        ["--epochs", "1", "--num-series", "256", "--out", str(tmp_path)]
    )
    loaded = keras.models.load_model(result["model_path"])
    assert loaded.generate(3, seed=0).shape == (3, 32, 1)
    floor = result["distances"]["real vs real (floor)"]
    untrained = result["distances"]["untrained generator"]
    assert floor["spectrum_distance"] < 0.05 < untrained["spectrum_distance"]
