"""The `keras.Model` contract and the fixes of the core redesign."""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import BACKEND
from tests.conftest import compiled_gan
from tests.conftest import gaussian_data
from tests.conftest import make_gan
from tests.conftest import mlp
from tests.conftest import to_numpy
from tests import conftest
from tests import families
from tests.core.test_families import assert_same_training
from tests.conftest import finish_process as finish

X = gaussian_data(64)
ROOT = conftest.ROOT
SCRIPT = os.path.join(ROOT, "tests", "scripts", "distributed_cases.py")


def sgd_compile(gan, **kwargs):
    gan.compile(
        d_optimizer=keras.optimizers.SGD(0.1),
        g_optimizer=keras.optimizers.SGD(0.1),
        **kwargs,
    )
    return gan


def regularized_gan(l2):
    keras.utils.set_random_seed(0)
    discriminator = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(
                8,
                activation="tanh",
                kernel_regularizer=keras.regularizers.L2(l2) if l2 else None,
            ),
            keras.layers.Dense(1),
        ]
    )
    return keras_gan.GAN(mlp(2, 2), discriminator, latent_dim=2, seed=0)


# === Bug 1: the networks' own losses ===


def test_layer_regularizer_is_added_to_the_discriminator_objective():
    plain = sgd_compile(regularized_gan(0.0), penalty=None)
    regularized = sgd_compile(regularized_gan(0.5), penalty=None)
    kernel = to_numpy(regularized.discriminator.layers[0].kernel)
    logs = regularized.train_on_batch(X[:32], return_dict=True)
    plain.train_on_batch(X[:32], return_dict=True)
    # Logged: the L2 term of the weights the update started from.
    np.testing.assert_allclose(
        float(logs["d_reg"]), 0.5 * np.sum(kernel**2), rtol=1e-5
    )
    assert float(logs["loss"]) == pytest.approx(
        float(logs["d_loss"]) + float(logs["g_loss"]) + float(logs["d_reg"]),
        rel=1e-5,
    )
    # The L2 gradient moved the kernel: 2 * 0.5 * kernel * lr on top of the
    # plain update, which started from the same weights.
    difference = to_numpy(plain.discriminator.layers[0].kernel) - to_numpy(
        regularized.discriminator.layers[0].kernel
    )
    np.testing.assert_allclose(difference, 0.1 * kernel, atol=1e-5)
    assert "d_reg" not in plain.train_on_batch(X[:32], return_dict=True)


@keras.saving.register_keras_serializable(package="keras_gan_tests")
class OutputPenalty(keras.layers.Layer):
    """Adds `mean(x**2)` with `add_loss` and passes `x` through."""

    def call(self, x):
        self.add_loss(keras.ops.mean(keras.ops.square(x)))
        return x


def test_add_loss_in_the_generator_is_minimized_and_logged():
    def train(layers):
        keras.utils.set_random_seed(0)
        generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)] + layers)
        gan = keras_gan.GAN(generator, mlp(2, 1), latent_dim=2, seed=0)
        gan.compile(penalty=None, g_optimizer=keras.optimizers.SGD(0.05))
        history = gan.fit(X * 0 + 5.0, epochs=4, batch_size=32, verbose=0)
        samples = gan.generate(256, seed=0)
        return history.history, float(np.mean(samples**2))

    logs, penalized_power = train([OutputPenalty()])
    plain_logs, plain_power = train([])
    assert logs["g_reg"][0] > 0
    assert "d_reg" not in logs and "g_reg" not in plain_logs
    # The output penalty pulls the samples towards 0, against the data at 5.
    assert penalized_power < 0.8 * plain_power


# === Bug 2: sample weights ===


@pytest.mark.parametrize("argument", ["sample_weight", "class_weight"])
def test_fit_refuses_sample_weighting(argument):
    gan = compiled_gan()
    value = np.ones(len(X)) if argument == "sample_weight" else {0: 1.0}
    with pytest.raises(ValueError, match=f"argument `{argument}`.*{argument}="):
        gan.fit(X, epochs=1, verbose=0, **{argument: value})
    with pytest.raises(ValueError, match=f"argument `{argument}`"):
        gan.evaluate(X, verbose=0, **{argument: value})


