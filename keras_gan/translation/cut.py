import keras
from keras import ops

from keras_gan.training.latent_sampler import RandomStream
from keras_gan.training.network_checks import check_type
from keras_gan.translation.data import check_network_output
from keras_gan.translation.data import input_shape_of
from keras_gan.translation.image_pool import ImagePool
from keras_gan.translation.patch_nce import patch_nce_loss
from keras_gan.translation.patch_nce import projection_network
from keras_gan.translation.patch_nce import random_positions
from keras_gan.translation.patch_nce import sample_patches
from keras_gan.translation.unpaired import UnpairedTranslation
from keras_gan.validation import check_positive_int
from keras_gan.validation import invalid_argument


def default_nce_layers(generator):
    """The PatchNCE layers of a `resnet_translation_generator`, as in the
    paper's code: the input image, each downsampling convolution, the first
    residual block and the middle one. `None` for other generators."""
    names = {layer.name for layer in generator.layers}
    if "stem_conv" not in names or "res0_add" not in names:
        return None
    input_name = generator.inputs[0].name if generator.inputs else None
    layers = [input_name] if input_name in names else []
    stage = 0
    while f"down{stage}_conv" in names:
        layers.append(f"down{stage}_conv")
        stage += 1
    blocks = sum(1 for name in names if name.startswith("res") and name.endswith("_add"))
    for block in sorted({0, blocks // 2}):
        layers.append(f"res{block}_add")
    return layers


@keras.saving.register_keras_serializable(package="keras_gan")
class CUT(UnpairedTranslation):
    """Contrastive unpaired translation (Park et al. 2020) with `fit()`.

    One generator `G` translates domain A to domain B against one
    discriminator `D_b`; what keeps the content is PatchNCE: a patch of the
    translation `G(a)` must be recognized as coming from the patch of `a`
    at the same position, among the other patches of `a`. Patches are taken
    from the generator's own encoder (the outputs of `nce_layers`, run on
    `a` and on `G(a)`) at `num_patches` random positions per layer, and
    mapped by a small projection MLP (`projection`, trained with the
    generator). The identity PatchNCE term does the same between `b` and
    `G(b)`, so that `G` leaves domain B images alone.

    The data yields `(a, b)` batches of the same size, unpaired. Each
    training step runs one update of the generator and projection, then
    `d_steps` updates of the discriminator:

    - generator: `g_loss + nce_weight * (nce_loss + identity_weight *
      identity_loss)`, where `g_loss = loss.generator_loss(D_b(G(a)))`,
      `nce_loss` is the PatchNCE loss between `a` and `G(a)` and
      `identity_loss` the PatchNCE loss between `b` and `G(b)`, each
      averaged over the layers, patches and images. With the defaults this
      is the paper's objective with `lambda_X = lambda_Y = 1` (its code
      averages the two terms: `nce_weight=0.5`); FastCUT is
      `nce_weight=10, identity_weight=0`.
    - discriminator: `loss.discriminator_loss(D_b(b), D_b(fake_b))` plus
      the penalties, the fakes through the history pool when `pool_size`
      is not 0.

    `compile` takes the `GAN.compile` vocabulary; by default the
    least-squares loss (as in the paper), no penalty and `Adam(2e-4,
    beta_1=0.5)`. Logged: `loss`, `d_loss`, `g_loss`, `nce_loss`,
    `identity_loss` (unweighted), penalties.

    Args:
        generator: Keras model translating domain A images to domain B
            images of the same shape (the identity term feeds it domain B
            images).
        discriminator: Keras model judging domain B images: logits
            `(batch, 1)`, `(batch,)` or patch logits `(batch, h, w, 1)`.
        nce_layers: Names of the generator's layers whose outputs (feature
            maps `(batch, h, w, c)`) give the patches; the name of its
            input layer takes patches of the image itself. Defaults to
            `None`: for a `resnet_translation_generator`, its input, its
            downsampling convolutions, its first and its middle residual
            block (the paper's choice); other generators must name them.
        projection: The projection network, a model with one input
            `(rows, channels)` and one output per layer of `nce_layers`.
            Defaults to `None`: two dense layers of `projection_units` per
            feature layer (`Dense(relu)`, `Dense`), as in the paper.
        nce_weight: Weight of the PatchNCE terms. Defaults to `1.0`.
        identity_weight: Weight of the identity PatchNCE term relative to
            `nce_weight`; `0` turns it off. Defaults to `1.0`.
        num_patches: Patches sampled per feature layer and image (all
            positions when a layer has fewer). Defaults to `256`.
        temperature: Temperature of the PatchNCE softmax. Defaults to
            `0.07`.
        projection_units: Width of the default projection. Defaults to
            `256`.
        pool_size: Generated images kept in a history pool shown to the
            discriminator (`ImagePool`); `0` (the paper's choice) shows
            only the latest ones. Defaults to `0`.
        seed: Integer seed of the patch positions, the pool's and the
            penalties' random draws. Defaults to `None`.
        ema: Optional dict of `enable_ema` arguments; usually set by
            `keras_gan.callbacks.GeneratorEMA`. Defaults to `None`.
        **kwargs: Passed to `keras.Model` (for example `name`).

    Example:

    ```python
    builders = keras_gan.models
    model = keras_gan.CUT(
        builders.resnet_translation_generator((28, 28, 1), 3, filters=16),
        builders.patchgan_discriminator((28, 28, 1), filters=16, num_layers=2),
        nce_weight=1.0,
        identity_weight=1.0,
    )
    model.compile()
    model.fit(a_images, b_images, batch_size=16, epochs=20)
    b_like = model.translate(a_images[:16])
    ```
    """

    extra_log_names = ("nce_loss", "identity_loss")

    serialized_arguments = ("generator", "discriminator", "projection")

    expected_a = "the input of `generator`"
    expected_b = "images of the generator's input shape"

    def __init__(
        self,
        generator,
        discriminator,
        nce_layers=None,
        projection=None,
        nce_weight=1.0,
        identity_weight=1.0,
        num_patches=256,
        temperature=0.07,
        projection_units=256,
        pool_size=0,
        seed=None,
        ema=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_type("generator", generator, keras.Model)
        check_type("discriminator", discriminator, keras.Model)
        if generator is discriminator:
            raise ValueError(
                "Invalid value for argument `discriminator`: it is the same "
                "model as `generator`. Pass two distinct models."
            )
        for name, value in (
            ("nce_weight", nce_weight),
            ("identity_weight", identity_weight),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise invalid_argument(name, value, "a non-negative number")
        if (
            isinstance(temperature, bool)
            or not isinstance(temperature, (int, float))
            or temperature <= 0
        ):
            raise invalid_argument("temperature", temperature, "a positive number")
        check_positive_int("num_patches", num_patches)
        check_positive_int("projection_units", projection_units)
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 0:
            raise invalid_argument("pool_size", pool_size, "an integer >= 0")
        self.generator = generator
        self.discriminator = discriminator
        self.nce_weight = float(nce_weight)
        self.identity_weight = float(identity_weight)
        self.num_patches = int(num_patches)
        self.temperature = float(temperature)
        self.projection_units = int(projection_units)
        self.pool_size = pool_size
        self.seed = seed
        self.nce_layers = self._resolve_nce_layers(nce_layers)
        # Not tracked: it shares the generator's layers and variables.
        object.__setattr__(self, "_encoder", self._build_encoder())
        channels = [int(shape[-1]) for shape in self._feature_shapes()]
        if projection is None:
            projection = projection_network(channels, self.projection_units)
        self.projection = projection
        self._check_projection(channels)
        self.pool_b = None
        if pool_size:
            shape = input_shape_of(generator)[1:]
            self.pool_b = ImagePool(pool_size, shape, seed, name="pool_b")
        self.pools = {"b": self.pool_b}
        self.patch_stream = RandomStream(seed, name="patch_stream")
        self.penalty_stream = RandomStream(
            None if seed is None else seed + 1, name="penalty_stream"
        )
        self.finish_init(ema)

    def discriminator_networks(self):
        return [self.discriminator]

    def generator_networks(self):
        return [self.generator, self.projection]

    # === Network checks ===

    def _resolve_nce_layers(self, nce_layers):
        if nce_layers is None:
            nce_layers = default_nce_layers(self.generator)
            if nce_layers is None:
                raise ValueError(
                    "Invalid value for argument `nce_layers`: the default "
                    "names the layers of `keras_gan.models."
                    "resnet_translation_generator`, which this generator "
                    f"({self.generator.name!r}) does not have. Pass the "
                    "names of its encoder layers, e.g. "
                    f"nce_layers={[l.name for l in self.generator.layers[:3]]}. "
                    "Received: nce_layers=None"
                )
        if isinstance(nce_layers, str) or not all(
            isinstance(name, str) for name in nce_layers
        ) or not nce_layers:
            raise invalid_argument(
                "nce_layers", nce_layers, "a non-empty list of layer names"
            )
        names = [layer.name for layer in self.generator.layers]
        if self.generator.inputs:
            names += [t.name for t in self.generator.inputs]
        for name in nce_layers:
            if name not in names:
                raise invalid_argument(
                    "nce_layers",
                    list(nce_layers),
                    f"names of the generator's layers; {name!r} is not one "
                    f"(its layers: {names})",
                )
        return list(nce_layers)

    def _layer_output(self, name):
        for tensor in self.generator.inputs or []:
            if tensor.name == name:
                return tensor
        return self.generator.get_layer(name).output

    def _build_encoder(self):
        """Two models sharing the generator's layers: its output and the
        `nce_layers` features; the features alone (only the layers they
        need)."""
        if not self.generator.inputs or len(self.generator.inputs) != 1:
            raise ValueError(
                "Invalid value for argument `generator`. Expected a model "
                "with one input (the domain A images)."
            )
        outputs = [self._layer_output(name) for name in self.nce_layers]
        for name, tensor in zip(self.nce_layers, outputs):
            if len(tensor.shape) != 4 or None in tuple(tensor.shape)[1:]:
                raise invalid_argument(
                    "nce_layers",
                    self.nce_layers,
                    "layers giving feature maps (batch, height, width, "
                    f"channels) of known size; {name!r} gives "
                    f"{tuple(tensor.shape)}",
                )
        inputs = self.generator.inputs
        name = self.generator.name
        return (
            keras.Model(inputs, [self.generator.outputs[0]] + outputs, name=f"{name}_and_features"),
            keras.Model(inputs, outputs, name=f"{name}_features"),
        )

    def _feature_shapes(self):
        return [tuple(t.shape) for t in self._encoder[1].outputs]

    def _check_projection(self, channels):
        projection = self.projection
        check_type("projection", projection, keras.Model)
        inputs = getattr(projection, "inputs", None) or []
        outputs = getattr(projection, "outputs", None) or []
        got = [int(t.shape[-1]) for t in inputs]
        if got != channels or len(outputs) != len(channels):
            raise ValueError(
                "Invalid value for argument `projection`. Expected a model "
                f"with {len(channels)} inputs of {channels} channels (the "
                f"`nce_layers` {self.nce_layers}) and as many outputs. "
                f"Received: a model with inputs of {got} channels and "
                f"{len(outputs)} outputs."
            )

    def check_networks(self):
        """Raises if the generator and discriminator do not fit together."""
        shape = input_shape_of(self.generator)
        check_network_output(
            "generator", self.generator, shape, input_shape_of(self.discriminator),
            "the input shape of `discriminator`",
        )
        check_network_output(
            "generator", self.generator, shape, shape,
            "its input shape (the identity term and the PatchNCE features "
            "of the translation need it)",
        )
        if len(getattr(self.discriminator, "inputs", None) or [None]) != 1:
            raise ValueError(
                "Invalid value for argument `discriminator`. Expected a model "
                "with one input (the domain B images). Received a model with "
                "several inputs."
            )

    def source_shapes(self):
        shape = input_shape_of(self.generator)
        return shape, shape

    # === Hooks ===

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def translate_and_encode(self, images, training):
        """`(translation, [features of each nce_layer])` of `images`."""
        outputs = self._encoder[0](images, training=training)
        return outputs[0], list(outputs[1:])

    def encode(self, images, training):
        """`[features of each nce_layer]` of `images`."""
        outputs = self._encoder[1](images, training=training)
        return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]

    def patch_nce_per_image(self, source_features, output_features):
        """The PatchNCE loss of each image, averaged over the layers."""
        shapes = self._feature_shapes()
        positions = [
            random_positions(h * w, self.num_patches, self.patch_stream.seed_generator)
            for _, h, w, _ in shapes
        ]

        def project(features):
            flat = [
                ops.reshape(sample_patches(f, p), (-1, shape[-1]))
                for f, p, shape in zip(features, positions, shapes)
            ]
            projected = self.projection(flat)
            if not isinstance(projected, (list, tuple)):
                projected = [projected]
            return [
                ops.reshape(y, (-1, int(p.shape[0]), int(y.shape[-1])))
                for y, p in zip(projected, positions)
            ]

        keys = project(source_features)
        queries = project(output_features)
        losses = [
            patch_nce_loss(q, k, self.temperature) for q, k in zip(queries, keys)
        ]
        return sum(losses) / len(losses)

    def compute_generator_loss(self, a, b, training=True):
        """`(total, terms)` of the generator's update; `terms` also holds
        the translation `fake_b` (without gradients)."""
        batch = ops.shape(a)[0]
        sources = ops.concatenate([a, b], axis=0) if self.identity_weight > 0 else a
        outputs, source_features = self.translate_and_encode(sources, training)
        output_features = self.encode(outputs, training)
        per_image = self.patch_nce_per_image(source_features, output_features)
        fake_b = outputs[:batch]
        terms = {
            "g_loss": self.adversarial_generator_loss(
                self.discriminator, fake_b, b, training
            ),
            "nce_loss": ops.mean(per_image[:batch]),
            "identity_loss": ops.zeros((), "float32"),
        }
        if self.identity_weight > 0:
            terms["identity_loss"] = ops.mean(per_image[batch:])
        total = self.generator_objective(terms)
        terms["fake_b"] = ops.stop_gradient(fake_b)
        return total, terms

    def generator_objective(self, terms):
        """`g_loss + nce_weight * (nce_loss + identity_weight *
        identity_loss)`."""
        return terms["g_loss"] + self.nce_weight * (
            terms["nce_loss"] + self.identity_weight * terms["identity_loss"]
        )

    def compute_discriminator_loss(self, b, fake_b, training=True):
        """`(total, terms)` of the discriminator's update on real images
        and (pooled) translations."""
        terms = self.add_discriminator_terms({}, self.discriminator, b, fake_b, training)
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
        fake_b = self.pooled("b", g_result["fake_b"])
        d_results = [
            self.apply_update(
                lambda: self.compute_discriminator_loss(b, fake_b),
                self.discriminator_networks(),
                self.d_optimizer,
                "d_reg",
            )
            for _ in range(self.d_steps)
        ]
        return self.record_step(d_results, g_result, self.generator_objective(g_result))

    def test_step(self, data):
        a, b = self.unpack_batch(data)
        _, g_terms = self.compute_generator_loss(a, b, training=False)
        _, d_terms = self.compute_discriminator_loss(b, g_terms["fake_b"], training=False)
        return self.record_step([d_terms], g_terms, self.generator_objective(g_terms))

    # === Translation ===

    def translate(self, images, direction="a_to_b", batch_size=256):
        """Translates domain A images to domain B; returns a NumPy array in
        the generator's output range. Uses the EMA generator when there is
        one.

        Args:
            images: Float array of domain A images.
            direction: Only `"a_to_b"`: CUT translates one way. Defaults to
                `"a_to_b"`.
            batch_size: Images per generator call. Defaults to `256`.
        """
        self.check_direction(direction, ("a_to_b",))
        return self.translate_with("generator", images, batch_size)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "nce_layers": self.nce_layers,
                "nce_weight": self.nce_weight,
                "identity_weight": self.identity_weight,
                "num_patches": self.num_patches,
                "temperature": self.temperature,
                "projection_units": self.projection_units,
                "pool_size": self.pool_size,
                "seed": self.seed,
                "ema": self.ema_config,
            }
        )
        return config
