import glob
import os
import sys

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.callbacks import SampleGrid
from keras_gan.callbacks import make_image_grid
from keras_gan.callbacks import save_image_grid

IMAGE_SHAPE = (8, 8, 1)
LATENT_DIM = 4


def image_gan(seed=0):
    """A small image GAN without batch norm (frozen when the lr is 0)."""
    keras.utils.set_random_seed(seed)
    generator = keras.Sequential(
        [
            keras.Input((LATENT_DIM,)),
            keras.layers.Dense(int(np.prod(IMAGE_SHAPE)), activation="tanh"),
            keras.layers.Reshape(IMAGE_SHAPE),
        ],
        name="generator",
    )
    discriminator = keras.Sequential(
        [
            keras.Input(IMAGE_SHAPE),
            keras.layers.Flatten(),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1),
        ],
        name="discriminator",
    )
    return keras_gan.GAN(generator, discriminator, latent_dim=LATENT_DIM, seed=seed)


def real_images(num=64, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, size=(num,) + IMAGE_SHAPE).astype("float32")


def tile(grid, row, col, size=8, padding=2):
    top = padding + row * (size + padding)
    left = padding + col * (size + padding)
    return grid[top : top + size, left : left + size]


# === make_image_grid / save_image_grid ===


def test_grid_layout_and_pixel_mapping_from_minus_one_one():
    values = [-1.0, 0.0, 0.5, 1.0]
    images = np.stack([np.full((3, 2, 1), v, "float32") for v in values])
    grid = make_image_grid(images, nrow=2, padding=1, pad_value=7)
    assert grid.dtype == np.uint8
    # 2 rows x 2 columns of 3x2 tiles, 1 pixel of padding everywhere.
    assert grid.shape == (2 * 4 + 1, 2 * 3 + 1, 1)
    expected = [0, 128, 191, 255]  # round((v + 1) / 2 * 255)
    for index, value in enumerate(expected):
        row, col = divmod(index, 2)
        cell = grid[1 + row * 4 : 1 + row * 4 + 3, 1 + col * 3 : 1 + col * 3 + 2]
        assert np.all(cell == value), (index, cell)
    # Padding rows and columns.
    assert np.all(grid[0] == 7) and np.all(grid[:, 0] == 7)
    assert np.all(grid[4] == 7) and np.all(grid[:, 3] == 7)


def test_grid_value_ranges():
    images = np.array([0.0, 0.25, 1.0]).reshape(3, 1, 1, 1)
    # "auto" with no negative value: [0, 1].
    grid = make_image_grid(images, nrow=3, padding=0)
    np.testing.assert_array_equal(grid[0, :, 0], [0, 64, 255])
    # Explicit range, values outside are clipped.
    grid = make_image_grid(images * 4 - 2, nrow=3, padding=0, value_range=(-1, 1))
    np.testing.assert_array_equal(grid[0, :, 0], [0, 0, 255])
    # uint8 input is used as is.
    raw = np.array([3, 100, 250], np.uint8).reshape(3, 1, 1)
    np.testing.assert_array_equal(make_image_grid(raw, padding=0)[:, :, 0], [[3, 100], [250, 0]])


def test_grid_rgb_default_columns_and_incomplete_last_row():
    images = np.zeros((5, 4, 4, 3), "float32")
    images[4] = [1.0, 0.0, 0.0]  # the last image is red
    grid = make_image_grid(images, padding=2)
    # ceil(sqrt(5)) = 3 columns, 2 rows.
    assert grid.shape == (2 * 6 + 2, 3 * 6 + 2, 3)
    red = tile(grid, 1, 1, size=4)
    assert np.all(red == [255, 0, 0])
    assert np.all(tile(grid, 1, 2, size=4) == 0)  # unused cell


def test_grid_rejects_non_images():
    with pytest.raises(ValueError, match="channels"):
        make_image_grid(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="value_range"):
        make_image_grid(np.zeros((4, 2, 2)), value_range="minmax")
    with pytest.raises(ValueError, match="NaN"):
        make_image_grid(np.full((1, 2, 2), np.nan))