def test_batches_with_sample_weights_are_refused():
    gan = compiled_gan()
    with pytest.raises(ValueError, match="sample_weight"):
        gan.train_on_batch(X[:8], np.zeros(8), sample_weight=np.ones(8))


# === Bug 6: optimizers with use_ema ===


def test_optimizer_use_ema_swaps_in_the_average_at_the_end_of_fit():
    gan = make_gan()
    g_optimizer = keras.optimizers.Adam(1e-2, use_ema=True, ema_momentum=0.5)
    gan.compile(g_optimizer=g_optimizer, penalty=None)
    gan.fit(X, epochs=1, batch_size=16, verbose=0)
    averages = [to_numpy(v) for v in g_optimizer._model_variables_moving_average]
    for weight, average in zip(gan.generator.trainable_weights, averages):
        np.testing.assert_allclose(to_numpy(weight), average, atol=1e-6)


# === Bug 7: `loss` with several discriminator steps ===


def test_logged_loss_is_the_sum_of_the_logged_terms_with_d_steps():
    gan = compiled_gan(d_steps=3)
    logs = gan.fit(X, epochs=1, batch_size=16, verbose=0).history
    expected = logs["d_loss"][0] + logs["g_loss"][0] + logs["r1_penalty"][0]
    assert logs["loss"][0] == pytest.approx(expected, rel=1e-5)


# === Bug 9: metrics of subclasses ===


