"""Sequence builders, `GumbelSoftmax`, text callbacks, and text GANs end to end."""

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.layers import GumbelSoftmax
from tests.conftest import save_and_reload
from tests.conftest import (
    assert_weights_equal,
    to_numpy,
    value_and_gradients,
    weights_of,
)

CORPUS = ["ABAB", "BABA", "ABABAB", "BABABA", "ABA", "BAB", "ABABA", "BABAB"]
LENGTH = 6
# Ten letters, two of them used: an untrained generator spreads over all ten.
LETTERS = list("ABCDEFGHIJ")
SMALL = dict(channels=16, num_blocks=1, kernel_size=3)


def tiny_text_gan(output="softmax", seed=0, vocab=None):
    vocab = vocab or keras_gan.text.CharacterVocabulary(LETTERS, LENGTH)
    keras.utils.set_random_seed(seed)
    generator = keras_gan.models.sequence_generator(
        8, LENGTH, vocab.size, output=output, seed=seed, vocabulary=vocab,
        **SMALL,
    )
    discriminator = keras_gan.models.sequence_discriminator(
        LENGTH, vocab.size, **SMALL
    )
    gan = keras_gan.GAN(generator, discriminator, latent_dim=8, seed=seed)
    return gan, vocab


def adam(learning_rate=1e-3):
    return keras.optimizers.Adam(learning_rate, beta_1=0.5, beta_2=0.9)


# === Builders ===


@pytest.mark.parametrize("output", ["softmax", "gumbel_softmax", "linear"])
def test_generator_shapes_and_outputs(output):
    generator = keras_gan.models.sequence_generator(
        4, 7, 5, output=output, **SMALL
    )
    z = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    y = to_numpy(generator(z, training=False))
    assert y.shape == (3, 7, 5) and y.dtype == np.float32
    if output != "linear":
        np.testing.assert_allclose(y.sum(-1), 1.0, atol=1e-5)
        assert y.min() >= 0
    else:
        assert y.min() < 0  # real values, no squashing


def test_discriminator_shape_and_residual_structure():
    discriminator = keras_gan.models.sequence_discriminator(7, 5, channels=8,
                                                            num_blocks=2)
    x = np.eye(5, dtype="float32")[np.zeros((3, 7), "int32")]
    assert to_numpy(discriminator(x)).shape == (3, 1)
    names = [layer.name for layer in discriminator.layers]
    assert "block2_add" in names and "block3_add" not in names
    assert [l.kernel_size for l in discriminator.layers if "conv1" in l.name] == [(5,), (5,)]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"latent_dim": 0}, "`latent_dim`"),
        ({"sequence_length": 2.5}, "`sequence_length`"),
        ({"num_blocks": -1}, "`num_blocks`.*num_blocks=-1"),
        ({"output": "sigmoid"}, "`output`.*output='sigmoid'"),
        ({"temperature": 0.0}, "`temperature`.*temperature=0.0"),
        ({"vocabulary": ["A"]}, "`vocabulary`"),
    ],
)
def test_generator_rejects_bad_arguments(kwargs, match):
    arguments = {"latent_dim": 4, "sequence_length": 6, "vocab_size": 5, **kwargs}
    with pytest.raises(ValueError, match=match):
        keras_gan.models.sequence_generator(**arguments)


def test_generator_vocabulary_must_match_sizes():
    vocab = keras_gan.text.CharacterVocabulary(LETTERS, LENGTH)
    with pytest.raises(ValueError, match="`vocabulary`.*size=9 and max_length=6"):
        keras_gan.models.sequence_generator(4, LENGTH, 9, vocabulary=vocab)
    with pytest.raises(ValueError, match="`vocabulary`.*output=\"linear\""):
        keras_gan.models.sequence_generator(
            4, LENGTH, vocab.size, output="linear", vocabulary=vocab
        )


# === GumbelSoftmax ===

PROBS = np.array([0.5, 0.3, 0.15, 0.05])
LOGITS = np.tile(np.log(PROBS).astype("float32"), (20000, 1))


def test_gumbel_softmax_argmax_samples_the_softmax():
    relaxed = to_numpy(GumbelSoftmax(1.0, seed=1)(LOGITS, training=True))
    np.testing.assert_allclose(relaxed.sum(-1), 1.0, atol=1e-5)
    frequencies = np.bincount(relaxed.argmax(-1), minlength=4) / len(LOGITS)
    # Standard error is at most 0.0035.
    np.testing.assert_allclose(frequencies, PROBS, atol=0.015)


def test_gumbel_softmax_temperature_limits():
    cold = to_numpy(GumbelSoftmax(0.05, seed=2)(LOGITS, training=True))
    # Nearly one-hot, and on average the probabilities themselves.
    assert np.mean(cold.max(-1) > 0.9) > 0.85
    np.testing.assert_allclose(cold.mean(0), PROBS, atol=0.02)
    hot = to_numpy(GumbelSoftmax(1000.0, seed=2)(LOGITS, training=True))
    np.testing.assert_allclose(hot, 0.25, atol=0.01)


