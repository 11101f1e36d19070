"""Tests for `keras_gan.models.builders`."""

import keras
import numpy as np
import pytest

from keras_gan import models as builders
from tests.conftest import save_and_reload

LATENT_DIM = 8
BATCH = 4
IMAGE_SHAPES = [(28, 28, 1), (32, 32, 3), (16, 24, 3)]


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _predict(model, inputs):
    # One compiled call: much faster than eager op-by-op dispatch on JAX.
    return _np(model.predict_on_batch(inputs))


def _z(batch=BATCH, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    return (scale * rng.standard_normal((batch, LATENT_DIM))).astype("float32")


def _images(shape, batch=BATCH, seed=1):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (batch,) + shape).astype("float32")


def _labels(batch=BATCH, num_classes=3):
    return np.arange(batch, dtype="int32") % num_classes


def _layer_types(model):
    return [type(layer).__name__ for layer in model.layers]


# ---------------------------------------------------------------- shapes


@pytest.mark.parametrize("image_shape", IMAGE_SHAPES)
def test_dcgan_generator_shape_and_tanh_range(image_shape):
    generator = builders.dcgan_generator(
        LATENT_DIM, image_shape, base_filters=4
    )
    assert generator.input_shape == (None, LATENT_DIM)
    # Huge latents would push a linear output far outside [-1, 1].
    images = _predict(generator, _z(scale=1000.0))
    assert images.shape == (BATCH,) + image_shape
    assert images.min() >= -1.0 and images.max() <= 1.0
    assert images.std() > 0


def test_dcgan_generator_output_activation_none_is_unbounded():
    generator = builders.dcgan_generator(
        LATENT_DIM, (16, 16, 1), base_filters=4, output_activation=None
    )
    images = _predict(generator, _z(scale=1000.0))
    assert np.abs(images).max() > 1.0


@pytest.mark.parametrize("image_shape", IMAGE_SHAPES)
def test_dcgan_discriminator_one_logit_per_sample(image_shape):
    discriminator = builders.dcgan_discriminator(image_shape, base_filters=4)
    logits = _predict(discriminator, _images(image_shape))
    assert logits.shape == (BATCH, 1)
    assert len(np.unique(logits)) == BATCH
    assert "MatmulConv2D" in _layer_types(discriminator)


def test_dcgan_discriminator_minibatch_std_sees_its_group():
    # Groups of 4: with 8 images, image 0 shares a group with 2, 4 and 6
    # (StyleGAN's `b mod (batch / 4)` grouping), not with 1, 3, 5, 7.
    discriminator = builders.dcgan_discriminator(
        (16, 16, 1), base_filters=4, minibatch_std=True
    )
    assert "MinibatchStandardDeviation" in _layer_types(discriminator)
    images = _images((16, 16, 1), batch=8)
    logits = _predict(discriminator, images)
    changed = images.copy()
    changed[2] = -changed[2]
    moved = _predict(discriminator, changed)
    assert not np.allclose(moved[0], logits[0])  # same group
    np.testing.assert_allclose(moved[1], logits[1], atol=1e-6)  # other
    plain = builders.dcgan_discriminator((16, 16, 1), base_filters=4)
    assert "MinibatchStandardDeviation" not in _layer_types(plain)


def test_dcgan_discriminator_stem_reads_full_resolution():
    discriminator = builders.dcgan_discriminator(
        (16, 16, 1), base_filters=4, stem_filters=3
    )
    stem = discriminator.get_layer("stem")
    assert tuple(stem.output.shape) == (None, 16, 16, 3)
    kernel = [w for w in stem.weights if w.name == "kernel"][0]
    assert tuple(kernel.shape) == (3, 3, 1, 3)
    # The first downsampling block now reads the stem's 3 channels.
    first = discriminator.get_layer("downsample_0")
    assert tuple(first.input.shape) == (None, 16, 16, 3)
    # A change of one pixel reaches the logit through the stem.
    images = _images((16, 16, 1))
    changed = images.copy()
    changed[0, 5, 5, 0] += 1.0
    logits = _predict(discriminator, images)
    moved = _predict(discriminator, changed)
    assert not np.allclose(moved[0], logits[0])
    np.testing.assert_allclose(moved[1:], logits[1:], atol=1e-6)
    plain = builders.dcgan_discriminator((16, 16, 1), base_filters=4)
    assert "stem" not in [layer.name for layer in plain.layers]
    normalized = builders.dcgan_discriminator(
        (16, 16, 1), base_filters=4, stem_filters=3, spectral_norm=True
    )
    assert "SpectralNormalization" in type(
        normalized.get_layer("stem_sn")
    ).__name__
    for bad in (0, 2.5, True, "8"):
        with pytest.raises(ValueError, match="stem_filters"):
            builders.dcgan_discriminator((16, 16, 1), stem_filters=bad)