class CountingGAN(keras_gan.GAN):
    """The keras.io "customizing what happens in fit" pattern."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = keras.metrics.Sum(name="seen")

    def train_step(self, data):
        super().train_step(data)
        self.seen.update_state(1.0)
        return self.get_logs()


def test_metric_tracked_by_a_subclass_is_carried_through_the_step():
    gan = compiled_gan(cls=CountingGAN)
    logs = gan.fit(X, epochs=2, batch_size=16, verbose=0).history
    assert logs["seen"] == [4.0, 4.0]
    assert logs["d_loss"][0] > 0


# === Penalties share the discriminator pass and own their random stream ===


def test_penalty_does_not_change_the_generator_noise():
    with_gp = compiled_gan(penalty=keras_gan.penalties.GradientPenalty(1.0))
    without = compiled_gan(penalty=None)
    with_gp.train_on_batch(X[:16])
    without.train_on_batch(X[:16])
    np.testing.assert_array_equal(
        to_numpy(with_gp.sample_noise(4)), to_numpy(without.sample_noise(4))
    )


class CountingDiscriminatorCalls(keras_gan.GAN):
    calls = 0

    def call_discriminator(self, samples, labels=None, training=False):
        CountingDiscriminatorCalls.calls += 1
        return super().call_discriminator(samples, labels, training)


def test_r1_uses_the_logits_pass_of_the_loss():
    gan = make_gan(cls=CountingDiscriminatorCalls)
    gan.compile(penalty=keras_gan.penalties.R1Penalty(1.0), run_eagerly=True)
    CountingDiscriminatorCalls.calls = 0
    gan.train_on_batch(X[:16])
    # Real and fake for the discriminator loss (R1 reuses the real pass),
    # fake for the generator loss.
    assert CountingDiscriminatorCalls.calls == 3


def test_r1_value_in_the_step_equals_the_standalone_penalty():
    gan = sgd_compile(make_gan(), penalty=keras_gan.penalties.R1Penalty(2.0))
    expected = keras_gan.penalties.R1Penalty(2.0)(
        lambda x: gan.judge(x, training=True), X[:16], X[:16]
    )
    logs = gan.train_on_batch(X[:16], return_dict=True)
    assert float(logs["r1_penalty"]) == pytest.approx(float(to_numpy(expected)), rel=1e-4)


# === PatchGAN logits and packing ===


def patch_discriminator(shape=(8, 8, 1)):
    return keras.Sequential(
        [keras.Input(shape), keras.layers.Conv2D(4, 3, strides=2, padding="same",
                                                 activation="relu"),
         keras.layers.Conv2D(1, 3, padding="same")]
    )


def image_generator(shape=(8, 8, 1)):
    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(int(np.prod(shape)), activation="tanh"),
         keras.layers.Reshape(shape)]
    )


def test_patch_logits_are_averaged_by_the_losses():
    keras.utils.set_random_seed(0)
    gan = keras_gan.GAN(image_generator(), patch_discriminator(), latent_dim=4)
    gan.compile(penalty=keras_gan.penalties.R1Penalty(1.0))
    images = np.random.default_rng(0).uniform(-1, 1, (8, 8, 8, 1)).astype("float32")
    logits = gan.judge(images, training=False)
    assert tuple(logits.shape) == (8, 16)
    loss = keras_gan.losses.NonSaturatingLoss().discriminator_loss(logits, logits)
    expected = np.mean(np.logaddexp(0, -to_numpy(logits))) + np.mean(
        np.logaddexp(0, to_numpy(logits))
    )
    assert float(to_numpy(loss)) == pytest.approx(expected, rel=1e-5)
    history = gan.fit(images, epochs=2, batch_size=4, verbose=0).history
    assert np.isfinite(history["d_loss"]).all()


def test_packing_groups_samples_for_the_discriminator():
    keras.utils.set_random_seed(0)
    gan = keras_gan.GAN(mlp(2, 3), mlp(6, 1), latent_dim=2, pack=2)
    rows = np.arange(12, dtype="float32").reshape(4, 3)
    np.testing.assert_array_equal(
        to_numpy(gan.pack_samples(rows)), [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]
    )
    images = np.arange(2 * 2 * 2 * 3, dtype="float32").reshape(2, 2, 2, 3)
    image_gan = keras_gan.GAN(
        image_generator((2, 2, 3)), patch_discriminator((2, 2, 6)), latent_dim=4, pack=2
    )
    packed = to_numpy(image_gan.pack_samples(images))
    assert packed.shape == (1, 2, 2, 6)
    np.testing.assert_array_equal(packed[0, ..., :3], images[0])
    np.testing.assert_array_equal(packed[0, ..., 3:], images[1])
    gan.compile()
    data = np.random.default_rng(0).normal(size=(30, 3)).astype("float32")
    history = gan.fit(data, epochs=1, batch_size=8, verbose=0).history
    assert np.isfinite(history["d_loss"]).all()


def test_pack_errors():
    with pytest.raises(ValueError, match=r"packed by pack=2.*\(None, 3\)"):
        keras_gan.GAN(mlp(2, 3), mlp(3, 1), latent_dim=2, pack=2)
    with pytest.raises(ValueError, match="argument `pack`.*pack=0"):
        keras_gan.GAN(mlp(2, 3), mlp(3, 1), latent_dim=2, pack=0)


def test_pack_is_saved(tmp_keras_path):
    gan = keras_gan.GAN(mlp(2, 3), mlp(9, 1), latent_dim=2, pack=3)
    gan.compile()
    gan.save(tmp_keras_path)
    assert keras.models.load_model(tmp_keras_path).pack == 3


# === Adaptive augmentation counts each real batch once per step ===


def test_adaptive_augmentation_counts_each_real_batch_once_with_d_steps():
    keras.utils.set_random_seed(0)
    ada = keras_gan.augment.AdaptiveAugment(adjustment_speed=1000, interval=4)
    gan = keras_gan.GAN(image_generator(), patch_discriminator(), latent_dim=4,
                        augmentation=ada)
    gan.compile(d_steps=3, penalty=None)
    images = np.random.default_rng(0).uniform(-1, 1, (8, 8, 8, 1)).astype("float32")
    gan.fit(images, epochs=1, batch_size=4, verbose=0)
    assert float(to_numpy(ada._image_count)) == 8.0
    assert float(to_numpy(ada._update_count)) == 2.0


# === Bugs 3-5 under distribution ===


def run_cases(backend, mode, cases, out):
    return subprocess.Popen(
        [sys.executable, SCRIPT, backend, mode, ",".join(cases), str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": ROOT},
    )




def load(path):
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


DISTRIBUTED_CASES = ("random_draws", "nonfinite") + families.FAMILIES


@pytest.fixture(scope="module")
def distributed_runs(tmp_path_factory):
    """Every case on one device and on two replicas: one process each."""
    if BACKEND not in ("tensorflow", "jax"):
        pytest.skip("distribution")
    out = tmp_path_factory.mktemp("distributed_cases")
    single = run_cases(BACKEND, "single", DISTRIBUTED_CASES, out / "single")
    parallel = run_cases(BACKEND, "parallel", DISTRIBUTED_CASES, out / "parallel")
    finish(single)
    assert "replicas 2" in finish(parallel)
    return out


@pytest.mark.parametrize("case", ["random_draws", "nonfinite"])
def test_distributed_step_equals_single_device_step(distributed_runs, case):
    a = load(distributed_runs / f"single.{case}.npz")
    b = load(distributed_runs / f"parallel.{case}.npz")
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_allclose(a[key], b[key], rtol=2e-5, atol=2e-6, err_msg=key)
    for key in b:
        if key.startswith("w"):  # The weights; the logs hold the inf batch.
            assert np.isfinite(b[key]).all(), key
    if case == "nonfinite":
        assert b["log_skipped_steps"][0] == 1.0
    else:
        assert b["log_aug_p"][0] != 0.5  # The probability moved.


@pytest.mark.parametrize("family", families.FAMILIES)
def test_two_replica_step_equals_the_single_device_step_for_each_family(
    distributed_runs, family
):
    """Each family of `tests/families.py` (Pix2Pix, CycleGAN with its pool,
    the text GAN, TabularGAN, CUT with its pool, the autoregressive TextGAN)
    on 2 replicas against one device, on the same
    global batches: every weight (pools included) and log."""
    single = load(distributed_runs / f"single.{family}.npz")
    parallel = load(distributed_runs / f"parallel.{family}.npz")
    assert_same_training(single, parallel)
    if family in ("cyclegan", "cut"):
        # The pool filled from the first replica's rows of the first global
        # batch and swapped some of the second replica's.
        counts = [k for k in single if k.startswith("w") and "pool" in k and k.endswith("count")]
        assert len(counts) == (2 if family == "cyclegan" else 1) and all(int(single[k]) == 4 for k in counts)


# === Bug 8: statistics in float64, k-NN distances centred ===


def test_frechet_distance_from_moments_computes_in_high_precision():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(2000, 512))
    b = rng.normal(loc=0.05, size=(2000, 512))
    moments = [a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False)]
    exact = float(to_numpy(keras_gan.metrics.frechet_distance_from_moments(*moments)))
    single = [m.astype("float32") for m in moments]
    from_float32 = keras_gan.metrics.frechet_distance_from_moments(*single)
    mixed = keras_gan.metrics.frechet_distance_from_moments(
        single[0], moments[1], single[2], moments[3]
    )
    from keras_gan.metrics import _utils

    if _utils.accumulation_dtype() == "float64":
        # float32 inputs lose only their own rounding, not 2e-4 in the sqrtm.
        assert float(to_numpy(from_float32)) == pytest.approx(exact, rel=2e-5)
    assert float(to_numpy(mixed)) == pytest.approx(exact, rel=2e-4)


def test_knn_metrics_are_invariant_to_a_large_offset():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(300, 64)).astype("float32")
    fake = rng.normal(scale=0.7, size=(300, 64)).astype("float32")
    precision, recall = keras_gan.metrics.precision_recall(real, fake)
    shifted = keras_gan.metrics.precision_recall(real + 3000.0, fake + 3000.0)
    assert float(to_numpy(shifted[0])) == pytest.approx(float(to_numpy(precision)), abs=0.02)
    assert float(to_numpy(shifted[1])) == pytest.approx(float(to_numpy(recall)), abs=0.02)
    assert float(to_numpy(recall)) < 0.9  # Not the degenerate 1.0 / 1.0.


# === Bug 10: KID spread ===


def test_gan_quality_kid_std_is_a_real_spread():
    gan = compiled_gan()
    quality = keras_gan.callbacks.GANQuality(
        gaussian_data(300), lambda x: x, num_samples=200, metrics=("kid",), kid_subsets=8
    )
    gan.fit(X, epochs=1, batch_size=32, verbose=0, callbacks=[quality])
    assert quality.kid_subset_size == 100
    assert quality.results["kid_std"] > 1e-4 * abs(quality.results["kid"])
