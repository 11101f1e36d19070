"""`TabularGAN`: CTGAN's recipe on the `keras_gan.GAN` training step."""

import random

import keras
import numpy as np
from keras import ops

from keras_gan import distributed
from keras_gan import losses as losses_module
from keras_gan import penalties as penalties_module
from keras_gan import validation
from keras_gan.models.gan import GAN
from keras_gan.training.network_checks import flatten_logits
from keras_gan.training.network_checks import pack_samples as pack_rows
from keras_gan.tabular import networks
from keras_gan.tabular.sampler import ConditionSampler
from keras_gan.tabular.sampler import TabularBatches
from keras_gan.tabular.transformer import TabularTransformer
from keras_gan.tabular.transformer import _is_missing
from keras_gan.tabular.transformer import category_index
from keras_gan.tabular.transformer import check_frame
from keras_gan.random_state import SavesSeedState
from keras_gan.random_state import draw_for_global_batch
from keras_gan.training.adversarial_model import _with_callbacks

DEFAULT_BATCH_SIZE = 500
_SAMPLER_STATE_KEY = "sampler_state"


@keras.saving.register_keras_serializable(package="keras_gan")
class OutputHeads(SavesSeedState, keras.layers.Layer):
    """Tanh on normalized values, Gumbel-softmax on one-hot spans.

    Args:
        spans: `(activation, width)` pairs covering the input's last axis,
            with activation `"tanh"` or `"softmax"`
            (`TabularTransformer.output_info`).
        temperature: Gumbel-softmax temperature. Defaults to `0.2`.
        seed: Seed of the Gumbel noise stream. Defaults to `None`.
        **kwargs: Passed to `keras.layers.Layer`.

    Example:

    ```python
    heads = keras_gan.tabular.OutputHeads([("tanh", 1), ("softmax", 3)])
    rows = heads(keras.random.normal((8, 4)))  # (8, 4)
    ```
    """

    def __init__(self, spans, temperature=0.2, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not float(temperature) > 0:
            raise ValueError(
                "Invalid value for argument `temperature`. Expected a "
                f"positive number. Received: temperature={temperature!r}"
            )
        self.spans = [(str(kind), int(width)) for kind, width in spans]
        self.temperature = float(temperature)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.built = True

    def call(self, logits, seed=None):
        """Activated rows; `seed` (an integer) overrides the noise stream."""
        seed = self.seed_generator if seed is None else seed
        parts, start = [], 0
        for kind, width in self.spans:
            span = logits[:, start : start + width]
            if kind == "tanh":
                parts.append(ops.tanh(span))
            elif width == 1:
                parts.append(ops.ones_like(span))
            else:
                # One draw for the global batch under distribution.
                uniform = draw_for_global_batch(
                    lambda rows, width=width, dtype=span.dtype: keras.random.uniform(
                        (rows, width), 1e-10, 1.0, seed=seed, dtype=dtype
                    ),
                    ops.shape(span)[0],
                )
                gumbel = -ops.log(-ops.log(uniform))
                parts.append(
                    ops.softmax((span + gumbel) / self.temperature, axis=-1)
                )
            start += width
        return ops.concatenate(parts, axis=-1)

    def compute_output_spec(self, logits, seed=None):
        return keras.KerasTensor(logits.shape, logits.dtype)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "spans": self.spans,
                "temperature": self.temperature,
                "seed": self.seed,
            }
        )
        return config


def activate(raw, spans, temperature, rng):
    """`OutputHeads` in NumPy float64, with Gumbel noise from `rng`."""
    raw = np.asarray(raw, dtype="float64")
    parts, start = [], 0
    for kind, width in spans:
        span = raw[:, start : start + width]
        if kind == "tanh":
            parts.append(np.tanh(span))
        else:
            uniform = rng.uniform(1e-10, 1.0, size=span.shape)
            logits = (span - np.log(-np.log(uniform))) / temperature
            logits -= logits.max(axis=1, keepdims=True)
            probabilities = np.exp(logits)
            probabilities /= probabilities.sum(axis=1, keepdims=True)
            parts.append(probabilities)
        start += width
    return np.concatenate(parts, axis=1).astype("float32")


