"""Writes the `.keras` files that `tests/test_legacy_files.py` loads.

Run once, with the package as it was before the restructuring of the
source tree (commit b4feb84), so that the tests check that files saved by
that version still load: `KERAS_BACKEND=tensorflow python
tests/data/legacy/make_legacy_models.py`. Each model is trained for a few
steps (so that optimizer slots exist) and saved next to the outputs of its
networks on fixed inputs, in `expected.npz`.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import keras_gan  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def adam():
    return keras.optimizers.Adam(1e-3, beta_1=0.5)


def image_gan(expected):
    keras.utils.set_random_seed(0)
    generator = keras_gan.models.dcgan_generator(
        8, (8, 8, 1), base_filters=4
    )
    discriminator = keras_gan.models.dcgan_discriminator(
        (8, 8, 1), base_filters=4, spectral_norm=True
    )
    gan = keras_gan.GAN(generator, discriminator, latent_dim=8, seed=0)
    gan.compile(
        d_optimizer=adam(),
        g_optimizer=adam(),
        loss=keras_gan.losses.RelativisticLoss(),
        penalty=[keras_gan.penalties.R1Penalty(0.1)],
    )
    data = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1))
    gan.fit(data.astype("float32"), batch_size=8, epochs=1, verbose=0,
            callbacks=[keras_gan.callbacks.GeneratorEMA(0.9)])
    noise = np.random.default_rng(1).normal(size=(3, 8)).astype("float32")
    expected["gan"] = keras.ops.convert_to_numpy(gan.generator(noise))
    expected["gan_noise"] = noise
    gan.save(os.path.join(HERE, "gan.keras"))


def conditional_gan(expected):
    keras.utils.set_random_seed(0)
    generator = keras_gan.models.dcgan_generator(
        8, (8, 8, 1), base_filters=4, num_classes=3
    )
    discriminator = keras_gan.models.dcgan_discriminator(
        (8, 8, 1), base_filters=4, num_classes=3
    )
    gan = keras_gan.ConditionalGAN(
        generator, discriminator, latent_dim=8, num_classes=3, seed=0
    )
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
    y = rng.integers(0, 3, 16)
    gan.fit(x, y, batch_size=8, epochs=1, verbose=0)
    noise = rng.normal(size=(3, 8)).astype("float32")
    labels = np.array([0, 1, 2])
    expected["conditional_gan"] = keras.ops.convert_to_numpy(
        gan.generator([noise, labels])
    )
    expected["conditional_gan_noise"] = noise
    gan.save(os.path.join(HERE, "conditional_gan.keras"))


def translation(expected):
    keras.utils.set_random_seed(0)
    shape = (8, 8, 1)
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (8,) + shape).astype("float32")
    b = rng.uniform(-1, 1, (8,) + shape).astype("float32")
    pix2pix = keras_gan.Pix2Pix(
        keras_gan.models.unet_generator(shape, filters=4, num_downsamples=2),
        keras_gan.models.patchgan_discriminator(
            shape, filters=4, num_layers=1, conditional=True
        ),
    )
    pix2pix.compile(g_optimizer=adam(), d_optimizer=adam())
    pix2pix.fit(a, b, batch_size=4, epochs=1, verbose=0)
    expected["pix2pix"] = keras.ops.convert_to_numpy(
        pix2pix.generator(a[:2], training=False)
    )
    pix2pix.save(os.path.join(HERE, "pix2pix.keras"))

    def generator(name):
        return keras_gan.models.resnet_translation_generator(
            shape, 1, filters=4, num_downsamples=1, name=name
        )

    def discriminator(name):
        return keras_gan.models.patchgan_discriminator(
            shape, filters=4, num_layers=1, name=name
        )

    cyclegan = keras_gan.CycleGAN(
        generator("g_ab"), generator("g_ba"),
        discriminator("d_a"), discriminator("d_b"), pool_size=4, seed=0,
    )
    cyclegan.compile(g_optimizer=adam(), d_optimizer=adam())
    cyclegan.fit(a, b,
                 batch_size=4, epochs=1, verbose=0)
    expected["cyclegan"] = keras.ops.convert_to_numpy(
        cyclegan.generator_ab(a[:2], training=False)
    )
    cyclegan.save(os.path.join(HERE, "cyclegan.keras"))
    expected["translation_inputs"] = a[:2]


def text_gan(expected):
    keras.utils.set_random_seed(0)
    vocab = keras_gan.text.CharacterVocabulary(list("ABCDE"), 6)
    generator = keras_gan.models.sequence_generator(
        8, 6, vocab.size, channels=8, num_blocks=1, kernel_size=3, seed=0,
        vocabulary=vocab,
    )
    discriminator = keras_gan.models.sequence_discriminator(
        6, vocab.size, channels=8, num_blocks=1, kernel_size=3
    )
    gan = keras_gan.GAN(generator, discriminator, latent_dim=8, seed=0)
    gan.compile(**keras_gan.text.default_compile_kwargs())
    data = vocab.encode(["ABAB", "BAB", "CDE", "EDCBA"] * 4)
    gan.fit(data, batch_size=8, epochs=1, verbose=0)
    noise = np.random.default_rng(1).normal(size=(3, 8)).astype("float32")
    expected["text_gan"] = keras.ops.convert_to_numpy(
        gan.generator(noise, training=False)
    )
    expected["text_gan_noise"] = noise
    gan.save(os.path.join(HERE, "text_gan.keras"))


def tabular(expected):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    rows = 200
    frame = pd.DataFrame(
        {
            "income": rng.normal(50.0, 10.0, rows),
            "job": rng.choice(["clerk", "nurse", "farming"], rows),
            "owner": rng.random(rows) < 0.4,
        }
    )
    synth = keras_gan.tabular.TabularGAN.from_data(
        frame, discrete_columns=["job"], latent_dim=8, generator_dims=(16,),
        discriminator_dims=(16,), pack=2, seed=0,
    )
    synth.compile()
    synth.fit(frame, batch_size=20, epochs=1, verbose=0)
    noise = np.random.default_rng(1).normal(size=(3, 8)).astype("float32")
    cond = np.zeros((3, synth.generator.inputs[1].shape[-1]), "float32")
    expected["tabular"] = keras.ops.convert_to_numpy(
        synth.generator([noise, cond], training=False)
    )
    expected["tabular_noise"] = noise
    synth.save(os.path.join(HERE, "tabular_gan.keras"))


if __name__ == "__main__":
    expected = {}
    image_gan(expected)
    conditional_gan(expected)
    translation(expected)
    text_gan(expected)
    tabular(expected)
    np.savez(os.path.join(HERE, "expected.npz"), **expected)
    print(sorted(expected))
