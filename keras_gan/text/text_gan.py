"""An autoregressive text GAN: maximum likelihood, then adversarial training."""

import keras
import numpy as np
from keras import ops

from keras_gan import backend
from keras_gan import validation
from keras_gan.layers.gumbel_softmax import GumbelSoftmax
from keras_gan.layers.gumbel_softmax import check_temperature
from keras_gan.text.recurrent_generator import RecurrentGenerator
from keras_gan.training.adversarial_model import AdversarialModel
from keras_gan.training.latent_sampler import RandomStream
from keras_gan.training.network_checks import check_type
from keras_gan.training.network_checks import first
from keras_gan.training.network_checks import is_logits_shape
from keras_gan.training.network_checks import output_spec

ESTIMATORS = ("gumbel_softmax", "reinforce")
PHASES = ("pretrain", "adversarial")


@keras.saving.register_keras_serializable(package="keras_gan")
class TextGAN(AdversarialModel):
    """A text GAN whose generator writes one token at a time.

    Training has two phases, both run by `fit`:

    - epochs `0` to `pretrain_epochs - 1`, **maximum likelihood**: each step
      is one update of the generator (`g_optimizer`) on the teacher-forced
      cross-entropy of the real texts' next tokens, over the positions up
      to and including each text's end token (logged as `nll`, in nats per
      token);
    - the epochs after, **adversarial**: `d_steps` discriminator updates
      then one generator update per step, with `compile`'s loss and
      penalties. The generator samples texts token by token; after a text's
      end token it writes padding, like `vocabulary.encode`. The
      discriminator compares one-hot real texts with them. With
      `estimator="gumbel_softmax"` (RelGAN, Nie et al. 2019) it sees the
      relaxed one-hot samples of a `keras_gan.layers.GumbelSoftmax` layer
      (`gan.gumbel_softmax`, annealed by
      `keras_gan.callbacks.GumbelTemperatureAnnealing`) and its gradient
      flows back through them; with `estimator="reinforce"` (SeqGAN, Yu et
      al. 2017, without Monte-Carlo rollouts) it sees one-hot samples and
      the generator follows the policy gradient of the reward
      `D(x)` (the discriminator's logit) minus its batch mean. `g_loss`
      logs `loss.generator_loss` of the samples either way, and `nll` the
      real texts' cross-entropy; `mle_weight * nll` is added to the
      generator objective.

    The phase of an epoch depends only on its index, so a resumed `fit`
    (`BackupAndRestore`, or `initial_epoch`) picks the right one, and two
    `fit` calls (`epochs=pretrain_epochs`, then `initial_epoch=
    pretrain_epochs`) do the same as one. `generate(n, temperature=...)`
    samples texts as token ids; `generate_texts` decodes them.

    Data: token ids `(num_texts, max_length)` (`vocab.texts_to_ids`) or
    one-hot texts `(num_texts, max_length, vocab.size)` (`vocab.encode`).

    Args:
        generator: A `keras_gan.text.RecurrentGenerator`; its vocabulary is
            the model's.
        discriminator: A Keras model mapping `(batch, max_length,
            vocab.size)` one-hot texts to one logit per text, e.g.
            `keras_gan.models.sequence_discriminator`.
        pretrain_epochs: Number of maximum-likelihood epochs before the
            adversarial ones. Defaults to `10`.
        estimator: How the generator's gradient passes the sampled tokens:
            `"gumbel_softmax"` or `"reinforce"`. Defaults to
            `"gumbel_softmax"`.
        gumbel_temperature: Initial temperature of the Gumbel-softmax
            relaxation. Defaults to `1.0`.
        mle_weight: Weight of the maximum-likelihood term in the
            adversarial generator objective, `>= 0`. Defaults to `0.0`.
        seed: Integer seed of the sampling noise (the penalties' stream
            uses `seed + 1`). Defaults to `None`.
        ema: Optional dict of `enable_ema` arguments, e.g.
            `{"decay": 0.999}`. Defaults to `None`.
        **kwargs: Passed to `keras.Model` (for example `name`).

    Example:

    ```python
    vocab = keras_gan.text.CharacterVocabulary.from_texts(names, max_length=12)
    generator = keras_gan.text.RecurrentGenerator(vocab, units=256)
    discriminator = keras_gan.models.sequence_discriminator(12, vocab.size)
    gan = keras_gan.TextGAN(generator, discriminator, pretrain_epochs=10)
    gan.compile()
    gan.fit(vocab.texts_to_ids(names), epochs=15, batch_size=256)
    print(gan.generate_texts(10, temperature=1.0, seed=0))
    ```
    """

    extra_log_names = ("nll",)

    serialized_arguments = ("generator", "discriminator")

    def __init__(
        self,
        generator,
        discriminator,
        pretrain_epochs=10,
        estimator="gumbel_softmax",
        gumbel_temperature=1.0,
        mle_weight=0.0,
        seed=None,
        ema=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_type("generator", generator, RecurrentGenerator)
        check_type("discriminator", discriminator, keras.Model)
        if not validation.is_integer(pretrain_epochs) or pretrain_epochs < 0:
            raise validation.invalid_argument(
                "pretrain_epochs", pretrain_epochs, "an integer >= 0"
            )
        validation.check_one_of("estimator", estimator, ESTIMATORS)
        check_temperature(gumbel_temperature, "gumbel_temperature")
        if (
            isinstance(mle_weight, bool)
            or not isinstance(mle_weight, (int, float))
            or not mle_weight >= 0
        ):
            raise validation.invalid_argument(
                "mle_weight", mle_weight, "a number >= 0"
            )
        self.generator = generator
        self.discriminator = discriminator
        self.vocabulary = generator.vocabulary
        self.pretrain_epochs = int(pretrain_epochs)
        self.estimator = estimator
        self.gumbel_temperature = float(gumbel_temperature)
        self.mle_weight = float(mle_weight)
        self.seed = seed
        self.gumbel_softmax = GumbelSoftmax(
            gumbel_temperature, seed=seed, name="gumbel_softmax"
        )
        self.penalty_stream = RandomStream(
            None if seed is None else seed + 1, name="penalty_stream"
        )
        self.phase = self.phase_at(0)
        self.finish_init(ema)

    def discriminator_networks(self):
        return [self.discriminator]

    def generator_networks(self):
        return [self.generator]

    def check_networks(self):
        """Raises unless the discriminator reads the generator's texts and
        gives one logit per text."""
        shape = (None, self.vocabulary.max_length, self.vocabulary.size)
        expected = first(getattr(self.discriminator, "inputs", None))
        if expected is not None and tuple(expected.shape[1:]) != shape[1:]:
            raise ValueError(
                "Invalid value for argument `discriminator`: its input shape "
                f"{tuple(expected.shape)} does not match the texts "
                f"{shape} (max_length and size of the generator's "
                "vocabulary)."
            )
        logits = output_spec(self.discriminator, keras.KerasTensor(shape))
        if logits is not None and not is_logits_shape(logits.shape):
            raise ValueError(
                "Invalid value for argument `discriminator`. Expected one "
                "logit per text, output shape (batch, 1) or (batch,). "
                f"Received: output shape {tuple(logits.shape)}"
            )

    # === Phases ===

    def phase_at(self, epoch):
        """`"pretrain"` for the first `pretrain_epochs` epochs, then
        `"adversarial"`."""
        return PHASES[0] if epoch < self.pretrain_epochs else PHASES[1]

    def fit_callbacks(self):
        return [TrainingPhase(self)]

    def set_phase(self, phase):
        """Sets the phase `train_step` runs (`fit` sets it every epoch)."""
        validation.check_one_of("phase", phase, PHASES)
        if phase != self.phase:
            self.phase = phase
            # The compiled step depends on the phase: rebuild it.
            if self.train_function is not None:
                self.make_train_function(force=True)

    # === Texts ===

    def call(self, inputs, training=False):
        """Next-token logits of texts (token ids or one-hot)."""
        ids = self.token_ids(inputs)
        return self.generator(self.generator.shift_right(ids), training=training)

    def unpack_batch(self, data):
        """The token ids `(batch, max_length)` of a batch of texts."""
        x, _ = self.unpack_weighted_batch(data)
        return self.token_ids(x)

    def token_ids(self, x):
        """int32 ids of texts given as ids or one-hot; other shapes raise."""
        shape = tuple(x.shape)
        length, size = self.vocabulary.max_length, self.vocabulary.size
        dtype = keras.backend.standardize_dtype(x.dtype)
        if len(shape) == 3 and shape[1:] == (length, size) and "float" in dtype:
            return ops.cast(ops.argmax(x, axis=-1), "int32")
        if len(shape) == 2 and shape[1] == length and "int" in dtype:
            return ops.cast(x, "int32")
        raise ValueError(
            "Invalid value for the data: expected token ids of shape "
            f"(batch, {length}) (`vocab.texts_to_ids`) or one-hot float texts "
            f"of shape (batch, {length}, {size}) (`vocab.encode`). Received: "
            f"shape={shape}, dtype={dtype}"
        )

    def text_mask(self, ids):
        """1.0 at the positions up to and including each text's first end
        (or padding) token, 0.0 after."""
        stop = ops.cast(
            ops.logical_or(
                ops.equal(ids, self.vocabulary.end_id),
                ops.equal(ids, self.vocabulary.pad_id),
            ),
            "float32",
        )
        stops_before = ops.cumsum(stop, axis=1) - stop
        return ops.cast(ops.equal(stops_before, 0.0), "float32")

    def token_log_likelihood(self, ids, training=True, generator=None):
        """Per-text sums of `log p(token)` over `text_mask`, and the mask."""
        generator = generator or self.generator
        logits = generator(generator.shift_right(ids), training=training)
        cross_entropy = ops.sparse_categorical_crossentropy(
            ids, logits, from_logits=True
        )
        mask = self.text_mask(ids)
        return -ops.sum(cross_entropy * mask, axis=1), mask

    def negative_log_likelihood(self, ids, training=True):
        """Mean cross-entropy per counted token (nats) of texts `ids`."""
        log_likelihood, mask = self.token_log_likelihood(ids, training)
        return backend.global_batch_mean(-ops.sum(log_likelihood), ops.sum(mask))

    def one_hot(self, ids):
        return ops.one_hot(ids, self.vocabulary.size, dtype="float32")

    def sample_texts(self, batch_size, training=True):
        """Samples `batch_size` texts token by token (the adversarial phase).

        Each token is the argmax of `gumbel_softmax(logits)`, a sample of
        `softmax(logits)`; after an end or padding token, padding follows.

        Returns:
            `(ids, relaxed)`: int32 ids `(batch, max_length)` and the relaxed
            one-hot samples `(batch, max_length, size)` (exact one-hot
            padding after each text's end).
        """
        ids, relaxed = [], []
        states = self.generator.initial_state(batch_size)
        end, pad = self.vocabulary.end_id, self.vocabulary.pad_id
        tokens = ops.full((batch_size,), end, "int32")
        finished = ops.zeros((batch_size,), "bool")
        padding = self.one_hot(ops.full((batch_size,), pad, "int32"))
        for _ in range(self.vocabulary.max_length):
            logits, states = self.generator.step(tokens, states, training=training)
            soft = self.gumbel_softmax(logits, training=True)
            tokens = ops.cast(ops.argmax(soft, axis=-1), "int32")
            tokens = ops.where(finished, pad, tokens)
            soft = ops.where(finished[:, None], padding, soft)
            finished = ops.logical_or(
                finished,
                ops.logical_or(ops.equal(tokens, end), ops.equal(tokens, pad)),
            )
            ids.append(tokens)
            relaxed.append(soft)
        return ops.stack(ids, axis=1), ops.stack(relaxed, axis=1)

    # === Objectives ===

    def compute_pretrain_loss(self, ids, training=True):
        nll = self.negative_log_likelihood(ids, training)
        return nll, {"nll": nll}

    def compute_discriminator_loss(self, ids, training=True):
        """`(total, terms)`: the adversarial loss and the penalties."""
        real = self.one_hot(ids)
        fake_ids, relaxed = self.sample_texts(ops.shape(ids)[0], training)
        fake = relaxed if self.estimator == "gumbel_softmax" else self.one_hot(fake_ids)
        fake = ops.stop_gradient(fake)
        real_logits = self.judge(real, training=training)
        fake_logits = self.judge(fake, training=training)
        terms = {"d_loss": self.loss_fn.discriminator_loss(real_logits, fake_logits)}
        for penalty in self.penalties:
            terms[penalty.name] = penalty(
                lambda x: self.judge(x, training=training),
                real,
                fake,
                step=self.d_optimizer.iterations,
                seed=self.penalty_stream.seed_generator,
            )
        return sum(terms.values()), terms

    def compute_generator_loss(self, ids, training=True):
        """`(objective, terms)` of one adversarial generator update."""
        fake_ids, relaxed = self.sample_texts(ops.shape(ids)[0], training)
        real_logits = None
        if self.loss_fn.uses_real_logits_for_generator:
            real_logits = self.judge(self.one_hot(ids), training=training)
        if self.estimator == "gumbel_softmax":
            fake_logits = self.judge(relaxed, training=training)
            g_loss = self.loss_fn.generator_loss(fake_logits, real_logits)
            adversarial = g_loss
        else:
            fake_ids = ops.stop_gradient(fake_ids)
            fake_logits = ops.stop_gradient(
                self.judge(self.one_hot(fake_ids), training=training)
            )
            g_loss = self.loss_fn.generator_loss(fake_logits, real_logits)
            advantage = fake_logits - ops.mean(fake_logits)
            log_likelihood, _ = self.token_log_likelihood(fake_ids, training)
            adversarial = -ops.mean(advantage * log_likelihood)
        nll = self.negative_log_likelihood(ids, training)
        terms = {"g_loss": g_loss, "nll": nll}
        objective = adversarial
        if self.mle_weight:
            objective = objective + self.mle_weight * nll
        return objective, terms

    def generator_objective(self, terms):
        """The logged generator objective: `g_loss + mle_weight * nll`."""
        return terms["g_loss"] + self.mle_weight * terms["nll"]

    # === Steps ===

    def train_step(self, data):
        ids = self.unpack_batch(data)
        if self.phase == "pretrain":
            g_result = self.apply_update(
                lambda: self.compute_pretrain_loss(ids),
                [self.generator],
                self.g_optimizer,
                "g_reg",
            )
            self.update_ema()
            return self.record_step([{}], g_result, g_result["nll"])
        d_results = [
            self.apply_update(
                lambda: self.compute_discriminator_loss(ids),
                [self.discriminator],
                self.d_optimizer,
                "d_reg",
            )
            for _ in range(self.d_steps)
        ]
        g_result = self.apply_update(
            lambda: self.compute_generator_loss(ids),
            [self.generator],
            self.g_optimizer,
            "g_reg",
        )
        self.update_ema()
        return self.record_step(
            d_results, g_result, self.generator_objective(g_result)
        )

    def test_step(self, data):
        ids = self.unpack_batch(data)
        _, d_terms = self.compute_discriminator_loss(ids, training=False)
        _, g_terms = self.compute_generator_loss(ids, training=False)
        if self.phase == "pretrain":
            return self.record_step([{}], g_terms, g_terms["nll"])
        return self.record_step([d_terms], g_terms, self.generator_objective(g_terms))

    # === Sampling ===

    def generate(self, num_samples, temperature=1.0, seed=None, batch_size=1024):
        """Samples texts token by token; returns their token ids.

        Uses the EMA generator when there is one. Each token is drawn from
        `softmax(logits / temperature)`; after a text's end token the ids
        are padding, as in `vocabulary.texts_to_ids`.

        Args:
            num_samples: Number of texts.
            temperature: `0` takes the most probable token at every step
                (every text is then the same); `1.0` samples the model's
                distribution; lower values trade novelty for fidelity.
                Defaults to `1.0`.
            seed: Integer seed; the same seed (and `batch_size`) gives the
                same texts. Defaults to `None`.
            batch_size: Texts sampled at once. Defaults to `1024`.

        Returns:
            An int32 NumPy array `(num_samples, max_length)`; decode it with
            `vocabulary.decode` or use `generate_texts`.
        """
        validation.check_positive_int("num_samples", num_samples)
        validation.check_positive_int("batch_size", batch_size)
        if (
            isinstance(temperature, bool)
            or not isinstance(temperature, (int, float, np.floating))
            or not temperature >= 0
        ):
            raise validation.invalid_argument(
                "temperature", temperature, "a number >= 0 (0 for argmax)"
            )
        generator = self.ema_generator or self.generator
        seed_generator = keras.random.SeedGenerator(seed)
        batches = []
        for start in range(0, int(num_samples), batch_size):
            count = min(batch_size, int(num_samples) - start)
            batches.append(
                self._sample_batch(generator, count, float(temperature), seed_generator)
            )
        return np.concatenate(batches, axis=0)

    def _sample_batch(self, generator, batch_size, temperature, seed_generator):
        end, pad = self.vocabulary.end_id, self.vocabulary.pad_id
        states = generator.initial_state(batch_size)
        tokens = ops.full((batch_size,), end, "int32")
        finished = ops.zeros((batch_size,), "bool")
        ids = []
        for _ in range(self.vocabulary.max_length):
            logits, states = generator.step(tokens, states, training=False)
            if temperature == 0:
                tokens = ops.argmax(logits, axis=-1)
            else:
                tokens = keras.random.categorical(
                    logits / temperature, 1, seed=seed_generator
                )[:, 0]
            tokens = ops.where(finished, pad, ops.cast(tokens, "int32"))
            finished = ops.logical_or(
                finished,
                ops.logical_or(ops.equal(tokens, end), ops.equal(tokens, pad)),
            )
            ids.append(tokens)
        return ops.convert_to_numpy(ops.stack(ids, axis=1)).astype("int32")

    def generate_texts(self, num_samples, temperature=1.0, seed=None, batch_size=1024):
        """`generate`, decoded to strings by the vocabulary."""
        return self.vocabulary.ids_to_texts(
            self.generate(num_samples, temperature, seed, batch_size)
        )

    # === Config ===

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "pretrain_epochs": self.pretrain_epochs,
                "estimator": self.estimator,
                "gumbel_temperature": self.gumbel_temperature,
                "mle_weight": self.mle_weight,
                "seed": self.seed,
                "ema": self.ema_config,
            }
        )
        return config


class TrainingPhase(keras.callbacks.Callback):
    """Sets a `TextGAN`'s phase at the start of every epoch of `fit`
    (`TextGAN.fit` adds it)."""

    def __init__(self, gan):
        super().__init__()
        # Kept directly: `self.model` would sync the JAX state every call.
        self._gan = gan

    def on_epoch_begin(self, epoch, logs=None):
        self._gan.set_phase(self._gan.phase_at(epoch))
