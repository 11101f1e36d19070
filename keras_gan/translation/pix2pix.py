import keras
from keras import ops

from keras_gan import losses as losses_module
from keras_gan.training.adversarial_model import AdversarialModel
from keras_gan.training.latent_sampler import RandomStream
from keras_gan.training.network_checks import check_type
from keras_gan.translation.data import check_images
from keras_gan.translation.data import check_network_output
from keras_gan.translation.data import input_shape_of
from keras_gan.translation.data import mean_absolute_error
from keras_gan.translation.data import output_shape_of
from keras_gan.translation.data import translate_in_batches


@keras.saving.register_keras_serializable(package="keras_gan")
class Pix2Pix(AdversarialModel):
    """Paired image-to-image translation (Isola et al. 2017) with `fit()`.

    The data yields `(source, target)` batches of paired images. Each
    training step runs `d_steps` discriminator updates, then one generator
    update:

    - discriminator: `loss.discriminator_loss(D(s, t), D(s, G(s)))` plus
      the penalties, logged as `d_loss` and by penalty name;
    - generator: `loss.generator_loss(D(s, G(s))) + l1_weight * |G(s) - t|`,
      the adversarial part logged as `g_loss`, the mean absolute error as
      `l1_loss`.

    `loss` logs the sum of the discriminator and generator objectives. A
    discriminator with two inputs is conditional and judges `[source,
    image]` (as in the paper); one with a single input judges the image
    alone. It may return one logit per image or a map of patch logits
    (`keras_gan.models.patchgan_discriminator`): losses average over the
    patches. The generator's noise is its dropout, active in training.

    `compile` takes the `GAN.compile` vocabulary; by default the
    non-saturating loss (the paper's cross-entropy), no penalty and
    `Adam(2e-4, beta_1=0.5)` for both networks.

    Args:
        generator: A Keras model mapping source images to target images.
        discriminator: A Keras model on `[source, image]` (conditional) or
            on `image`, giving logits `(batch, 1)`, `(batch,)` or
            `(batch, h, w, 1)`.
        l1_weight: Weight of the L1 term of the generator. Defaults to
            `100.0`.
        seed: Integer seed of the penalties' random stream (used by
            `GradientPenalty`). Defaults to `None`.
        ema: Optional dict of `enable_ema` arguments, e.g.
            `{"decay": 0.999}`; usually set by
            `keras_gan.callbacks.GeneratorEMA`. Defaults to `None`.
        **kwargs: Passed to `keras.Model` (for example `name`).

    Example:

    ```python
    generator = keras_gan.models.unet_generator((28, 28, 1), filters=32)
    discriminator = keras_gan.models.patchgan_discriminator(
        (28, 28, 1), conditional=True, filters=32, num_layers=2
    )
    model = keras_gan.Pix2Pix(generator, discriminator, l1_weight=100.0)
    model.compile()
    model.fit(sources, targets, batch_size=32, epochs=20)
    translated = model.translate(sources[:16])
    ```
    """

    extra_log_names = ("l1_loss",)

    serialized_arguments = ("generator", "discriminator")

    def __init__(
        self, generator, discriminator, l1_weight=100.0, seed=None, ema=None, **kwargs
    ):
        super().__init__(**kwargs)
        check_type("generator", generator, keras.Model)
        check_type("discriminator", discriminator, keras.Model)
        if generator is discriminator:
            raise ValueError(
                "Invalid value for argument `discriminator`: it is the same "
                "model as `generator`. Pass two distinct models."
            )
        if isinstance(l1_weight, bool) or not isinstance(l1_weight, (int, float)) or l1_weight < 0:
            raise ValueError(
                "Invalid value for argument `l1_weight`. Expected a "
                f"non-negative number. Received: l1_weight={l1_weight!r}"
            )
        self.generator = generator
        self.discriminator = discriminator
        self.l1_weight = float(l1_weight)
        self.seed = seed
        self.penalty_stream = RandomStream(seed, name="penalty_stream")
        self.conditional = len(getattr(discriminator, "inputs", None) or [None]) == 2
        self.finish_init(ema)

    def discriminator_networks(self):
        return [self.discriminator]

    def generator_networks(self):
        return [self.generator]

    def check_networks(self):
        """Raises if the generator's output does not fit the discriminator."""
        image_index = 1 if self.conditional else 0
        check_network_output(
            "generator",
            self.generator,
            input_shape_of(self.generator),
            input_shape_of(self.discriminator, image_index),
            "the discriminator's image input shape",
        )
        if self.conditional:
            source_shape = input_shape_of(self.generator)
            expected = input_shape_of(self.discriminator, 0)
            if None not in (source_shape, expected) and tuple(source_shape[1:]) != tuple(
                expected[1:]
            ):
                raise ValueError(
                    "Invalid value for argument `discriminator`: its source "
                    f"input shape {expected} does not match the generator's "
                    f"input shape {source_shape}."
                )

    # === Compile ===

    def default_loss(self):
        return losses_module.NonSaturatingLoss()

    def default_penalties(self):
        return []

    # === Hooks ===

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def unpack_batch(self, data):
        """`(source, target)` of a batch, checked."""
        source, target = self.unpack_weighted_batch(data)
        check_images("source", source, input_shape_of(self.generator), "`(source, target)` batches; the generator's input")
        check_images("target", target, output_shape_of(self.generator), "`(source, target)` batches; the generator's output")
        return source, target

    def condition(self, source):
        """What the discriminator is conditioned on: the source images of
        a conditional discriminator, else `None`."""
        return source if self.conditional else None

    def compute_discriminator_loss(self, source, target, training=True):
        """`(total, terms)`: the adversarial loss and the penalties."""
        fake = ops.stop_gradient(self.generator(source, training=training))
        condition = self.condition(source)
        real_logits = self.judge(target, condition, training)
        fake_logits = self.judge(fake, condition, training)
        terms = {"d_loss": self.loss_fn.discriminator_loss(real_logits, fake_logits)}
        for penalty in self.penalties:
            terms[penalty.name] = penalty(
                lambda x: self.judge(x, condition, training),
                target,
                fake,
                step=self.d_optimizer.iterations,
                seed=self.penalty_stream.seed_generator,
            )
        return sum(terms.values()), terms

    def compute_generator_loss(self, source, target, training=True):
        """`(total, terms)`: `g_loss + l1_weight * l1_loss`."""
        fake = self.generator(source, training=training)
        condition = self.condition(source)
        real_logits = None
        if self.loss_fn.uses_real_logits_for_generator:
            real_logits = self.judge(target, condition, training)
        terms = {
            "g_loss": self.loss_fn.generator_loss(
                self.judge(fake, condition, training), real_logits
            ),
            "l1_loss": mean_absolute_error(fake, target),
        }
        return self.generator_objective(terms), terms

    def train_step(self, data):
        source, target = self.unpack_batch(data)
        d_results = [
            self.apply_update(
                lambda: self.compute_discriminator_loss(source, target),
                [self.discriminator],
                self.d_optimizer,
                "d_reg",
            )
            for _ in range(self.d_steps)
        ]
        g_result = self.apply_update(
            lambda: self.compute_generator_loss(source, target),
            [self.generator],
            self.g_optimizer,
            "g_reg",
        )
        self.update_ema()
        return self.record_step(
            d_results, g_result, self.generator_objective(g_result)
        )

    def generator_objective(self, terms):
        """`g_loss + l1_weight * l1_loss`."""
        return terms["g_loss"] + self.l1_weight * terms["l1_loss"]

    def test_step(self, data):
        source, target = self.unpack_batch(data)
        _, d_terms = self.compute_discriminator_loss(source, target, training=False)
        _, g_terms = self.compute_generator_loss(source, target, training=False)
        return self.record_step([d_terms], g_terms, self.generator_objective(g_terms))

    # === Translation ===

    def translate(self, source_images, batch_size=256):
        """Translates source images; returns a NumPy array in the
        generator's output range. Uses the EMA generator when there is one.

        Args:
            source_images: Array `(num_images, *source_shape)`, float.
            batch_size: Images per generator call. Defaults to `256`.
        """
        generator = self.ema_generator or self.generator
        return translate_in_batches(generator, source_images, batch_size)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"l1_weight": self.l1_weight, "seed": self.seed, "ema": self.ema_config}
        )
        return config