def test_gumbel_softmax_inference_is_the_softmax_and_seeded():
    layer = GumbelSoftmax(0.5, seed=3)
    np.testing.assert_allclose(to_numpy(layer(LOGITS[:2])), PROBS[None].repeat(2, 0), rtol=1e-5)
    first = to_numpy(GumbelSoftmax(0.5, seed=3)(LOGITS[:5], training=True))
    second = to_numpy(GumbelSoftmax(0.5, seed=3)(LOGITS[:5], training=True))
    np.testing.assert_array_equal(first, second)


def test_hard_gumbel_softmax_is_one_hot_with_the_relaxed_gradient():
    logits = keras.Variable(LOGITS[:64])
    weights = keras.ops.convert_to_tensor(
        np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    )

    def objective(hard):
        layer = GumbelSoftmax(0.7, hard=hard, seed=4)
        return lambda: keras.ops.sum(layer(logits, training=True) * weights)

    hard = to_numpy(GumbelSoftmax(0.7, hard=True, seed=4)(LOGITS[:64], training=True))
    np.testing.assert_array_equal(np.sort(hard, -1)[:, :3], 0.0)
    np.testing.assert_array_equal(hard.max(-1), 1.0)
    soft = to_numpy(GumbelSoftmax(0.7, seed=4)(LOGITS[:64], training=True))
    np.testing.assert_array_equal(hard.argmax(-1), soft.argmax(-1))
    _, hard_grads = value_and_gradients(objective(True), [logits])
    _, soft_grads = value_and_gradients(objective(False), [logits])
    assert np.abs(to_numpy(soft_grads[0])).max() > 1e-3
    np.testing.assert_allclose(to_numpy(hard_grads[0]), to_numpy(soft_grads[0]), atol=1e-5)


def test_gumbel_noise_is_a_slice_of_one_global_draw_per_replica(monkeypatch):
    # Under tf.distribute every replica shares the seed state: replica 1 of 2
    # must use rows 4:8 of the global draw, not repeat replica 0's noise.
    single = to_numpy(GumbelSoftmax(0.5, seed=5)(LOGITS[:8], training=True))
    monkeypatch.setattr(keras_gan.backend, "replica_context", lambda: (1, 2))
    replica = to_numpy(GumbelSoftmax(0.5, seed=5)(LOGITS[:4], training=True))
    np.testing.assert_allclose(replica, single[4:], rtol=1e-6)
    assert not np.allclose(replica, single[:4])


def test_gumbel_softmax_config_and_errors():
    layer = GumbelSoftmax(0.5, hard=True, seed=7, name="g")
    restored = GumbelSoftmax.from_config(layer.get_config())
    assert (restored.initial_temperature, restored.hard, restored.seed) == (0.5, True, 7)
    with pytest.raises(ValueError, match="`temperature`.*temperature=-1"):
        GumbelSoftmax(-1)
    with pytest.raises(ValueError, match="`hard`.*hard='yes'"):
        GumbelSoftmax(hard="yes")


def test_temperature_annealing_sets_and_logs_the_schedule():
    gan, vocab = tiny_text_gan(output="gumbel_softmax")
    gan.compile(d_optimizer=adam(), g_optimizer=adam(), penalty=None)
    annealing = keras_gan.callbacks.GumbelTemperatureAnnealing(
        initial_temperature=2.0, min_temperature=0.5, decay_rate=1.0
    )
    history = gan.fit(vocab.encode(CORPUS * 4), epochs=3, batch_size=16,
                      callbacks=[annealing], verbose=0)
    expected = [2.0, 2.0 * np.exp(-1.0), 0.5]  # 2 e^-2 = 0.27 < 0.5
    np.testing.assert_allclose(history.history["gumbel_temperature"], expected)
    layer = gan.generator.get_layer("output")
    assert float(to_numpy(layer.temperature)) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="`decay_rate`.*decay_rate=-0.1"):
        keras_gan.callbacks.GumbelTemperatureAnnealing(decay_rate=-0.1)
    plain, _ = tiny_text_gan()
    plain.compile()
    with pytest.raises(ValueError, match="no `keras_gan.layers.GumbelSoftmax`"):
        plain.fit(vocab.encode(CORPUS), epochs=1, callbacks=[annealing], verbose=0)


# === Text GANs end to end ===


def jsd_2(gan, vocab):
    generated = vocab.decode(gan.generate(400, seed=0))
    return keras_gan.metrics.ngram_jsd(generated, CORPUS, n=2)


