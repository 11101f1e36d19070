"""Fine-tuning a trained GAN with frozen layers (FreezeD) the Keras way.

A trained GAN is loaded with `keras.models.load_model`, the first layers of
its discriminator (and of its generator, batch norm included) get
`trainable = False`, `compile()` runs again and `fit()` fine-tunes. Frozen
weights must stay bit-identical, the others move; the flags, weights and
optimizer state survive `.keras` saving and `BackupAndRestore` resume.
"""

import json
import warnings

import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import InterruptAt
from tests.conftest import assert_weights_equal
from tests.conftest import gaussian_data
from tests.conftest import mlp
from tests.conftest import to_numpy
from tests.conftest import weights_of

PRETRAIN_DATA = gaussian_data(256, center=(2.0, -1.0))
FINETUNE_DATA = gaussian_data(256, center=(-1.0, 1.5), seed=1)
FIT = dict(batch_size=64, shuffle=False, verbose=0)


def generator_with_batch_norm():
    return keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(16, name="g_dense"),
            keras.layers.BatchNormalization(name="g_bn"),
            keras.layers.ReLU(name="g_relu"),
            keras.layers.Dense(2, name="g_out"),
        ],
        name="generator",
    )


def adam():
    return keras.optimizers.Adam(1e-3, beta_1=0.5)


@pytest.fixture(scope="module")
def pretrained_path(tmp_path_factory):
    keras.utils.set_random_seed(0)
    gan = keras_gan.GAN(
        generator_with_batch_norm(),
        mlp(2, 1, hidden=16, name="discriminator"),
        latent_dim=2,
        seed=0,
    )
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    gan.fit(PRETRAIN_DATA, epochs=1, **FIT)
    path = str(tmp_path_factory.mktemp("pretrained") / "gan.keras")
    gan.save(path)
    return path


def frozen_variables(gan):
    """Every variable of a frozen layer, batch-norm statistics included."""
    layers = gan.discriminator.layers[:1] + gan.generator.layers[:2]
    return [v for layer in layers for v in layer.weights]


def free_variables(gan):
    frozen = {id(v) for v in frozen_variables(gan)}
    networks = (gan.generator, gan.discriminator)
    return [v for net in networks for v in net.weights if id(v) not in frozen]


def load_and_freeze(path):
    """The documented idiom: load, freeze the first layers, compile again."""
    gan = keras.models.load_model(path)
    for layer in gan.discriminator.layers[:1]:
        layer.trainable = False
    for layer in gan.generator.layers[:2]:  # Dense and BatchNormalization.
        layer.trainable = False
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    return gan


def values(variables):
    return [to_numpy(v) for v in variables]


def test_frozen_layers_stay_bit_identical_and_the_others_move(pretrained_path):
    gan = load_and_freeze(pretrained_path)
    assert len(gan.discriminator.trainable_weights) == 4
    assert len(gan.generator.trainable_weights) == 2
    frozen_before = values(frozen_variables(gan))
    free_before = values(free_variables(gan))

    gan.fit(FINETUNE_DATA, epochs=2, **FIT)

    for variable, before in zip(frozen_variables(gan), frozen_before):
        np.testing.assert_array_equal(to_numpy(variable), before, variable.path)
    # Batch norm of a frozen layer runs in inference mode: its moving
    # statistics are part of the frozen set checked above.
    assert any("moving_mean" in v.path for v in frozen_variables(gan))
    for variable, before in zip(free_variables(gan), free_before):
        assert not np.array_equal(to_numpy(variable), before), variable.path


