"""Tests for the building blocks in `keras_gan.layers`."""

import keras
import numpy as np
import pytest

from keras_gan import layers
from tests.conftest import save_and_reload

BACKEND = keras.backend.backend()


def _np(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def _random(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _labels(batch, num_classes=3):
    return np.arange(batch, dtype="int32") % num_classes


def _saved_and_reloaded(model, tmp_path):
    return save_and_reload(model, str(tmp_path / "model.keras"))


def _assert_config_round_trip(layer):
    config = keras.saving.serialize_keras_object(layer)
    assert config["registered_name"] == f"keras_gan>{type(layer).__name__}"
    restored = keras.saving.deserialize_keras_object(config)
    assert type(restored) is type(layer)
    assert restored.get_config() == layer.get_config()


# ------------------------------------------------- minibatch std deviation


def _minibatch_std_by_hand(x, group_size, num_channels):
    """Loops over groups as written in the ProGAN paper."""
    batch, height, width, channels = x.shape
    per_slice = channels // num_channels
    groups = batch // group_size
    stats = np.zeros((batch, num_channels))
    for m in range(groups):
        members = [g * groups + m for g in range(group_size)]
        for f in range(num_channels):
            block = x[members][..., f * per_slice : (f + 1) * per_slice]
            std = np.sqrt(block.astype("float64").var(axis=0) + 1e-8)
            stats[members, f] = std.mean()
    return stats


@pytest.mark.parametrize(
    "batch,group_size,num_channels", [(8, 4, 1), (6, 2, 2), (3, 4, 1)]
)
def test_minibatch_std_matches_hand_computation(batch, group_size, num_channels):
    x = _random((batch, 3, 5, 4))
    layer = layers.MinibatchStandardDeviation(
        group_size=group_size, num_channels=num_channels
    )
    y = _np(layer(x))
    assert y.shape == (batch, 3, 5, 4 + num_channels)
    np.testing.assert_array_equal(y[..., :4], x)
    effective_group = min(group_size, batch)
    expected = _minibatch_std_by_hand(x, effective_group, num_channels)
    np.testing.assert_allclose(
        y[..., 4:], np.broadcast_to(expected[:, None, None, :], y[..., 4:].shape),
        rtol=1e-5,
    )


def test_minibatch_std_is_zero_for_identical_samples():
    x = np.repeat(_random((1, 4, 4, 2)), 4, axis=0)
    y = _np(layers.MinibatchStandardDeviation(epsilon=0.0)(x))
    np.testing.assert_allclose(y[..., 2], 0.0, atol=1e-6)


def test_minibatch_std_rejects_bad_arguments():
    with pytest.raises(ValueError, match="Invalid value for argument `group_size`"):
        layers.MinibatchStandardDeviation(group_size=0)
    with pytest.raises(ValueError, match="multiple of group_size=4"):
        layers.MinibatchStandardDeviation()(_random((6, 2, 2, 1)))
    with pytest.raises(ValueError, match="`num_channels`"):
        layers.MinibatchStandardDeviation(num_channels=3)(_random((4, 2, 2, 4)))


# ----------------------------------------------------------- self-attention


def _self_attention_by_hand(layer, x):
    def kernel(sublayer):
        inner = getattr(sublayer, "layer", sublayer)
        return _np(inner.kernel)[0, 0]  # 1x1 conv: (in, out)

    batch, height, width, channels = x.shape
    flat = x.reshape(batch, height * width, channels).astype("float64")
    q = flat @ kernel(layer.query)
    k = flat @ kernel(layer.key)
    v = flat @ kernel(layer.value)
    scores = q @ k.transpose(0, 2, 1)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    out = (weights @ v) @ kernel(layer.output_projection)
    gamma = float(_np(layer.gamma))
    return x + gamma * out.reshape(x.shape)


def test_self_attention_starts_as_identity_then_matches_formula():
    x = _random((2, 4, 4, 16))
    layer = layers.SelfAttention()
    np.testing.assert_allclose(_np(layer(x)), x, atol=1e-6)
    assert layer.query.kernel.shape == (1, 1, 16, 2)
    assert layer.value.kernel.shape == (1, 1, 16, 8)
    layer.gamma.assign(0.7)
    np.testing.assert_allclose(
        _np(layer(x)), _self_attention_by_hand(layer, x), rtol=1e-4, atol=1e-4
    )


def test_self_attention_spectral_norm_and_config():
    layer = layers.SelfAttention(key_ratio=4, spectral_norm=True)
    layer(_random((2, 4, 4, 8)))
    assert isinstance(layer.query, keras.layers.SpectralNormalization)
    _assert_config_round_trip(layer)


# ----------------------------------------- conditional batch normalization


def test_conditional_batch_norm_matches_hand_computation():
    x = _random((6, 3, 3, 4)) * 2.0 + 1.0
    labels = _labels(6)
    layer = layers.ConditionalBatchNormalization(num_classes=3, epsilon=1e-3)
    layer([x, labels])
    scale = _random((3, 4), seed=1)
    offset = _random((3, 4), seed=2)
    layer.class_scale.assign(scale)
    layer.class_offset.assign(offset)
    y = _np(layer([x, labels], training=True))
    mean = x.mean(axis=(0, 1, 2))
    var = x.var(axis=(0, 1, 2))
    normalized = (x - mean) / np.sqrt(var + 1e-3)
    expected = (
        normalized * scale[labels][:, None, None] + offset[labels][:, None, None]
    )
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)
    # Same inputs, different labels: different outputs.
    y_other = _np(layer([x, (labels + 1) % 3], training=True))
    assert np.abs(y_other - y).max() > 0.1


def test_conditional_batch_norm_config_and_bad_num_classes():
    layer = layers.ConditionalBatchNormalization(num_classes=5, momentum=0.9)
    _assert_config_round_trip(layer)
    with pytest.raises(ValueError, match="`num_classes`"):
        layers.ConditionalBatchNormalization(num_classes=1)


# ----------------------------------------------------------- residual blocks


@pytest.mark.parametrize("upsampling", ["resize", "transpose"])
def test_generator_block_doubles_resolution(upsampling):
    block = layers.GeneratorResidualBlock(6, upsampling=upsampling)
    y = _np(block(_random((2, 7, 7, 8)), training=True))
    assert y.shape == (2, 14, 14, 6)
    conv_type = type(block.conv_1).__name__
    expected = "MatmulConv2DTranspose" if upsampling == "transpose" else "Conv2D"
    assert conv_type == expected


def test_conditional_generator_block_depends_on_labels():
    block = layers.GeneratorResidualBlock(4, num_classes=3)
    x = _random((3, 4, 4, 4))
    block([x, _labels(3)])
    block.norm_2.class_offset.assign(_random((3, 4), seed=3))
    a = _np(block([x, _labels(3)]))
    b = _np(block([x, (_labels(3) + 1) % 3]))
    assert a.shape == (3, 8, 8, 4)
    assert np.abs(a - b).max() > 1e-3


@pytest.mark.parametrize(
    "downsample,preactivation,in_channels,shortcut",
    [(True, False, 3, True), (True, True, 8, True), (False, True, 8, False)],
)
def test_discriminator_block_shapes(
    downsample, preactivation, in_channels, shortcut
):
    block = layers.DiscriminatorResidualBlock(
        8, downsample=downsample, preactivation=preactivation
    )
    y = _np(block(_random((2, 8, 8, in_channels)), training=True))
    side = 4 if downsample else 8
    assert y.shape == (2, side, side, 8)
    assert (block.shortcut is not None) == shortcut


def test_discriminator_block_spectral_norm_bounds_singular_values():
    keras.utils.set_random_seed(0)  # the power iteration's start vector
    block = layers.DiscriminatorResidualBlock(8, preactivation=False)
    x = _random((4, 8, 8, 3))
    for _ in range(40):  # power iterations run in training calls
        block(x, training=True)
    for conv in (block.conv_1, block.conv_2, block.shortcut):
        assert isinstance(conv, keras.layers.SpectralNormalization)
        kernel = _np(conv.layer.kernel)
        matrix = kernel.reshape(-1, kernel.shape[-1])
        largest = np.linalg.svd(matrix, compute_uv=False)[0]
        assert abs(largest - 1.0) < 0.05, largest


def test_blocks_save_and_reload_in_a_model(tmp_path):
    images = keras.Input((8, 8, 3))
    labels = keras.Input((1,), dtype="int32")
    h = layers.DiscriminatorResidualBlock(4, preactivation=False)(images)
    h = layers.MinibatchStandardDeviation(group_size=2)(h)
    attention = layers.SelfAttention(key_ratio=1)
    h = attention(h)
    h = layers.GeneratorResidualBlock(4, num_classes=3)([h, labels])
    model = keras.Model([images, labels], h)
    attention.gamma.assign(0.5)  # attention is active
    inputs = [_random((2, 8, 8, 3)), _labels(2).reshape(-1, 1)]
    restored = _saved_and_reloaded(model, tmp_path)
    np.testing.assert_allclose(
        _np(restored(inputs)), _np(model(inputs)), rtol=1e-5, atol=1e-5
    )
    for layer in model.layers[1:]:
        if type(layer).__module__.startswith("keras_gan"):
            _assert_config_round_trip(layer)


def test_blocks_reject_bad_arguments():
    with pytest.raises(ValueError, match="`upsampling`.*upsampling='bilinear'"):
        layers.GeneratorResidualBlock(4, upsampling="bilinear")
    with pytest.raises(ValueError, match="`filters`"):
        layers.DiscriminatorResidualBlock(0)


# ------------------------------------------------- spectral normalization


def _wrapped_conv(cls, kernel):
    layer = cls(keras.layers.Conv2D(4, 3, padding="same", use_bias=False))
    layer.build((None, 6, 6, 2))
    layer.layer.kernel.assign(kernel)
    layer.vector_u.assign(np.ones((1, 4), "float32") / 2.0)
    return layer


def test_spectral_normalization_matches_keras_layer():
    """One training call: same normalized kernel, vector and output."""
    kernel = _random((3, 3, 2, 4), seed=1)
    x = _random((2, 6, 6, 2), seed=2)
    ours = _wrapped_conv(layers.SpectralNormalization, kernel)
    theirs = _wrapped_conv(keras.layers.SpectralNormalization, kernel)
    y_ours = _np(ours(x, training=True))
    # Keras' own layer runs once on PyTorch outside a multi-call step.
    y_theirs = _np(theirs(x, training=True))
    np.testing.assert_allclose(y_ours, y_theirs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        _np(ours.layer.kernel), _np(theirs.layer.kernel), rtol=1e-5, atol=1e-7
    )
    np.testing.assert_allclose(
        _np(ours.vector_u), _np(theirs.vector_u), rtol=1e-5, atol=1e-7
    )
    _assert_config_round_trip(ours)


def _spectral_norm_gan(spectral_norm_layer=None):
    import keras_gan

    keras.utils.set_random_seed(0)
    generator = keras_gan.models.dcgan_generator(8, (8, 8, 1), base_filters=4)
    discriminator = keras_gan.models.dcgan_discriminator(
        (8, 8, 1), base_filters=4, spectral_norm=True
    )
    if spectral_norm_layer is not None:  # rebuild with another class
        discriminator = keras.models.clone_model(
            discriminator,
            clone_function=lambda layer: (
                spectral_norm_layer.from_config(layer.get_config())
                if isinstance(layer, keras.layers.SpectralNormalization)
                else layer.__class__.from_config(layer.get_config())
            ),
        )
    gan = keras_gan.GAN(generator, discriminator, latent_dim=8, seed=0)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-3),
        g_optimizer=keras.optimizers.Adam(1e-3),
        penalty=[keras_gan.penalties.R1Penalty(1.0)],
    )
    return gan


