"""Tiny models of every family, their data and what to compare.

Shared by the distribution scripts (`tests/scripts/distributed_cases.py`,
`tests/scripts/torch_multiprocess.py`), the resume script
(`tests/scripts/preempted_family.py`) and the in-process family tests
(`tests/core/test_families.py`). Imports only Keras and keras_gan, so a
script sets its backend and devices first.

Each family is built with the random parts that must be one draw for the
global batch: `Pix2Pix` with a gradient penalty (mixing weights);
`CycleGAN` with a history pool of 4 images, so the pool fills from the
first rows of the first global batch of 8 and the rows of the second
replica (or process) are the ones swapped for stored images; the text GAN
with a Gumbel-softmax generator and R1; `TabularGAN` with
training-by-sampling, packs of 2 rows and a gradient penalty. The networks
have no batch normalization or dropout, whose statistics and masks are per
replica under `tf.distribute` and per process under `torch.distributed`
(see docs/distributed.md).
"""

import re

import keras
import numpy as np

import keras_gan

FAMILIES = ("pix2pix", "cyclegan", "text", "tabular", "cut", "textgan")
GLOBAL_BATCH = 8
STEPS = 2
SHAPE = (4, 4, 1)
TEXT = dict(sequence_length=6, vocab_size=5)
LETTERS = "ABC"
CORE_SHAPE = (8, 8, 1)


def _sgd():
    return keras.optimizers.SGD(0.1)


def _image_generator(name):
    return keras.Sequential(
        [
            keras.Input(SHAPE),
            keras.layers.Conv2D(4, 3, padding="same", activation="tanh"),
            keras.layers.Conv2D(1, 1, activation="tanh"),
        ],
        name=name,
    )


def _patch_discriminator(name, inputs=1):
    sources = [keras.Input(SHAPE) for _ in range(inputs)]
    h = sources[0] if inputs == 1 else keras.layers.Concatenate()(sources)
    h = keras.layers.Conv2D(4, 3, strides=2, padding="same", activation="tanh")(h)
    logits = keras.layers.Conv2D(1, 1)(h)
    return keras.Model(sources if inputs > 1 else sources[0], logits, name=name)


def table(rows=GLOBAL_BATCH * STEPS + 4):
    import pandas as pd

    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "income": rng.normal(20.0, 3.0, rows),
            "job": rng.choice(["clerk", "nurse", "farming"], rows),
            "owner": rng.random(rows) < 0.4,
        }
    )


