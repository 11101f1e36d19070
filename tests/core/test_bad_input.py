"""Bad input gets a clear error or correct behaviour, and nothing is lost."""

import json
import zipfile

import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import save_and_reload
from tests.conftest import assert_weights_equal, gaussian_data, make_gan, to_numpy, weights_of


def compiled(**kwargs):
    gan = make_gan(**kwargs)
    gan.compile()
    return gan


@pytest.mark.parametrize("shape", [(64, 2, 1), (64, 3), (64,)])
def test_wrong_rank_or_width_names_both_shapes(shape):
    data = np.zeros(shape, "float32")
    with pytest.raises(ValueError, match=r"Expected batches of shape \(None, 2\).*Received: shape"):
        compiled().fit(data, epochs=1, verbose=0)


def test_image_channels_mismatch():
    keras.utils.set_random_seed(0)
    gan = keras_gan.GAN(
        keras_gan.models.dcgan_generator(8, (8, 8, 1), base_filters=4),
        keras_gan.models.dcgan_discriminator((8, 8, 1), base_filters=4),
        latent_dim=8,
    )
    gan.compile()
    rgb = np.zeros((16, 8, 8, 3), "float32")
    with pytest.raises(ValueError, match=r"\(None, 8, 8, 1\).*shape=\((None|16), 8, 8, 3\)"):
        gan.fit(rgb, epochs=1, verbose=0)


def test_uint8_images_are_rejected_with_the_fix():
    data = np.zeros((16, 2), "uint8")
    with pytest.raises(ValueError, match=r"dtype=uint8.*|x / 127.5 - 1"):
        compiled().fit(data, epochs=1, verbose=0)


def test_batch_of_one_trains():
    gan = compiled()
    history = gan.fit(gaussian_data(3), epochs=1, batch_size=1, verbose=0)
    assert int(to_numpy(gan.g_optimizer.iterations)) == 3
    assert np.isfinite(history.history["g_loss"]).all()


def test_empty_dataset_is_an_error():
    with pytest.raises(ValueError, match="argument `x`: the dataset is empty"):
        compiled().fit(np.zeros((0, 2), "float32"), epochs=1, verbose=0)


def test_nan_rows_in_data_never_make_the_weights_non_finite():
    data = gaussian_data(256)
    data[::7] = np.nan
    gan = compiled()
    gan.fit(data, epochs=2, batch_size=64, verbose=0)
    assert all(np.isfinite(w).all() for w in weights_of(gan))


def test_fit_twice_continues_training():
    gan = compiled()
    gan.fit(gaussian_data(128), epochs=1, batch_size=64, verbose=0)
    gan.fit(gaussian_data(128), epochs=1, batch_size=64, verbose=0)
    assert int(to_numpy(gan.g_optimizer.iterations)) == 4
    assert int(to_numpy(gan.d_optimizer.iterations)) == 4


def test_load_model_needs_no_unsafe_deserialization(tmp_keras_path):
    gan = compiled()
    gan.fit(gaussian_data(64), epochs=1, verbose=0,
            callbacks=[keras_gan.callbacks.GeneratorEMA()])
    loaded = save_and_reload(gan, tmp_keras_path)
    np.testing.assert_allclose(loaded.generate(4, seed=0), gan.generate(4, seed=0))


def rewrite_config(path, edit):
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(files["config.json"])
    edit(config["config"])
    files["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def test_file_from_another_version_gets_a_clear_message(tmp_keras_path):
    compiled().save(tmp_keras_path)

    def from_future_version(config):
        config["keras_gan_version"] = "9.0.0"
        config["generator_v9_option"] = True  # something this version lacks

    rewrite_config(tmp_keras_path, from_future_version)
    with pytest.raises(ValueError, match=r"saved with keras_gan 9.0.0 and this is keras_gan"):
        keras.models.load_model(tmp_keras_path)


def test_file_saved_by_this_version_records_it(tmp_keras_path):
    compiled().save(tmp_keras_path)
    with zipfile.ZipFile(tmp_keras_path) as archive:
        config = json.loads(archive.read("config.json"))
    assert config["config"]["keras_gan_version"] == keras_gan.__version__


def test_empty_tf_dataset_is_an_error():
    import tensorflow as tf

    empty = tf.data.Dataset.from_tensor_slices(np.zeros((0, 2), "float32")).batch(8)
    with pytest.raises(ValueError, match="the dataset is empty.*cardinality 0"):
        compiled().fit(empty, epochs=1, verbose=0)


def test_dataset_yielding_no_batches_is_an_error():
    no_batches = (batch for batch in [])
    with pytest.raises(ValueError, match="at least one batch"):
        compiled().fit(no_batches, epochs=1, verbose=0)


def test_refused_fit_and_evaluate_leave_the_model_as_it_was():
    # On JAX the data checks run while the step is traced, after Keras has
    # detached the variables' values: the refusal must give them back.
    gan = compiled()
    before = weights_of(gan)
    wrong = np.zeros((64, 3), "float32")
    for call in (gan.fit, gan.evaluate):
        with pytest.raises(ValueError, match=r"Expected batches of shape \(None, 2\)"):
            call(wrong, verbose=0)
        assert_weights_equal(before, weights_of(gan))
    gan.evaluate(gaussian_data(64), verbose=0)
    gan.fit(gaussian_data(64), epochs=1, verbose=0)
    assert not np.allclose(before[0], weights_of(gan)[0])