def test_dcgan_discriminator_final_conv_at_a_quarter_resolution():
    discriminator = builders.dcgan_discriminator(
        (16, 16, 1), base_filters=4, final_conv_filters=5, minibatch_std=True
    )
    final = discriminator.get_layer("final_conv")
    assert tuple(final.input.shape) == (None, 4, 4, 8)
    assert tuple(final.output.shape) == (None, 4, 4, 5)
    kernel = [w for w in final.weights if w.name == "kernel"][0]
    assert tuple(kernel.shape) == (3, 3, 8, 5)
    # The minibatch standard deviation map follows it: 5 + 1 channels.
    assert discriminator.get_layer("features").output.shape[-1] == 4 * 4 * 6
    logits = _predict(discriminator, _images((16, 16, 1), batch=8))
    assert logits.shape == (8, 1)
    for bad in (0, -1, 1.0, False):
        with pytest.raises(ValueError, match="final_conv_filters"):
            builders.dcgan_discriminator((16, 16, 1), final_conv_filters=bad)


def test_dcgan_generator_start_conv_before_the_upsampling():
    plain = builders.dcgan_generator(LATENT_DIM, (16, 16, 1), base_filters=4)
    generator = builders.dcgan_generator(
        LATENT_DIM, (16, 16, 1), base_filters=4, start_conv_filters=5
    )
    start = generator.get_layer("start_conv")
    assert tuple(start.input.shape) == (None, 4, 4, 16)
    assert tuple(start.output.shape) == (None, 4, 4, 5)
    kernel = [w for w in start.weights if w.name == "kernel"][0]
    assert tuple(kernel.shape) == (3, 3, 16, 5)
    assert not start.use_bias  # batch normalization follows it
    names = [layer.name for layer in generator.layers]
    assert names.index("start_conv_relu") < names.index("upsample_0")
    # The first upsampling reads the start convolution's 5 channels.
    up = generator.get_layer("upsample_0")
    assert tuple(up.input.shape) == (None, 4, 4, 5)
    assert "start_conv" not in [layer.name for layer in plain.layers]
    kh, kw = up.kernel_size
    assert generator.count_params() - plain.count_params() == (
        3 * 3 * 16 * 5  # the kernel (no bias)
        + 4 * 5  # batch norm's scale, offset and moving statistics
        + kh * kw * 8 * (5 - 16)  # the upsampling's kernel reads 5, not 16
    )
    images = _predict(generator, _z())
    assert images.shape == (BATCH, 16, 16, 1)
    for bad in (0, -1, 1.0, True, "8"):
        with pytest.raises(ValueError, match="start_conv_filters"):
            builders.dcgan_generator(
                LATENT_DIM, (16, 16, 1), start_conv_filters=bad
            )


def test_mlp_generator_and_discriminator_shapes():
    generator = builders.mlp_generator(
        LATENT_DIM, 5, hidden_units=(16, 8), output_activation="tanh"
    )
    rows = _predict(generator, _z(scale=1000.0))
    assert rows.shape == (BATCH, 5)
    assert np.abs(rows).max() <= 1.0
    assert _layer_types(generator).count("Dense") == 3

    discriminator = builders.mlp_discriminator(5, hidden_units=(16,))
    logits = _predict(discriminator, rows)
    assert logits.shape == (BATCH, 1)
    assert _layer_types(discriminator).count("Dense") == 2


# ------------------------------------------------------------ conditioning


@pytest.mark.parametrize(
    "build",
    [
        lambda: builders.dcgan_generator(
            LATENT_DIM, (16, 24, 3), base_filters=4, num_classes=3
        ),
        lambda: builders.mlp_generator(
            LATENT_DIM, 2, hidden_units=(16,), num_classes=3
        ),
    ],
    ids=["dcgan", "mlp"],
)
def test_conditional_generator_uses_labels(build):
    generator = build()
    assert len(generator.inputs) == 2
    z = _z()
    flat = _predict(generator, [z, _labels()])
    # Eager call: a traced `predict` function keeps its first label rank.
    column = _np(generator([z, _labels()[:, None]]))
    np.testing.assert_allclose(flat, column, rtol=1e-5, atol=1e-6)
    other = _predict(generator, [z, (_labels() + 1) % 3])
    assert not np.allclose(flat, other)


