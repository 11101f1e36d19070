"""Adaptive discriminator augmentation (ADA, Karras et al. 2020, "Training
Generative Adversarial Networks with Limited Data").

`AdaptiveAugment` applies each augmentation to each image with a
probability `p` tuned during training from the discriminator's outputs on
real images; `ada_augment` is StyleGAN2-ADA's pipeline (integer
translation, flips and rotations, general geometric and colour transforms)
written with `keras.ops` and `keras.random`, so it runs on every backend,
inside compiled steps, and is differentiable with respect to the images.
"""

import math

import keras
from keras import ops

from keras_gan import backend
from keras_gan.augment.diffaugment import check_images
from keras_gan.augment.diffaugment import check_ratio
from keras_gan.augment.diffaugment import DiffAugment
from keras_gan.augment.diffaugment import per_image_uniform
from keras_gan.augment.diffaugment import POLICIES
from keras_gan.random_state import draw_for_global_batch


@keras.saving.register_keras_serializable(package="keras_gan")
class AdaptiveAugment(DiffAugment):
    """Adaptive discriminator augmentation (ADA, Karras et al. 2020).

    Each elementary augmentation (brightness, saturation, contrast,
    translation, cutout) is applied to each image independently with
    probability `p`. `p` is a non-trainable float32 variable (saved and
    restored with the model) tuned by `update(real_logits)`, which the GAN
    calls after every discriminator step with the discriminator's outputs
    on the (augmented) real images: the overfitting heuristic
    `r_t = E[sign(D(x_real))]` is accumulated over `interval` calls, then
    `p += sign(r_t - target) * n_images / adjustment_speed` and `p` is
    clipped to `[0, 1]`. Only `keras.ops` and `Variable.assign` are used, so
    `update` works inside compiled train steps on every backend.

    Images follow the conventions of `DiffAugment` (channels-last, values
    in `[-1, 1]`). With `p == 0` the layer is the identity.

    Args:
        target: Target value of `r_t`; `p` grows while the discriminator is
            more confident than this on reals. Defaults to 0.6.
        adjustment_speed: Number of images needed for `p` to go from 0 to 1
            (the paper uses 500k). Defaults to 500_000.
        initial_probability: Initial value of `p`, in [0, 1].
        policy: Augmentations to gate, see `DiffAugment`.
        translation_ratio: See `DiffAugment`.
        cutout_ratio: See `DiffAugment`.
        interval: Number of `update` calls accumulated before `p` moves.
            Defaults to 1 (every call).
        seed: Optional integer seed of the layer's
            `keras.random.SeedGenerator`.
        pipeline: `None` to gate the DiffAugment `policy` (above), or the
            paper's pipeline: `"bgc"` (or `"b"`, `"bg"`, `"c"`), see
            `ada_augment`: each of x-flip, 90-degree rotations, integer
            translation, isotropic scaling, rotation, anisotropic scaling,
            fractional translation, brightness, contrast, luma flip, hue
            and saturation applied with probability `p`. Defaults to
            `None`.
        **kwargs: Base `keras.layers.Layer` arguments.

    Example:

    >>> ada = AdaptiveAugment(initial_probability=0.5, seed=0)
    >>> images = keras.random.uniform((4, 32, 32, 3), -1.0, 1.0)
    >>> augmented = ada(images)
    >>> new_p = ada.update(keras.ops.ones((4, 1)))  # D overfits: p rises
    >>> float(ada.probability.value) > 0.5
    True
    """

    def __init__(
        self,
        target=0.6,
        adjustment_speed=500_000,
        initial_probability=0.0,
        policy=POLICIES,
        translation_ratio=0.125,
        cutout_ratio=0.5,
        interval=1,
        seed=None,
        pipeline=None,
        **kwargs,
    ):
        super().__init__(
            policy=policy,
            translation_ratio=translation_ratio,
            cutout_ratio=cutout_ratio,
            seed=seed,
            **kwargs,
        )
        self.target = float(target)
        if adjustment_speed <= 0:
            raise ValueError(
                "Invalid value for argument `adjustment_speed`. Received: "
                f"adjustment_speed={adjustment_speed!r}. Expected a "
                "positive number of images."
            )
        self.adjustment_speed = adjustment_speed
        self.initial_probability = check_ratio(
            "initial_probability", initial_probability
        )
        if int(interval) < 1:
            raise ValueError(
                "Invalid value for argument `interval`. Received: "
                f"interval={interval!r}. Expected an integer >= 1."
            )
        self.interval = int(interval)
        self.pipeline = check_ada_pipeline(pipeline)
        self._p = self._state_variable("probability", initial_probability)
        self._sign_sum = self._state_variable("sign_sum")
        self._image_count = self._state_variable("image_count")
        self._update_count = self._state_variable("update_count")
        self.built = True

    def _state_variable(self, name, value=0.0):
        return self.add_weight(
            shape=(),
            dtype="float32",
            initializer=keras.initializers.Constant(value),
            trainable=False,
            name=name,
        )

    @property
    def probability(self):
        """The augmentation probability `p` (a float32 `keras.Variable`)."""
        return self._p

    def _bernoulli_gate(self, images):
        """Returns a callable drawing a (B,) bool gate ~ Bernoulli(p)."""
        batch = ops.shape(images)[0]
        p = ops.convert_to_tensor(self._p)

        def draw():
            return ops.less(per_image_uniform(batch, self.seed_generator), p)

        return draw

    def call(self, images, training=True):
        check_images(images)
        if not training:
            return images
        if self.pipeline is not None:
            return ada_augment(images, self.pipeline, self._p, self.seed_generator)
        return self._augment(images, gates=self._bernoulli_gate(images))

    def update(self, real_logits):
        """Accumulates `sign(real_logits)` and adjusts `p` every `interval`.

        Call it once per training step (the GAN does, with the logits of
        its first discriminator update), so that each real batch counts
        once. Under a `tf.distribute` strategy the signs and the image count
        are summed over the replicas: `p` moves with the global batch.

        Args:
            real_logits: Discriminator outputs (logits, or a map of patch
                logits per image; any shape whose first axis is the batch)
                on the real images of one step.

        Returns:
            The new value of `p` (a float32 scalar tensor).
        """
        logits = ops.cast(real_logits, "float32")
        logits = ops.reshape(logits, (ops.shape(logits)[0], -1))
        signs = ops.mean(ops.sign(logits), axis=1)  # One value per image.
        batch_sum = backend.replica_sum(ops.sum(signs))
        batch = backend.replica_sum(ops.cast(ops.shape(signs)[0], "float32"))
        sign_sum = self._sign_sum + batch_sum
        image_count = self._image_count + batch
        update_count = self._update_count + 1.0
        due = ops.greater_equal(update_count, float(self.interval))
        due = ops.cast(due, "float32")
        r_t = sign_sum / ops.maximum(image_count, 1.0)
        step = ops.sign(r_t - self.target) * image_count
        step = step / float(self.adjustment_speed)
        new_p = ops.clip(self._p + due * step, 0.0, 1.0)
        self._p.assign(new_p)
        self._sign_sum.assign(sign_sum * (1.0 - due))
        self._image_count.assign(image_count * (1.0 - due))
        self._update_count.assign(update_count * (1.0 - due))
        return new_p

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "target": self.target,
                "adjustment_speed": self.adjustment_speed,
                "initial_probability": self.initial_probability,
                "interval": self.interval,
                "pipeline": self.pipeline,
            }
        )
        return config


