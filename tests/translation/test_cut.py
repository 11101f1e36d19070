"""CUT: the PatchNCE loss and every loss term against hand computations,
training, saving, exact resume, errors."""

import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import InterruptAt
from tests.conftest import assert_weights_equal
from tests.conftest import save_and_reload
from tests.conftest import to_numpy
from tests.conftest import weights_of
from tests.translation.test_cyclegan import two_domains

SHAPE = (3, 3, 1)
# G(x) = 0.5 x + 0.1 and D(x) = -0.6 x + 0.4 per pixel; the PatchNCE
# features are the image and G's output (one channel each).
G, D = (0.5, 0.1), (-0.6, 0.4)
UNITS = 2
# Projection of layer i: relu(f * W1[i] + B1[i]) @ W2[i] + B2[i].
W1 = [np.float32([[0.8, -1.1]]), np.float32([[-0.5, 1.3]])]
B1 = [np.float32([0.1, 0.2]), np.float32([0.3, -0.1])]
W2 = [np.float32([[1.0, 0.4], [-0.7, 0.9]]), np.float32([[0.6, -1.2], [0.5, 0.8]])]
B2 = [np.float32([0.05, -0.1]), np.float32([0.2, 0.1])]


def pixelwise(params, name, input_name):
    inputs = keras.Input(SHAPE, name=input_name)
    conv = keras.layers.Conv2D(1, 1, name=f"{name}_conv")
    outputs = conv(inputs)
    conv.set_weights([np.full((1, 1, 1, 1), params[0], "float32"), np.float32([params[1]])])
    return keras.Model(inputs, outputs, name=name)


def linear_cut(**kwargs):
    generator = pixelwise(G, "g", "g_image")
    discriminator = pixelwise(D, "d", "d_image")
    model = keras_gan.CUT(
        generator,
        discriminator,
        nce_layers=["g_image", "g_conv"],
        projection_units=UNITS,
        num_patches=64,  # More than the 9 positions: all of them.
        temperature=0.5,
        nce_weight=2.0,
        identity_weight=0.5,
        **kwargs,
    )
    weights = []
    for index in range(2):
        weights += [W1[index], B1[index], W2[index], B2[index]]
    layer_order = [f"layer{i}_{part}" for i in range(2) for part in ("hidden", "output")]
    for index, name in enumerate(layer_order):
        model.projection.get_layer(name).set_weights(weights[2 * index : 2 * index + 2])
    return model


def images(num, seed):
    return np.random.default_rng(seed).uniform(-1, 1, (num,) + SHAPE).astype("float32")


def hand_patch_nce(queries, keys, temperature):
    """Per image: mean over patches i of -log softmax_j(q_i . k_j / t)[i]."""
    q = queries / np.linalg.norm(queries, axis=-1, keepdims=True)
    k = keys / np.linalg.norm(keys, axis=-1, keepdims=True)
    logits = np.einsum("bid,bjd->bij", q, k) / temperature
    log_softmax = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    return -np.mean(np.diagonal(log_softmax, axis1=1, axis2=2), axis=-1)


def project(features, index):
    hidden = np.maximum(features @ W1[index].astype("float64") + B1[index], 0.0)
    return hidden @ W2[index].astype("float64") + B2[index]


def hand_nce(source):
    """PatchNCE between `source` and G(source), averaged over both layers."""
    flat = source.reshape(len(source), -1, 1)
    fake = G[0] * flat + G[1]
    layers = [(flat, fake), (fake, G[0] * fake + G[1])]  # (key, query) features
    losses = [
        hand_patch_nce(project(query, i), project(key, i), 0.5)
        for i, (key, query) in enumerate(layers)
    ]
    return np.mean(losses, axis=0).mean()


def test_patch_nce_loss_matches_a_hand_computation():
    rng = np.random.default_rng(0)
    queries = rng.normal(size=(2, 5, 3)).astype("float32")
    keys = rng.normal(size=(2, 5, 3)).astype("float32")
    value = keras_gan.translation.patch_nce_loss(queries, keys, temperature=0.2)
    expected = hand_patch_nce(queries.astype("float64"), keys.astype("float64"), 0.2)
    np.testing.assert_allclose(to_numpy(value), expected, rtol=1e-5)
    # Queries equal to their keys, far from the others: a loss near zero.
    separated = np.eye(4, dtype="float32")[None].repeat(2, 0)
    assert to_numpy(keras_gan.translation.patch_nce_loss(separated, separated, 0.07)).max() < 1e-5


