import os

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.callbacks import GANQuality
from keras_gan.metrics import frechet_distance
from keras_gan.metrics import inception_feature_extractor
from keras_gan.metrics import inception_preprocess
from keras_gan.metrics import kernel_distance
from keras_gan.metrics import precision_recall
from keras_gan.metrics import train_feature_classifier
from tests.conftest import gaussian_data
from tests.conftest import make_gan
from tests.conftest import to_numpy

LOG_KEYS = {"fid", "kid", "kid_std", "precision", "recall"}


def identity(x):
    return x


def adam():
    return keras.optimizers.Adam(2e-3, beta_1=0.5)


def test_logs_equal_the_functional_metrics_on_the_same_features():
    gan = make_gan()
    gan.compile()
    real = gaussian_data(300)
    quality = GANQuality(real, identity, num_samples=200, batch_size=64, kid_subsets=4)
    history = gan.fit(real, epochs=1, batch_size=64, verbose=0, callbacks=[quality])
    logged = {key: history.history[key][0] for key in LOG_KEYS}
    assert set(quality.results) == LOG_KEYS
    # The real set is subsampled to `num_samples`; features are the samples.
    assert quality.real_features.shape == (200, 2)
    assert quality.fake_features.shape == (200, 2)
    assert {tuple(row) for row in quality.real_features} <= {tuple(row) for row in real}
    np.testing.assert_allclose(
        quality.fake_features, gan.generate(200, seed=0), rtol=1e-6, atol=1e-6
    )
    real_f, fake_f = quality.real_features, quality.fake_features
    # Default KID subsets: half of the samples each.
    kid, kid_std = kernel_distance(real_f, fake_f, num_subsets=4, subset_size=100, seed=0)
    precision, recall = precision_recall(real_f, fake_f, k=3)
    expected = {
        "fid": frechet_distance(real_f, fake_f),
        "kid": kid,
        "kid_std": kid_std,
        "precision": precision,
        "recall": recall,
    }
    for key, value in expected.items():
        np.testing.assert_allclose(logged[key], float(to_numpy(value)), rtol=1e-5, err_msg=key)
    # An untrained generator is far from the data.
    assert logged["fid"] > 1.0 and logged["kid"] > 0.05
    assert 0.0 <= logged["precision"] <= 1.0 and 0.0 <= logged["recall"] <= 1.0