# ---------------------------------------------------------------------------
# The ADA pipeline (Karras et al. 2020, "Training Generative Adversarial
# Networks with Limited Data", appendix B). Every transform is applied to
# each image independently with probability `p`; its random parameters are
# drawn per image with `draw_for_global_batch`, so every replica of a
# distributed step gets its own slice of one global draw. Images are
# channels-last in [-1, 1]; colour transforms act around 0, the middle of
# that range, as in the paper.
# ---------------------------------------------------------------------------

ADA_GROUPS = {
    "b": ("xflip", "rotate90", "xint"),
    "g": ("scale", "rotate", "aniso", "xfrac"),
    "c": ("brightness", "contrast", "lumaflip", "hue", "saturation"),
}
ADA_PIPELINES = ("b", "bg", "bgc", "c")
# Spreads of the parameters, from the paper's appendix B.
_XINT_MAX = 0.125
_SCALE_STD = 0.2
_ROTATE_MAX = 1.0  # x pi
_ANISO_STD = 0.2
_XFRAC_STD = 0.125
_BRIGHTNESS_STD = 0.2
_CONTRAST_STD = 0.5
_HUE_MAX = 1.0  # x pi
_SATURATION_STD = 1.0


def check_ada_pipeline(pipeline):
    """Raises a Keras-style error unless `pipeline` is a known ADA pipeline."""
    if pipeline is not None and pipeline not in ADA_PIPELINES:
        raise ValueError(
            "Invalid value for argument `pipeline`. Expected `None` (the "
            f"DiffAugment policy) or one of {list(ADA_PIPELINES)}. "
            f"Received: pipeline={pipeline!r}"
        )
    return pipeline


