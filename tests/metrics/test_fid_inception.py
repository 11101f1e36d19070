"""The Keras port of the FID Inception network against pytorch-fid's own.

pytorch-fid's model code (`pytorch_fid.inception`) runs with the
torchvision stand-in of `tests/torchvision_standin.py` when torchvision is
missing. Both networks get the same random weights (PyTorch's default
initialization, calibrated batch norms), converted by the port's `.pth`
reader.
"""

import os

import keras
import numpy as np
import pytest

pytest.importorskip("torch")  # a backend, installed in CI, not in `dev`

from keras_gan.metrics import FIDInceptionV3  # noqa: E402
from keras_gan.metrics.reportable import inception as fid_inception  # noqa: E402
from tests import torchvision_standin as standin  # noqa: E402

BATCH = 3  # every network call of the FID tests, so JAX compiles once


@pytest.fixture(scope="module")
def port():
    return standin.shared_keras_port()


@pytest.fixture(scope="module")
def state_dict():
    return standin.shared_random_weights()[0]


def test_features_and_logits_match_pytorch_fid(port, state_dict):
    rng = np.random.default_rng(0)
    images = rng.uniform(-1.0, 1.0, (BATCH, 299, 299, 3)).astype("float32")
    outputs = port.predict_on_batch(images)
    pool, logits = standin.torch_pool_and_logits(images, state_dict)
    assert outputs["pool"].shape == (BATCH, 2048)
    assert outputs["logits"].shape == (BATCH, 1008)
    # Calibrated random weights keep the features well away from zero.
    assert 0.1 < np.abs(pool).mean() < 1e3
    standin.assert_close_relative(outputs["pool"], pool, rtol=1e-4)
    standin.assert_close_relative(outputs["logits"], logits, rtol=1e-4)
    # Different images give different features (the check is not vacuous).
    assert np.abs(pool[0] - pool[1]).max() > 1e-2 * np.abs(pool).max()


def test_pth_conversion_maps_every_parameter(port, state_dict):
    def weights(name):
        layer = port.get_layer(name)
        return [keras.ops.convert_to_numpy(w) for w in layer.weights]

    (kernel,) = weights("Mixed_6b__branch7x7_2__conv")  # a (1, 7) kernel
    np.testing.assert_array_equal(
        kernel,
        state_dict["Mixed_6b.branch7x7_2.conv.weight"].transpose(2, 3, 1, 0),
    )
    assert kernel.shape == (1, 7, 128, 128)
    gamma, beta, mean, variance = weights("Mixed_7c__branch_pool__bn")
    for value, key in (
        (gamma, "weight"),
        (beta, "bias"),
        (mean, "running_mean"),
        (variance, "running_var"),
    ):
        np.testing.assert_array_equal(
            value, state_dict[f"Mixed_7c.branch_pool.bn.{key}"]
        )
    fc_kernel, fc_bias = weights("fc")
    np.testing.assert_array_equal(fc_kernel, state_dict["fc.weight"].T)
    np.testing.assert_array_equal(fc_bias, state_dict["fc.bias"])
    num_port_values = sum(int(np.prod(w.shape)) for w in port.weights)
    assert num_port_values == sum(v.size for v in state_dict.values())


@pytest.fixture(scope="module")
def weights_h5(port, tmp_path_factory):
    path = tmp_path_factory.mktemp("fid") / (
        fid_inception.CONVERTED_WEIGHTS_FILE
    )
    port.save_weights(str(path))
    return path


def test_weights_h5_round_trip(port, weights_h5):
    path = str(weights_h5)
    original = [keras.ops.convert_to_numpy(w) for w in port.weights]
    try:
        kernel = port.get_layer("Conv2d_1a_3x3__conv").kernel
        kernel.assign(np.zeros(kernel.shape, "float32"))
        port.load_fid_weights(path)
        for weight, value in zip(port.weights, original):
            np.testing.assert_array_equal(
                keras.ops.convert_to_numpy(weight), value
            )
    finally:
        for weight, value in zip(port.weights, original):
            weight.assign(value)


def test_default_weights_come_from_the_keras_cache(
    port, weights_h5, monkeypatch
):
    # The converted file sits in `$KERAS_HOME/models` under its own name.
    os.makedirs(weights_h5.parent / "models", exist_ok=True)
    os.replace(weights_h5, weights_h5.parent / "models" / weights_h5.name)
    monkeypatch.setenv("KERAS_HOME", str(weights_h5.parent))
    kernel = port.get_layer("fc").kernel
    original = keras.ops.convert_to_numpy(kernel)
    kernel.assign(np.zeros(kernel.shape, "float32"))

    def offline(*args, **kwargs):
        raise AssertionError("the cached weights must not be downloaded")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    port.load_fid_weights("pytorch-fid")  # loads the cached file
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(kernel), original)


def test_offline_default_weights_name_the_file_to_fetch(
    port, tmp_path, monkeypatch
):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(FileNotFoundError) as error:
        port.load_fid_weights("pytorch-fid")
    message = str(error.value)
    assert "pt_inception-2015-12-05-6726825d.pth" in message
    assert fid_inception.FID_WEIGHTS_URL in message
    assert "network is unreachable" in message


def test_bad_weights_are_refused_clearly(port, state_dict, tmp_path):
    with pytest.raises(FileNotFoundError, match="pt_inception-2015-12-05"):
        port.load_fid_weights(str(tmp_path / "missing.pth"))
    with pytest.raises(ValueError, match="argument `weights`"):
        port.load_fid_weights(str(tmp_path / "weights.ckpt"))
    with pytest.raises(ValueError, match="Received: weights=3"):
        port.load_fid_weights(3)
    incomplete = dict(state_dict)
    del incomplete["Mixed_5b.branch1x1.conv.weight"]
    with pytest.raises(ValueError, match="Mixed_5b.branch1x1.conv.weight"):
        port.load_state_dict(incomplete)
    wrong_shape = dict(state_dict)
    wrong_shape["fc.bias"] = np.zeros(1000, "float32")
    with pytest.raises(ValueError, match=r"\(1000,\)"):
        port.load_state_dict(wrong_shape)
    with pytest.raises(ValueError, match="input_shape"):
        FIDInceptionV3(weights=None, input_shape=(299, 299, 1))


def test_config_describes_the_architecture(port):
    config = port.get_config()
    assert config == {
        "weights": None,
        "input_shape": (299, 299, 3),
        "name": "fid_inception_v3",
    }
    assert keras.saving.get_registered_object(
        "keras_gan>FIDInceptionV3"
    ) is FIDInceptionV3
    assert not port.trainable
