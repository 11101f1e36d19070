import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import save_and_reload
from tests.conftest import assert_weights_equal, to_numpy, weights_of

CENTERS = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 2.0]], "float32")


def class_data(num=768, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=num)
    x = CENTERS[labels] + 0.2 * rng.normal(size=(num, 2))
    return x.astype("float32"), labels.astype("int32")


def make_cgan(conditioning="projection", seed=0):
    keras.utils.set_random_seed(seed)
    generator = keras_gan.models.mlp_generator(4, 2, hidden_units=(64, 64), num_classes=3)
    discriminator = keras_gan.models.mlp_discriminator(
        2, hidden_units=(64, 64), num_classes=3, conditioning=conditioning
    )
    return keras_gan.ConditionalGAN(
        generator, discriminator, latent_dim=4, num_classes=3, seed=seed
    )


def compile_fast(gan, **kwargs):
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
        **kwargs,
    )


def class_errors(gan):
    errors = []
    for label, center in enumerate(CENTERS):
        samples = gan.generate(300, labels=np.full(300, label), seed=label)
        errors.append(float(np.linalg.norm(samples.mean(axis=0) - center)))
    return np.array(errors)


@pytest.mark.parametrize("conditioning", ["projection", "concat"])
def test_generator_learns_each_class(conditioning):
    x, y = class_data()
    gan = make_cgan(conditioning)
    compile_fast(gan)
    before = class_errors(gan)
    gan.fit(x, y, epochs=15, batch_size=64, verbose=0)
    after = class_errors(gan)
    # Each class lands near its own center (the centers are 2.8-4 apart).
    assert np.all(after < 0.7), (before, after)
    assert np.all(before > 1.2)


def test_generate_defaults_to_a_balanced_cycle_of_labels():
    gan = make_cgan()
    default = gan.generate(6, seed=0)
    explicit = gan.generate(6, labels=[0, 1, 2, 0, 1, 2], seed=0)
    np.testing.assert_allclose(default, explicit)
    assert default.shape == (6, 2)


def test_labels_change_the_samples():
    gan = make_cgan()
    a = gan.generate(4, labels=np.zeros(4, "int32"), seed=0)
    b = gan.generate(4, labels=np.ones(4, "int32"), seed=0)
    assert not np.allclose(a, b)


def test_save_load_round_trip_and_continued_training(tmp_keras_path):
    x, y = class_data(256)
    gan = make_cgan()
    compile_fast(gan, loss="hinge", penalty=keras_gan.penalties.R1Penalty(0.1))
    gan.fit(x, y, epochs=1, batch_size=64, shuffle=False, verbose=0)
    loaded = save_and_reload(gan, tmp_keras_path)
    assert type(loaded) is keras_gan.ConditionalGAN
    assert loaded.num_classes == 3
    np.testing.assert_allclose(loaded.generate(6, seed=2), gan.generate(6, seed=2), atol=1e-6)
    gan.fit(x, y, epochs=1, batch_size=64, shuffle=False, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=64, shuffle=False, verbose=0)
    assert_weights_equal(weights_of(gan), weights_of(loaded), atol=1e-6)


def test_dataset_of_pairs():
    import tensorflow as tf

    x, y = class_data(200)
    gan = make_cgan()
    compile_fast(gan)
    gan.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(64), epochs=1, verbose=0)
    assert int(to_numpy(gan.g_optimizer.iterations)) == 4


@pytest.mark.parametrize("bad", [-1, 3, 7])
def test_labels_out_of_range(bad):
    x, y = class_data(64)
    y[5] = bad
    gan = make_cgan()
    compile_fast(gan)
    with pytest.raises(ValueError, match=rf"\[0, 3\).*{bad}"):
        gan.fit(x, y, epochs=1, verbose=0)


def test_float_labels_are_rejected():
    x, y = class_data(64)
    gan = make_cgan()
    compile_fast(gan)
    with pytest.raises(ValueError, match="dtype=float32"):
        gan.fit(x, y.astype("float32"), epochs=1, verbose=0)


def test_missing_labels():
    x, _ = class_data(64)
    gan = make_cgan()
    compile_fast(gan)
    with pytest.raises(ValueError, match="needs labels"):
        gan.fit(x, epochs=1, verbose=0)


def test_generate_label_errors():
    gan = make_cgan()
    with pytest.raises(ValueError, match="argument `labels`"):
        gan.generate(4, labels=[0, 1])
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        gan.generate(2, labels=[0, 5])


@pytest.mark.parametrize("num_classes", [1, 0, 2.5])
def test_num_classes_error(num_classes):
    generator = keras_gan.models.mlp_generator(4, 2, num_classes=3)
    discriminator = keras_gan.models.mlp_discriminator(2, num_classes=3)
    with pytest.raises(ValueError, match="argument `num_classes`"):
        keras_gan.ConditionalGAN(generator, discriminator, 4, num_classes=num_classes)