def build(family, init_seed=0):
    """A compiled model of `family`; `init_seed` draws its initial weights
    (the random streams keep their own seeds)."""
    keras.utils.set_random_seed(init_seed)
    if family == "pix2pix":
        model = keras_gan.Pix2Pix(
            _image_generator("generator"),
            _patch_discriminator("discriminator", inputs=2),
            l1_weight=10.0,
            seed=0,
        )
        model.compile(
            d_optimizer=_sgd(),
            g_optimizer=_sgd(),
            penalty=keras_gan.penalties.GradientPenalty(1.0),
        )
    elif family == "cyclegan":
        model = keras_gan.CycleGAN(
            _image_generator("generator_ab"),
            _image_generator("generator_ba"),
            _patch_discriminator("discriminator_a"),
            _patch_discriminator("discriminator_b"),
            pool_size=4,
            seed=0,
        )
        model.compile(d_optimizer=_sgd(), g_optimizer=_sgd())
    elif family == "text":
        generator = keras_gan.models.sequence_generator(
            4, channels=8, num_blocks=1, kernel_size=3,
            output="gumbel_softmax", seed=3, **TEXT,
        )
        discriminator = keras_gan.models.sequence_discriminator(
            channels=8, num_blocks=1, kernel_size=3, **TEXT
        )
        model = keras_gan.GAN(generator, discriminator, latent_dim=4, seed=0)
        model.compile(
            d_optimizer=_sgd(),
            g_optimizer=_sgd(),
            penalty=keras_gan.penalties.R1Penalty(1.0),
        )
    elif family == "tabular":
        from keras_gan.tabular import TabularGAN
        from keras_gan.tabular import TabularTransformer

        transformer = TabularTransformer(["job"], max_modes=2).fit(table())
        condition_dim = sum(w for _, _, w in transformer.discrete_spans())
        noise = keras.Input((4,))
        conditions = keras.Input((condition_dim,))
        h = keras.layers.Concatenate()([noise, conditions])
        h = keras.layers.Dense(8, activation="relu")(h)
        generator = keras.Model(
            [noise, conditions], keras.layers.Dense(transformer.output_dim)(h)
        )
        pack = 2
        discriminator = keras.Sequential(
            [
                keras.Input((pack * (transformer.output_dim + condition_dim),)),
                keras.layers.Dense(8, activation="tanh"),
                keras.layers.Dense(1),
            ]
        )
        model = TabularGAN(
            generator, discriminator, latent_dim=4, transformer=transformer,
            pack=pack, seed=0,
        )
        model.compile(d_optimizer=_sgd(), g_optimizer=_sgd())
    elif family == "cut":
        inputs = keras.Input(SHAPE, name="image")
        h = keras.layers.Conv2D(4, 3, padding="same", activation="tanh", name="encode")(inputs)
        outputs = keras.layers.Conv2D(1, 1, activation="tanh", name="output")(h)
        model = keras_gan.CUT(
            keras.Model(inputs, outputs, name="generator"),
            _patch_discriminator("discriminator"),
            nce_layers=["image", "encode"],
            num_patches=6,
            projection_units=16,
            pool_size=4,
            seed=0,
        )
        model.compile(d_optimizer=_sgd(), g_optimizer=_sgd())
    elif family == "textgan":
        vocabulary = keras_gan.text.CharacterVocabulary(
            list(LETTERS), TEXT["sequence_length"]
        )
        generator = keras_gan.text.RecurrentGenerator(
            vocabulary, embedding_dim=4, units=8
        )
        discriminator = keras_gan.models.sequence_discriminator(
            vocabulary.max_length, vocabulary.size, channels=8, num_blocks=1,
            kernel_size=3,
        )
        model = keras_gan.TextGAN(generator, discriminator, pretrain_epochs=0, seed=0)
        model.compile(
            d_optimizer=_sgd(),
            g_optimizer=_sgd(),
            penalty=keras_gan.penalties.R1Penalty(1.0),
        )
    else:
        raise ValueError(f"Unknown family {family!r}")
    return model


def data(family):
    """The whole training data of `family` (global batches, in order)."""
    rows = GLOBAL_BATCH * STEPS
    rng = np.random.default_rng(1)
    if family in ("pix2pix", "cyclegan", "cut"):
        return tuple(
            rng.uniform(-1, 1, (rows,) + SHAPE).astype("float32") for _ in range(2)
        )
    if family == "text":
        tokens = rng.integers(0, TEXT["vocab_size"], (rows, TEXT["sequence_length"]))
        return np.eye(TEXT["vocab_size"], dtype="float32")[tokens]
    if family == "textgan":
        lengths = rng.integers(1, TEXT["sequence_length"] + 1, rows)
        texts = ["".join(rng.choice(list(LETTERS), n)) for n in lengths]
        vocabulary = keras_gan.text.CharacterVocabulary(
            list(LETTERS), TEXT["sequence_length"]
        )
        return vocabulary.texts_to_ids(texts)
    return table()


def fit(model, family, x, batch_size, **kwargs):
    """`model.fit` on `x` (a tuple of arrays or a DataFrame), in order."""
    kwargs = {"epochs": 1, "verbose": 0, **kwargs}
    if family == "tabular":
        return model.fit(x, batch_size=batch_size, **kwargs)
    if isinstance(x, tuple):
        return model.fit(*x, batch_size=batch_size, shuffle=False, **kwargs)
    return model.fit(x, batch_size=batch_size, shuffle=False, **kwargs)


