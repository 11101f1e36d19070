"""Smoke tests of the scripts in `examples/`, with tiny settings.

Each example is imported by path (`examples/` is not a package) and its
`main(argv)` is called in a temporary directory; the outputs it reports must
exist and be valid. Training quality is not checked here (a few steps);
`examples/mnist_dcgan.py` documents the numbers of a full run.
"""

import importlib.util
import os

import keras
import numpy as np
import pytest

import keras_gan
from tests import conftest

# Runs the example end to end: CI runs it once, on one backend.
pytestmark = pytest.mark.slow

ROOT = conftest.ROOT


def load_example(name):
    path = os.path.join(ROOT, "examples", f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def png_size(path):
    from PIL import Image

    with Image.open(path) as image:
        image.load()
        return image.size  # (width, height)


def grid_side(num_per_row, image_side=28, padding=2):
    return num_per_row * (image_side + padding) + padding


def test_mnist_dcgan(tmp_path):
    example = load_example("mnist_dcgan")
    out = tmp_path / "dcgan"
    results = example.main(
        [
            "--epochs", "1",
            "--steps-per-epoch", "3",
            "--batch-size", "16",
            "--base-filters", "8",
            "--classifier-epochs", "1",
            "--quality-samples", "64",
            "--eval-samples", "64",
            "--out", str(out),
        ]
    )
    # The trained GAN reloads and generates digits in [-1, 1].
    assert results["model_path"] == str(out / "gan.keras")
    gan = keras.models.load_model(results["model_path"])
    assert isinstance(gan, keras_gan.GAN)
    assert gan.ema_generator is not None
    images = gan.generate(5, seed=0)
    assert images.shape == (5, 28, 28, 1)
    assert np.all(np.isfinite(images))
    assert images.min() >= -1.0 and images.max() <= 1.0
    # One 8x8 grid of 28x28 images per epoch, and the loss curves.
    assert results["grid_path"] == str(out / "samples" / "epoch_0001.png")
    assert png_size(results["grid_path"]) == (grid_side(8), grid_side(8))
    assert png_size(results["loss_plot_path"])[0] > 100
    assert (out / "feature_extractor.keras").exists()
    assert (out / "results.json").exists()
    # Quality metrics: logged during training and computed at the end.
    for key in ("fid", "kid", "precision", "recall"):
        assert key in results["history"]
    for key in ("fid", "fid_floor", "kid", "kid_floor"):
        assert np.isfinite(results[key])
    assert results["fid"] >= 0 and results["fid_floor"] >= 0
    assert 0.0 <= results["classifier_accuracy"] <= 1.0
    assert len(results["class_fractions"]) == 10
    assert sum(results["class_fractions"]) == pytest.approx(1.0, abs=1e-3)


def test_mnist_dcgan_image_folder(tmp_path):
    # A flat folder of RGB images: no labels, so no quality metrics.
    from PIL import Image

    folder = tmp_path / "images"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(6):
        pixels = rng.integers(0, 256, size=(20, 24, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"{i}.png")
    example = load_example("mnist_dcgan")
    x, y = example.load_image_folder(str(folder), image_size=16)
    assert x.shape == (6, 16, 16, 3) and y is None
    assert x.min() >= -1.0 and x.max() <= 1.0
    # One subfolder per class: the subfolder names give the labels.
    labelled = tmp_path / "labelled"
    for name in ("cats", "dogs"):
        (labelled / name).mkdir(parents=True)
        for i in range(3):
            pixels = rng.integers(0, 256, size=(20, 24, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(labelled / name / f"{i}.png")
    x, y = example.load_image_folder(str(labelled), 8, grayscale=True)
    assert x.shape == (6, 8, 8, 1)
    assert sorted(y.tolist()) == [0, 0, 0, 1, 1, 1]
    results = example.main(
        [
            "--images", str(folder),
            "--image-size", "16",
            "--epochs", "1",
            "--batch-size", "4",
            "--base-filters", "4",
            "--out", str(tmp_path / "out"),
        ]
    )
    assert "fid" not in results
    assert png_size(results["grid_path"]) == (
        grid_side(8, 16),
        grid_side(8, 16),
    )


def test_conditional_mnist(tmp_path):
    example = load_example("conditional_mnist")
    out = tmp_path / "conditional"
    results = example.main(
        [
            "--epochs", "1",
            "--steps-per-epoch", "3",
            "--batch-size", "16",
            "--base-filters", "8",
            "--classifier-epochs", "1",
            "--out", str(out),
        ]
    )
    gan = keras.models.load_model(results["model_path"])
    assert isinstance(gan, keras_gan.ConditionalGAN)
    images = gan.generate(4, labels=np.array([0, 3, 7, 9]), seed=0)
    assert images.shape == (4, 28, 28, 1)
    assert images.min() >= -1.0 and images.max() <= 1.0
    # One row per digit class, ten samples per row.
    assert png_size(results["grid_path"]) == (grid_side(10), grid_side(10))
    assert png_size(out / "sevens.png") == (grid_side(8), grid_side(1))
    assert 0.0 <= results["label_accuracy"] <= 1.0
    assert 0.0 <= results["classifier_accuracy"] <= 1.0


def test_wgan_gp(tmp_path):
    example = load_example("wgan_gp")
    results = example.main(
        [
            "--epochs", "1",
            "--steps-per-epoch", "2",
            "--batch-size", "16",
            "--base-filters", "8",
            "--out", str(tmp_path / "wgan"),
        ]
    )
    gan = keras.models.load_model(results["model_path"])
    assert gan.d_steps == 5
    assert isinstance(gan.loss_fn, keras_gan.losses.WassersteinLoss)
    assert [p.name for p in gan.penalties] == ["gradient_penalty"]
    assert gan.generate(3, seed=0).shape == (3, 28, 28, 1)
    assert png_size(results["grid_path"]) == (grid_side(8), grid_side(8))
    assert png_size(results["loss_plot_path"])[0] > 100
    assert len(results["wasserstein_estimate"]) == 1
    assert np.isfinite(results["wasserstein_estimate"][0])


def test_ring_2d(tmp_path):
    example = load_example("ring_2d")
    results = example.main(
        ["--epochs", "2", "--steps-per-epoch", "5", "--out", str(tmp_path / "ring")]
    )
    # The recipe for low-dimensional data the guide documents.
    gan = keras.models.load_model(results["model_path"])
    assert gan.ema_config["decay"] == 0.999
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        # `compile` wraps each in the optimizer that skips non-finite steps.
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert float(optimizer.learning_rate) == pytest.approx(5e-4)
        assert optimizer.beta_1 == 0.0 and optimizer.beta_2 == 0.99
    assert isinstance(gan.loss_fn, keras_gan.losses.NonSaturatingLoss)
    assert [p.name for p in gan.penalties] == ["r1_penalty"]
    points = gan.generate(2000, seed=0)
    modes, quality, per_mode = example.mode_coverage(points)
    assert (modes, quality, per_mode.tolist()) == (
        results["modes_covered"], results["high_quality"], results["per_mode"]
    )
    assert png_size(results["plot_path"])[0] > 500
    assert png_size(results["progress_path"])[0] > 100