@keras.saving.register_keras_serializable(package="keras_gan")
class TabularGAN(GAN):
    """A GAN for tables: CTGAN (Xu et al. 2019) on `keras_gan.GAN`.

    Rows are encoded by a `keras_gan.tabular.TabularTransformer` (mode-specific
    normalization of continuous columns, one-hot of discrete ones), which is
    saved with the model. The generator sees noise and a conditional
    vector (one category of one discrete column); its output passes tanh
    and Gumbel-softmax heads. Training batches are drawn by
    training-by-sampling, and the generator is also trained to reproduce
    the asked category (a cross-entropy term added to its loss). The
    discriminator judges `pack` rows at once, each with its conditional
    vector. By default the model trains with CTGAN's WGAN-GP recipe.

    Build it with `TabularGAN.from_data(df, discrete_columns=[...])`, then
    `compile()`, `fit(df)` and `sample(n)`.

    Args:
        generator: Keras model on `[noise, conditions]` (or `noise` when the
            table has no discrete column) returning raw encoded rows.
        discriminator: Keras model on packed rows,
            `(batch // pack, pack * (output_dim + condition_dim))`, returning
            one logit per pack.
        latent_dim: Size of the noise vectors.
        transformer: A fitted `TabularTransformer` (or its config).
        pack: Rows the discriminator judges at once. Defaults to `10`.
        gumbel_temperature: Temperature of the Gumbel-softmax heads.
            Defaults to `0.2`.
        **kwargs: Passed to `keras_gan.GAN` (`seed`, `ema`, `name`, ...).

    Example:

    ```python
    synth = keras_gan.tabular.TabularGAN.from_data(
        df, discrete_columns=["sex", "occupation"]
    )
    synth.compile()
    synth.fit(df, epochs=300, batch_size=500)
    fake = synth.sample(1000, seed=0)
    fake_farmers = synth.sample(200, conditions={"occupation": "farming"})
    synth.save("synth.keras")
    ```
    """

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        transformer,
        pack=10,
        gumbel_temperature=0.2,
        **kwargs,
    ):
        if isinstance(transformer, dict):
            transformer = TabularTransformer.from_config(transformer)
        if not isinstance(transformer, TabularTransformer):
            raise ValueError(
                "Invalid value for argument `transformer`. Expected a fitted "
                "`keras_gan.tabular.TabularTransformer`. Received: "
                f"transformer={transformer!r}"
            )
        transformer.check_fitted()
        self.transformer = transformer
        self.discrete_spans = transformer.discrete_spans()
        self.condition_dim = sum(width for _, _, width in self.discrete_spans)
        super().__init__(generator, discriminator, latent_dim, pack=pack, **kwargs)
        # The sampler's state: the seed of the training batches and the
        # epochs trained so far, saved with the weights (exact resume).
        # Without a seed, Python's `random` (which
        # `keras.utils.set_random_seed` sets) gives each model its own.
        self.batch_seed = (
            random.randint(0, 2**31 - 1) if self.seed is None else self.seed
        )
        self.trained_epochs = 0
        self.output_heads = OutputHeads(
            transformer.output_info,
            temperature=gumbel_temperature,
            seed=None if self.seed is None else self.seed + 1,
            # float16 would turn the Gumbel noise's log(1e-10) into -inf.
            dtype="float32",
            name="output_heads",
        )

    @classmethod
    def from_data(
        cls,
        data,
        discrete_columns=(),
        latent_dim=128,
        generator_dims=(256, 256),
        discriminator_dims=(256, 256),
        pack=10,
        dropout=0.0,
        max_modes=10,
        clip_to_observed_range=True,
        max_integer_categories=10,
        seed=None,
        **kwargs,
    ):
        """Fits the transformer on `data` and builds CTGAN's networks.

        Args:
            data: A pandas DataFrame.
            discrete_columns: Names of its discrete columns (boolean and
                `category` columns are discrete anyway). Defaults to `()`.
            latent_dim: Size of the noise vectors. Defaults to `128`.
            generator_dims: Residual block widths. Defaults to `(256, 256)`.
            discriminator_dims: Hidden widths. Defaults to `(256, 256)`.
            pack: Rows judged together. Defaults to `10`.
            dropout: Discriminator dropout rate. Defaults to `0.0` (CTGAN
                uses `0.5`, which weakens the dependencies between columns
                the generator learns: see the tables guide).
            max_modes: Gaussian mixture components per continuous column.
                Defaults to `10`.
            clip_to_observed_range: Whether sampled continuous values stay
                within the range seen in `data`. Defaults to `True`.
            max_integer_categories: Integer columns not named in
                `discrete_columns` with at most this many distinct values
                are discrete; `0` makes them all continuous. Defaults to
                `10`.
            seed: Integer seed of the transformer, the initial weights
                (through `keras.utils.set_random_seed`, which seeds Python,
                NumPy and the backend globally), the noise and the training
                batches. Defaults to `None`.
            **kwargs: Passed to the constructor.

        Returns:
            An uncompiled `TabularGAN`.
        """
        check_frame(data, "data")
        transformer = TabularTransformer(
            discrete_columns,
            max_modes=max_modes,
            clip_to_observed_range=clip_to_observed_range,
            max_integer_categories=max_integer_categories,
            seed=0 if seed is None else seed,
        ).fit(data)
        if seed is not None:
            keras.utils.set_random_seed(seed)
        condition_dim = sum(w for _, _, w in transformer.discrete_spans())
        generator = networks.tabular_generator(
            latent_dim,
            condition_dim,
            transformer.output_dim,
            generator_dims,
            name="generator",
        )
        discriminator = networks.tabular_discriminator(
            pack * (transformer.output_dim + condition_dim),
            discriminator_dims,
            dropout=dropout,
            name="discriminator",
        )
        return cls(
            generator,
            discriminator,
            latent_dim=latent_dim,
            transformer=transformer,
            pack=pack,
            seed=seed,
            **kwargs,
        )

    # === Network checks ===

    def generator_input_spec(self, batch_size=None):
        noise = keras.KerasTensor((batch_size, self.latent_dim))
        if not self.condition_dim:
            return noise
        return [noise, keras.KerasTensor((batch_size, self.condition_dim))]

    def check_networks(self):
        output_dim = self.transformer.output_dim
        try:
            samples = self.generator.compute_output_spec(
                self.generator_input_spec()
            )
        except Exception as error:
            raise ValueError(
                "Invalid value for argument `generator`. Expected a model on "
                f"noise of size {self.latent_dim}"
                + (
                    f" and conditions of size {self.condition_dim}"
                    if self.condition_dim
                    else ""
                )
                + f". Calling it failed: {error}"
            ) from error
        if tuple(samples.shape[1:]) != (output_dim,):
            raise ValueError(
                "Invalid value for argument `generator`. Expected outputs of "
                f"shape (batch, {output_dim}) (the transformer's width). "
                f"Received: output shape {tuple(samples.shape)}"
            )
        packed = keras.KerasTensor(
            (None, self.pack * (output_dim + self.condition_dim))
        )
        try:
            logits = self.discriminator.compute_output_spec(packed)
        except Exception as error:
            raise ValueError(
                "Invalid value for argument `discriminator`. Expected a model "
                f"on packed rows of shape {packed.shape}. Calling it "
                f"failed: {error}"
            ) from error
        if tuple(logits.shape[1:]) not in ((), (1,)):
            raise ValueError(
                "Invalid value for argument `discriminator`. Expected one "
                "logit per pack, output shape (batch, 1). Received: output "
                f"shape {tuple(logits.shape)}"
            )

    # === Compile ===

    def compile(
        self,
        d_optimizer=None,
        g_optimizer=None,
        loss="auto",
        penalty="auto",
        **kwargs,
    ):
        """Configures training; `"auto"` gives CTGAN's recipe.

        Defaults: the Wasserstein loss with a gradient penalty of weight 10
        and Adam(2e-4, beta_1=0.5, beta_2=0.9) for both networks. Every
        argument of `keras_gan.GAN.compile` is accepted.
        """
        if d_optimizer is None:
            d_optimizer = _ctgan_optimizer()
        if g_optimizer is None:
            g_optimizer = _ctgan_optimizer()
        if isinstance(loss, str) and loss == "auto":
            loss = losses_module.WassersteinLoss()
        if isinstance(penalty, str) and penalty == "auto":
            penalty = [penalties_module.GradientPenalty(weight=10.0)]
        super().compile(
            d_optimizer=d_optimizer,
            g_optimizer=g_optimizer,
            loss=loss,
            penalty=penalty,
            **kwargs,
        )

    # === Hooks ===

    def call(self, inputs, training=False):
        if self.condition_dim:
            noise, conditions = inputs
        else:
            noise, conditions = inputs, None
        return self.call_generator(noise, conditions, training=training)

    def unpack_batch(self, data):
        rows, conditions = self.unpack_weighted_batch(data)
        rows = ops.convert_to_tensor(rows)
        if self.condition_dim and conditions is None:
            raise ValueError(
                "`TabularGAN` needs conditional vectors: pass a DataFrame to "
                "`fit`, which draws them by training-by-sampling. Received "
                "a batch without them."
            )
        if conditions is not None:
            conditions = ops.cast(conditions, rows.dtype)
        return rows, conditions

    def generator_outputs(
        self, noise, conditions, training=False, generator=None
    ):
        """Raw generator outputs, before the heads."""
        generator = generator or self.generator
        inputs = noise if conditions is None else [noise, conditions]
        return generator(inputs, training=training)

    def call_generator(
        self, noise, labels=None, training=False, generator=None
    ):
        raw = self.generator_outputs(noise, labels, training, generator)
        return self.output_heads(raw)

    def call_discriminator(
        self, samples, labels=None, training=False, discriminator=None
    ):
        """Logits of packed rows, each with its conditional vector."""
        if labels is not None:
            samples = ops.concatenate(
                [samples, ops.cast(labels, samples.dtype)], axis=-1
            )
        return super().call_discriminator(
            samples, training=training, discriminator=discriminator
        )

    def penalty_inputs(self, real, fake, labels, training, input_gradients):
        """Penalties judge whole packs, as CTGAN's gradient penalty does.

        Each pack of `pack` rows (with their conditional vectors) is one
        input of the critic: the gradient penalty draws one mix per pack
        and takes the gradient norm of the whole pack, which keeps the
        critic 1-Lipschitz on packs (a per-row norm of 1 would allow a
        pack norm of `sqrt(pack)`).
        """
        if self.pack == 1 or self.augmentation is not None:
            return super().penalty_inputs(
                real, fake, labels, training, input_gradients
            )

        def packed(rows):
            if labels is not None:
                rows = ops.concatenate(
                    [rows, ops.cast(labels, rows.dtype)], axis=-1
                )
            return self.pack_samples(rows)

        def critic(packs):
            return flatten_logits(self.discriminator(packs, training=training))

        return critic, packed(real), packed(fake), None

    def compute_generator_loss(self, real, labels=None, training=True):
        """The adversarial loss plus the conditional cross-entropy."""
        batch_size = ops.shape(real)[0]
        noise = self.sample_noise(batch_size)
        raw = self.generator_outputs(noise, labels, training=training)
        fake_logits = self.judge(self.output_heads(raw), labels, training)
        real_logits = None
        if self.loss_fn.uses_real_logits_for_generator:
            real_logits = self.judge(real, labels, training=training)
        loss = self.loss_fn.generator_loss(fake_logits, real_logits)
        if labels is None:
            return loss
        return loss + self.condition_loss(raw, labels)

    def condition_loss(self, raw, conditions):
        """Mean cross-entropy of the asked categories under the raw outputs.

        A conditional vector is one-hot over all discrete columns, so the
        sum over columns is the cross-entropy of the asked column alone.
        """
        raw = ops.cast(raw, "float32")
        conditions = ops.cast(conditions, "float32")
        total, offset = 0.0, 0
        for _, start, width in self.discrete_spans:
            log_probabilities = ops.log_softmax(
                raw[:, start : start + width], axis=-1
            )
            asked = conditions[:, offset : offset + width]
            total = total - ops.sum(asked * log_probabilities, axis=-1)
            offset += width
        return ops.mean(total)

    # === Training ===

    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        validation_data=None,
        initial_epoch=0,
        **kwargs,
    ):
        """Trains on a DataFrame `x` (the columns seen by `from_data`).

        Batches are drawn by training-by-sampling: `len(x) // batch_size`
        of them per epoch, each row sampled with replacement. Other
        arguments are those of `keras.Model.fit`.

        Args:
            x: A pandas DataFrame.
            y: Must be `None`.
            batch_size: Rows per batch, a multiple of `pack`. Defaults to
                `500` (or the largest multiple of `pack` not above the
                number of rows). In a `torch.distributed` or
                `jax.distributed` run, the batch of each process: every
                process passes the whole table, and each batch is drawn
                for the global batch of `batch_size * process_count()`
                rows, of which each process keeps its own.
            epochs: Number of epochs. Defaults to `1`.
            validation_data: Optional DataFrame evaluated after each epoch.
            initial_epoch: Epoch to start from. Defaults to `0`.
            **kwargs: Passed to `keras.Model.fit` (`callbacks`, `verbose`,
                ...).
        """
        if y is not None:
            raise ValueError(
                "`TabularGAN.fit` takes the whole table as `x` and no "
                f"`y`. Received: y of type {type(y).__name__}"
            )
        for name in ("steps_per_epoch", "validation_split"):
            if kwargs.get(name) is not None:
                raise ValueError(
                    f"`TabularGAN.fit` does not take the argument `{name}`: "
                    "an epoch is `len(x) // batch_size` batches drawn by "
                    f"training-by-sampling. Received: {name}={kwargs[name]!r}"
                )
            kwargs.pop(name, None)
        # Batches are random draws already; Keras' shuffling of their order
        # would draw from Python's `random` and break exact resume.
        kwargs.pop("shuffle", None)
        self.transformer.check_columns(x, "x")
        batch_size = self._check_batch_size(batch_size, len(x))
        dataset = self.make_batches(x, batch_size)
        datasets = [dataset]
        if validation_data is not None:
            self.transformer.check_columns(validation_data, "validation_data")
            validation_data = self.make_batches(
                validation_data,
                self._check_batch_size(batch_size, len(validation_data)),
                validation=True,
            )
            datasets.append(validation_data)
        callbacks = _with_callbacks(
            kwargs.pop("callbacks", None), [CountTrainedEpochs(self, datasets)], []
        )
        return super().fit(
            dataset,
            epochs=epochs,
            validation_data=validation_data,
            initial_epoch=initial_epoch,
            callbacks=callbacks,
            shuffle=False,
            **kwargs,
        )

    def _check_batch_size(self, batch_size, rows):
        if batch_size is None:
            batch_size = min(DEFAULT_BATCH_SIZE, max(self.pack, rows))
            return max(self.pack, batch_size - batch_size % self.pack)
        if isinstance(batch_size, bool) or not isinstance(
            batch_size, (int, np.integer)
        ) or batch_size < 1 or batch_size % self.pack:
            raise ValueError(
                "Invalid value for argument `batch_size`. Expected a positive "
                f"multiple of pack={self.pack}. Received: "
                f"batch_size={batch_size!r}"
            )
        return int(batch_size)

    def make_batches(self, data, batch_size, validation=False):
        """A `keras.utils.PyDataset` of training-by-sampling batches.

        Its batches depend on the model's `batch_seed` and on the epochs it
        has trained (`trained_epochs`, saved with the weights), so a second
        `fit` draws new batches and a resumed `fit` the interrupted ones.
        """
        encoded = self.transformer.transform(data)
        sampler = ConditionSampler(encoded, self.discrete_spans)
        process = _feeding_process()
        batches = TabularBatches(
            sampler,
            batch_size,
            steps=max(1, len(data) // (batch_size * process[1])),
            seed=[self.batch_seed, int(validation)],
            process=process,
        )
        batches.epoch_key = self.trained_epochs
        return batches

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store[_SAMPLER_STATE_KEY] = np.array(
            [self.batch_seed, self.trained_epochs], "int64"
        )

    def load_own_variables(self, store):
        if _SAMPLER_STATE_KEY in store.keys():
            self.batch_seed, self.trained_epochs = (
                int(v) for v in np.asarray(store[_SAMPLER_STATE_KEY])
            )
            store = {
                key: store[key]
                for key in store.keys()
                if key != _SAMPLER_STATE_KEY
            }
        super().load_own_variables(store)

    # === Sampling ===

    def generate(
        self, num_samples, seed=None, batch_size=1000, conditions=None
    ):
        """Generated encoded rows as a NumPy array.

        Args:
            num_samples: Number of rows.
            seed: Integer seed (or a list of them); `None` for a fresh
                one. Defaults to `None`.
            batch_size: Rows per generator call. Defaults to `1000`.
            conditions: Conditional vectors, shape `(num_samples,
                condition_dim)`; defaults to a draw of the data's own
                frequencies (a conditional span uniformly, then one of its
                entries with its frequency in the data), under which the
                samples follow the data's distribution.
        """
        validation.check_positive_int("num_samples", num_samples)
        validation.check_positive_int("batch_size", batch_size)
        if seed is None:
            seed = int(np.random.randint(0, 2**31 - 1))
        seeds = np.random.SeedSequence(seed)
        rng = np.random.default_rng(seeds)
        if conditions is None:
            conditions = self.original_conditions(num_samples, rng)
        shape = (num_samples, self.latent_dim)
        if self.latent_sampler.distribution == "uniform":
            noise = rng.uniform(-1.0, 1.0, shape).astype("float32")
        else:
            noise = rng.standard_normal(shape).astype("float32")
        arrays = [noise] if conditions is None else [noise, conditions]
        forward = networks.numpy_inference(self.sampling_generator)
        if forward is None:
            raw = self._backend_forward(noise, conditions, batch_size)
        else:
            raw = np.concatenate(
                [
                    forward([a[start : start + batch_size] for a in arrays])
                    for start in range(0, num_samples, batch_size)
                ],
                axis=0,
            )
        return activate(
            raw,
            self.transformer.output_info,
            self.output_heads.temperature,
            np.random.default_rng(seeds.spawn(1)[0]),
        )

    def _backend_forward(self, noise, conditions, batch_size):
        """Raw generator outputs computed by the backend."""
        num_samples = len(noise)
        # Called directly in inference mode (no `predict` to compile), on
        # chunks of one shape: the last one is padded, so that no backend
        # traces a second shape.
        batch_size = min(batch_size, num_samples)
        padding = -num_samples % batch_size
        arrays = [noise] if conditions is None else [noise, conditions]
        arrays = [np.pad(a, ((0, padding), (0, 0))) for a in arrays]
        raw = []
        for start in range(0, num_samples + padding, batch_size):
            inputs = [a[start : start + batch_size] for a in arrays]
            raw.append(
                ops.convert_to_numpy(
                    self.sampling_generator(
                        inputs if conditions is not None else inputs[0],
                        training=False,
                    )
                )
            )
        return np.concatenate(raw, axis=0)[:num_samples]

    def original_conditions(self, num_samples, rng):
        """Conditional vectors with each span's entries at their data
        frequencies (a span drawn uniformly for each row)."""
        if not self.condition_dim:
            return None
        conditions = np.zeros((num_samples, self.condition_dim), "float32")
        spans = rng.integers(0, len(self.discrete_spans), num_samples)
        offset = 0
        for index, (name, _, width) in enumerate(self.discrete_spans):
            frequencies = np.asarray(
                self.transformer.span_frequencies(name), dtype="float64"
            )
            selected = np.flatnonzero(spans == index)
            entries = rng.choice(
                width, size=len(selected), p=frequencies / frequencies.sum()
            )
            conditions[selected, offset + entries] = 1.0
            offset += width
        return conditions

    def sample(
        self, num_rows, seed=0, conditions=None, batch_size=1000, max_tries=100
    ):
        """Synthetic rows as a DataFrame with the training columns and dtypes.

        Args:
            num_rows: Number of rows.
            seed: Integer seed; `None` for a fresh one. Defaults to `0`.
            conditions: Optional dict `{column: value}` on one or more
                discrete columns (a value seen in training, or NaN/`None`
                for a column that had missing values), or `{column: NaN}`
                on a continuous column that had missing values. The
                generator is asked, through its conditional vector, for the
                condition that was rarest in the data, and only rows
                matching all conditions are kept (rejection sampling), so
                every returned row matches. Defaults to `None`.
            batch_size: Rows per generator call. Defaults to `1000`.
            max_tries: With `conditions`, at most `max_tries * num_rows`
                rows are generated. Defaults to `100`.

        Raises:
            ValueError: If a condition names an unknown column, a
                continuous column with a value, or a value never seen in
                training, or if too few generated rows match the
                conditions.
        """
        import pandas as pd

        validation.check_positive_int("num_rows", num_rows)
        validation.check_positive_int("max_tries", max_tries)
        if seed is None:
            seed = int(np.random.randint(0, 2**31 - 1))
        if not conditions:
            if conditions is not None and not isinstance(conditions, dict):
                self._condition_vector(conditions)  # Raises.
            if self.transformer.missing_patterns:
                return self._sample_missing_patterns(
                    num_rows, seed, batch_size, max_tries
                )
            return self.transformer.inverse_transform(
                self.generate(num_rows, seed=seed, batch_size=batch_size)
            )
        vector = self._condition_vector(conditions)
        kept, found, generated, attempt = [], 0, 0, 0
        budget = max_tries * num_rows
        while found < num_rows:
            if generated >= budget:
                raise ValueError(
                    f"Only {found} of {generated} generated rows match "
                    f"conditions={conditions!r}; {num_rows} were asked. Train "
                    "longer or raise `max_tries`."
                )
            # Enough rows for what is missing at the acceptance rate so far.
            rate = max(found / generated, 1.0 / max_tries) if generated else 1.0
            count = int(np.ceil(1.1 * (num_rows - found) / rate))
            count = min(max(count, batch_size), budget - generated)
            rows = self.transformer.inverse_transform(
                self.generate(
                    count,
                    seed=[seed, attempt],
                    batch_size=batch_size,
                    conditions=np.repeat(vector[None], count, axis=0),
                )
            )
            match = np.ones(len(rows), dtype=bool)
            for name, value in conditions.items():
                if _is_missing(value):
                    match &= rows[name].isna().to_numpy()
                else:
                    match &= (rows[name] == value).to_numpy(
                        dtype=bool, na_value=False
                    )
            kept.append(rows[match])
            found += int(match.sum())
            generated += count
            attempt += 1
        return pd.concat(kept, ignore_index=True).iloc[:num_rows]

    def _sample_missing_patterns(self, num_rows, seed, batch_size, max_tries):
        """Rows whose missingness patterns have the data's shares.

        A pattern is the set of columns missing together. Generated rows
        are grouped by pattern, and each pattern keeps as many of its rows
        as its share of the data asks (generating more while one falls
        short, within `max_tries * num_rows` rows): missing values come at
        the data's rates and together, and every kept row is the
        generator's, with the values it draws alongside that pattern.
        """
        import pandas as pd

        info = self.transformer.missing_patterns
        names = info["columns"]
        keys = {
            np.asarray(pattern, bool).tobytes(): index
            for index, pattern in enumerate(info["patterns"])
        }
        counts = np.asarray(info["counts"], "float64")
        need = _apportion(num_rows, counts / counts.sum())
        kept = [[] for _ in counts]
        produced = np.zeros(len(counts))
        generated, attempt = 0, 0
        spare = []
        while need.sum() and generated < max_tries * num_rows:
            # Enough rows for the pattern that falls shortest so far.
            rates = (produced + 1.0) / (generated + len(counts))
            count = int(np.ceil(1.1 * np.max(need / rates)))
            count = min(max(count, batch_size), max_tries * num_rows - generated)
            rows = self.transformer.inverse_transform(
                self.generate(count, seed=[seed, attempt], batch_size=batch_size)
            )
            observed = rows[names].isna().to_numpy()
            index = np.asarray(
                [keys.get(row.tobytes(), -1) for row in observed], int
            )
            for pattern in range(len(counts)):
                where = np.flatnonzero(index == pattern)
                produced[pattern] += len(where)
                taken = where[: need[pattern]]
                kept[pattern].append(rows.iloc[taken])
                need[pattern] -= len(taken)
                spare.append(rows.iloc[where[len(taken) :]])
            generated += count
            attempt += 1
        parts = [part for group in kept for part in group]
        if need.sum():
            # A pattern the generator (almost) never draws: fill with rows
            # of the others rather than fail.
            parts.append(pd.concat(spare).iloc[: int(need.sum())])
        result = pd.concat(parts, ignore_index=True)
        order = np.random.default_rng([seed, attempt]).permutation(len(result))
        return result.iloc[order].reset_index(drop=True)

    def _condition_vector(self, conditions):
        """The conditional vector of the rarest of `conditions`."""
        if not isinstance(conditions, dict):
            raise ValueError(
                "Invalid value for argument `conditions`. Expected a dict "
                "`{column: value}`. Received: "
                f"conditions={conditions!r}"
            )
        names = [name for name, _, _ in self.discrete_spans]
        choices = []
        for name, value in conditions.items():
            if name not in self.transformer.column_names:
                raise ValueError(
                    "Invalid value for argument `conditions`: "
                    f"{name!r} is not a column of the data. Columns: "
                    f"{self.transformer.column_names}. Received: "
                    f"conditions={conditions!r}"
                )
            column = self.transformer.column(name)
            if column["kind"] == "continuous":
                if not _is_missing(value) or name not in names:
                    raise ValueError(
                        "Invalid value for argument `conditions`: "
                        f"{name!r} is a continuous column; conditions name "
                        "discrete columns (or ask a continuous column with "
                        "missing values for NaN). Received: "
                        f"conditions={conditions!r}"
                    )
                entry = 1
            else:
                entry = category_index(column, value)
            frequencies = self.transformer.span_frequencies(name)
            if not frequencies[entry]:
                raise ValueError(
                    "Invalid value for argument `conditions`: column "
                    f"{name!r} never takes the value {value!r} in the data "
                    "the model was fitted on (an unused category of its "
                    "dtype)."
                )
            share = frequencies[entry] / sum(frequencies)
            choices.append((share, names.index(name), entry))
        _, span, entry = min(choices)
        vector = np.zeros(self.condition_dim, "float32")
        offset = sum(width for _, _, width in self.discrete_spans[:span])
        vector[offset + entry] = 1.0
        return vector

    # === Config ===

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "transformer": self.transformer.get_config(),
                "gumbel_temperature": self.output_heads.temperature,
            }
        )
        return config