def _conditional_discriminators():
    kwargs = dict(num_classes=3)
    image = dict(image_shape=(16, 24, 3), base_filters=4, **kwargs)
    return [
        ("dcgan-projection", (16, 24, 3), builders.dcgan_discriminator,
         dict(conditioning="projection", **image)),
        ("dcgan-concat", (16, 24, 3), builders.dcgan_discriminator,
         dict(conditioning="concat", **image)),
        ("dcgan-sn-projection", (16, 24, 3), builders.dcgan_discriminator,
         dict(conditioning="projection", spectral_norm=True, **image)),
        ("mlp-projection", (2,), builders.mlp_discriminator,
         dict(input_dim=2, hidden_units=(16,), conditioning="projection",
              **kwargs)),
        ("mlp-concat", (2,), builders.mlp_discriminator,
         dict(input_dim=2, hidden_units=(16,), conditioning="concat",
              **kwargs)),
    ]


@pytest.mark.parametrize(
    "sample_shape, build, kwargs",
    [case[1:] for case in _conditional_discriminators()],
    ids=[case[0] for case in _conditional_discriminators()],
)
def test_conditional_discriminator_depends_on_label(
    sample_shape, build, kwargs
):
    discriminator = build(**kwargs)
    assert len(discriminator.inputs) == 2
    # The same sample under labels 0, 1, 2, 0.
    x = np.repeat(_images(sample_shape, batch=1), BATCH, axis=0)
    labels = _labels()
    logits = _predict(discriminator, [x, labels])[:, 0]
    assert len(set(logits[:3].tolist())) == 3, logits
    np.testing.assert_allclose(logits[0], logits[3], rtol=1e-6, atol=1e-6)
    column = _np(discriminator([x, labels[:, None]]))[:, 0]
    np.testing.assert_allclose(logits, column, rtol=1e-5, atol=1e-6)
    if kwargs["conditioning"] == "projection":
        assert "Dot" in _layer_types(discriminator)
    else:
        assert "Dot" not in _layer_types(discriminator)


def test_projection_discriminator_computes_psi_plus_inner_product():
    discriminator = builders.dcgan_discriminator(
        (16, 16, 1), base_filters=4, num_classes=5
    )
    x = _images((16, 16, 1))
    labels = np.array([0, 4, 2, 2], dtype="int32")
    features = _predict(
        keras.Model(
            discriminator.inputs, discriminator.get_layer("features").output
        ),
        [x, labels],
    )
    kernel, bias = [
        _np(w) for w in discriminator.get_layer("logit").weights
    ]
    (embeddings,) = [
        _np(w) for w in discriminator.get_layer("projection_embedding").weights
    ]
    expected = features @ kernel + bias + np.sum(
        embeddings[labels] * features, axis=1, keepdims=True
    )
    np.testing.assert_allclose(
        _predict(discriminator, [x, labels]), expected, rtol=1e-4, atol=1e-5
    )


# ---------------------------------------------------------- spectral norm


@pytest.mark.parametrize(
    "build, num_wrapped",
    [
        # 2 Conv2D + 1 Dense.
        (lambda sn: builders.dcgan_discriminator(
            (16, 16, 3), base_filters=4, spectral_norm=sn), 3),
        # 2 Conv2D + 1 Dense; the projection Embedding stays bare.
        (lambda sn: builders.dcgan_discriminator(
            (16, 16, 3), base_filters=4, spectral_norm=sn, num_classes=3), 3),
        # 2 hidden Dense + 1 logit Dense.
        (lambda sn: builders.mlp_discriminator(
            2, hidden_units=(8, 8), spectral_norm=sn), 3),
    ],
    ids=["dcgan", "dcgan-projection", "mlp"],
)
def test_spectral_norm_wraps_every_weight_layer(build, num_wrapped):
    plain = _layer_types(build(False))
    assert "SpectralNormalization" not in plain
    wrapped = _layer_types(build(True))
    assert wrapped.count("SpectralNormalization") == num_wrapped
    for bare in ("Conv2D", "MatmulConv2D", "Dense"):
        assert bare not in wrapped


