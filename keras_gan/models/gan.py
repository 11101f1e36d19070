import keras
import numpy as np
from keras import ops

from keras_gan import backend
from keras_gan import sampling
from keras_gan import validation
from keras_gan.training.adversarial_model import AdversarialModel
from keras_gan.training.adversarial_model import RaiseOnSkippedStep  # noqa: F401
from keras_gan.training.adversarial_model import default_loss  # noqa: F401
from keras_gan.training.adversarial_model import default_optimizer  # noqa: F401
from keras_gan.training.adversarial_model import default_penalties  # noqa: F401
from keras_gan.training.latent_sampler import LatentSampler
from keras_gan.training.network_checks import check_type
from keras_gan.training.network_checks import first
from keras_gan.training.network_checks import flatten_logits
from keras_gan.training.network_checks import is_logits_shape
from keras_gan.training.network_checks import output_spec
from keras_gan.training.network_checks import pack_samples
from keras_gan.training.network_checks import shapes_compatible
from keras_gan.training.latent_sampler import RandomStream


@keras.saving.register_keras_serializable(package="keras_gan")
class GAN(AdversarialModel):
    """A generative adversarial network that trains with `fit()`.

    Each `train_step` runs `d_steps` discriminator updates, each with fresh
    noise and the same real batch, then one generator update. Penalties are
    added to the discriminator loss. `d_loss` and `g_loss` (the adversarial
    losses), each penalty, and `loss` (their sum, read by tools such as
    `keras.callbacks.TerminateOnNaN`) are logged and reset every epoch.

    The training step is assembled from small hooks that subclasses may
    override one at a time (the data flows through them in this order):

    - `unpack_batch(data)`: `(real_samples, labels)` from one dataset batch.
    - `sample_noise(batch_size)`: latent vectors.
    - `call_generator(noise, labels, training)`: generated samples (the
      conditional GAN passes labels).
    - `augment(samples, training)`: applied to everything the discriminator
      sees when an `augmentation` layer is given.
    - `pack_samples(samples)`: groups `pack` samples into one discriminator
      input (identity with `pack=1`).
    - `call_discriminator(samples, labels, training)`: float32 logits, one
      per sample (or pack), or a map of patch logits per sample.
    - `judge(samples, condition, training)`: `augment`, then
      `call_discriminator` (`condition` holds the labels): what the losses
      and penalties see; every family has this one signature.
    - `compute_discriminator_loss(real, labels, training)` and
      `compute_generator_loss(real, labels, training)`: the objectives and
      their logged terms.
    - `discriminator_step(real, labels)` and `generator_step(real, labels)`:
      one update each (`apply_update`), returning the values they log.
    - `train_step(data)`: `d_steps` discriminator steps, one generator
      step, the EMA and augmentation updates, then `record_step` (the
      logs, every family's same tail).

    Calling the model on latent vectors returns generated samples; use
    `generate(num_samples, seed=...)` for NumPy output.

    Args:
        generator: A Keras model mapping `(batch, latent_dim)` noise to
            samples.
        discriminator: A Keras model mapping samples to one logit per sample,
            shape `(batch, 1)` or `(batch,)`, or to a map of patch logits
            per sample (PatchGAN, e.g. `(batch, h, w, 1)`): losses then
            average over the patches.
        latent_dim: Size of the latent vectors.
        latent_distribution: `"normal"` or `"uniform"`. Defaults to
            `"normal"`.
        augmentation: Optional `keras.layers.Layer` applied to real and fake
            samples before the discriminator (for example
            `keras_gan.augment.DiffAugment`). If it has an `update(real_logits)`
            method (adaptive augmentation) it is called after every
            discriminator step. Defaults to `None`.
        seed: Integer seed of the noise stream (the penalties' stream uses
            `seed + 1`). Defaults to `None`.
        pack: Number of samples the discriminator judges at once (PacGAN,
            Lin et al. 2018): `(batch, *shape)` samples reach it as
            `(batch // pack, *shape[:-1], pack * shape[-1])` (rows side by
            side; images stacked along the channels), so build the
            discriminator for that input. A batch whose size is not a
            multiple of `pack` leaves out its last `batch % pack` samples
            from the discriminator. Defaults to `1`.
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

    serialized_arguments = ("generator", "discriminator", "augmentation")

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        latent_distribution="normal",
        augmentation=None,
        seed=None,
        pack=1,
        ema=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_type("generator", generator, keras.Model)
        check_type("discriminator", discriminator, keras.Model)
        if augmentation is not None:
            check_type("augmentation", augmentation, keras.layers.Layer)
        validation.check_positive_int("latent_dim", latent_dim)
        validation.check_positive_int("pack", pack)
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
        self.pack = int(pack)
        self.latent_sampler = LatentSampler(
            self.latent_dim, distribution=latent_distribution, seed=seed
        )
        self.penalty_stream = RandomStream(
            None if seed is None else seed + 1, name="penalty_stream"
        )
        self.finish_init(ema)

    def discriminator_networks(self):
        return [self.discriminator]

    def generator_networks(self):
        return [self.generator]

    # === Network checks ===

    def generator_input_spec(self, batch_size=None):
        """Symbolic generator inputs, used to check the networks."""
        return keras.KerasTensor((batch_size, self.latent_dim))

    def discriminator_input_spec(self, samples_spec):
        """Symbolic discriminator inputs for symbolic (packed) samples."""
        return samples_spec

    def check_networks(self):
        """Checks that the generator and discriminator fit together.

        Raises:
            ValueError: if `latent_dim` disagrees with the generator input,
                or the generator output (packed by `pack`) does not match
                the discriminator input.
        """
        noise_input = first(getattr(self.generator, "inputs", None))
        if noise_input is not None and noise_input.shape[-1] not in (
            None,
            self.latent_dim,
        ):
            raise ValueError(
                "Invalid value for argument `latent_dim`. It must match the "
                f"generator's latent input shape {tuple(noise_input.shape)}. "
                f"Received: latent_dim={self.latent_dim}"
            )
        samples_spec = output_spec(self.generator, self.generator_input_spec())
        if samples_spec is None:
            return
        packed_shape = self.packed_shape(samples_spec.shape)
        discriminator_input = first(getattr(self.discriminator, "inputs", None))
        if discriminator_input is not None and not shapes_compatible(
            packed_shape[1:], discriminator_input.shape[1:]
        ):
            packing = f" packed by pack={self.pack}" if self.pack > 1 else ""
            raise ValueError(
                "Invalid value for argument `generator`: its output shape "
                f"{tuple(samples_spec.shape)}{packing} does not match the "
                "discriminator's input shape "
                f"{tuple(discriminator_input.shape)}."
            )
        if self.augmentation is not None and not self.augmentation.built:
            self.augmentation.build(samples_spec.shape)
        packed_spec = keras.KerasTensor(packed_shape, samples_spec.dtype)
        logits_spec = output_spec(
            self.discriminator, self.discriminator_input_spec(packed_spec)
        )
        if logits_spec is not None and not is_logits_shape(logits_spec.shape):
            raise ValueError(
                "Invalid value for argument `discriminator`. Expected one "
                "logit per sample, output shape (batch, 1) or (batch,), or a "
                "map of patch logits such as (batch, h, w, 1). Received: "
                f"output shape {tuple(logits_spec.shape)}"
            )

    # === Hooks ===

    def call(self, inputs, training=False):
        return self.call_generator(inputs, None, training=training)

    def sample_noise(self, batch_size):
        """Returns `(batch_size, latent_dim)` latent vectors."""
        return self.latent_sampler.sample(batch_size)

    def unpack_batch(self, data):
        """Returns `(real_samples, labels)`; labels are `None` here."""
        x, _ = self.unpack_weighted_batch(data)
        return self.check_real_samples(x), None

    def check_real_samples(self, samples):
        """Checks the dtype and shape of a batch of real samples."""
        dtype = keras.backend.standardize_dtype(samples.dtype)
        if "float" not in dtype:
            raise ValueError(
                "Invalid dtype of the real samples. Expected floating point "
                "data in the generator's output range (for images, [-1, 1] "
                "or [0, 1]); scale them first, e.g. `x / 127.5 - 1`. "
                f"Received: dtype={dtype}"
            )
        expected = first(getattr(self.generator, "outputs", None))
        if expected is None and self.pack == 1:
            expected = first(getattr(self.discriminator, "inputs", None))
        if expected is not None and not shapes_compatible(
            tuple(samples.shape)[1:], tuple(expected.shape)[1:]
        ):
            raise ValueError(
                "Invalid shape of the real samples. Expected batches of shape "
                f"{tuple(expected.shape)} (the generator's output). "
                f"Received: shape={tuple(samples.shape)}"
            )
        return samples

    def call_generator(self, noise, labels=None, training=False, generator=None):
        """Generated samples; `generator` defaults to `self.generator`."""
        generator = generator or self.generator
        return generator(noise, training=training)

    def packed_shape(self, shape):
        """The shape of `pack_samples` output for samples of `shape`."""
        shape = tuple(shape)
        if self.pack == 1:
            return shape
        batch = None if shape[0] is None else shape[0] // self.pack
        last = None if shape[-1] is None else shape[-1] * self.pack
        return (batch,) + shape[1:-1] + (last,)

    def pack_samples(self, samples):
        """Groups `pack` consecutive samples into one discriminator input.

        `(batch, *shape)` becomes `(batch // pack, *shape[:-1],
        pack * shape[-1])`; extra samples of a batch whose size is not a
        multiple of `pack` are left out.
        """
        if self.pack == 1:
            return samples
        groups = ops.shape(samples)[0] // self.pack
        return pack_samples(samples[: groups * self.pack], self.pack)

    def call_discriminator(
        self, samples, labels=None, training=False, discriminator=None
    ):
        """Discriminator logits as float32: `(batch,)` for one logit per
        sample (or pack), `(batch, patches)` for a map of patch logits."""
        discriminator = discriminator or self.discriminator
        logits = discriminator(self.pack_samples(samples), training=training)
        return flatten_logits(logits)

    def augment(self, samples, training=True):
        if self.augmentation is None:
            return samples
        return self.augmentation(samples, training=training)

    def judge(self, samples, condition=None, training=True, discriminator=None):
        """Discriminator logits of (augmented) samples; `condition` holds
        the class labels of a conditional model (see
        `AdversarialModel.judge`)."""
        samples = self.augment(samples, training=training)
        if discriminator is None:
            # Subclasses may override `call_discriminator(samples, labels,
            # training)` without the `discriminator` argument.
            return self.call_discriminator(samples, condition, training=training)
        return self.call_discriminator(
            samples, condition, training=training, discriminator=discriminator
        )

    def generate_fake(self, batch_size, labels=None, training=True):
        noise = self.sample_noise(batch_size)
        return self.call_generator(noise, labels, training=training)

    def judge_with_gradients(self, samples, labels, training, gradients):
        """Logits of `samples`, and their input gradients if `gradients`."""
        if not gradients:
            return self.judge(samples, labels, training=training), None
        grads, logits = backend.input_gradients(
            lambda x: self.judge(x, labels, training=training),
            ops.convert_to_tensor(samples),
        )
        return logits, grads

    def compute_discriminator_loss(self, real, labels=None, training=True):
        """Returns `(total_loss, terms, real_logits)` of one discriminator step.

        `terms` maps `"d_loss"` and each penalty name to its value. The
        logits of the real and generated samples are computed once; R1 and
        R2 penalties use the input gradients of that same pass.
        """
        fake = ops.stop_gradient(
            self.generate_fake(ops.shape(real)[0], labels, training=training)
        )
        shared = {p.gradient_input for p in self.penalties if p.shares_discriminator_pass}
        real_logits, real_gradients = self.judge_with_gradients(
            real, labels, training, "real" in shared
        )
        fake_logits, fake_gradients = self.judge_with_gradients(
            fake, labels, training, "fake" in shared
        )
        adversarial = self.loss_fn.discriminator_loss(real_logits, fake_logits)
        terms = {"d_loss": adversarial}
        total = adversarial
        for penalty in self.penalties:
            terms[penalty.name] = penalty(
                lambda x: self.judge(x, labels, training=training),
                real,
                fake,
                step=self.d_optimizer.iterations,
                seed=self.penalty_stream.seed_generator,
                input_gradients={"real": real_gradients, "fake": fake_gradients},
            )
            total = total + terms[penalty.name]
        return total, terms, real_logits

    def compute_generator_loss(self, real, labels=None, training=True):
        """Returns the generator loss of one generator step."""
        fake = self.generate_fake(ops.shape(real)[0], labels, training=training)
        fake_logits = self.judge(fake, labels, training=training)
        real_logits = None
        if self.loss_fn.uses_real_logits_for_generator:
            real_logits = self.judge(real, labels, training=training)
        return self.loss_fn.generator_loss(fake_logits, real_logits)

    def discriminator_step(self, real, labels=None):
        """One discriminator update; returns its logged values, its
        `"finite"` flag and the `"real_logits"`."""

        def objective():
            total, terms, real_logits = self.compute_discriminator_loss(
                real, labels
            )
            return total, {**terms, "real_logits": real_logits}

        return self.apply_update(
            objective, [self.discriminator], self.d_optimizer, "d_reg"
        )

    def generator_step(self, real, labels=None):
        """One generator update; returns `"g_loss"` and `"finite"`."""

        def objective():
            g_loss = self.compute_generator_loss(real, labels)
            return g_loss, {"g_loss": g_loss}

        return self.apply_update(
            objective, [self.generator], self.g_optimizer, "g_reg"
        )

    def train_step(self, data):
        real, labels = self.unpack_batch(data)
        d_results = [
            self.discriminator_step(real, labels) for _ in range(self.d_steps)
        ]
        g_result = self.generator_step(real, labels)
        self.update_ema()
        if hasattr(self.augmentation, "update"):
            # Each real batch counts once per training step (StyleGAN2-ADA).
            self.augmentation.update(d_results[0]["real_logits"])
        return self.record_step(d_results, g_result, g_result["g_loss"])

    def test_step(self, data):
        real, labels = self.unpack_batch(data)
        _, terms, _ = self.compute_discriminator_loss(real, labels, training=False)
        g_loss = self.compute_generator_loss(real, labels, training=False)
        return self.record_step([terms], {"g_loss": g_loss}, g_loss)

    def get_logs(self):
        logs = self.get_metrics_result()
        probability = getattr(self.augmentation, "probability", None)
        if probability is not None:
            logs["aug_p"] = ops.convert_to_tensor(probability)
        return backend.prepare_logs(logs)

    # === Generator EMA ===

    def ema_decay_at(self, step):
        """The EMA decay used at generator step `step` (a tensor)."""
        return self._ema.averages["generator"].decay_at(step)

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
                "latent_dim": self.latent_dim,
                "latent_distribution": self.latent_sampler.distribution,
                "seed": self.seed,
                "pack": self.pack,
                "ema": self.ema_config,
            }
        )
        return config