def test_fid_drops_with_training_on_a_2d_gan():
    gan = make_gan()
    fast = 5e-3
    gan.compile(
        d_optimizer=keras.optimizers.Adam(fast, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(fast, beta_1=0.5),
    )
    data = gaussian_data(512)
    quality = GANQuality(data, identity, every=4, num_samples=500, metrics=("fid",))
    quality.set_model(gan)
    before = quality.evaluate()["fid"]
    history = gan.fit(data, epochs=8, batch_size=64, verbose=0, callbacks=[quality])
    # Evaluated after epochs 4 and 8 only.
    assert len(history.history["fid"]) == 2
    after = history.history["fid"][-1]
    assert before > 2.0
    assert after < 0.4 * before, (before, after)


def test_model_checkpoint_and_early_stopping_see_the_fid(tmp_path):
    gan = make_gan()
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    data = gaussian_data(256)
    path = str(tmp_path / "best.weights.h5")
    checkpoint = keras.callbacks.ModelCheckpoint(
        path, monitor="fid", mode="min", save_best_only=True, save_weights_only=True
    )
    early_stopping = keras.callbacks.EarlyStopping(monitor="fid", mode="min", patience=100)
    quality = GANQuality(data, identity, num_samples=100, metrics=("fid",))
    gan.fit(
        data,
        epochs=3,
        batch_size=64,
        verbose=0,
        callbacks=[quality, checkpoint, early_stopping],
    )
    assert os.path.exists(path)
    assert checkpoint.best == pytest.approx(min(early_stopping.model.history.history["fid"]))
    assert early_stopping.best == checkpoint.best


def test_every_skips_epochs_and_real_features_are_cached():
    gan = make_gan()
    gan.compile()
    data = gaussian_data(128)
    calls = []

    def counting_extractor(x):
        calls.append(len(x))
        return x

    quality = GANQuality(
        data,
        counting_extractor,
        every=2,
        num_samples=100,
        batch_size=50,
        metrics=("fid", "precision"),
    )
    seen = []

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(sorted(logs))

    gan.fit(data, epochs=4, batch_size=64, verbose=0, callbacks=[quality, Record()])
    assert "fid" not in seen[0] and "fid" not in seen[2]
    assert {"fid", "precision"} <= set(seen[1]) and {"fid", "precision"} <= set(seen[3])
    assert "recall" not in seen[1] and "kid" not in seen[1]
    # Real: 2 batches of 50, once; fake: 2 batches per evaluation, twice.
    assert calls == [50, 50, 50, 50, 50, 50]


def test_values_in_the_progress_bar(capsys):
    gan = make_gan()
    gan.compile()
    data = gaussian_data(128)
    quality = GANQuality(data, identity, num_samples=100, kid_subsets=5, prefix="q_")
    gan.fit(data, epochs=1, batch_size=64, verbose=2, callbacks=[quality])
    output = capsys.readouterr().out
    for key in ("q_fid", "q_kid", "q_kid_std", "q_precision", "q_recall"):
        assert f"{key}: " in output, output
    assert f"q_fid: {quality.results['q_fid']:.4f}" in output


def test_features_with_more_dimensions_are_flattened():
    gan = make_gan()
    data = gaussian_data(64)
    flat = GANQuality(data, identity, num_samples=50, metrics=("fid",))
    nested = GANQuality(
        data,
        lambda x: keras.ops.reshape(x, (-1, 1, 2)),
        num_samples=50,
        metrics=("fid",),
    )
    flat.set_model(gan)
    nested.set_model(gan)
    assert nested.evaluate() == pytest.approx(flat.evaluate())
    assert nested.real_features.shape == (50, 2)


def test_keras_model_extractor_and_density_coverage():
    gan = make_gan()
    data = gaussian_data(64)
    extractor = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    quality = GANQuality(data, extractor, num_samples=40, metrics=("density", "coverage"), k=4)
    quality.set_model(gan)
    results = quality.evaluate()
    assert set(results) == {"density", "coverage"}
    assert quality.real_features.shape == (40, 3)
    used = quality.real_data[quality._real_subset()]
    np.testing.assert_allclose(
        quality.real_features, to_numpy(extractor(used)), rtol=1e-5, atol=1e-6
    )


def test_conditional_gan_labels_follow_the_real_distribution():
    keras.utils.set_random_seed(0)
    num_classes = 3
    generator = keras_gan.models.mlp_generator(4, 2, hidden_units=(16,), num_classes=num_classes)
    discriminator = keras_gan.models.mlp_discriminator(
        2, hidden_units=(16,), num_classes=num_classes
    )
    gan = keras_gan.ConditionalGAN(generator, discriminator, latent_dim=4, num_classes=num_classes)
    gan.compile()
    rng = np.random.default_rng(0)
    y = rng.choice(num_classes, size=300, p=[0.7, 0.2, 0.1])
    x = (rng.normal(size=(300, 2)) + y[:, None] * 3.0).astype("float32")
    quality = GANQuality((x, y), identity, num_samples=200, kid_subsets=5)
    history = gan.fit(x, y, epochs=1, batch_size=64, verbose=0, callbacks=[quality])
    assert LOG_KEYS <= set(history.history)
    labels = quality.generation_labels()
    # The labels of the real subset: the same class counts as the real set used.
    np.testing.assert_array_equal(labels, y[quality._real_subset()])
    np.testing.assert_allclose(
        quality.fake_features, gan.generate(200, labels=labels, seed=0), rtol=1e-6, atol=1e-6
    )
    # Fewer real samples than `num_samples`: labels are drawn from `y`.
    small = GANQuality((x[:50], y[:50]), identity, num_samples=400)
    small.set_model(gan)
    drawn = small.generation_labels()
    assert len(drawn) == 400
    assert set(np.unique(drawn)) <= set(np.unique(y[:50]))
    frequencies = np.bincount(drawn, minlength=3) / 400
    np.testing.assert_allclose(frequencies, np.bincount(y[:50], minlength=3) / 50, atol=0.08)


def test_invalid_arguments():
    data = gaussian_data(10)
    with pytest.raises(ValueError, match="metrics"):
        GANQuality(data, identity, metrics=("fid", "inception_score"))
    with pytest.raises(ValueError, match="every"):
        GANQuality(data, identity, every=0)
    with pytest.raises(ValueError, match="feature_extractor"):
        GANQuality(data, "inception")
    with pytest.raises(ValueError, match="integer labels"):
        GANQuality((data, np.zeros(10)), identity)
    with pytest.raises(ValueError, match="set_model"):
        GANQuality(data, identity).evaluate()


# === Feature extractors ===


@pytest.fixture(scope="module")
def digits():
    datasets = pytest.importorskip("sklearn.datasets")
    digits = datasets.load_digits()
    x = (digits.images[..., None] / 16.0 * 2.0 - 1.0).astype("float32")
    return x, digits.target


def test_train_feature_classifier_on_digits(digits):
    x, y = digits
    train_x, train_y, test_x = x[:1500], y[:1500], x[1500:]
    extractor, classifier = train_feature_classifier(
        train_x, train_y, num_classes=10, epochs=4, feature_dim=32, return_classifier=True
    )
    assert extractor.classifier_accuracy > 0.85
    held_out_accuracy = np.mean(
        np.argmax(classifier.predict(test_x, verbose=0), -1) == y[1500:]
    )
    assert held_out_accuracy > 0.85
    real_features = to_numpy(extractor(train_x))
    assert real_features.shape == (1500, 32)
    noise = np.random.default_rng(0).uniform(-1, 1, test_x.shape).astype("float32")
    fid_real = float(to_numpy(frechet_distance(real_features, to_numpy(extractor(test_x)))))
    fid_noise = float(to_numpy(frechet_distance(real_features, to_numpy(extractor(noise)))))
    assert fid_real < 0.25 * fid_noise, (fid_real, fid_noise)


def test_train_feature_classifier_on_vectors():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    x = (rng.normal(size=(400, 5)) + y[:, None] * 2.0).astype("float32")
    extractor = train_feature_classifier(x, y, num_classes=2, epochs=5, feature_dim=8)
    assert extractor.classifier_accuracy > 0.85
    assert tuple(extractor.output.shape) == (None, 8)
    extractor = train_feature_classifier(x, y, num_classes=2, epochs=1, validation_split=0.0)
    assert extractor.classifier_accuracy is None
    with pytest.raises(ValueError, match="dtype"):
        train_feature_classifier(x.astype("int32"), y, num_classes=2)
    with pytest.raises(ValueError, match="labels in"):
        train_feature_classifier(x, y + 5, num_classes=2)


def test_inception_preprocess_maps_shapes_and_ranges():
    # Grayscale in [-1, 1]: stays in [-1, 1], tiled to RGB, resized.
    gray = np.stack([np.full((8, 8, 1), -1.0), np.full((8, 8, 1), 1.0)]).astype("float32")
    out = to_numpy(inception_preprocess(gray))
    assert out.shape == (2, 299, 299, 3)
    np.testing.assert_allclose(out[0], -1.0, atol=1e-6)
    np.testing.assert_allclose(out[1], 1.0, atol=1e-6)
    # [0, 1] and [0, 255] map to [-1, 1].
    rgb = np.ones((1, 4, 4, 1), "float32") * np.array(
        [0.0, 0.5, 1.0], "float32"
    ).reshape(1, 1, 1, 3)
    out = to_numpy(inception_preprocess(rgb, value_range=(0, 1), image_size=(6, 6)))
    assert out.shape == (1, 6, 6, 3)
    np.testing.assert_allclose(out[0, 3, 3], [-1.0, 0.0, 1.0], atol=1e-6)
    out = to_numpy(inception_preprocess(rgb * 255, value_range=(0, 255), image_size=(4, 4)))
    np.testing.assert_allclose(out[0, 0, 0], [-1.0, 0.0, 1.0], atol=1e-6)
    # Bilinear resize of a left/right split keeps the two halves.
    split = np.zeros((1, 2, 2, 1), "float32")
    split[:, :, 1] = 1.0
    out = to_numpy(inception_preprocess(split, value_range=(0, 1), image_size=(4, 4)))
    np.testing.assert_allclose(out[0, 0, :, 0], [-1.0, -0.5, 0.5, 1.0], atol=1e-6)
    with pytest.raises(ValueError, match="channels"):
        inception_preprocess(np.zeros((1, 8, 8, 2)))
    with pytest.raises(ValueError, match="value_range"):
        inception_preprocess(gray, value_range=(1, 1))


def test_inception_wrapper_builds_the_standard_backbone(monkeypatch):
    # A stand-in for InceptionV3 (fast on every backend): records the
    # arguments and averages the preprocessed pixels into 2048 features.
    received = {}

    def fake_inception_v3(**kwargs):
        received.update(kwargs)
        inputs = keras.Input(kwargs["input_shape"])
        pooled = keras.layers.GlobalAveragePooling2D()(inputs)
        outputs = keras.layers.Dense(2048, kernel_initializer="ones", use_bias=False)(pooled)
        return keras.Model(inputs, outputs)

    monkeypatch.setattr(keras.applications, "InceptionV3", fake_inception_v3)
    extractor = inception_feature_extractor((8, 8, 1), value_range=(0, 1))
    assert received == {
        "include_top": False,
        "weights": "imagenet",
        "input_shape": (299, 299, 3),
        "pooling": "avg",
    }
    images = np.stack([np.full((8, 8, 1), 0.0), np.full((8, 8, 1), 0.75)]).astype("float32")
    features = to_numpy(extractor(images))
    assert features.shape == (2, 2048)
    # Mean pixel in [-1, 1] (-1 and 0.5) times 3 channels.
    np.testing.assert_allclose(features[:, 0], [-3.0, 1.5], rtol=1e-5)
    assert not extractor.inception.trainable


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="Building InceptionV3 takes about a minute on JAX and PyTorch CPU.",
)
def test_inception_feature_extractor_without_weights():
    # weights=None: the standard FID needs weights="imagenet" (downloaded once).
    extractor = inception_feature_extractor((8, 8, 1), value_range=(-1, 1), weights=None)
    images = np.random.default_rng(0).uniform(-1, 1, (2, 8, 8, 1)).astype("float32")
    features = to_numpy(extractor(images))
    assert features.shape == (2, 2048)
    assert np.all(np.isfinite(features)) and np.all(features >= 0)
    expected = to_numpy(extractor.inception(inception_preprocess(images)))
    np.testing.assert_allclose(features, expected, rtol=1e-4, atol=1e-5)