def test_loss_terms_match_a_hand_computation():
    model = linear_cut()
    model.compile()  # Least squares by default.
    a, b = images(4, 0).astype("float64"), images(4, 1).astype("float64")
    total, terms = model.compute_generator_loss(a.astype("float32"), b.astype("float32"), training=False)
    fake_b = G[0] * a + G[1]
    expected = {
        "g_loss": 0.5 * ((D[0] * fake_b + D[1] - 1) ** 2).mean(),
        "nce_loss": hand_nce(a),
        "identity_loss": hand_nce(b),
    }
    for name, value in expected.items():
        np.testing.assert_allclose(to_numpy(terms[name]), value, rtol=1e-5, err_msg=name)
    np.testing.assert_allclose(
        to_numpy(total),
        expected["g_loss"] + 2.0 * (expected["nce_loss"] + 0.5 * expected["identity_loss"]),
        rtol=1e-5,
    )
    d_total, d_terms = model.compute_discriminator_loss(
        b.astype("float32"), fake_b.astype("float32"), training=False
    )
    d_loss = 0.5 * ((D[0] * b + D[1] - 1) ** 2).mean() + 0.5 * ((D[0] * fake_b + D[1]) ** 2).mean()
    np.testing.assert_allclose(to_numpy(d_terms["d_loss"]), d_loss, rtol=1e-5)
    np.testing.assert_allclose(to_numpy(d_total), d_loss, rtol=1e-5)


def test_first_training_step_logs_the_hand_computed_terms():
    model = linear_cut(seed=0)
    model.compile()
    a, b = images(8, 2), images(8, 3)
    history = model.fit(a, b, batch_size=8, epochs=1, shuffle=False, verbose=0).history
    a64, b64 = a.astype("float64"), b.astype("float64")
    np.testing.assert_allclose(history["nce_loss"][0], hand_nce(a64), rtol=1e-5)
    np.testing.assert_allclose(history["identity_loss"][0], hand_nce(b64), rtol=1e-5)
    # The discriminator judges the translations of the same step (made
    # before the generator's update), as in CycleGAN.
    fake_b = G[0] * a64 + G[1]
    d_loss = 0.5 * ((D[0] * b64 + D[1] - 1) ** 2).mean() + 0.5 * ((D[0] * fake_b + D[1]) ** 2).mean()
    np.testing.assert_allclose(history["d_loss"][0], d_loss, rtol=1e-5)
    # The generator and the projection moved.
    assert int(to_numpy(model.g_optimizer.iterations)) == 1
    assert not np.allclose(to_numpy(model.projection.get_layer("layer0_hidden").kernel), W1[0])
    assert not np.allclose(to_numpy(model.generator.get_layer("g_conv").kernel), G[0])


def conv_generator(name="generator"):
    inputs = keras.Input((8, 8, 1), name="image")
    h = keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="encode")(inputs)
    outputs = keras.layers.Conv2D(1, 1, activation="tanh", name="output")(h)
    return keras.Model(inputs, outputs, name=name)


def patch_discriminator(name="discriminator"):
    return keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(8, 3, strides=2, padding="same"),
            keras.layers.LeakyReLU(0.2),
            keras.layers.Conv2D(1, 3, padding="same"),
        ],
        name=name,
    )


def small_cut(seed=0, learning_rate=1e-2, **kwargs):
    keras.utils.set_random_seed(seed)
    model = keras_gan.CUT(
        conv_generator(),
        patch_discriminator(),
        nce_layers=["image", "encode"],
        num_patches=16,
        projection_units=8,
        seed=seed,
        **kwargs,
    )
    model.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
    )
    return model


def squares(num, seed, background, square):
    """Images of `background` with a `square` 4x4 square at a random place."""
    rng = np.random.default_rng(seed)
    out = np.full((num, 8, 8, 1), background, "float32")
    for image in out:
        top, left = rng.integers(0, 5, 2)
        image[top : top + 4, left : left + 4] = square
    return out


def test_training_translates_and_keeps_the_content():
    # A: a bright square on dark; B: the same, grey on bright. The
    # translation must change the colours and keep the square where it is.
    # A light PatchNCE weight lets 64 small steps move the colours.
    model = small_cut(nce_weight=0.1, learning_rate=3e-3)
    a = squares(64, 0, -0.8, 0.9)
    b = squares(64, 1, 0.6, -0.2)

    def gap():
        return abs(model.translate(a).mean() - b.mean())

    before = gap()
    model.fit(a, b, batch_size=16, epochs=16, verbose=0)
    translated = model.translate(a)
    assert gap() < 0.6 * before, (before, gap())
    inside = a > 0
    # The square's place is kept: it differs from the background.
    assert abs(translated[inside].mean() - translated[~inside].mean()) > 0.1