def test_fine_tuned_gan_reloads_flags_weights_optimizer_and_continues(
    pretrained_path, tmp_path
):
    gan = load_and_freeze(pretrained_path)
    gan.fit(FINETUNE_DATA, epochs=1, **FIT)
    path = str(tmp_path / "finetuned.keras")
    gan.save(path)

    with warnings.catch_warnings():
        # Keras warns when saved optimizer slots do not match.
        warnings.simplefilter("error")
        loaded = keras.models.load_model(path)
    for network in ("generator", "discriminator"):
        assert [layer.trainable for layer in getattr(loaded, network).layers] == [
            layer.trainable for layer in getattr(gan, network).layers
        ]
    assert_weights_equal(weights_of(gan), weights_of(loaded))
    assert_weights_equal(
        values(gan.optimizer.variables), values(loaded.optimizer.variables)
    )
    assert int(to_numpy(loaded.g_optimizer.iterations)) == 4

    frozen_before = values(frozen_variables(loaded))
    gan.fit(FINETUNE_DATA, epochs=1, **FIT)
    loaded.fit(FINETUNE_DATA, epochs=1, **FIT)
    assert_weights_equal(weights_of(gan), weights_of(loaded), atol=1e-6)
    assert_weights_equal(values(frozen_variables(loaded)), frozen_before)


def test_recompile_with_the_same_optimizers_follows_new_flags(
    pretrained_path, tmp_path
):
    gan = keras.models.load_model(pretrained_path)
    gan.fit(FINETUNE_DATA, epochs=1, **FIT)  # Optimizers built for all.
    gan.discriminator.layers[0].trainable = False
    with pytest.warns(UserWarning, match="fresh copy"):
        gan.compile(d_optimizer=gan.d_optimizer, g_optimizer=gan.g_optimizer)
    frozen = gan.discriminator.layers[0].weights
    frozen_before = values(frozen)
    gan.fit(FINETUNE_DATA, epochs=1, **FIT)
    assert_weights_equal(values(frozen), frozen_before)

    path = str(tmp_path / "recompiled.keras")
    gan.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = keras.models.load_model(path)
    assert_weights_equal(
        values(gan.optimizer.variables), values(loaded.optimizer.variables)
    )


def test_recompile_with_unchanged_flags_keeps_the_optimizer_state(
    pretrained_path,
):
    gan = keras.models.load_model(pretrained_path)
    d_optimizer = gan.d_optimizer.inner_optimizer
    before = values(d_optimizer.variables)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gan.compile(
            d_optimizer=gan.d_optimizer, g_optimizer=gan.g_optimizer, d_steps=2
        )
    assert gan.d_optimizer.inner_optimizer is d_optimizer
    assert_weights_equal(values(d_optimizer.variables), before)
    assert int(to_numpy(d_optimizer.iterations)) == 4


def test_freezing_after_compile_asks_for_compile_again(pretrained_path):
    gan = keras.models.load_model(pretrained_path)
    gan.discriminator.layers[0].trainable = False
    with pytest.raises(ValueError, match=r"Call `compile\(\)` again"):
        gan.fit(FINETUNE_DATA, epochs=1, **FIT)
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    frozen_before = values(gan.discriminator.layers[0].weights)
    gan.fit(FINETUNE_DATA, epochs=1, **FIT)
    assert_weights_equal(values(gan.discriminator.layers[0].weights), frozen_before)


def test_backup_and_restore_resumes_a_frozen_fine_tune_exactly(
    pretrained_path, tmp_path
):
    epochs = 3
    reference = load_and_freeze(pretrained_path)
    history = reference.fit(FINETUNE_DATA, epochs=epochs, **FIT).history

    backup = str(tmp_path / "backup")
    interrupted = load_and_freeze(pretrained_path)
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(
            FINETUNE_DATA,
            epochs=epochs,
            callbacks=[
                keras.callbacks.BackupAndRestore(backup),
                InterruptAt(epoch=1),
            ],
            **FIT,
        )
    resumed = load_and_freeze(pretrained_path)
    resumed_history = resumed.fit(
        FINETUNE_DATA,
        epochs=epochs,
        callbacks=[keras.callbacks.BackupAndRestore(backup)],
        **FIT,
    ).history

    assert [layer.trainable for layer in resumed.discriminator.layers] == [
        False,
        True,
        True,
    ]
    assert_weights_equal(weights_of(reference), weights_of(resumed), atol=1e-6)
    assert_weights_equal(
        values(reference.optimizer.variables),
        values(resumed.optimizer.variables),
        atol=1e-6,
    )
    # The backup was written at the end of epoch 2: only epoch 3 reruns.
    np.testing.assert_allclose(
        resumed_history["g_loss"], history["g_loss"][2:], rtol=1e-5
    )