def test_save_image_grid_writes_png(tmp_path):
    from PIL import Image

    images = np.stack([np.full((8, 8, 1), v) for v in (-1.0, 1.0, 0.0)])
    path = tmp_path / "sub" / "grid.png"
    grid = save_image_grid(images, path, nrow=3)
    with Image.open(path) as png:
        assert png.size == (3 * 10 + 2, 10 + 2)
        assert png.mode == "L"
        np.testing.assert_array_equal(np.asarray(png), grid[..., 0])


def test_save_without_pillow_gives_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match="pip install pillow"):
        save_image_grid(np.zeros((1, 2, 2)), tmp_path / "grid.png")
    # The grid itself needs no Pillow.
    assert make_image_grid(np.zeros((1, 2, 2))).shape == (6, 6, 1)


# === SampleGrid ===


def test_writes_one_png_per_epoch_with_a_fixed_noise_grid(tmp_path):
    from PIL import Image

    gan = image_gan()
    frozen = keras.optimizers.Adam(learning_rate=0.0)
    gan.compile(d_optimizer=frozen, g_optimizer=keras.optimizers.Adam(0.0))
    callback = SampleGrid(tmp_path / "samples", num_images=16, nrow=4)
    gan.fit(real_images(), epochs=3, batch_size=32, verbose=0, callbacks=[callback])
    files = sorted(glob.glob(str(tmp_path / "samples" / "*.png")))
    assert [os.path.basename(f) for f in files] == [
        "epoch_0001.png",
        "epoch_0002.png",
        "epoch_0003.png",
    ]
    pixels = []
    for path in files:
        with Image.open(path) as png:
            assert png.size == (4 * 10 + 2, 4 * 10 + 2)
            pixels.append(np.asarray(png))
    # A frozen generator and the same seed: identical grids.
    np.testing.assert_array_equal(pixels[0], pixels[1])
    np.testing.assert_array_equal(pixels[0], pixels[2])
    np.testing.assert_array_equal(pixels[2], callback.last_grid[..., 0])
    # The grid shows what `generate` returns with the same seed.
    expected = make_image_grid(gan.generate(16, seed=0), nrow=4)
    np.testing.assert_array_equal(callback.last_grid, expected)
    # 16 distinct images, not one repeated.
    assert len({tile(pixels[0], r, c).tobytes() for r in range(4) for c in range(4)}) == 16


