"""Augmentation inside the GAN training step."""

import keras
import numpy as np
from sklearn.datasets import load_digits

import keras_gan
from tests.conftest import save_and_reload
from tests.conftest import to_numpy


def digits(num=None):
    images = load_digits().images[:num].astype("float32")
    return (images / 8.0 - 1.0)[..., None]  # (n, 8, 8, 1) in [-1, 1]


def image_gan(augmentation, seed=0):
    keras.utils.set_random_seed(seed)
    generator = keras_gan.models.dcgan_generator(16, (8, 8, 1), base_filters=8)
    discriminator = keras_gan.models.dcgan_discriminator((8, 8, 1), base_filters=16)
    return keras_gan.GAN(
        generator, discriminator, latent_dim=16, augmentation=augmentation, seed=seed
    )


def test_ada_probability_rises_when_the_discriminator_overfits(tmp_keras_path):
    # 16 real images and a fast discriminator: it memorizes the reals, the
    # sign of its real outputs goes to +1 and ADA raises p.
    ada = keras_gan.augment.AdaptiveAugment(adjustment_speed=2_000, seed=0)
    gan = image_gan(ada)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(1e-5, beta_1=0.5),
        penalty=None,
    )
    history = gan.fit(digits(16), epochs=30, batch_size=16, verbose=0)
    p = history.history["aug_p"]
    assert len(p) == 30
    assert p[-1] > 0.1 and p[-1] > p[0], p
    assert float(to_numpy(ada.probability)) == p[-1]

    loaded = save_and_reload(gan, tmp_keras_path)
    assert isinstance(loaded.augmentation, keras_gan.augment.AdaptiveAugment)
    assert float(to_numpy(loaded.augmentation.probability)) == p[-1]


def test_discriminator_sees_augmented_reals_and_fakes():
    class Recording(keras_gan.GAN):
        def call_discriminator(self, samples, labels=None, training=False):
            self.seen.append(samples)
            return super().call_discriminator(samples, labels, training)

    keras.utils.set_random_seed(0)
    augmentation = keras_gan.augment.DiffAugment(policy=("cutout",), seed=0)
    gan = Recording(
        keras_gan.models.dcgan_generator(16, (8, 8, 1), base_filters=8),
        keras_gan.models.dcgan_discriminator((8, 8, 1), base_filters=8),
        latent_dim=16,
        augmentation=augmentation,
    )
    gan.seen = []
    gan.compile(penalty=None)
    real = keras.ops.convert_to_tensor(digits(8))
    gan.compute_discriminator_loss(real)
    seen_real, seen_fake = (to_numpy(x) for x in gan.seen[:2])
    # Cutout zeroes a square of every real and every fake image.
    assert np.all(np.sum(seen_real == 0.0, axis=(1, 2, 3)) >= 4)
    assert np.all(np.sum(seen_fake == 0.0, axis=(1, 2, 3)) >= 4)
    assert not np.allclose(seen_real, to_numpy(real))


def test_diffaugment_gan_trains_and_round_trips(tmp_keras_path):
    gan = image_gan(keras_gan.augment.DiffAugment(seed=1))
    gan.compile()
    history = gan.fit(digits(128), epochs=2, batch_size=32, verbose=0)
    assert np.isfinite(history.history["g_loss"]).all()
    assert "aug_p" not in history.history
    loaded = save_and_reload(gan, tmp_keras_path)
    assert loaded.augmentation.get_config() == gan.augmentation.get_config()
