"""`TextGAN`, `RecurrentGenerator` and `MarkovChain` on tiny corpora."""

import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import assert_weights_equal
from tests.conftest import save_and_reload
from tests.conftest import to_numpy
from tests.conftest import weights_of

# Alternating A/B texts of 3 to 6 letters: the next letter is fixed by the
# last one, the length (the end token) is not.
CORPUS = ["ABAB", "BABA", "ABABAB", "BABABA", "ABA", "BAB", "ABABA", "BABAB"]
LENGTH = 6
LETTERS = list("ABCDEFGHIJ")


def vocabulary():
    return keras_gan.text.CharacterVocabulary(LETTERS, LENGTH)


def tiny_text_gan(pretrain_epochs=1, seed=0, vocab=None, cell="gru", **kwargs):
    vocab = vocab or vocabulary()
    keras.utils.set_random_seed(seed)
    generator = keras_gan.text.RecurrentGenerator(
        vocab, embedding_dim=8, units=16, cell=cell
    )
    discriminator = keras_gan.models.sequence_discriminator(
        vocab.max_length, vocab.size, channels=8, num_blocks=1, kernel_size=3
    )
    return keras_gan.TextGAN(
        generator, discriminator, pretrain_epochs=pretrain_epochs, seed=seed,
        **kwargs,
    )


def compiled(gan, learning_rate=1e-2, **kwargs):
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
        **kwargs,
    )
    return gan


def ids_of(texts, vocab=None):
    return (vocab or vocabulary()).texts_to_ids(texts)


# === RecurrentGenerator ===


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_steps_give_the_teacher_forced_logits(cell):
    gan = tiny_text_gan(cell=cell)
    generator, ids = gan.generator, ids_of(CORPUS[:4])
    teacher_forced = to_numpy(generator(generator.shift_right(ids)))
    assert teacher_forced.shape == (4, LENGTH, len(LETTERS) + 2)
    states = generator.initial_state(4)
    tokens = keras.ops.full((4,), generator.vocabulary.end_id, "int32")
    stepped = []
    for position in range(LENGTH):
        logits, states = generator.step(tokens, states)
        stepped.append(to_numpy(logits))
        tokens = keras.ops.convert_to_tensor(ids[:, position])
    np.testing.assert_allclose(np.stack(stepped, 1), teacher_forced, atol=1e-5)


def test_generator_config_round_trip_and_errors():
    vocab = vocabulary()
    generator = keras_gan.text.RecurrentGenerator(
        vocab, embedding_dim=4, units=8, num_layers=2, cell="lstm", dropout=0.1
    )
    restored = keras_gan.text.RecurrentGenerator.from_config(generator.get_config())
    assert restored.get_config() == generator.get_config()
    assert keras_gan.text.vocabulary_of(restored) == vocab
    for kwargs, match in [
        (dict(vocabulary="ABC"), "`vocabulary`"),
        (dict(vocabulary=vocab, units=0), "`units`"),
        (dict(vocabulary=vocab, cell="rnn"), "`cell`"),
        (dict(vocabulary=vocab, dropout=1.0), "`dropout`"),
        (dict(vocabulary=vocab, num_layers=1.5), "`num_layers`"),
    ]:
        with pytest.raises(ValueError, match=match):
            keras_gan.text.RecurrentGenerator(**kwargs)


# === Training ===


def test_teacher_forced_pretraining_lowers_the_cross_entropy():
    gan = compiled(tiny_text_gan(pretrain_epochs=3))
    ids = ids_of(CORPUS * 8)
    before = float(gan.negative_log_likelihood(ids, training=False))
    history = gan.fit(ids, epochs=3, batch_size=8, verbose=0)
    after = float(gan.negative_log_likelihood(ids, training=False))
    # Uniform over 12 tokens is log(12) = 2.48 nats; the corpus needs about
    # 0.4 (only the length is uncertain).
    assert before > 2.2 and after < 0.6 * before, (before, after)
    assert history.history["nll"][-1] < history.history["nll"][0]
    # Maximum likelihood only: the discriminator was not trained.
    assert int(gan.d_optimizer.iterations) == 0
    assert int(gan.g_optimizer.iterations) == 3 * 8
    assert history.history["d_loss"] == [0.0, 0.0, 0.0]
    # Mostly alternating texts once trained.
    texts = gan.generate_texts(200, seed=0)
    alternating = np.mean(["AA" not in t and "BB" not in t for t in texts])
    assert alternating > 0.7