def test_every_and_training_changes_the_grid(tmp_path):
    gan = image_gan()
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-2),
        g_optimizer=keras.optimizers.Adam(1e-2),
    )
    grids = []

    class Keep(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            grids.append(None if sample_grid.last_grid is None else sample_grid.last_grid.copy())

    sample_grid = SampleGrid(tmp_path, every=2, num_images=9)
    gan.fit(real_images(), epochs=4, batch_size=16, verbose=0, callbacks=[sample_grid, Keep()])
    names = sorted(os.listdir(tmp_path))
    assert names == ["epoch_0002.png", "epoch_0004.png"]
    assert grids[0] is None
    assert not np.array_equal(grids[1], grids[3])


def test_seed_none_draws_fresh_noise(tmp_path):
    gan = image_gan()
    gan.compile(d_optimizer=keras.optimizers.Adam(0.0), g_optimizer=keras.optimizers.Adam(0.0))
    callback = SampleGrid(tmp_path, num_images=4, seed=None)
    callback.set_model(gan)
    first = callback.generate_grid()
    assert not np.array_equal(first, callback.generate_grid())


CLASS_VALUES = (-1.0, 0.1, 1.0)
CLASS_PIXELS = (0, 140, 255)  # round((v + 1) / 2 * 255)


def conditional_gan(num_classes=3):
    """A conditional GAN whose images are constant per class (-1, 0.1, 1),
    plus a tiny noise-dependent term."""
    keras.utils.set_random_seed(0)
    noise = keras.Input((LATENT_DIM,))
    labels = keras.Input((1,), dtype="int32")
    embedding = keras.layers.Embedding(
        num_classes,
        int(np.prod(IMAGE_SHAPE)),
        embeddings_initializer=keras.initializers.Constant(0.0),
    )
    per_class = keras.layers.Reshape(IMAGE_SHAPE)(embedding(labels))
    dense = keras.layers.Dense(int(np.prod(IMAGE_SHAPE)), use_bias=False)
    noise_term = keras.layers.Reshape(IMAGE_SHAPE)(dense(noise))
    images = keras.layers.Add()([per_class, noise_term])
    generator = keras.Model([noise, labels], images, name="generator")
    embedding.set_weights(
        [np.repeat(np.array(CLASS_VALUES)[:, None], 64, axis=1)]
    )
    # Noise moves pixels by at most 1e-4: invisible after rounding.
    dense.set_weights([np.full((LATENT_DIM, 64), 1e-5, "float32")])
    discriminator = keras_gan.models.dcgan_discriminator(
        IMAGE_SHAPE, base_filters=4, num_classes=num_classes
    )
    return keras_gan.ConditionalGAN(
        generator, discriminator, latent_dim=LATENT_DIM, num_classes=num_classes
    )


def test_conditional_rows_follow_classes(tmp_path):
    gan = conditional_gan(num_classes=3)
    callback = SampleGrid(tmp_path, num_images=10)
    callback.set_model(gan)
    labels, nrow = callback.sample_labels()
    np.testing.assert_array_equal(labels, [0, 0, 0, 1, 1, 1, 2, 2, 2])
    assert nrow == 3
    callback.on_train_begin()
    callback.on_epoch_end(0, {})
    grid = callback.last_grid
    assert grid.shape == (3 * 10 + 2, 3 * 10 + 2, 1)
    for row, value in enumerate(CLASS_PIXELS):
        for col in range(3):
            assert np.all(tile(grid, row, col) == value), (row, col)
    assert os.path.exists(tmp_path / "epoch_0001.png")


def test_conditional_explicit_labels(tmp_path):
    gan = conditional_gan(num_classes=3)
    callback = SampleGrid(tmp_path, labels=[2, 0], nrow=2)
    callback.set_model(gan)
    grid = callback.generate_grid()
    assert np.all(tile(grid, 0, 0) == 255) and np.all(tile(grid, 0, 1) == 0)
    unconditional = SampleGrid(tmp_path, labels=[0, 1])
    unconditional.set_model(image_gan())
    with pytest.raises(ValueError, match="conditional"):
        unconditional.generate_grid()


def test_tensorboard_image_summaries(tmp_path):
    tf = pytest.importorskip("tensorflow")
    gan = image_gan()
    gan.compile()
    log_dir = tmp_path / "logs"
    callback = SampleGrid(tmp_path / "png", num_images=4, tensorboard_log_dir=log_dir)
    gan.fit(real_images(32), epochs=2, batch_size=32, verbose=0, callbacks=[callback])
    event_files = glob.glob(str(log_dir / "samples" / "events.out.tfevents.*"))
    assert event_files
    steps = []
    for event_file in event_files:
        for event in tf.compat.v1.train.summary_iterator(event_file):
            for value in event.summary.value:
                if value.tag == "samples":
                    steps.append(event.step)
                    image = tf.io.decode_png(tf.make_ndarray(value.tensor)[2])
                    assert tuple(image.shape) == callback.last_grid.shape
    assert sorted(steps) == [0, 1]


def test_config_round_trip(tmp_path):
    callback = SampleGrid(
        tmp_path,
        every=3,
        num_images=8,
        seed=5,
        labels=[1, 2],
        value_range=(0, 1),
        nrow=2,
    )
    config = callback.get_config()
    assert SampleGrid(**config).get_config() == config
    assert keras.saving.get_registered_name(SampleGrid) == "keras_gan>SampleGrid"


def test_invalid_arguments(tmp_path):
    with pytest.raises(ValueError, match="every"):
        SampleGrid(tmp_path, every=0)
    with pytest.raises(ValueError, match="num_images"):
        SampleGrid(tmp_path, num_images=0)
    with pytest.raises(ValueError, match="labels"):
        SampleGrid(tmp_path, labels=[0.5])
    with pytest.raises(ValueError, match="value_range"):
        SampleGrid(tmp_path, value_range=(1, 0))