def test_save_load_and_mid_epoch_resume_are_exact(tmp_path):
    a, b = two_domains(32)
    fit = dict(batch_size=8, shuffle=False, verbose=0)
    reference = small_cut(pool_size=4)
    reference_history = reference.fit(a, b, epochs=2, **fit).history

    backup = str(tmp_path / "backup")
    interrupted = small_cut(pool_size=4)
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(
            a,
            b,
            epochs=2,
            callbacks=[
                keras.callbacks.BackupAndRestore(backup, save_freq=2),
                InterruptAt(epoch=1, batch=2),
            ],
            **fit,
        )
    resumed = small_cut(seed=5, pool_size=4)
    history = resumed.fit(
        a, b, epochs=2, callbacks=[keras.callbacks.BackupAndRestore(backup, save_freq=2)], **fit
    ).history
    assert_weights_equal(weights_of(reference), weights_of(resumed), atol=1e-6)
    np.testing.assert_allclose(history["nce_loss"], reference_history["nce_loss"][1:], rtol=1e-5)

    loaded = save_and_reload(reference, str(tmp_path / "cut.keras"))
    assert loaded.nce_layers == ["image", "encode"] and loaded.num_patches == 16
    assert loaded.pool_size == 4 and loaded.identity_weight == 1.0
    np.testing.assert_allclose(loaded.translate(a), reference.translate(a), atol=1e-6)
    # Training goes on from the same state: same patches, same updates.
    more = dict(epochs=1, **fit)
    np.testing.assert_allclose(
        loaded.fit(a, b, **more).history["loss"], reference.fit(a, b, **more).history["loss"], rtol=1e-5
    )


def test_default_nce_layers_of_the_resnet_generator():
    generator = keras_gan.models.resnet_translation_generator((8, 8, 1), 4, filters=2)
    discriminator = keras_gan.models.patchgan_discriminator((8, 8, 1), filters=2, num_layers=1)
    model = keras_gan.CUT(generator, discriminator, projection_units=4)
    # The image, the two downsampling convolutions, the first and middle
    # residual blocks (the paper's layers 0, 4, 8, 12, 16 of 9 blocks).
    assert model.nce_layers == ["image", "down0_conv", "down1_conv", "res0_add", "res2_add"]
    assert [int(t.shape[-1]) for t in model.projection.inputs] == [1, 4, 8, 8, 8]
    assert model.translate(np.zeros((2, 8, 8, 1), "float32")).shape == (2, 8, 8, 1)


def test_errors_are_clear():
    model = small_cut()
    a = np.zeros((8, 8, 8, 1), "float32")
    generator, discriminator = model.generator, model.discriminator
    with pytest.raises(ValueError, match="same size"):
        model.unpack_batch((a, a[:4]))
    with pytest.raises(ValueError, match="domain B images are missing"):
        model.unpack_batch((a, None))
    with pytest.raises(ValueError, match="Invalid dtype of the domain A"):
        model.unpack_batch((a.astype("int32"), a))
    with pytest.raises(ValueError, match="`direction`"):
        model.translate(a, direction="b_to_a")
    with pytest.raises(ValueError, match="nce_layers=None"):
        keras_gan.CUT(generator, discriminator)
    with pytest.raises(ValueError, match="'missing' is not one"):
        keras_gan.CUT(generator, discriminator, nce_layers=["image", "missing"])
    with pytest.raises(ValueError, match="`nce_layers`"):
        keras_gan.CUT(generator, discriminator, nce_layers="image")
    with pytest.raises(ValueError, match="same model"):
        keras_gan.CUT(generator, generator, nce_layers=["image"])
    for name, value in (
        ("nce_weight", -1.0),
        ("identity_weight", "1"),
        ("temperature", 0.0),
        ("num_patches", 0),
        ("pool_size", -2),
        ("projection_units", 1.5),
    ):
        with pytest.raises(ValueError, match=f"`{name}`"):
            keras_gan.CUT(generator, discriminator, nce_layers=["image"], **{name: value})
    wrong = keras_gan.translation.patch_nce.projection_network([3])
    with pytest.raises(ValueError, match="`projection`"):
        keras_gan.CUT(generator, discriminator, nce_layers=["image"], projection=wrong)
    small = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Conv2D(1, 1)])
    with pytest.raises(ValueError, match="`generator`: its output"):
        keras_gan.CUT(generator, small, nce_layers=["image"])