@pytest.mark.parametrize("estimator", ["gumbel_softmax", "reinforce"])
def test_adversarial_phase_trains_both_networks_through_the_core(estimator):
    gan = compiled(tiny_text_gan(pretrain_epochs=1, estimator=estimator))
    ids = ids_of(CORPUS * 4)
    gan.fit(ids, epochs=1, batch_size=16, verbose=0)
    assert gan.phase == "pretrain"
    generator_before = weights_of(gan.generator)
    discriminator_before = weights_of(gan.discriminator)
    history = gan.fit(ids, epochs=2, initial_epoch=1, batch_size=16, verbose=0)
    assert gan.phase == "adversarial"
    assert int(gan.d_optimizer.iterations) == 2  # only the adversarial epoch
    assert int(gan.g_optimizer.iterations) == 4
    for before, network in [
        (generator_before, gan.generator),
        (discriminator_before, gan.discriminator),
    ]:
        assert any(
            not np.allclose(a, b) for a, b in zip(before, weights_of(network))
        )
    logs = {key: values[-1] for key, values in history.history.items()}
    assert logs["d_loss"] > 0 and logs["g_loss"] > 0 and logs["nll"] > 0
    assert logs["r1_penalty"] >= 0 and logs["skipped_steps"] == 0
    # `loss` is every family's sum: generator objective + discriminator terms.
    assert logs["loss"] == pytest.approx(
        logs["g_loss"] + logs["d_loss"] + logs["r1_penalty"], rel=1e-4
    )


def test_the_generator_gradient_passes_the_samples():
    """With `mle_weight=0` the generator update comes from the
    discriminator alone: a frozen discriminator that rewards the letter C
    teaches the generator to write it."""
    vocab = vocabulary()
    keras.utils.set_random_seed(0)
    generator = keras_gan.text.RecurrentGenerator(vocab, embedding_dim=8, units=16)
    inputs = keras.Input((LENGTH, vocab.size))
    # The share of Cs, as a logit.
    c_share = keras.layers.Lambda(
        lambda x: 20.0 * keras.ops.mean(x[..., vocab.get_vocabulary().index("C")], axis=1, keepdims=True)
    )(inputs)
    discriminator = keras.Model(inputs, keras.layers.Dense(1)(c_share))
    discriminator.layers[-1].set_weights([np.ones((1, 1)), np.zeros(1)])
    for estimator in ("gumbel_softmax", "reinforce"):
        gan = keras_gan.TextGAN(
            keras_gan.text.RecurrentGenerator.from_config(generator.get_config()),
            discriminator, pretrain_epochs=0, estimator=estimator, seed=0,
        )
        gan.generator.set_weights(generator.get_weights())
        gan.compile(  # The discriminator stays as it is.
            d_optimizer=keras.optimizers.SGD(0.0),
            g_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5),
            penalty=None,
        )
        share = lambda: np.mean(gan.generate(256, seed=1) == 4)  # noqa: E731
        before = share()
        gan.fit(ids_of(CORPUS * 4), epochs=4, batch_size=16, verbose=0)
        # About 5 % of the positions are Cs before training; without a
        # gradient through the samples the share would not move.
        assert share() > 1.5 * before, (estimator, before, share())