def weights(model):
    """Every weight of `model` (pools and random states included) by path."""
    return {
        # Without the counters Keras appends to the names of a second model's
        # layers in one process ("dense_5"): keys compare across models.
        f"{i}_{re.sub(r'_[0-9]+(?=/|$)', '', w.path).replace('/', '.')}":
        keras.ops.convert_to_numpy(w)
        for i, w in enumerate(model.weights)
    }


def results(model, history, initial):
    """The weights before (`initial` from `weights`) and after training,
    and the logs."""
    values = {f"w{key}": value for key, value in weights(model).items()}
    values.update({f"initial{key}": value for key, value in initial.items()})
    values.update({f"log_{k}": np.array(v) for k, v in history.history.items()})
    return values


def first_batch(model, family, x):
    """The first training batch of `x`, as the model's train step sees it."""
    if family == "tabular":
        return tuple(model.make_batches(x, GLOBAL_BATCH)[0])
    if isinstance(x, tuple):
        return tuple(v[:GLOBAL_BATCH] for v in x)
    return (x[:GLOBAL_BATCH],)


def loss_terms(model, family, batch):
    """Every term of both objectives on `batch`, not training."""
    if family == "cut":
        _, g_terms = model.compute_generator_loss(*batch, training=False)
        _, d_terms = model.compute_discriminator_loss(
            batch[1], g_terms.pop("fake_b"), training=False
        )
    elif family == "cyclegan":
        _, g_terms = model.compute_generator_loss(*batch, training=False)
        _, d_terms = model.compute_discriminator_loss(
            *batch, g_terms.pop("fake_a"), g_terms.pop("fake_b"), training=False
        )
    else:
        batch = tuple(keras.ops.convert_to_tensor(v) for v in batch)
        # A `GAN` (text, tabular) returns `(total, terms, real_logits)` and
        # its generator loss alone; a `TextGAN` `(total, terms)` for both.
        d_terms = model.compute_discriminator_loss(*batch, training=False)[1]
        g_terms = model.compute_generator_loss(*batch, training=False)
        if not isinstance(g_terms, tuple):
            g_terms = (None, {"g_loss": g_terms})
        g_terms = g_terms[1]
    return {**d_terms, **g_terms}


def outputs(model, family, seed=0):
    """What the trained model produces, for save/load comparisons."""
    if family in ("pix2pix", "cyclegan", "cut"):
        sources = np.random.default_rng(seed).uniform(-1, 1, (4,) + SHAPE)
        return model.translate(sources.astype("float32"))
    if family == "text":
        return model.generate(4, seed=seed)
    return model.generate(4, seed=seed)


def core_gan(case, optimizer, learning_rate):
    """The core `GAN` of the distribution scripts' own cases: `"random_draws"`
    (adaptive augmentation, a gradient penalty and R1, `d_steps=2`) or any
    other (R1 only), with `optimizer(learning_rate)` for both networks."""
    keras.utils.set_random_seed(0)
    generator = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(64, activation="tanh"),
         keras.layers.Reshape(CORE_SHAPE)]
    )
    discriminator = keras.Sequential(
        [keras.Input(CORE_SHAPE), keras.layers.Flatten(),
         keras.layers.Dense(16, activation="tanh"), keras.layers.Dense(1)]
    )
    augmentation = None
    penalty = keras_gan.penalties.R1Penalty(1.0)
    if case == "random_draws":
        augmentation = keras_gan.augment.AdaptiveAugment(
            initial_probability=0.5, adjustment_speed=100, seed=1
        )
        penalty = [keras_gan.penalties.GradientPenalty(1.0), penalty]
    gan = keras_gan.GAN(
        generator, discriminator, latent_dim=4, seed=0, augmentation=augmentation
    )
    gan.compile(
        d_optimizer=optimizer(learning_rate),
        g_optimizer=optimizer(learning_rate),
        penalty=penalty,
        d_steps=2 if case == "random_draws" else 1,
    )
    return gan
