import copy

import keras
import numpy as np
from keras import ops

from keras_gan import backend
from keras_gan import losses as losses_module
from keras_gan import penalties as penalties_module
from keras_gan import sampling
from keras_gan import utils
from keras_gan.models.latent_sampler import LatentSampler
from keras_gan.models.loss_trackers import LossTrackers
from keras_gan.models.optimizer_group import OptimizerGroup
from keras_gan.models.optimizer_group import SkipNonFiniteOptimizer
from keras_gan.models.training_progress import TrackTrainingProgress
from keras_gan.models.training_progress import TrainingProgress
from keras_gan.version import __version__

NONFINITE_POLICIES = ("skip", "raise", "apply")

# Keyword arguments of `keras.Model.compile` that a GAN replaces with its own.
_REPLACED_COMPILE_ARGS = {
    "optimizer": "d_optimizer` and `g_optimizer",
    "loss_weights": "penalty",
    "metrics": "callbacks such as `keras_gan.callbacks.GANQuality`",
    "weighted_metrics": "callbacks such as `keras_gan.callbacks.GANQuality`",
}


def default_loss():
    """The loss `GAN.compile` uses when `loss="auto"`.

    The non-saturating loss with R1 on reals (see `default_penalties`) is the
    recipe that covered all modes of the 8-Gaussian ring benchmark
    (`benchmarks/default_recipe.py`) most reliably; the README gives numbers.
    """
    return losses_module.NonSaturatingLoss()


def default_penalties():
    """The penalties `GAN.compile` uses when `penalty="auto"`."""
    return [penalties_module.R1Penalty(weight=1.0)]


def default_optimizer():
    """Adam with the DCGAN settings (Radford et al. 2016)."""
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