def _feeding_process():
    """`(index, count)` of this process among those feeding their own rows
    of each global batch (`torch.distributed`, `jax.distributed`); under
    TensorFlow strategies `fit` splits the global batch itself."""
    if keras.backend.backend() == "tensorflow":
        return (0, 1)
    return (distributed.process_index(), distributed.process_count())


def _ctgan_optimizer():
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5, beta_2=0.9)


class CountTrainedEpochs(keras.callbacks.Callback):
    """Keys each epoch's batches by the model's batch seed and the epochs it
    has trained.

    `TabularGAN.fit` puts it before the user's callbacks, so a checkpoint
    written at an epoch's end already counts that epoch.

    Args:
        model: The `TabularGAN`.
        datasets: Its `TabularBatches` (training, and validation if any).
    """

    def __init__(self, model, datasets):
        super().__init__()
        # Kept directly: `self.model` would sync the JAX state every call.
        self._gan = model
        self._datasets = datasets

    def on_epoch_begin(self, epoch, logs=None):
        # Read here, after `BackupAndRestore` may have restored them.
        for dataset in self._datasets:
            dataset.seed = [self._gan.batch_seed, *dataset.seed[1:]]
            dataset.epoch_key = self._gan.trained_epochs

    def on_epoch_end(self, epoch, logs=None):
        self._gan.trained_epochs += 1


def _apportion(total, shares):
    """Integers summing to `total`, proportional to `shares` (largest
    remainders)."""
    exact = np.asarray(shares, "float64") * total
    counts = np.floor(exact).astype(int)
    remainder = total - counts.sum()
    counts[np.argsort(counts - exact)[:remainder]] += 1
    return counts
