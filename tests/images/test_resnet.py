"""Tests for `keras_gan.models.resnet` and the `upsampling` option."""

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan import models as builders
from keras_gan.layers import upsampling
from tests.conftest import save_and_reload

LATENT_DIM = 8


def _np(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def _z(batch=4, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, LATENT_DIM)).astype(
        "float32"
    )


def _images(shape, batch=4, seed=1):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (batch,) + shape).astype("float32")


def _layer_types(model):
    return [type(layer).__name__ for layer in model.layers]


@pytest.mark.parametrize(
    "image_shape,num_blocks", [((28, 28, 1), 2), ((32, 32, 3), 2), ((64, 64, 3), 3)]
)
def test_resnet_pair_shapes(image_shape, num_blocks):
    generator = keras_gan.models.resnet_generator(
        LATENT_DIM, image_shape, base_filters=2
    )
    discriminator = keras_gan.models.resnet_discriminator(
        image_shape, base_filters=2
    )
    assert _layer_types(generator).count("GeneratorResidualBlock") == num_blocks
    assert _layer_types(discriminator).count("DiscriminatorResidualBlock") == (
        num_blocks + 1
    )
    assert generator.output_shape == (None,) + image_shape
    assert discriminator.output_shape == (None, 1)


def test_resnet_pair_runs_in_range():
    generator = keras_gan.models.resnet_generator(
        LATENT_DIM, (16, 16, 3), base_filters=2
    )
    discriminator = keras_gan.models.resnet_discriminator(
        (16, 16, 3), base_filters=2
    )
    images = _np(generator.predict_on_batch(_z()))
    assert images.shape == (4, 16, 16, 3)
    assert images.min() >= -1.0 and images.max() <= 1.0 and images.std() > 0
    logits = _np(discriminator.predict_on_batch(images))
    assert logits.shape == (4, 1) and logits.dtype == np.float32


@pytest.mark.parametrize("upsampling", ["transpose", "resize"])
def test_upsampling_option_of_both_generator_builders(upsampling):
    dcgan = builders.dcgan_generator(
        LATENT_DIM, (16, 16, 1), base_filters=2, upsampling=upsampling
    )
    types = _layer_types(dcgan)
    assert types.count("MatmulConv2DTranspose") == (2 if upsampling == "transpose" else 0)
    assert types.count("UpSampling2D") == (0 if upsampling == "transpose" else 2)
    assert dcgan.output_shape == (None, 16, 16, 1)
    resnet = keras_gan.models.resnet_generator(
        LATENT_DIM, (16, 16, 1), base_filters=2, upsampling=upsampling
    )
    block = resnet.get_layer("block_0")
    assert block.upsampling == upsampling
    assert _np(resnet.predict_on_batch(_z())).shape == (4, 16, 16, 1)


def test_default_upsampling_follows_backend():
    expected = upsampling._DEFAULT_UPSAMPLING[keras.backend.backend()]
    assert keras_gan.models.default_upsampling() == expected
    generator = builders.dcgan_generator(LATENT_DIM, (8, 8, 1), base_filters=2)
    has_transpose = "MatmulConv2DTranspose" in _layer_types(generator)
    assert has_transpose == (expected == "transpose")


def test_conditional_resnet_pair_uses_labels():
    num_classes = 3
    generator = keras_gan.models.resnet_generator(
        LATENT_DIM, (16, 16, 1), base_filters=2, num_classes=num_classes,
        self_attention=True, spectral_norm=True,
    )
    discriminator = keras_gan.models.resnet_discriminator(
        (16, 16, 1), base_filters=2, num_classes=num_classes,
        self_attention=True, minibatch_std=True,
    )
    types = _layer_types(generator)
    assert "ConditionalBatchNormalization" in types  # the output norm
    assert "SelfAttention" in types
    assert "MinibatchStandardDeviation" in _layer_types(discriminator)
    # Class scales start at ones: move one so the labels matter.
    norm = generator.get_layer("output_bn")
    norm.class_offset.assign(np.eye(num_classes, 2, dtype="float32"))
    labels = np.array([0, 1, 2, 0], dtype="int32")
    z = _z()
    a = _np(generator.predict_on_batch([z, labels]))
    b = _np(generator.predict_on_batch([z, (labels + 1) % 3]))
    assert np.abs(a - b).max() > 1e-3
    logits = _np(discriminator.predict_on_batch([a, labels]))
    assert logits.shape == (4, 1)


def test_resnet_conditional_gan_trains_saves_and_reloads(tmp_path):
    keras.utils.set_random_seed(0)
    shape = (8, 8, 1)
    generator = keras_gan.models.resnet_generator(
        LATENT_DIM, shape, base_filters=2, num_blocks=1, num_classes=2,
        upsampling="resize",
    )
    discriminator = keras_gan.models.resnet_discriminator(
        shape, base_filters=2, num_blocks=1, num_classes=2,
        minibatch_std=True, spectral_norm=True,
    )
    gan = keras_gan.ConditionalGAN(
        generator, discriminator, latent_dim=LATENT_DIM, num_classes=2, seed=0
    )
    gan.compile()
    x = _images(shape, batch=16)
    y = np.arange(16, dtype="int32") % 2
    before = _np(gan.generate(4, seed=1))
    gan.fit(x, y, batch_size=8, epochs=1, verbose=0)
    after = _np(gan.generate(4, seed=1))
    assert np.abs(after - before).max() > 0  # the generator was updated
    path = str(tmp_path / "gan.keras")
    restored = save_and_reload(gan, path)
    np.testing.assert_allclose(
        restored.generate(4, seed=1), after, rtol=1e-5, atol=1e-5
    )


def test_resnet_builders_reject_bad_arguments():
    with pytest.raises(ValueError, match="`upsampling`.*upsampling='bicubic'"):
        keras_gan.models.resnet_generator(8, (16, 16, 1), upsampling="bicubic")
    with pytest.raises(ValueError, match="`upsampling`"):
        builders.dcgan_generator(8, (16, 16, 1), upsampling="nearest")
    with pytest.raises(ValueError, match="divisible by 2\\*\\*num_blocks=8"):
        keras_gan.models.resnet_discriminator((28, 28, 1), num_blocks=3)
    with pytest.raises(ValueError, match="`num_blocks`"):
        keras_gan.models.resnet_generator(8, (16, 16, 1), num_blocks=0)