def _draw_per_image(batch, columns, seed, kind="uniform"):
    """`(batch, columns)` float32 draws, one row per image of the batch."""

    def draw(rows):
        if kind == "normal":
            return keras.random.normal((rows, columns), seed=seed)
        if kind == "index":
            return keras.random.randint((rows, columns), 0, 4, seed=seed)
        return keras.random.uniform((rows, columns), seed=seed)

    return ops.cast(draw_for_global_batch(draw, batch), "float32")


def _gated(values, batch, p, seed, identity):
    """`values` where a Bernoulli(p) draw per image fires, else `identity`."""
    fire = ops.less(_draw_per_image(batch, 1, seed), p)
    return ops.where(fire, values, identity)


def _reflect(coordinates, size):
    """Reflects integer or real pixel coordinates into `[0, size - 1]`."""
    if size == 1:
        return ops.zeros_like(coordinates)
    period = 2.0 * (size - 1)
    folded = ops.mod(coordinates, period)
    return ops.where(folded > size - 1, period - folded, folded)


def _gather_pixels(x, rows, cols):
    """`x[b, rows[b, i, j], cols[b, i, j], :]` for int32 index maps."""
    batch, height, width, channels = (
        ops.shape(x)[0], x.shape[1], x.shape[2], x.shape[3]
    )
    flat = ops.reshape(x, (batch, height * width, channels))
    index = ops.reshape(rows * width + cols, (batch, height * width, 1))
    index = ops.broadcast_to(index, (batch, height * width, channels))
    pixels = ops.take_along_axis(flat, index, axis=1)
    return ops.reshape(pixels, (batch, height, width, channels))


def _pixel_grid(height, width):
    rows = ops.reshape(ops.arange(height, dtype="float32"), (1, height, 1))
    cols = ops.reshape(ops.arange(width, dtype="float32"), (1, 1, width))
    return rows, cols


def ada_integer_transforms(x, p, seed, ops_to_apply=ADA_GROUPS["b"]):
    """x-flip, 90-degree rotations and integer translation ("blit").

    Each op fires per image with probability `p`: the x-flip mirrors the
    columns with probability 1/2; the rotation turns by `k * 90` degrees, `k` uniform in
    `{0, 1, 2, 3}`; the translation shifts by integers drawn uniformly within
    `0.125` of the side, with reflection at the borders. All three only
    move pixels (a gather), so they are exact and differentiable.
    Rotations by 90 or 270 degrees need square images.
    """
    x = ops.convert_to_tensor(x)
    batch, height, width = ops.shape(x)[0], x.shape[1], x.shape[2]
    zero = ops.zeros((batch, 1))
    rows, cols = _pixel_grid(height, width)
    rows = ops.broadcast_to(rows, (batch, height, width))
    cols = ops.broadcast_to(cols, (batch, height, width))
    if "rotate90" in ops_to_apply and height != width:
        raise ValueError(
            "90-degree rotations need square images. Received: images of "
            f"height {height} and width {width}"
        )
    # Output pixel (i, j) reads the source pixel the inverse map gives.
    if "xint" in ops_to_apply:
        shift = _draw_per_image(batch, 2, seed) * 2.0 - 1.0
        shift = _gated(shift, batch, p, seed, zero)
        dy = ops.round(shift[:, :1] * _XINT_MAX * height)[..., None]
        dx = ops.round(shift[:, 1:] * _XINT_MAX * width)[..., None]
        rows, cols = _reflect(rows - dy, height), _reflect(cols - dx, width)
    if "rotate90" in ops_to_apply:
        turns = _gated(
            _draw_per_image(batch, 1, seed, "index"), batch, p, seed, zero
        )[..., None]
        last = height - 1.0
        for quarter in (1.0, 2.0, 3.0):
            # Source of output (i, j) after `quarter` counter-clockwise turns.
            turned = {
                1.0: (cols, last - rows),
                2.0: (last - rows, last - cols),
                3.0: (last - cols, rows),
            }[quarter]
            hit = ops.equal(turns, quarter)
            rows, cols = (
                ops.where(hit, turned[0], rows),
                ops.where(hit, turned[1], cols),
            )
    if "xflip" in ops_to_apply:
        # When it fires, the flip is itself a coin toss (as in the paper):
        # a flip with probability 1 would leak at p > 0.5.
        coin = ops.cast(ops.less(_draw_per_image(batch, 1, seed), 0.5), "float32")
        flip = _gated(coin, batch, p, seed, zero)[..., None]
        cols = ops.where(flip > 0.5, width - 1.0 - cols, cols)
    return _gather_pixels(
        x, ops.cast(rows, "int32"), ops.cast(cols, "int32")
    )