def test_temperature_zero_is_argmax_and_low_temperatures_concentrate():
    gan = tiny_text_gan()
    generator = gan.generator
    # Spread the logits of the untrained generator (else nearly uniform).
    generator.to_logits.kernel.assign(generator.to_logits.kernel * 20.0)
    greedy = gan.generate(5, temperature=0)
    assert (greedy == greedy[0]).all()  # no noise: one text
    states = generator.initial_state(1)
    token = keras.ops.full((1,), generator.vocabulary.end_id, "int32")
    expected = []
    for _ in range(LENGTH):
        logits, states = generator.step(token, states)
        token = keras.ops.argmax(logits, axis=-1)
        expected.append(int(to_numpy(token)[0]))
        if expected[-1] in (0, 1):
            break
    assert list(greedy[0][: len(expected)]) == expected
    assert (greedy[0][len(expected):] == 0).all()  # padding after the end
    np.testing.assert_array_equal(
        gan.generate(64, temperature=1e-6, seed=0), np.repeat(greedy[:1], 64, 0)
    )
    # Higher temperatures move the first token away from the argmax one (the
    # softmax's largest probability falls as the temperature rises); the
    # same seed repeats the samples.
    agreement = [
        np.mean(gan.generate(1024, temperature=t, seed=0)[:, 0] == greedy[0, 0])
        for t in (0.3, 1.0, 3.0)
    ]
    assert agreement[0] > agreement[1] > agreement[2], agreement
    np.testing.assert_array_equal(
        gan.generate(300, seed=3, batch_size=64),
        gan.generate(300, seed=3, batch_size=64),
    )
    assert not np.array_equal(gan.generate(50, seed=3), gan.generate(50, seed=4))


def test_generated_texts_decode_and_stop_at_the_end_token():
    gan = tiny_text_gan()
    ids = gan.generate(100, seed=0)
    assert ids.shape == (100, LENGTH) and ids.dtype == np.int32
    texts = gan.generate_texts(100, seed=0)
    assert texts == gan.vocabulary.decode(ids)
    for row in ids:
        stops = np.flatnonzero(row <= 1)
        if stops.size:  # only padding after the first end or padding
            assert (row[stops[0] + 1:] == 0).all()


def test_save_load_and_resume_across_the_phase_switch_exactly(tmp_path):
    ids = ids_of(CORPUS * 4)
    fit = dict(batch_size=16, shuffle=False, verbose=0)

    def model():
        return compiled(tiny_text_gan(pretrain_epochs=1))

    reference = model()
    reference.fit(ids, epochs=3, **fit)
    first = model()
    first.fit(ids, epochs=2, **fit)
    resumed = save_and_reload(first, str(tmp_path / "epoch2.keras"))
    assert keras_gan.text.vocabulary_of(resumed) == vocabulary()
    own = lambda model: {  # noqa: E731
        k: v for k, v in model.get_config().items()
        if k not in ("generator", "discriminator")
    }
    assert own(resumed) == own(first)
    assert resumed.generator.get_config() == first.generator.get_config()
    np.testing.assert_array_equal(
        resumed.generate(32, seed=1), first.generate(32, seed=1)
    )
    resumed.fit(ids, epochs=3, initial_epoch=2, **fit)
    assert_weights_equal(weights_of(reference), weights_of(resumed), atol=1e-5)


def test_word_level_texts():
    texts = ["the cat sat", "the dog sat", "a cat ran", "a dog ran"]
    vocab = keras_gan.text.WordVocabulary.from_texts(texts, max_length=4)
    gan = compiled(tiny_text_gan(pretrain_epochs=4, vocab=vocab))
    gan.fit(vocab.texts_to_ids(texts * 8), epochs=4, batch_size=8, verbose=0)
    samples = gan.generate_texts(50, seed=0)
    words = {word for text in samples for word in text.split()}
    assert words <= set(vocab.text_tokens)
    # One-hot data trains the same as token ids.
    gan.fit(vocab.encode(texts * 8), epochs=1, batch_size=8, verbose=0)


