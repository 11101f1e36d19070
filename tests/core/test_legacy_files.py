"""`.keras` files saved before the source tree was reorganized still load.

The files in `tests/data/legacy/` were written by
`tests/data/legacy/make_legacy_models.py` with the package at commit
b4feb84 (one model of each family, trained a few steps). Loading finds the
classes by their registered names; the networks give the outputs they gave
when saved, and training continues.
"""

import os

import keras
import numpy as np
import pytest

import keras_gan
from tests import conftest

HERE = os.path.join(conftest.DATA, "legacy")


def expected():
    return dict(np.load(os.path.join(HERE, "expected.npz")))


def load(name):
    return keras.models.load_model(os.path.join(HERE, name + ".keras"))


def output(network, inputs):
    return keras.ops.convert_to_numpy(network(inputs, training=False))


@pytest.mark.parametrize(
    "name, cls",
    [
        ("gan", keras_gan.GAN),
        ("conditional_gan", keras_gan.ConditionalGAN),
        ("pix2pix", keras_gan.Pix2Pix),
        ("cyclegan", keras_gan.CycleGAN),
        ("text_gan", keras_gan.GAN),
        ("tabular_gan", keras_gan.tabular.TabularGAN),
    ],
)
def test_legacy_file_loads_as_its_class(name, cls):
    model = load(name)
    assert type(model) is cls


def test_legacy_networks_give_the_saved_outputs():
    values = expected()
    gan = load("gan")
    np.testing.assert_allclose(
        output(gan.generator, values["gan_noise"]), values["gan"], atol=1e-5
    )
    conditional = load("conditional_gan")
    np.testing.assert_allclose(
        output(
            conditional.generator,
            [values["conditional_gan_noise"], np.array([0, 1, 2])],
        ),
        values["conditional_gan"],
        atol=1e-5,
    )
    inputs = values["translation_inputs"]
    np.testing.assert_allclose(
        output(load("pix2pix").generator, inputs), values["pix2pix"], atol=1e-5
    )
    np.testing.assert_allclose(
        output(load("cyclegan").generator_ab, inputs),
        values["cyclegan"],
        atol=1e-5,
    )
    text = load("text_gan")
    np.testing.assert_allclose(
        output(text.generator, values["text_gan_noise"]),
        values["text_gan"],
        atol=1e-5,
    )
    assert keras_gan.text.vocabulary_of(text).size == text.generator.output_shape[-1]
    tabular = load("tabular_gan")
    noise = values["tabular_noise"]
    cond = np.zeros((3, tabular.generator.inputs[1].shape[-1]), "float32")
    np.testing.assert_allclose(
        output(tabular.generator, [noise, cond]), values["tabular"], atol=1e-5
    )


def test_legacy_gan_keeps_training_and_sampling():
    gan = load("gan")
    data = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1))
    history = gan.fit(data.astype("float32"), batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][-1])
    assert gan.generate(2, seed=0).shape == (2, 8, 8, 1)
    frame = load("tabular_gan").sample(5, seed=0)
    assert list(frame.columns) == ["income", "job", "owner"]