def _rotation(angle):
    cos, sin = ops.cos(angle), ops.sin(angle)
    return cos, -sin, sin, cos


def ada_geometric_transforms(x, p, seed):
    """Isotropic scaling, rotation, anisotropic scaling, fractional shift.

    The four transforms (each firing per image with probability `p`, with
    the paper's parameter spreads: scales `2**N(0, 0.2)`, angles
    `U(-pi, pi)`, shifts `N(0, 0.125)` of the side) are composed into one
    affine map about the image centre, and the image is resampled once,
    bilinearly, with reflection padding. Unlike the paper no anti-aliasing
    filter is applied.
    """
    x = ops.convert_to_tensor(x)
    batch, height, width = ops.shape(x)[0], x.shape[1], x.shape[2]
    zero = ops.zeros((batch, 1))
    log_scale = _gated(
        _draw_per_image(batch, 1, seed, "normal") * _SCALE_STD,
        batch, p, seed, zero,
    )
    angle = _gated(
        (_draw_per_image(batch, 1, seed) * 2.0 - 1.0) * _ROTATE_MAX * math.pi,
        batch, p, seed, zero,
    )
    log_aniso = _gated(
        _draw_per_image(batch, 1, seed, "normal") * _ANISO_STD,
        batch, p, seed, zero,
    )
    shift = _gated(
        _draw_per_image(batch, 2, seed, "normal") * _XFRAC_STD,
        batch, p, seed, ops.concatenate([zero, zero], axis=1),
    )
    # Forward map (about the centre): y = S_iso R S_aniso x + t. Sampling
    # needs the inverse: x = S_aniso^-1 R^-1 S_iso^-1 (y - t).
    scale_y = ops.power(2.0, -log_scale - log_aniso)  # inverse, per axis
    scale_x = ops.power(2.0, -log_scale + log_aniso)
    r00, r01, r10, r11 = _rotation(-angle)
    rows, cols = _pixel_grid(height, width)
    center_y, center_x = (height - 1) / 2.0, (width - 1) / 2.0
    y = rows - center_y - (shift[:, :1] * height)[..., None]
    x_coord = cols - center_x - (shift[:, 1:] * width)[..., None]
    source_y = (r00[..., None] * y + r01[..., None] * x_coord) * scale_y[
        ..., None
    ] + center_y
    source_x = (r10[..., None] * y + r11[..., None] * x_coord) * scale_x[
        ..., None
    ] + center_x
    return _bilinear(
        x, _reflect(source_y, height), _reflect(source_x, width)
    )


def _bilinear(x, rows, cols):
    """Bilinear sample of `x` at real coordinates inside the image."""
    height, width = x.shape[1], x.shape[2]
    row0 = ops.floor(rows)
    col0 = ops.floor(cols)
    row_weight = ops.cast(rows - row0, x.dtype)[..., None]
    col_weight = ops.cast(cols - col0, x.dtype)[..., None]
    row0 = ops.cast(row0, "int32")
    col0 = ops.cast(col0, "int32")
    row1 = ops.minimum(row0 + 1, height - 1)
    col1 = ops.minimum(col0 + 1, width - 1)
    top = _gather_pixels(x, row0, col0) * (1 - col_weight) + _gather_pixels(
        x, row0, col1
    ) * col_weight
    bottom = _gather_pixels(x, row1, col0) * (
        1 - col_weight
    ) + _gather_pixels(x, row1, col1) * col_weight
    return top * (1 - row_weight) + bottom * row_weight