def test_spectrally_normalized_discriminator_trains_on_every_backend(tmp_path):
    """Several discriminator calls per step (real, fake, R1) on PyTorch too;
    the kernels stay near unit spectral norm and the model reloads."""
    gan = _spectral_norm_gan()
    x = np.tanh(_random((64, 8, 8, 1), seed=3))
    before = [_np(v) for v in gan.discriminator.trainable_variables]
    history = gan.fit(x, batch_size=16, epochs=2, verbose=0)
    assert np.isfinite(history.history["d_loss"]).all()
    assert history.history["skipped_steps"][-1] == 0
    after = [_np(v) for v in gan.discriminator.trainable_variables]
    assert max(np.abs(a - b).max() for a, b in zip(after, before)) > 1e-4
    wrappers = [
        layer
        for layer in gan.discriminator.layers
        if isinstance(layer, layers.SpectralNormalization)
    ]
    assert len(wrappers) == 3  # two convolutions and the head
    for wrapper in wrappers:
        kernel = _np(wrapper.layer.kernel)
        matrix = kernel.reshape(-1, kernel.shape[-1])
        # Normalized in the last call, then moved by one Adam step.
        largest = np.linalg.svd(matrix, compute_uv=False)[0]
        assert abs(largest - 1.0) < 0.1, largest
    restored = _saved_and_reloaded(gan, tmp_path)
    np.testing.assert_allclose(
        restored.generate(4, seed=1), gan.generate(4, seed=1), atol=1e-5
    )


def test_keras_spectral_normalization_is_refused_on_torch_only():
    from keras_gan.training import network_checks

    gan = _spectral_norm_gan(keras.layers.SpectralNormalization)
    networks = [gan.generator, gan.discriminator]
    if BACKEND != "torch":  # Keras' own layer trains there
        network_checks.check_spectral_normalization(networks)
        return
    with pytest.raises(
        ValueError, match="keras_gan.layers.SpectralNormalization"
    ):
        gan.fit(np.zeros((32, 8, 8, 1), "float32"), batch_size=16, verbose=0)