def test_spectral_norm_discriminator_trains_one_step():
    discriminator = builders.mlp_discriminator(
        2, hidden_units=(8,), spectral_norm=True, num_classes=3
    )
    discriminator.compile(
        optimizer="sgd",
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    before = [_np(w).copy() for w in discriminator.trainable_weights]
    loss = discriminator.train_on_batch(
        [_images((2,)), _labels()], np.ones((BATCH, 1), "float32")
    )
    assert np.isfinite(loss)
    for weight, old in zip(discriminator.trainable_weights, before):
        assert not np.allclose(_np(weight), old), weight.path


# ------------------------------------------------------------ saving


def _models_to_save():
    return {
        "dcgan-generator": (
            lambda: builders.dcgan_generator(
                LATENT_DIM, (16, 24, 3), base_filters=4
            ),
            lambda: _z(),
        ),
        "dcgan-generator-conditional": (
            lambda: builders.dcgan_generator(
                LATENT_DIM, (28, 28, 1), base_filters=4, num_classes=3
            ),
            lambda: [_z(), _labels()],
        ),
        "dcgan-discriminator-sn-projection": (
            lambda: builders.dcgan_discriminator(
                (16, 24, 3), base_filters=4, spectral_norm=True,
                num_classes=3,
            ),
            lambda: [_images((16, 24, 3)), _labels()],
        ),
        "dcgan-generator-start-conv": (
            lambda: builders.dcgan_generator(
                LATENT_DIM, (16, 16, 1), base_filters=4, start_conv_filters=5
            ),
            lambda: _z(),
        ),
        "dcgan-discriminator-stem": (
            lambda: builders.dcgan_discriminator(
                (16, 16, 1), base_filters=4, stem_filters=3,
                final_conv_filters=5,
            ),
            lambda: _images((16, 16, 1)),
        ),
        "dcgan-discriminator-concat-dropout": (
            lambda: builders.dcgan_discriminator(
                (32, 32, 3), base_filters=4, num_classes=3,
                conditioning="concat", dropout=0.3,
            ),
            lambda: [_images((32, 32, 3)), _labels()],
        ),
        "mlp-generator-conditional": (
            lambda: builders.mlp_generator(
                LATENT_DIM, 3, hidden_units=(8,), num_classes=3
            ),
            lambda: [_z(), _labels()],
        ),
        "mlp-discriminator-sn-projection": (
            lambda: builders.mlp_discriminator(
                3, hidden_units=(8,), spectral_norm=True, num_classes=3
            ),
            lambda: [_images((3,)), _labels()],
        ),
        "mlp-discriminator-concat": (
            lambda: builders.mlp_discriminator(
                3, hidden_units=(8,), num_classes=3, conditioning="concat"
            ),
            lambda: [_images((3,)), _labels()],
        ),
    }


@pytest.mark.parametrize("case", sorted(_models_to_save()))
def test_save_and_load_roundtrip(case, tmp_path):
    build, make_inputs = _models_to_save()[case]
    model = build()
    assert "Lambda" not in _layer_types(model)
    inputs = make_inputs()
    expected = _predict(model, inputs)
    path = str(tmp_path / "model.keras")
    restored = save_and_reload(model, path)
    assert _layer_types(restored) == _layer_types(model)
    np.testing.assert_allclose(
        _predict(restored, inputs), expected, atol=1e-6
    )


# ------------------------------------------------------------ validation


@pytest.mark.parametrize(
    "build, kwargs, argument",
    [
        (builders.dcgan_generator,
         dict(latent_dim=8, image_shape=(30, 30, 1)), "image_shape"),
        (builders.dcgan_generator,
         dict(latent_dim=8, image_shape=(28, 28)), "image_shape"),
        (builders.dcgan_discriminator,
         dict(image_shape=(28, 30, 3)), "image_shape"),
        (builders.dcgan_generator,
         dict(latent_dim=0, image_shape=(28, 28, 1)), "latent_dim"),
        (builders.dcgan_generator,
         dict(latent_dim=8, image_shape=(28, 28, 1), base_filters=-1),
         "base_filters"),
        (builders.dcgan_generator,
         dict(latent_dim=8, image_shape=(28, 28, 1), num_classes=1),
         "num_classes"),
        (builders.dcgan_discriminator,
         dict(image_shape=(28, 28, 1), num_classes=3, conditioning="sum"),
         "conditioning"),
        (builders.dcgan_discriminator,
         dict(image_shape=(28, 28, 1), dropout=1.0), "dropout"),
        (builders.mlp_generator,
         dict(latent_dim=8, output_dim=0), "output_dim"),
        (builders.mlp_generator,
         dict(latent_dim=8, output_dim=2, hidden_units=(16, 0)),
         "hidden_units"),
        (builders.mlp_discriminator, dict(input_dim=-3), "input_dim"),
        (builders.mlp_discriminator,
         dict(input_dim=2, num_classes=0), "num_classes"),
        (builders.mlp_discriminator,
         dict(input_dim=2, conditioning="projections"), "conditioning"),
    ],
)
def test_invalid_arguments_raise(build, kwargs, argument):
    with pytest.raises(ValueError) as info:
        build(**kwargs)
    message = str(info.value)
    assert message.startswith(f"Invalid value for argument `{argument}`.")
    assert f"Received: {argument}={kwargs[argument]!r}." in message


def test_image_shape_error_message_is_exact():
    with pytest.raises(ValueError) as info:
        builders.dcgan_generator(8, (30, 30, 1))
    assert str(info.value) == (
        "Invalid value for argument `image_shape`. Received: "
        "image_shape=(30, 30, 1). Expected height and width divisible by 4."
    )