def test_training_improves_bigram_jsd_on_a_tiny_corpus():
    gan, vocab = tiny_text_gan()
    gan.compile(d_optimizer=adam(3e-3), g_optimizer=adam(3e-3))
    before = jsd_2(gan, vocab)
    quality = keras_gan.callbacks.TextQuality(
        CORPUS, training_texts=CORPUS, corpus=CORPUS, num_samples=200,
        every=4, ngram_orders=(2,),
    )
    history = gan.fit(vocab.encode(CORPUS * 32), epochs=8, batch_size=32,
                      callbacks=[quality], verbose=0)
    after = jsd_2(gan, vocab)
    # 64 steps: from about 0.94 to about 0.26 on TensorFlow.
    assert before > 0.8 and after < 0.5 * before, (before, after)
    # Logged every 4th epoch, by the vocabulary the generator carries.
    assert len(history.history["jsd_2"]) == 2
    assert history.history["jsd_2"][-1] == pytest.approx(
        keras_gan.metrics.ngram_jsd(vocab.decode(gan.generate(200, seed=0)), CORPUS, 2)
    )
    assert set(quality.results) == {"jsd_2", "diversity", "length_distance",
                                    "novelty", "validity"}


def test_save_load_with_the_vocabulary_and_resume_exactly(tmp_path):
    vocab = keras_gan.text.CharacterVocabulary(LETTERS, LENGTH)
    real = vocab.encode(CORPUS * 4)
    fit = dict(batch_size=16, shuffle=False, verbose=0)

    def compiled():
        # No penalty: quicker to compile, and what must resume here is the
        # Gumbel noise state, not the recipe.
        gan, _ = tiny_text_gan(output="gumbel_softmax")
        gan.compile(d_optimizer=adam(), g_optimizer=adam(), penalty=None)
        return gan

    reference = compiled()
    reference.fit(real, epochs=2, **fit)
    first = compiled()
    first.fit(real, epochs=1, **fit)
    path = str(tmp_path / "epoch1.keras")
    resumed = save_and_reload(first, path)
    assert keras_gan.text.vocabulary_of(resumed) == vocab
    np.testing.assert_array_equal(
        resumed.generate(16, seed=1), first.generate(16, seed=1)
    )
    resumed.fit(real, epochs=2, initial_epoch=1, **fit)
    assert_weights_equal(weights_of(reference), weights_of(resumed), atol=1e-6)


def test_text_samples_prints_and_writes_tensorboard_text(tmp_path, capsys):
    pytest.importorskip("tensorflow")
    gan, vocab = tiny_text_gan()
    gan.compile(penalty=None)
    samples = keras_gan.callbacks.TextSamples(
        num_samples=3, every=2, tensorboard_log_dir=tmp_path
    )
    gan.fit(vocab.encode(CORPUS), epochs=2, batch_size=8, callbacks=[samples], verbose=0)
    assert list(samples.samples) == [1]
    assert samples.samples[1] == vocab.decode(gan.generate(3, seed=0))
    assert f"Epoch 2 samples: {samples.samples[1][0]!r}" in capsys.readouterr().out
    from tensorboard.backend.event_processing import event_accumulator

    events = event_accumulator.EventAccumulator(
        str(tmp_path / "text_samples"), size_guidance={"tensors": 0}
    )
    events.Reload()
    (event,) = events.Tensors("samples")
    text = event.tensor_proto.string_val[0].decode()
    assert event.step == 1 and text.startswith(f"- `{samples.samples[1][0]}`")


def test_text_callbacks_serialize():
    vocab = keras_gan.text.CharacterVocabulary(LETTERS, LENGTH)
    callbacks = [
        keras_gan.callbacks.TextQuality(CORPUS, vocab, training_texts=CORPUS,
                                        ngram_orders=(2, 3), prefix="ema_"),
        keras_gan.callbacks.TextSamples(num_samples=3, temperature=0.5),
        keras_gan.callbacks.GumbelTemperatureAnnealing(2.0, 0.2, 0.3),
    ]
    for callback in callbacks:
        restored = keras.saving.deserialize_keras_object(
            keras.saving.serialize_keras_object(callback)
        )
        assert type(restored) is type(callback)
        assert restored.get_config() == callback.get_config()
    assert callbacks[0].get_config()["vocabulary"]["class_name"] == "CharacterVocabulary"


def test_text_callbacks_reject_bad_arguments():
    with pytest.raises(ValueError, match="`real_texts`.*not one string"):
        keras_gan.callbacks.TextQuality("ANNA")
    with pytest.raises(ValueError, match="`num_samples`"):
        keras_gan.callbacks.TextSamples(num_samples=0)
    with pytest.raises(ValueError, match="`vocabulary`"):
        keras_gan.callbacks.TextSamples(vocabulary="chars")
    with pytest.raises(ValueError, match="`temperature`"):
        keras_gan.callbacks.TextQuality(CORPUS, temperature=-1.0)


@pytest.fixture
def mixed_policy():
    keras.mixed_precision.set_global_policy("mixed_float16")
    yield
    keras.mixed_precision.set_global_policy("float32")


def test_mixed_precision_outputs_float32_probabilities(mixed_policy):
    gan, vocab = tiny_text_gan(output="gumbel_softmax")
    gan.compile(d_optimizer=adam(), g_optimizer=adam(), penalty=None)
    history = gan.fit(vocab.encode(CORPUS * 4), epochs=1, batch_size=16, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    samples = gan.generate(8, seed=0)
    assert samples.dtype == np.float32
    np.testing.assert_allclose(samples.sum(-1), 1.0, atol=1e-5)
