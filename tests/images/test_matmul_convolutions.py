"""MatmulConv2D / MatmulConv2DTranspose compute Keras' convolutions.

The rearranged form (space-to-depth, depth-to-space, matrix products) is
written with `keras.ops`, so every backend checks it against Keras' own
`ops.conv`/`ops.conv_transpose`: values, gradients, a GAN step with R1 and
R2 penalties (double backward), and the `.keras` round trip.
"""

import keras
import numpy as np
import pytest
from keras import ops

import keras_gan
from keras_gan.layers import matmul_convolutions
from tests.conftest import save_and_reload
from tests.conftest import value_and_gradients

CONV_CASES = [
    # (height, width, kernel, strides, padding, channels, filters)
    (28, 28, 4, 2, "same", 1, 3),  # the DCGAN discriminator's first layer
    (14, 15, 4, 2, "same", 3, 4),
    (15, 15, 3, 2, "same", 2, 3),
    (9, 10, 5, 3, "valid", 2, 2),
    (10, 10, 4, 2, "valid", 2, 2),
    (11, 11, 3, 1, "same", 4, 1),  # one filter, stacked windows
    (7, 8, 1, 1, "valid", 3, 3),
    (6, 6, 3, 1, "same", 16, 1),  # a generator's last layer: tap products
]
TRANSPOSE_CASES = [
    # (height, width, kernel, strides, channels, filters)
    (7, 7, 4, 2, 5, 3),  # the DCGAN generator's upsampling
    (6, 5, 2, 2, 2, 3),
    (4, 4, 6, 3, 2, 2),
    (3, 5, 4, 2, 1, 2),
]


def _random(shape, seed):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _values_and_gradients(conv, x, w, weights):
    """`conv(x, w)` and the gradients of `sum(conv(x, w) * weights)`."""
    x_var, w_var = keras.Variable(x), keras.Variable(w)
    outputs = ops.convert_to_numpy(
        conv(ops.convert_to_tensor(x), ops.convert_to_tensor(w))
    )

    def weighted_sum():
        return ops.sum(
            conv(x_var.value, w_var.value) * ops.convert_to_tensor(weights)
        )

    _, gradients = value_and_gradients(weighted_sum, [x_var, w_var])
    return outputs, [ops.convert_to_numpy(g) for g in gradients]


@pytest.mark.parametrize("case", CONV_CASES)
def test_matmul_conv2d_matches_conv_values_and_gradients(case):
    height, width, kernel, strides, padding, channels, filters = case
    x = _random((2, height, width, channels), 0)
    w = _random((kernel, kernel, channels, filters), 1)

    def reference(a, b):
        return ops.conv(a, b, strides=strides, padding=padding)

    weights = _random(reference(x, w).shape, 2)
    expected, expected_grads = _values_and_gradients(reference, x, w, weights)
    outputs, grads = _values_and_gradients(
        lambda a, b: matmul_convolutions.matmul_conv2d(a, b, strides, padding),
        x, w, weights,
    )
    np.testing.assert_allclose(outputs, expected, rtol=1e-5, atol=1e-5)
    for got, want in zip(grads, expected_grads):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", TRANSPOSE_CASES)
def test_matmul_conv2d_transpose_matches_conv_transpose(case):
    height, width, kernel, strides, channels, filters = case
    x = _random((2, height, width, channels), 3)
    w = _random((kernel, kernel, filters, channels), 4)

    def reference(a, b):
        return ops.conv_transpose(a, b, strides=strides, padding="same")

    weights = _random((2, strides * height, strides * width, filters), 5)
    expected, expected_grads = _values_and_gradients(reference, x, w, weights)
    outputs, grads = _values_and_gradients(
        lambda a, b: matmul_convolutions.matmul_conv2d_transpose(a, b, strides),
        x, w, weights,
    )
    assert outputs.shape == (2, strides * height, strides * width, filters)
    np.testing.assert_allclose(outputs, expected, rtol=1e-5, atol=1e-5)
    for got, want in zip(grads, expected_grads):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.fixture
def rearranged_here(monkeypatch):
    """Uses the rearranged form on the current backend."""
    monkeypatch.setattr(
        matmul_convolutions, "REARRANGED_BACKENDS", (keras.backend.backend(),)
    )


