"""Smoke tests of the translation examples, with tiny settings: the
outputs they report exist, reload and hold valid figures."""

import keras
import numpy as np
import pytest

import keras_gan
from tests.images.test_examples import load_example

# Runs the example end to end: CI runs it once, on one backend.
pytestmark = pytest.mark.slow


def test_pix2pix_digits(tmp_path):
    results = load_example("pix2pix_digits").main(
        ["--epochs", "1", "--train-size", "64", "--filters", "4",
         "--classifier-epochs", "1", "--out", str(tmp_path)]
    )
    model = keras.models.load_model(results["model_path"])
    assert isinstance(model, keras_gan.Pix2Pix)
    assert model.translate(np.zeros((2, 28, 28, 1), "float32")).shape == (2, 28, 28, 1)
    assert 0.0 <= results["agreement"] <= 1.0 and results["l1_error"] > 0
    assert results["grid_path"].endswith("epoch_0001.png")


def test_cyclegan_digits(tmp_path):
    results = load_example("cyclegan_digits").main(
        ["--epochs", "1", "--steps-per-epoch", "2", "--filters", "4",
         "--residual-blocks", "1", "--classifier-epochs", "1", "--out", str(tmp_path)]
    )
    model = keras.models.load_model(results["model_path"])
    assert isinstance(model, keras_gan.CycleGAN)
    for figures in (results["translated"], results["untranslated_baseline"]):
        assert 0.0 <= figures["label_preservation"] <= 1.0 and figures["fid_to_mnist"] > 0
    assert results["cycle_error"] > 0