@pytest.mark.slow
def test_transfer_example_quick_run(tmp_path):
    from tests.images.test_examples import load_example
    from tests.images.test_examples import png_size

    out = tmp_path / "transfer"
    results = load_example("transfer_freezed").main(
        ["--quick", "--out", str(out), "--freeze-layers", "2"]
    )
    saved = json.loads((out / "results.json").read_text())
    assert saved["frozen_layers"] == results["frozen_layers"]
    assert len(saved["frozen_layers"]) == 2
    assert set(saved["variants"]) == {
        "pretrained",
        "freezed",
        "finetune_all",
        "scratch",
    }
    for variant in saved["variants"].values():
        assert np.isfinite(variant["fid"]) and variant["fid"] >= 0
        assert 0.0 <= variant["share_5_to_9"] <= 1.0
        assert sum(variant["digit_fractions"]) == pytest.approx(1.0, abs=0.01)
        assert png_size(variant["grid_path"]) == (242, 242)  # 8 x (28 + 2) + 2
    assert np.isfinite(saved["fid_floor"])
    # The fine-tuned GAN reloads with its frozen layers.
    gan = keras.models.load_model(out / "gan.keras")
    frozen = [layer.name for layer in gan.discriminator.layers if layer.weights]
    assert [
        gan.discriminator.get_layer(name).trainable for name in frozen
    ] == [False, False, True]
    assert (out / "pretrained.keras").exists()
    assert (out / "training_images.png").exists()


def test_freeze_layers_counts_only_layers_with_weights():
    discriminator = keras_gan.models.dcgan_discriminator((8, 8, 1), base_filters=4)
    weighted = [layer for layer in discriminator.layers if layer.weights]
    names = keras_gan.models.freeze_layers(discriminator, 2)
    assert names == [layer.name for layer in weighted[:2]]
    assert [layer.trainable for layer in weighted] == [False, False, True]
    # Only the last Dense layer's kernel and bias remain trainable.
    assert len(discriminator.trainable_weights) == 2
    assert keras_gan.models.freeze_layers(discriminator, 0) == []


@pytest.mark.parametrize("num_layers", [-1, 1.5, True, 4])
def test_freeze_layers_refuses_bad_counts(num_layers):
    discriminator = keras_gan.models.dcgan_discriminator((8, 8, 1), base_filters=4)
    with pytest.raises(ValueError, match="Invalid value for argument `num_layers`"):
        keras_gan.models.freeze_layers(discriminator, num_layers)


def test_frozen_discriminator_batch_norm_keeps_its_statistics_under_r1():
    keras.utils.set_random_seed(0)
    discriminator = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(16, name="d_dense"),
            keras.layers.BatchNormalization(name="d_bn"),
            keras.layers.ReLU(),
            keras.layers.Dense(1, name="d_out"),
        ],
        name="discriminator",
    )
    gan = keras_gan.GAN(mlp(2, 2, name="generator"), discriminator, latent_dim=2, seed=0)
    # Pretrained without penalty: a trainable batch norm under R1's input
    # gradients is another matter (see the report of issue 17).
    gan.compile(d_optimizer=adam(), g_optimizer=adam(), penalty=None)
    gan.fit(PRETRAIN_DATA, epochs=1, **FIT)
    statistics = discriminator.get_layer("d_bn").non_trainable_weights
    moved_in_pretraining = values(statistics)
    assert not np.allclose(moved_in_pretraining[0], 0.0)

    keras_gan.models.freeze_layers(discriminator, 2)  # Dense and BN.
    gan.compile(d_optimizer=adam(), g_optimizer=adam())  # R1 on reals.
    gan.fit(FINETUNE_DATA, epochs=1, **FIT)
    assert_weights_equal(values(statistics), moved_in_pretraining)