@pytest.mark.parametrize(
    "layer_class, keras_class, kwargs, input_shape",
    [
        (keras_gan.layers.MatmulConv2D, keras.layers.Conv2D,
         dict(filters=3, kernel_size=4, strides=2, padding="same",
              activation="relu"), (2, 8, 8, 2)),
        (keras_gan.layers.MatmulConv2DTranspose, keras.layers.Conv2DTranspose,
         dict(filters=3, kernel_size=4, strides=2, padding="same",
              activation="tanh"), (2, 5, 5, 2)),
    ],
)
def test_layer_matches_keras_layer_and_shares_its_weights(
    rearranged_here, layer_class, keras_class, kwargs, input_shape
):
    layer = layer_class(**kwargs)
    x = _random(input_shape, 6)
    outputs = ops.convert_to_numpy(layer(x))
    # Same config and weights: a plain Keras layer takes them unchanged.
    plain = keras_class.from_config(layer.get_config())
    plain.build(input_shape)
    plain.set_weights(
        [w + 0.1 * _random(w.shape, 7) for w in layer.get_weights()]
    )
    layer.set_weights(plain.get_weights())
    np.testing.assert_allclose(
        ops.convert_to_numpy(layer(x)), ops.convert_to_numpy(plain(x)),
        rtol=1e-5, atol=1e-5,
    )
    assert outputs.shape == ops.convert_to_numpy(plain(x)).shape
    assert [w.shape for w in layer.weights] == [w.shape for w in plain.weights]


def test_unsupported_configurations_use_keras_ops(rearranged_here):
    dilated = keras_gan.layers.MatmulConv2D(2, 3, dilation_rate=2)
    odd_kernel = keras_gan.layers.MatmulConv2DTranspose(
        2, 3, strides=2, padding="same"
    )
    assert not dilated._rearranged()
    assert not odd_kernel._rearranged()
    assert keras_gan.layers.MatmulConv2D(2, 4, strides=2)._rearranged()
    # The fallback is the Keras layer itself.
    x = _random((1, 5, 5, 2), 8)
    plain = keras.layers.Conv2DTranspose.from_config(odd_kernel.get_config())
    plain.build(x.shape)
    odd_kernel.build(x.shape)
    odd_kernel.set_weights(plain.get_weights())
    np.testing.assert_allclose(
        ops.convert_to_numpy(odd_kernel(x)), ops.convert_to_numpy(plain(x)),
        rtol=1e-6,
    )


def _penalized_loss_and_gradients(monkeypatch, backends):
    """`sum(D(T(z))) + sum(|grad_x D(x)|^2)` and its gradients w.r.t. the
    weights of a transposed convolution T and the DCGAN discriminator D:
    T's backward pass and the double backward of the R1 penalty through
    D's strided convolutions."""
    monkeypatch.setattr(matmul_convolutions, "REARRANGED_BACKENDS", backends)
    keras.utils.set_random_seed(0)
    upsample = keras_gan.layers.MatmulConv2DTranspose(
        1, 4, strides=2, padding="same", activation="tanh"
    )
    discriminator = keras_gan.models.dcgan_discriminator(
        (8, 8, 1), base_filters=4
    )
    z = ops.convert_to_tensor(_random((4, 4, 4, 3), 9))
    x = ops.convert_to_tensor(_random((4, 8, 8, 1), 10))
    upsample.build(z.shape)

    def loss():
        fake_logits = discriminator(upsample(z), training=True)
        input_grads, _ = keras_gan.backend.input_gradients(
            lambda images: discriminator(images, training=True), x
        )
        return ops.sum(fake_logits) + ops.sum(ops.square(input_grads))

    variables = upsample.trainable_variables + discriminator.trainable_variables
    value, gradients = value_and_gradients(loss, variables)
    return float(ops.convert_to_numpy(ops.stop_gradient(value))), [
        ops.convert_to_numpy(g) for g in gradients
    ]


def test_penalized_gradients_match_keras_convolutions(monkeypatch):
    expected, expected_grads = _penalized_loss_and_gradients(monkeypatch, ())
    value, grads = _penalized_loss_and_gradients(
        monkeypatch, (keras.backend.backend(),)
    )
    np.testing.assert_allclose(value, expected, rtol=1e-5)
    assert len(grads) == len(expected_grads) > 0
    for got, want in zip(grads, expected_grads):
        assert np.abs(want).max() > 0
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_dcgan_builders_use_matmul_layers_and_round_trip(tmp_path):
    keras.utils.set_random_seed(0)
    generator = keras_gan.models.dcgan_generator(8, (8, 8, 1), base_filters=4)
    discriminator = keras_gan.models.dcgan_discriminator(
        (8, 8, 1), base_filters=4, spectral_norm=True
    )
    kinds = {type(layer).__name__ for layer in generator.layers}
    assert "MatmulConv2D" in kinds
    assert isinstance(
        discriminator.get_layer("downsample_0_sn").layer,
        keras_gan.layers.MatmulConv2D,
    )
    z = _random((3, 8), 10)
    x = _random((3, 8, 8, 1), 11)
    for model, inputs in ((generator, z), (discriminator, x)):
        path = str(tmp_path / f"{model.name}.keras")
        loaded = save_and_reload(model, path)
        np.testing.assert_allclose(
            ops.convert_to_numpy(loaded(inputs)),
            ops.convert_to_numpy(model(inputs)),
            rtol=1e-5, atol=1e-6,
        )
    layer = keras_gan.layers.MatmulConv2DTranspose(
        3, 4, strides=2, padding="same"
    )
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(layer)
    )
    assert type(restored) is keras_gan.layers.MatmulConv2DTranspose
    assert restored.get_config() == layer.get_config()
