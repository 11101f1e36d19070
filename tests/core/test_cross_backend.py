"""A .keras file saved on TensorFlow loads and generates the same samples on
JAX and PyTorch."""

import importlib.util
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import BACKEND
from tests import conftest

pytestmark = pytest.mark.skipif(
    BACKEND != "tensorflow", reason="saves on TensorFlow, loads on the others"
)
SCRIPT = os.path.join(conftest.SCRIPTS, "load_and_generate.py")
ROOT = conftest.ROOT


def trained_conditional_gan():
    keras.utils.set_random_seed(0)
    generator = keras_gan.models.dcgan_generator(16, (8, 8, 1), base_filters=8, num_classes=3)
    discriminator = keras_gan.models.dcgan_discriminator(
        (8, 8, 1), base_filters=8, num_classes=3, spectral_norm=True
    )
    gan = keras_gan.ConditionalGAN(
        generator,
        discriminator,
        latent_dim=16,
        num_classes=3,
        augmentation=keras_gan.augment.AdaptiveAugment(seed=0),
        seed=0,
    )
    gan.compile()
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(64, 8, 8, 1)).astype("float32")
    y = rng.integers(0, 3, size=64).astype("int32")
    gan.fit(x, y, epochs=2, batch_size=32, verbose=0,
            callbacks=[keras_gan.callbacks.GeneratorEMA(decay=0.5)])
    return gan


@pytest.fixture(scope="module")
def saved_gan(tmp_path_factory):
    """The trained GAN, its `.keras` file and the inputs, shared by the
    targets (which only load the file)."""
    gan = trained_conditional_gan()
    path = tmp_path_factory.mktemp("tensorflow_file") / "gan.keras"
    gan.save(str(path))
    return gan, str(path)


@pytest.mark.parametrize("target", ["jax", "torch"])
def test_tensorflow_file_generates_the_same_samples(target, tmp_path, saved_gan):
    if importlib.util.find_spec(target) is None:
        pytest.skip(f"{target} is not installed")
    gan, path = saved_gan
    rng = np.random.default_rng(1)
    noise = rng.normal(size=(12, 16)).astype("float32")
    labels = np.arange(12) % 3
    np.savez(tmp_path / "inputs.npz", noise=noise, labels=labels)
    expected = gan._predict_in_batches(
        keras.ops.convert_to_tensor(noise), labels.reshape(-1, 1), batch_size=64
    )
    result = subprocess.run(
        [sys.executable, SCRIPT, path, str(tmp_path / "inputs.npz"), str(tmp_path / "out.npz")],
        cwd=ROOT,
        env={**os.environ, "KERAS_BACKEND": target},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    with np.load(tmp_path / "out.npz") as out:
        assert str(out["backend"]) == target
        np.testing.assert_allclose(out["samples"], expected, atol=1e-5)
    # The EMA generator was used on both sides: it differs from the raw one.
    raw = keras.ops.convert_to_numpy(
        gan.generator([noise, labels.reshape(-1, 1).astype("int32")])
    )
    assert not np.allclose(raw, expected, atol=1e-4)