def test_bad_arguments_are_refused():
    gan = tiny_text_gan()
    vocab = vocabulary()
    generator = keras_gan.text.RecurrentGenerator(vocab, units=4)
    discriminator = keras_gan.models.sequence_discriminator(
        LENGTH, vocab.size, channels=4, num_blocks=0
    )
    for kwargs, match in [
        (dict(pretrain_epochs=-1), "`pretrain_epochs`"),
        (dict(estimator="gumbel"), "`estimator`"),
        (dict(mle_weight=-1.0), "`mle_weight`"),
        (dict(gumbel_temperature=0.0), "`gumbel_temperature`"),
    ]:
        with pytest.raises(ValueError, match=match):
            keras_gan.TextGAN(generator, discriminator, **kwargs)
    with pytest.raises(ValueError, match="`generator`"):
        keras_gan.TextGAN(gan.discriminator, discriminator)
    with pytest.raises(ValueError, match="`discriminator`.*input shape"):
        keras_gan.TextGAN(
            generator,
            keras_gan.models.sequence_discriminator(LENGTH + 1, vocab.size, 4, 0),
        )
    with pytest.raises(ValueError, match="`temperature`"):
        gan.generate(4, temperature=-0.5)
    with pytest.raises(ValueError, match="`num_samples`"):
        gan.generate(0)
    compiled(gan)
    with pytest.raises(ValueError, match="token ids of shape"):
        gan.fit(np.zeros((8, LENGTH + 1), "int32"), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="`phase`"):
        gan.set_phase("warmup")


# === MarkovChain ===


def test_markov_chain_writes_only_seen_ngrams():
    chain = keras_gan.text.MarkovChain(context_length=2).fit(CORPUS)
    texts = chain.sample(300, max_length=6, seed=0)
    assert texts == chain.sample(300, max_length=6, seed=0)
    seen = keras_gan.metrics.ngram_counts(["^^" + t + "$" for t in CORPUS], 3)
    for text in texts:
        assert 1 <= len(text) <= 6
        for gram in keras_gan.metrics.ngram_counts(["^^" + text + "$"], 3):
            assert gram in seen or (len(text) == 6 and gram[-1] == "$")
    # Alternation is the only rule of this corpus.
    assert not any("AA" in t or "BB" in t for t in texts)
    words = keras_gan.text.MarkovChain(1, tokens="words").fit(["a b c", "a b d"])
    assert set(words.sample(50, seed=0)) == {"a b c", "a b d"}


def test_markov_chain_errors():
    with pytest.raises(ValueError, match="`context_length`"):
        keras_gan.text.MarkovChain(context_length=0)
    with pytest.raises(ValueError, match="`tokens`"):
        keras_gan.text.MarkovChain(tokens="bytes")
    with pytest.raises(ValueError, match="not fitted"):
        keras_gan.text.MarkovChain().sample(3)
    with pytest.raises(ValueError, match="`texts`"):
        keras_gan.text.MarkovChain().fit("ABAB")


def test_generator_ema_samples_and_saves(tmp_path):
    gan = compiled(tiny_text_gan(pretrain_epochs=1, ema={"decay": 0.9}))
    ids = ids_of(CORPUS * 4)
    gan.fit(ids, epochs=2, batch_size=16, verbose=0)
    assert isinstance(gan.ema_generator, keras_gan.text.RecurrentGenerator)
    averaged, trained = weights_of(gan.ema_generator), weights_of(gan.generator)
    assert any(not np.allclose(a, b) for a, b in zip(averaged, trained))
    # Sampling uses the average: the same ids as a model holding it as its
    # generator.
    plain = tiny_text_gan(pretrain_epochs=1)
    plain.generator.set_weights(gan.ema_generator.get_weights())
    np.testing.assert_array_equal(
        gan.generate(64, seed=0), plain.generate(64, seed=0)
    )
    loaded = save_and_reload(gan, str(tmp_path / "ema.keras"))
    assert loaded.ema_config == gan.ema_config
    np.testing.assert_array_equal(loaded.generate(64, seed=0), gan.generate(64, seed=0))
