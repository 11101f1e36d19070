import keras
from keras import ops

from keras_gan.training.latent_sampler import RandomStream
from keras_gan.training.network_checks import check_type
from keras_gan.translation.data import check_network_output
from keras_gan.translation.data import input_shape_of
from keras_gan.translation.data import mean_absolute_error
from keras_gan.translation.image_pool import ImagePool
from keras_gan.translation.unpaired import UnpairedTranslation


@keras.saving.register_keras_serializable(package="keras_gan")
class CycleGAN(UnpairedTranslation):
    """Unpaired image-to-image translation (Zhu et al. 2017) with `fit()`.

    The data yields `(a, b)` batches of the same size from two domains,
    unpaired. Each training step runs one update of both generators, then
    `d_steps` updates of both discriminators:

    - generators: `g_loss + cycle_weight * (cycle_loss + identity_weight *
      identity_loss)` where `g_loss = loss.generator_loss(D_b(G_ab(a))) +
      loss.generator_loss(D_a(G_ba(b)))`, `cycle_loss = |G_ba(G_ab(a)) - a|
      + |G_ab(G_ba(b)) - b|` and `identity_loss = |G_ab(b) - b| +
      |G_ba(a) - a|` (mean absolute errors);
    - discriminators: `d_loss = loss.discriminator_loss(D_a(a), D_a(fake_a))
      + loss.discriminator_loss(D_b(b), D_b(fake_b))` plus each penalty on
      both discriminators, where the fakes come from the history pools.

    The two generators share `g_optimizer` and the two discriminators share
    `d_optimizer`: one optimizer updates the variables of both networks of
    a side in one step, which for per-variable optimizers such as Adam is
    the same as one optimizer per network. `compile` takes the
    `GAN.compile` vocabulary; by default the least-squares loss (as in the
    paper), no penalty and `Adam(2e-4, beta_1=0.5)`.

    Logged: `loss` (sum of both objectives), `d_loss`, `g_loss`,
    `cycle_loss`, `identity_loss` (unweighted), penalties.

    Args:
        generator_ab: Keras model translating domain A images to domain B.
        generator_ba: Keras model translating domain B images to domain A.
        discriminator_a: Keras model judging domain A images: logits
            `(batch, 1)`, `(batch,)` or patch logits `(batch, h, w, 1)`.
        discriminator_b: The same for domain B.
        cycle_weight: Weight of the cycle-consistency loss (the paper's
            lambda). Defaults to `10.0`.
        identity_weight: Weight of the identity loss relative to
            `cycle_weight`, as in the paper's code; `0` turns it off (it
            needs both domains to have the same image shape). Defaults to
            `0.5`.
        pool_size: Generated images kept per domain in the history pool
            shown to the discriminators (`ImagePool`); `0` shows only the
            latest ones. Defaults to `50`.
        seed: Integer seed of the pools' and penalties' random draws.
            Defaults to `None`.
        ema: Optional dict of `enable_ema` arguments; usually set by
            `keras_gan.callbacks.GeneratorEMA`. Defaults to `None`.
        **kwargs: Passed to `keras.Model` (for example `name`).

    Example:

    ```python
    builders = keras_gan.models
    model = keras_gan.CycleGAN(
        builders.resnet_translation_generator((28, 28, 1), 3, filters=16),
        builders.resnet_translation_generator((28, 28, 1), 3, filters=16),
        builders.patchgan_discriminator((28, 28, 1), filters=16, num_layers=2),
        builders.patchgan_discriminator((28, 28, 1), filters=16, num_layers=2),
        cycle_weight=10.0,
        identity_weight=0.5,
    )
    model.compile()
    model.fit(a_images, b_images, batch_size=16, epochs=20)
    b_like = model.translate(a_images[:16], direction="a_to_b")
    ```
    """

    extra_log_names = ("cycle_loss", "identity_loss")

    averaged_generators = ("generator_ab", "generator_ba")

    serialized_arguments = (
        "generator_ab",
        "generator_ba",
        "discriminator_a",
        "discriminator_b",
    )

    def __init__(
        self,
        generator_ab,
        generator_ba,
        discriminator_a,
        discriminator_b,
        cycle_weight=10.0,
        identity_weight=0.5,
        pool_size=50,
        seed=None,
        ema=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        networks = {
            "generator_ab": generator_ab,
            "generator_ba": generator_ba,
            "discriminator_a": discriminator_a,
            "discriminator_b": discriminator_b,
        }
        for name, network in networks.items():
            check_type(name, network, keras.Model)
        if len({id(n) for n in networks.values()}) < 4:
            raise ValueError(
                "Invalid value for the networks: `generator_ab`, "
                "`generator_ba`, `discriminator_a` and `discriminator_b` "
                "must be four distinct models."
            )
        for name, value in (("cycle_weight", cycle_weight), ("identity_weight", identity_weight)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(
                    f"Invalid value for argument `{name}`. Expected a "
                    f"non-negative number. Received: {name}={value!r}"
                )
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 0:
            raise ValueError(
                "Invalid value for argument `pool_size`. Expected an integer "
                f">= 0. Received: pool_size={pool_size!r}"
            )
        self.generator_ab = generator_ab
        self.generator_ba = generator_ba
        self.discriminator_a = discriminator_a
        self.discriminator_b = discriminator_b
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = float(identity_weight)
        self.pool_size = pool_size
        self.seed = seed
        self.check_networks()  # before the pools, which read the shapes
        self.pool_a = self.pool_b = None
        if pool_size:
            self.pool_a = ImagePool(pool_size, self.image_shape("a"), seed, name="pool_a")
            self.pool_b = ImagePool(
                pool_size, self.image_shape("b"), None if seed is None else seed + 1, name="pool_b"
            )
        self.pools = {"a": self.pool_a, "b": self.pool_b}
        self.penalty_stream = RandomStream(
            None if seed is None else seed + 2, name="penalty_stream"
        )
        self.finish_init(ema)

    def discriminator_networks(self):
        return [self.discriminator_a, self.discriminator_b]

    def generator_networks(self):
        return [self.generator_ab, self.generator_ba]

    # === Network checks ===

    def image_shape(self, domain):
        """The image shape of `domain` ("a" or "b"): the input shape of the
        generator translating from it, without the batch dimension."""
        generator = self.generator_ab if domain == "a" else self.generator_ba
        shape = input_shape_of(generator)
        return None if shape is None else shape[1:]

    def check_networks(self):
        """Raises if the four networks do not fit together."""
        for name, generator, target in (
            ("generator_ab", self.generator_ab, "b"),
            ("generator_ba", self.generator_ba, "a"),
        ):
            source_shape = input_shape_of(generator)
            check_network_output(
                name, generator, source_shape, input_shape_of(getattr(self, f"discriminator_{target}")),
                f"the input shape of `discriminator_{target}`",
            )
            other = self.generator_ba if target == "b" else self.generator_ab
            check_network_output(
                name, generator, source_shape, input_shape_of(other),
                "the input shape of the other generator (needed for the cycle)",
            )
        for name in ("discriminator_a", "discriminator_b"):
            if len(getattr(getattr(self, name), "inputs", None) or [None]) != 1:
                raise ValueError(
                    f"Invalid value for argument `{name}`. Expected a model "
                    "with one input (the images of its domain). Received a "
                    "model with several inputs."
                )
        shape_a, shape_b = self.image_shape("a"), self.image_shape("b")
        if self.identity_weight > 0 and None not in (shape_a, shape_b) and shape_a != shape_b:
            raise ValueError(
                "Invalid value for argument `identity_weight`: the identity "
                "loss feeds domain B images to `generator_ab`, so it needs "
                f"both domains to have the same shape (A: {shape_a}, B: "
                f"{shape_b}). Pass identity_weight=0. Received: "
                f"identity_weight={self.identity_weight}"
            )

    # === Hooks ===

    def call(self, inputs, training=False):
        return self.generator_ab(inputs, training=training)

    def source_shapes(self):
        return input_shape_of(self.generator_ab), input_shape_of(self.generator_ba)

    def compute_generator_loss(self, a, b, training=True):
        """`(total, terms)` of the generators' update; `terms` also holds
        the translations `fake_a`, `fake_b` (without gradients)."""
        fake_b = self.generator_ab(a, training=training)
        fake_a = self.generator_ba(b, training=training)
        terms = {
            "g_loss": self.adversarial_generator_loss(self.discriminator_b, fake_b, b, training)
            + self.adversarial_generator_loss(self.discriminator_a, fake_a, a, training),
            "cycle_loss": mean_absolute_error(self.generator_ba(fake_b, training=training), a)
            + mean_absolute_error(self.generator_ab(fake_a, training=training), b),
            "identity_loss": ops.zeros((), "float32"),
        }
        if self.identity_weight > 0:
            terms["identity_loss"] = mean_absolute_error(
                self.generator_ab(b, training=training), b
            ) + mean_absolute_error(self.generator_ba(a, training=training), a)
        total = self.generator_objective(terms)
        terms["fake_a"] = ops.stop_gradient(fake_a)
        terms["fake_b"] = ops.stop_gradient(fake_b)
        return total, terms

    def generator_objective(self, terms):
        """`g_loss + cycle_weight * (cycle_loss + identity_weight *
        identity_loss)`."""
        return terms["g_loss"] + self.cycle_weight * (
            terms["cycle_loss"] + self.identity_weight * terms["identity_loss"]
        )

    def compute_discriminator_loss(self, a, b, fake_a, fake_b, training=True):
        """`(total, terms)` of the discriminators' update on real images
        and (pooled) translations."""
        terms = {"d_loss": ops.zeros((), "float32")}
        self.add_discriminator_terms(terms, self.discriminator_a, a, fake_a, training)
        self.add_discriminator_terms(terms, self.discriminator_b, b, fake_b, training)
        return sum(terms.values()), terms

    def train_step(self, data):
        a, b = self.unpack_batch(data)
        g_result = self.apply_update(
            lambda: self.compute_generator_loss(a, b),
            self.generator_networks(),
            self.g_optimizer,
            "g_reg",
        )
        self.update_ema()
        fake_a = self.pooled("a", g_result["fake_a"])
        fake_b = self.pooled("b", g_result["fake_b"])
        d_results = [
            self.apply_update(
                lambda: self.compute_discriminator_loss(a, b, fake_a, fake_b),
                self.discriminator_networks(),
                self.d_optimizer,
                "d_reg",
            )
            for _ in range(self.d_steps)
        ]
        return self.record_step(
            d_results, g_result, self.generator_objective(g_result)
        )

    def test_step(self, data):
        a, b = self.unpack_batch(data)
        _, g_terms = self.compute_generator_loss(a, b, training=False)
        _, d_terms = self.compute_discriminator_loss(
            a, b, g_terms["fake_a"], g_terms["fake_b"], training=False
        )
        return self.record_step([d_terms], g_terms, self.generator_objective(g_terms))

    # === Translation ===

    def translate(self, images, direction="a_to_b", batch_size=256):
        """Translates images between the domains; returns a NumPy array in
        the generator's output range. Uses the EMA generators when there
        are some.

        Args:
            images: Float array of domain A images for `"a_to_b"`, of
                domain B images for `"b_to_a"`.
            direction: `"a_to_b"` or `"b_to_a"`. Defaults to `"a_to_b"`.
            batch_size: Images per generator call. Defaults to `256`.
        """
        self.check_direction(direction)
        name = "generator_ab" if direction == "a_to_b" else "generator_ba"
        return self.translate_with(name, images, batch_size)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "cycle_weight": self.cycle_weight,
                "identity_weight": self.identity_weight,
                "pool_size": self.pool_size,
                "seed": self.seed,
                "ema": self.ema_config,
            }
        )
        return config