def ada_color_transforms(x, p, seed):
    """Brightness, contrast, luma flip, hue rotation and saturation.

    Each fires per image with probability `p` (the paper's spreads:
    brightness `+N(0, 0.2)`, contrast `x 2**N(0, 0.5)`, hue angle
    `U(-pi, pi)`, saturation `2**N(0, 1)`). The luma axis is
    `v = (1, ..., 1) / sqrt(channels)`: the luma flip (with probability
    1/2 when it fires) reflects pixels across the plane orthogonal to `v`
    (`x - 2 v v^T x`), the hue rotation
    turns them about `v` (3 channels only; the identity otherwise) and the
    saturation scales their component orthogonal to `v`.
    """
    x = ops.convert_to_tensor(x)
    batch, channels = ops.shape(x)[0], x.shape[3]
    zero, one = ops.zeros((batch, 1)), ops.ones((batch, 1))
    dtype = x.dtype

    def per_image(values):
        return ops.cast(ops.reshape(values, (-1, 1, 1, 1)), dtype)

    brightness = _gated(
        _draw_per_image(batch, 1, seed, "normal") * _BRIGHTNESS_STD,
        batch, p, seed, zero,
    )
    x = x + per_image(brightness)
    contrast = _gated(
        ops.power(2.0, _draw_per_image(batch, 1, seed, "normal") * _CONTRAST_STD),
        batch, p, seed, one,
    )
    x = x * per_image(contrast)
    luma = ops.mean(x, axis=3, keepdims=True)  # v v^T x, per pixel
    coin = ops.cast(ops.less(_draw_per_image(batch, 1, seed), 0.5), "float32")
    flip = _gated(coin, batch, p, seed, zero)  # a coin toss, as the x-flip
    x = x - 2.0 * per_image(flip) * luma
    if channels == 3:
        angle = _gated(
            (_draw_per_image(batch, 1, seed) * 2.0 - 1.0) * _HUE_MAX * math.pi,
            batch, p, seed, zero,
        )
        x = _rotate_about_luma(x, per_image(angle))
    saturation = _gated(
        ops.power(
            2.0, _draw_per_image(batch, 1, seed, "normal") * _SATURATION_STD
        ),
        batch, p, seed, one,
    )
    luma = ops.mean(x, axis=3, keepdims=True)
    return luma + (x - luma) * per_image(saturation)


def _rotate_about_luma(x, angle):
    """Rodrigues' rotation of RGB pixels by `angle` about `(1, 1, 1)`."""
    axis_sum = ops.sum(x, axis=3, keepdims=True) / math.sqrt(3.0)
    unit = 1.0 / math.sqrt(3.0)
    red, green, blue = x[..., 0:1], x[..., 1:2], x[..., 2:3]
    cross = ops.concatenate(
        [unit * (blue - green), unit * (red - blue), unit * (green - red)],
        axis=3,
    )
    cos, sin = ops.cos(angle), ops.sin(angle)
    return x * cos + cross * sin + unit * axis_sum * (1.0 - cos)


def ada_augment(x, pipeline, p, seed):
    """Applies the ADA `pipeline` (`"b"`, `"bg"`, `"bgc"` or `"c"`).

    Args:
        x: Images `(batch, height, width, channels)` in [-1, 1].
        pipeline: Which groups to apply, in this order: `"b"` (x-flip,
            90-degree rotations, integer translation), `"g"` (isotropic
            and anisotropic scaling, rotation, fractional translation) and
            `"c"` (brightness, contrast, luma flip, hue, saturation).
        p: Probability of each transform, a float or scalar tensor.
        seed: A `keras.random.SeedGenerator`.

    Returns:
        The augmented images, same shape and dtype as `x`.
    """
    check_ada_pipeline(pipeline)
    p = ops.cast(p, "float32")
    if "b" in pipeline:
        x = ada_integer_transforms(x, p, seed)
    if "g" in pipeline:
        x = ada_geometric_transforms(x, p, seed)
    if "c" in pipeline:
        x = ada_color_transforms(x, p, seed)
    return x