@keras.saving.register_keras_serializable(package="keras_gan")
class GAN(backend.GANTrainer, keras.Model):
    """A generative adversarial network that trains with `fit()`.

    Each `train_step` runs `d_steps` discriminator updates, each with fresh
    noise and the same real batch, then one generator update. Penalties are
    added to the discriminator loss. `d_loss` and `g_loss` (the adversarial
    losses), each penalty, and `loss` (their sum, read by tools such as
    `keras.callbacks.TerminateOnNaN`) are logged and reset every epoch.

    The training step is assembled from small hooks that subclasses may
    override one at a time:

    - `sample_noise(batch_size)`: latent vectors.
    - `unpack_batch(data)`: `(real_samples, labels)` from one dataset batch.
    - `call_generator(noise, labels, training)` and
      `call_discriminator(samples, labels, training)`: how the networks are
      called (the conditional GAN passes labels).
    - `augment(samples, training)`: applied to everything the discriminator
      sees when an `augmentation` layer is given.
    - `compute_discriminator_loss(real, labels, training)` and
      `compute_generator_loss(real, labels, training)`: the objectives.
    - `discriminator_step(real, labels)` and `generator_step(real, labels)`:
      one update each.

    Calling the model on latent vectors returns generated samples; use
    `generate(num_samples, seed=...)` for NumPy output.

    Args:
        generator: A Keras model mapping `(batch, latent_dim)` noise to
            samples.
        discriminator: A Keras model mapping samples to one logit per sample,
            shape `(batch, 1)` or `(batch,)`.
        latent_dim: Size of the latent vectors.
        latent_distribution: `"normal"` or `"uniform"`. Defaults to
            `"normal"`.
        augmentation: Optional `keras.layers.Layer` applied to real and fake
            samples before the discriminator (for example
            `keras_gan.augment.DiffAugment`). If it has an `update(real_logits)`
            method (adaptive augmentation) it is called after every
            discriminator step. Defaults to `None`.
        seed: Integer seed of the noise stream. Defaults to `None`.
        ema: Optional dict of `enable_ema` arguments, e.g.
            `{"decay": 0.999}`, to keep an exponential moving average of the
            generator. Usually set by the `keras_gan.callbacks.GeneratorEMA`
            callback instead. Defaults to `None`.
        **kwargs: Passed to `keras.Model` (for example `name`).

    Example:

    ```python
    generator = keras.Sequential([
        keras.Input((2,)), keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(2),
    ])
    discriminator = keras.Sequential([
        keras.Input((2,)), keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ])
    gan = keras_gan.GAN(generator, discriminator, latent_dim=2)
    gan.compile(loss="non_saturating")
    gan.fit(data, epochs=10)
    samples = gan.generate(100, seed=0)
    ```
    """

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        latent_distribution="normal",
        augmentation=None,
        seed=None,
        ema=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        _check_type("generator", generator, keras.Model)
        _check_type("discriminator", discriminator, keras.Model)
        if augmentation is not None:
            _check_type("augmentation", augmentation, keras.layers.Layer)
        if isinstance(latent_dim, bool) or not isinstance(
            latent_dim, (int, np.integer)
        ) or latent_dim < 1:
            raise ValueError(
                "Invalid value for argument `latent_dim`. Expected a "
                f"positive integer. Received: latent_dim={latent_dim!r}"
            )
        if generator is discriminator:
            raise ValueError(
                "Invalid value for argument `discriminator`: it is the same "
                "model as `generator`. Pass two distinct models."
            )
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.augmentation = augmentation
        self.seed = seed
        self.latent_sampler = LatentSampler(
            self.latent_dim, distribution=latent_distribution, seed=seed
        )
        self.ema_generator = None
        self.ema_config = None
        self._check_shared_layers()
        self.check_networks()
        self.loss_trackers = LossTrackers(["loss", "d_loss", "g_loss"])
        self.training_progress = TrainingProgress()
        if ema is not None:
            self.enable_ema(**ema)
        self.built = True

    # === Network checks ===

    def generator_input_spec(self, batch_size=None):
        """Symbolic generator inputs, used to check the networks."""
        return keras.KerasTensor((batch_size, self.latent_dim))

    def discriminator_input_spec(self, samples_spec):
        """Symbolic discriminator inputs for symbolic samples."""
        return samples_spec

    def check_networks(self):
        """Checks that the generator and discriminator fit together.

        Raises:
            ValueError: if `latent_dim` disagrees with the generator input,
                the generator output does not match the discriminator input,
                or the discriminator does not give one logit per sample.
        """
        noise_spec = self.generator_input_spec()
        generator_inputs = getattr(self.generator, "inputs", None)
        noise_input = _first(generator_inputs)
        if noise_input is not None and noise_input.shape[-1] not in (
            None,
            self.latent_dim,
        ):
            raise ValueError(
                "Invalid value for argument `latent_dim`. It must match the "
                f"generator's latent input shape {tuple(noise_input.shape)}. "
                f"Received: latent_dim={self.latent_dim}"
            )
        samples_spec = _output_spec(self.generator, noise_spec)
        discriminator_input = _first(getattr(self.discriminator, "inputs", None))
        if samples_spec is not None and discriminator_input is not None:
            if not _shapes_compatible(
                samples_spec.shape[1:], discriminator_input.shape[1:]
            ):
                raise ValueError(
                    "Invalid value for argument `generator`: its output shape "
                    f"{tuple(samples_spec.shape)} does not match the "
                    "discriminator's input shape "
                    f"{tuple(discriminator_input.shape)}."
                )
        if samples_spec is None:
            return
        if self.augmentation is not None and not self.augmentation.built:
            self.augmentation.build(samples_spec.shape)
        logits_spec = _output_spec(
            self.discriminator, self.discriminator_input_spec(samples_spec)
        )
        if logits_spec is not None and tuple(logits_spec.shape[1:]) not in (
            (),
            (1,),
        ):
            raise ValueError(
                "Invalid value for argument `discriminator`. Expected one "
                "logit per sample, output shape (batch, 1) or (batch,). "
                f"Received: output shape {tuple(logits_spec.shape)}"
            )

    def _check_shared_layers(self):
        generator_ids = {id(v) for v in self.generator.weights}
        shared = [
            v.path for v in self.discriminator.weights if id(v) in generator_ids
        ]
        if shared:
            raise ValueError(
                "Invalid value for argument `discriminator`: it shares "
                f"variables with the generator ({', '.join(shared[:3])}). "
                "Each update would move both networks; pass networks with "
                "separate layers."
            )

    # === Compile ===

    def compile(
        self,
        d_optimizer=None,
        g_optimizer=None,
        loss="auto",
        penalty="auto",
        d_steps=1,
        on_nonfinite="skip",
        **kwargs,
    ):
        """Configures the GAN for training.

        Args:
            d_optimizer: Discriminator optimizer (instance, name or config).
                Defaults to `Adam(2e-4, beta_1=0.5)`.
            g_optimizer: Generator optimizer, a different object from
                `d_optimizer`. Defaults to `Adam(2e-4, beta_1=0.5)`.
            loss: A `keras_gan.losses.GANLoss`, a registered name such as
                `"hinge"`, or `"auto"` for the default recipe (the
                non-saturating loss). Defaults to `"auto"`.
            penalty: A `keras_gan.penalties.Penalty`, a list of them, `None`
                for none, or `"auto"` for the default recipe (R1 with
                weight 1). Defaults to `"auto"`.
            d_steps: Discriminator updates per generator update. Defaults
                to `1`.
            on_nonfinite: What an update whose loss or gradients are NaN or
                infinite does. `"skip"`: it is not applied (weights and
                optimizer state stay as they were) and is counted in the
                `skipped_steps` log. `"raise"`: the same, then `fit` stops
                with a `RuntimeError` naming the batch. `"apply"`: applied
                like any update (plain Keras behaviour). Defaults to
                `"skip"`.
            **kwargs: Passed to `keras.Model.compile`: `run_eagerly`,
                `jit_compile`, `steps_per_execution`, `auto_scale_loss`.
        """
        for name, replacement in _REPLACED_COMPILE_ARGS.items():
            if name in kwargs:
                raise ValueError(
                    f"`GAN.compile` does not take the argument `{name}`; "
                    f"use `{replacement}` instead. Received: {name}="
                    f"{kwargs[name]!r}"
                )
        if isinstance(d_steps, bool) or not isinstance(
            d_steps, (int, np.integer)
        ) or d_steps < 1:
            raise ValueError(
                "Invalid value for argument `d_steps`. Expected an integer "
                f">= 1. Received: d_steps={d_steps!r}"
            )
        if on_nonfinite not in NONFINITE_POLICIES:
            raise ValueError(
                "Invalid value for argument `on_nonfinite`. Expected one of "
                f"{NONFINITE_POLICIES}. Received: on_nonfinite={on_nonfinite!r}"
            )
        d_optimizer = _get_optimizer("d_optimizer", d_optimizer)
        g_optimizer = _get_optimizer("g_optimizer", g_optimizer)
        if d_optimizer is g_optimizer:
            raise ValueError(
                "Invalid value for argument `g_optimizer`: it is the same "
                "object as `d_optimizer`. Sharing one optimizer between the "
                "two networks mixes their slot variables; pass two "
                "optimizers."
            )
        loss_fn = default_loss() if loss == "auto" else losses_module.get(loss)
        penalties = (
            default_penalties()
            if isinstance(penalty, str) and penalty == "auto"
            else penalties_module.get(penalty)
        )
        _check_unique_names(penalties)

        auto_scale_loss = kwargs.pop("auto_scale_loss", True)
        super().compile(optimizer=None, loss=None, **kwargs)
        self._gan_compile_config = {
            "d_optimizer": d_optimizer,
            "g_optimizer": g_optimizer,
            "loss": loss_fn,
            "penalty": penalties,
            "d_steps": int(d_steps),
            "on_nonfinite": on_nonfinite,
            **kwargs,
        }
        self.on_nonfinite = on_nonfinite
        self.d_optimizer = self._wrap_optimizer(d_optimizer, auto_scale_loss)
        self.g_optimizer = self._wrap_optimizer(g_optimizer, auto_scale_loss)
        self.optimizer = OptimizerGroup(self.d_optimizer, self.g_optimizer)
        self.loss_fn = loss_fn
        self.penalties = penalties
        self.d_steps = int(d_steps)
        counters = [] if on_nonfinite == "apply" else ["skipped_steps"]
        self.loss_trackers = LossTrackers(
            ["loss", "d_loss", "g_loss"] + [p.name for p in penalties],
            counters=counters,
        )
        self._build_optimizers()

    def _wrap_optimizer(self, optimizer, auto_scale_loss):
        if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            return optimizer
        if auto_scale_loss and self.dtype_policy.name == "mixed_float16":
            # Dynamic loss scaling also skips non-finite updates.
            return keras.optimizers.LossScaleOptimizer(optimizer)
        if self.on_nonfinite != "apply":
            return SkipNonFiniteOptimizer(optimizer)
        return optimizer

    def _build_optimizers(self):
        # Built now so that `load_model`, `load_weights` and
        # `BackupAndRestore` can restore the slot variables before training.
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    def get_compile_config(self):
        if not self.compiled:
            return {}
        config = dict(self._gan_compile_config)
        config["penalty"] = [
            keras.saving.serialize_keras_object(p) for p in config["penalty"]
        ]
        for key in ("d_optimizer", "g_optimizer", "loss"):
            config[key] = keras.saving.serialize_keras_object(config[key])
        return config

    def compile_from_config(self, config):
        config = dict(config)
        for key in ("d_optimizer", "g_optimizer", "loss"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        config["penalty"] = [
            keras.saving.deserialize_keras_object(p) for p in config["penalty"]
        ]
        self.compile(**config)

    @property
    def metrics(self):
        return [self.loss_trackers]

    # === Hooks ===

    def call(self, inputs, training=False):
        return self.call_generator(inputs, None, training=training)

    def sample_noise(self, batch_size):
        """Returns `(batch_size, latent_dim)` latent vectors."""
        return self.latent_sampler.sample(batch_size)

    def unpack_batch(self, data):
        """Returns `(real_samples, labels)`; labels are `None` here."""
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        return self.check_real_samples(x), None

    def check_real_samples(self, samples):
        """Checks the dtype and shape of a batch of real samples."""
        _check_real_samples(samples)
        expected = _first(getattr(self.discriminator, "inputs", None))
        if expected is not None and not _shapes_compatible(
            tuple(samples.shape)[1:], tuple(expected.shape)[1:]
        ):
            raise ValueError(
                "Invalid shape of the real samples. Expected batches of shape "
                f"{tuple(expected.shape)} (the discriminator's input). "
                f"Received: shape={tuple(samples.shape)}"
            )
        return samples

    def call_generator(self, noise, labels=None, training=False, generator=None):
        """Generated samples; `generator` defaults to `self.generator`."""
        generator = generator or self.generator
        return generator(noise, training=training)

    def call_discriminator(self, samples, labels=None, training=False):
        """Discriminator logits as float32, shape `(batch,)`."""
        logits = self.discriminator(samples, training=training)
        return ops.reshape(ops.cast(logits, "float32"), (-1,))

    def augment(self, samples, training=True):
        if self.augmentation is None:
            return samples
        return self.augmentation(samples, training=training)

    def judge(self, samples, labels=None, training=True):
        """Discriminator logits of (augmented) samples."""
        samples = self.augment(samples, training=training)
        return self.call_discriminator(samples, labels, training=training)

    def generate_fake(self, batch_size, labels=None, training=True):
        noise = self.sample_noise(batch_size)
        return self.call_generator(noise, labels, training=training)

    def compute_discriminator_loss(self, real, labels=None, training=True):
        """Returns `(total_loss, terms, real_logits)` of one discriminator step.

        `terms` maps `"d_loss"` and each penalty name to its value.
        """
        batch_size = ops.shape(real)[0]
        fake = ops.stop_gradient(
            self.generate_fake(batch_size, labels, training=training)
        )
        real_logits = self.judge(real, labels, training=training)
        fake_logits = self.judge(fake, labels, training=training)
        adversarial = self.loss_fn.discriminator_loss(real_logits, fake_logits)
        terms = {"d_loss": adversarial}
        step = self.d_optimizer.iterations

        def discriminator(samples):
            return self.judge(samples, labels, training=training)

        for penalty in self.penalties:
            terms[penalty.name] = penalty(
                discriminator,
                real,
                fake,
                step=step,
                seed=self.latent_sampler.seed_generator,
            )
        total = adversarial
        for penalty in self.penalties:
            total = total + terms[penalty.name]
        return total, terms, real_logits

    def compute_generator_loss(self, real, labels=None, training=True):
        """Returns the generator loss of one generator step."""
        batch_size = ops.shape(real)[0]
        fake = self.generate_fake(batch_size, labels, training=training)
        fake_logits = self.judge(fake, labels, training=training)
        real_logits = None
        if self.loss_fn.uses_real_logits_for_generator:
            real_logits = self.judge(real, labels, training=training)
        return self.loss_fn.generator_loss(fake_logits, real_logits)

    def discriminator_step(self, real, labels=None):
        """One discriminator update; returns its `terms` dict."""

        def loss_fn():
            total, terms, real_logits = self.compute_discriminator_loss(
                real, labels
            )
            return total, (terms, real_logits)

        _, (terms, real_logits), finite = self.minimize(
            loss_fn, self.discriminator.trainable_variables, self.d_optimizer
        )
        self.count_skipped(finite)
        if hasattr(self.augmentation, "update"):
            self.augmentation.update(real_logits)
        return terms

    def generator_step(self, real, labels=None):
        """One generator update; returns the generator loss."""

        def loss_fn():
            return self.compute_generator_loss(real, labels), None

        g_loss, _, finite = self.minimize(
            loss_fn, self.generator.trainable_variables, self.g_optimizer
        )
        self.count_skipped(finite)
        return g_loss

    def count_skipped(self, finite):
        if self.on_nonfinite != "apply":
            skipped = 1.0 - ops.cast(finite, "float32")
            self.loss_trackers.update_state({"skipped_steps": skipped})

    # === Training and evaluation ===

    def fit(self, x=None, *args, callbacks=None, **kwargs):
        _check_not_empty(x)
        # First, so that checkpoints written at an epoch's end by the
        # user's callbacks record the epoch as complete.
        first = [
            TrackTrainingProgress(
                self, _callbacks_of(callbacks), kwargs.get("steps_per_epoch")
            )
        ]
        last = []
        if getattr(self, "on_nonfinite", None) == "raise":
            last.append(RaiseOnSkippedStep())
        callbacks = _with_callbacks(callbacks, first, last)
        try:
            return super().fit(x, *args, callbacks=callbacks, **kwargs)
        finally:
            self.training_progress.end_fit()

    def make_train_function(self, force=False):
        super().make_train_function(force=force)
        if not hasattr(self.train_function, "wrapped_train_function"):
            self.train_function = self.training_progress.wrap(
                self.train_function,
                self.skip_batches,
                self.steps_per_execution,
            )
        return self.train_function

    def save_own_variables(self, store):
        super().save_own_variables(store)
        self.training_progress.save(store, self.metrics_variables)
        utils.save_seed_states(store, utils.unsaved_seed_generators(self))

    def load_own_variables(self, store):
        store = self.training_progress.load(store)
        store = utils.load_seed_states(store, utils.unsaved_seed_generators(self))
        super().load_own_variables(store)

    def train_step(self, data):
        real, labels = self.unpack_batch(data)
        for _ in range(self.d_steps):
            terms = self.discriminator_step(real, labels)
            self.loss_trackers.update_state(terms)
        g_loss = self.generator_step(real, labels)
        self.update_ema()
        self.update_generator_metrics(g_loss, terms)
        return self.get_logs()

    def test_step(self, data):
        real, labels = self.unpack_batch(data)
        _, terms, _ = self.compute_discriminator_loss(
            real, labels, training=False
        )
        self.loss_trackers.update_state(terms)
        g_loss = self.compute_generator_loss(real, labels, training=False)
        self.update_generator_metrics(g_loss, terms)
        return self.get_logs()

    def update_generator_metrics(self, g_loss, d_terms):
        total = g_loss
        for value in d_terms.values():
            total = total + value
        self.loss_trackers.update_state({"g_loss": g_loss, "loss": total})

    def get_logs(self):
        """The logged values: every tracker's result, plus extra state."""
        logs = self.get_metrics_result()
        probability = getattr(self.augmentation, "probability", None)
        if probability is not None:
            logs["aug_p"] = ops.convert_to_tensor(probability)
        return backend.prepare_logs(logs)

    # === Generator EMA ===

    def enable_ema(self, decay=0.999, start=0, warmup=0):
        """Keeps an exponential moving average (EMA) of the generator.

        After every generator update `ema = d * ema + (1 - d) * weights` for
        trainable weights; other state such as batch-norm statistics is
        copied. Before step `start` the EMA copies the generator; then the
        decay ramps linearly from 0 to `decay` over `warmup` steps. The EMA
        generator is used by `generate()` and the sampling and quality
        callbacks, and is saved with the model.

        Args:
            decay: EMA decay in [0, 1). Defaults to `0.999`.
            start: Generator step at which averaging starts. Defaults to `0`.
            warmup: Steps over which the decay ramps up. Defaults to `0`.
        """
        if isinstance(decay, bool) or not 0.0 <= float(decay) < 1.0:
            raise ValueError(
                "Invalid value for argument `decay`. Expected a number in "
                f"[0, 1). Received: decay={decay!r}"
            )
        for name, value in (("start", start), ("warmup", warmup)):
            if isinstance(value, bool) or not isinstance(
                value, (int, np.integer)
            ) or value < 0:
                raise ValueError(
                    f"Invalid value for argument `{name}`. Expected an "
                    f"integer >= 0. Received: {name}={value!r}"
                )
        config = {"decay": float(decay), "start": int(start), "warmup": int(warmup)}
        if config == self.ema_config:
            return
        if self.ema_generator is None:
            self.ema_generator = keras.models.clone_model(self.generator)
            self.ema_generator.set_weights(self.generator.get_weights())
            self.ema_generator.trainable = False
        self.ema_config = config
        # The compiled step reads the EMA settings: rebuild it.
        self.train_function = None

    def ema_decay_at(self, step):
        """The decay used at generator step `step` (a tensor)."""
        step = ops.cast(step, "float32") - self.ema_config["start"]
        decay = self.ema_config["decay"]
        if self.ema_config["warmup"] > 0:
            decay = decay * ops.clip(step / self.ema_config["warmup"], 0.0, 1.0)
        return ops.where(step < 0, 0.0, decay)

    def update_ema(self):
        """One EMA update after a generator step; no-op without EMA."""
        if self.ema_generator is None:
            return
        decay = self.ema_decay_at(self.g_optimizer.iterations)
        for average, weight in zip(
            self.ema_generator.weights, self.generator.weights
        ):
            value = ops.cast(weight, average.dtype)
            if weight.trainable:
                value = value + ops.cast(decay, average.dtype) * (
                    average - value
                )
            average.assign(value)

    # === Sampling ===

    @property
    def sampling_generator(self):
        """The generator used for sampling: the EMA copy when there is one."""
        return self.ema_generator or self.generator

    def generate(self, num_samples, seed=None, batch_size=256, truncation=None):
        """Generates samples as a NumPy array.

        Args:
            num_samples: Number of samples.
            seed: Integer seed; the same seed gives the same samples. `None`
                draws from the model's noise stream. Defaults to `None`.
            batch_size: Samples generated per generator call.
                Defaults to `256`.
            truncation: Optional positive float: the truncation trick, latent
                entries restricted to `[-truncation, truncation]` (see
                `keras_gan.sampling.truncated_latents`). Defaults to `None`.

        Returns:
            NumPy array of `num_samples` samples, in the generator's output
            range (for the bundled image builders, `[-1, 1]`).
        """
        noise = self.noise_for_generation(num_samples, seed, truncation)
        return self._predict_in_batches(noise, None, batch_size)

    def noise_for_generation(self, num_samples, seed=None, truncation=None):
        """Noise for `generate`; never advances the training noise stream."""
        shape = (int(num_samples), self.latent_dim)
        if truncation is not None:
            return sampling.truncated_latents(
                shape, truncation, self.latent_sampler.distribution, seed
            )
        if self.latent_sampler.distribution == "uniform":
            return keras.random.uniform(shape, -1.0, 1.0, seed=seed)
        return keras.random.normal(shape, seed=seed)

    def _predict_in_batches(self, noise, labels, batch_size):
        generator = self.sampling_generator
        outputs = []
        num_samples = int(ops.shape(noise)[0])
        for start in range(0, num_samples, batch_size):
            batch_noise = noise[start : start + batch_size]
            batch_labels = None
            if labels is not None:
                batch_labels = ops.convert_to_tensor(
                    labels[start : start + batch_size]
                )
            samples = self.call_generator(
                batch_noise, batch_labels, training=False, generator=generator
            )
            outputs.append(ops.convert_to_numpy(samples))
        return np.concatenate(outputs, axis=0)

    # === Config ===

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "generator": keras.saving.serialize_keras_object(self.generator),
                "discriminator": keras.saving.serialize_keras_object(
                    self.discriminator
                ),
                "latent_dim": self.latent_dim,
                "latent_distribution": self.latent_sampler.distribution,
                "augmentation": keras.saving.serialize_keras_object(
                    self.augmentation
                ),
                "seed": self.seed,
                "ema": self.ema_config,
                "keras_gan_version": __version__,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        saved_version = config.pop("keras_gan_version", None)
        try:
            for key in ("generator", "discriminator", "augmentation"):
                if config.get(key) is not None:
                    config[key] = keras.saving.deserialize_keras_object(
                        config[key]
                    )
            return cls(**config)
        except Exception as error:
            if saved_version == __version__:
                raise
            raise ValueError(
                f"Could not load this {cls.__name__}: it was saved with "
                f"keras_gan {saved_version or '(unknown version)'} and this "
                f"is keras_gan {__version__}. Install the version it was "
                f"saved with to load it. Original error: {error}"
            ) from error


class RaiseOnSkippedStep(keras.callbacks.Callback):
    """Stops `fit` at the first skipped update (`on_nonfinite="raise"`)."""

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if logs and float(logs.get("skipped_steps", 0.0)) > 0:
            raise RuntimeError(
                "Non-finite loss or gradients in epoch "
                f"{self.epoch + 1}, batch {batch + 1}: the update was skipped "
                "and training stopped (`on_nonfinite='raise'`). The model "
                "holds the weights from before that update. Logs: "
                f"{ {k: float(v) for k, v in logs.items()} }"
            )


def _callbacks_of(callbacks):
    if isinstance(callbacks, keras.callbacks.CallbackList):
        return list(callbacks.callbacks)
    return list(callbacks or [])


def _with_callbacks(callbacks, first, last):
    """`callbacks` (a list or a `CallbackList`) with `first` and `last` added."""
    combined = first + _callbacks_of(callbacks) + last
    if not isinstance(callbacks, keras.callbacks.CallbackList):
        return combined
    # A copy keeps the user's `CallbackList` (its class and settings) as is.
    callbacks = copy.copy(callbacks)
    callbacks.callbacks = combined
    return callbacks


def _check_not_empty(x):
    """Rejects datasets known to be empty before Keras iterates them."""
    if hasattr(x, "shape") and len(x.shape) and x.shape[0] == 0:
        size = f"x with shape {tuple(x.shape)}"
    elif hasattr(x, "cardinality") and int(x.cardinality()) == 0:
        size = "a tf.data.Dataset with cardinality 0"
    elif isinstance(x, keras.utils.PyDataset) and x.num_batches == 0:
        size = "a PyDataset with 0 batches"
    else:
        return
    raise ValueError(
        f"Invalid value for argument `x`: the dataset is empty. Received: {size}"
    )


def _check_type(argument, value, expected):
    if not isinstance(value, expected):
        raise ValueError(
            f"Invalid value for argument `{argument}`. Expected a "
            f"`{expected.__module__.split('.')[0]}.{expected.__name__}`. "
            f"Received: {argument}={value!r}"
        )


def _first(tensors):
    if not tensors:
        return None
    return tensors[0]


def _output_spec(model, input_spec):
    """The symbolic output of `model`, or None if it can't be inferred."""
    try:
        return model.compute_output_spec(input_spec)
    except ValueError:
        raise
    except Exception:
        return None


def _shapes_compatible(shape_a, shape_b):
    if len(shape_a) != len(shape_b):
        return False
    return all(a is None or b is None or a == b for a, b in zip(shape_a, shape_b))


def _check_real_samples(x):
    dtype = keras.backend.standardize_dtype(x.dtype)
    if "float" not in dtype:
        raise ValueError(
            "Invalid dtype of the real samples. Expected floating point data "
            "in the generator's output range (for images, [-1, 1] or "
            f"[0, 1]); scale them first, e.g. `x / 127.5 - 1`. Received: "
            f"dtype={dtype}"
        )
    return x


def _get_optimizer(argument, identifier):
    if identifier is None:
        return default_optimizer()
    try:
        return keras.optimizers.get(identifier)
    except ValueError as error:
        raise ValueError(
            f"Invalid value for argument `{argument}`. Expected a Keras "
            f"optimizer, name or config. Received: {argument}={identifier!r}"
        ) from error


def _check_unique_names(penalties):
    names = [penalty.name for penalty in penalties]
    reserved = {"loss", "d_loss", "g_loss", "aug_p"}
    for name in names:
        if names.count(name) > 1 or name in reserved:
            raise ValueError(
                "Invalid value for argument `penalty`. Each penalty needs a "
                f"unique log name not in {sorted(reserved)}. Received names: "
                f"{names}"
            )
