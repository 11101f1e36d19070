"""DiffAugment (Zhao et al. 2020, "Differentiable Augmentation for
Data-Efficient GAN Training"): random colour, translation and cutout.

The augmentations are written with `keras.ops` and `keras.random` only, so they run on the
TensorFlow, JAX and PyTorch backends, inside compiled train steps, and are
differentiable with respect to the images: the same layer must augment both
the real and the generated images seen by the discriminator, and gradients
flow through it back to the generator.
"""

import keras
from keras import ops

from keras_gan.random_state import SavesSeedState
from keras_gan.random_state import draw_for_global_batch

POLICIES = ("color", "translation", "cutout")


# ---------------------------------------------------------------------------
# Validation helpers.
# ---------------------------------------------------------------------------


def _normalize_policy(policy):
    """Returns `policy` as a tuple of names, validating every entry."""
    if isinstance(policy, str):
        names = tuple(p.strip() for p in policy.split(",") if p.strip())
    else:
        try:
            names = tuple(policy)
        except TypeError:
            names = None
    if names is None or not all(n in POLICIES for n in names):
        raise ValueError(
            "Invalid value for argument `policy`. Received: "
            f"policy={policy!r}. Expected a sequence of names (or a "
            f"comma-separated string) taken from {list(POLICIES)}."
        )
    return names


def check_ratio(name, value):
    """Raises a Keras-style error unless `0 <= value <= 1`."""
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(
            f"Invalid value for argument `{name}`. Received: "
            f"{name}={value!r}. Expected a float in [0, 1]."
        )
    return float(value)


def check_images(images):
    """Raises unless `images` is a rank-4 channels-last batch."""
    if len(images.shape) != 4:
        raise ValueError(
            "Expected images of shape (batch, height, width, channels). "
            f"Received: images.shape={images.shape}"
        )


# ---------------------------------------------------------------------------
# Augmentation ops. Each takes a batch `x` of shape (B, H, W, C) and a
# `gate` of shape (B,) (bool tensor) or None; images whose gate is False
# are returned unchanged. Random values are drawn for the whole batch.
# ---------------------------------------------------------------------------


def per_image_uniform(batch, seed, minval=0.0, maxval=1.0):
    """`(batch,)` uniform values, one per image of the global batch slice."""
    return draw_for_global_batch(
        lambda rows: keras.random.uniform((rows,), minval, maxval, seed=seed),
        batch,
    )


def per_image_randint(batch, seed, minval, maxval):
    """`(batch,)` integers in `[minval, maxval)`, one per image."""
    return draw_for_global_batch(
        lambda rows: keras.random.randint((rows,), minval, maxval, seed=seed),
        batch,
    )


def _per_image_uniform(x, seed, minval=0.0, maxval=1.0):
    """Uniform values of shape (B, 1, 1, 1) in the dtype of `x`."""
    values = per_image_uniform(ops.shape(x)[0], seed, minval, maxval)
    return ops.cast(ops.reshape(values, (-1, 1, 1, 1)), x.dtype)


def _apply_gate(x, augmented, gate):
    """Keeps `augmented` where `gate` is True and `x` elsewhere."""
    if gate is None:
        return augmented
    return ops.where(ops.reshape(gate, (-1, 1, 1, 1)), augmented, x)


def random_brightness(x, seed, gate=None):
    """Adds a per-image offset drawn from U(-0.5, 0.5)."""
    offset = _per_image_uniform(x, seed, -0.5, 0.5)
    return _apply_gate(x, x + offset, gate)


def random_saturation(x, seed, gate=None):
    """Scales each pixel's deviation from its channel mean by U(0, 2)."""
    factor = _per_image_uniform(x, seed, 0.0, 2.0)
    mean = ops.mean(x, axis=3, keepdims=True)
    return _apply_gate(x, (x - mean) * factor + mean, gate)


def random_contrast(x, seed, gate=None):
    """Scales each image's deviation from its mean by U(0.5, 1.5)."""
    factor = _per_image_uniform(x, seed, 0.5, 1.5)
    mean = ops.mean(x, axis=(1, 2, 3), keepdims=True)
    return _apply_gate(x, (x - mean) * factor + mean, gate)


def _shift_matrices(shifts, size, dtype):
    """One-hot matrices `M[b, i, k] = 1` iff `k == i + shifts[b]`.

    Multiplying by `M` moves content by `-shifts[b]` along one axis and
    fills the uncovered border with zeros (rows with no match are zero).
    """
    rows = ops.arange(size, dtype="int32")
    source = ops.expand_dims(rows, 0) + ops.expand_dims(shifts, 1)  # (B, S)
    hits = ops.equal(
        ops.expand_dims(source, 2), ops.reshape(rows, (1, 1, size))
    )
    return ops.cast(hits, dtype)


def random_translation(x, seed, ratio=0.125, gate=None):
    """Shifts each image by random integers, zero padding the border.

    Shifts are drawn uniformly from `[-round(ratio * side), round(ratio *
    side)]` independently for each axis. Implemented as a product with
    one-hot shift matrices, so it is differentiable with respect to `x`.
    """
    batch, height, width = ops.shape(x)[0], x.shape[1], x.shape[2]
    shift_h = int(height * ratio + 0.5)
    shift_w = int(width * ratio + 0.5)
    dy = per_image_randint(batch, seed, -shift_h, shift_h + 1)
    dx = per_image_randint(batch, seed, -shift_w, shift_w + 1)
    if gate is not None:
        dy = ops.where(gate, dy, ops.zeros_like(dy))
        dx = ops.where(gate, dx, ops.zeros_like(dx))
    rows = _shift_matrices(ops.cast(dy, "int32"), height, x.dtype)
    cols = _shift_matrices(ops.cast(dx, "int32"), width, x.dtype)
    x = ops.einsum("bik,bkwc->biwc", rows, x)
    return ops.einsum("bjl,bhlc->bhjc", cols, x)


def _square_mask(centers, size, length, dtype):
    """(B, length) indicator of `[center - size // 2, ... + size)`."""
    positions = ops.reshape(ops.arange(length, dtype="int32"), (1, length))
    start = ops.expand_dims(centers, 1) - size // 2
    inside = ops.logical_and(
        ops.greater_equal(positions, start),
        ops.less(positions, start + size),
    )
    return ops.cast(inside, dtype)


def random_cutout(x, seed, ratio=0.5, gate=None):
    """Zeroes one random square of side `round(ratio * side)` per image.

    As in the reference implementation the square's centre is uniform over
    the image, so the square may be clipped by the border.
    """
    batch, height, width = ops.shape(x)[0], x.shape[1], x.shape[2]
    size_h = int(height * ratio + 0.5)
    size_w = int(width * ratio + 0.5)
    cy = per_image_randint(batch, seed, 0, height + (1 - size_h % 2))
    cx = per_image_randint(batch, seed, 0, width + (1 - size_w % 2))
    in_rows = _square_mask(ops.cast(cy, "int32"), size_h, height, x.dtype)
    in_cols = _square_mask(ops.cast(cx, "int32"), size_w, width, x.dtype)
    square = ops.expand_dims(in_rows, 2) * ops.expand_dims(in_cols, 1)
    if gate is not None:
        square = square * ops.reshape(ops.cast(gate, x.dtype), (-1, 1, 1))
    return x * ops.expand_dims(1.0 - square, 3)


def augment_images(
    x, policy, seed, translation_ratio=0.125, cutout_ratio=0.5, gates=None
):
    """Applies every op of `policy` in order.

    Args:
        x: Images of shape (B, H, W, C).
        policy: Sequence of names from `POLICIES`.
        seed: A `keras.random.SeedGenerator`.
        translation_ratio: Maximal shift as a fraction of the side.
        cutout_ratio: Cutout square side as a fraction of the image side.
        gates: Optional callable returning a fresh (B,) bool gate for each
            elementary op; None applies every op to every image.

    Returns:
        The augmented images, same shape and dtype as `x`.
    """

    def gate():
        return None if gates is None else gates()

    for name in policy:
        if name == "color":
            x = random_brightness(x, seed, gate())
            x = random_saturation(x, seed, gate())
            x = random_contrast(x, seed, gate())
        elif name == "translation":
            x = random_translation(x, seed, translation_ratio, gate())
        elif name == "cutout":
            x = random_cutout(x, seed, cutout_ratio, gate())
    return x


# ---------------------------------------------------------------------------
# Layers.
# ---------------------------------------------------------------------------


@keras.saving.register_keras_serializable(package="keras_gan")
class DiffAugment(SavesSeedState, keras.layers.Layer):
    """Differentiable augmentation (DiffAugment, Zhao et al. 2020).

    Apply the same layer to real and to generated images before the
    discriminator, in both the discriminator and the generator steps; it is
    differentiable with respect to its input, so generator gradients flow
    through it. Images are channels-last, `(batch, height, width,
    channels)`, with static height and width, and are assumed to lie in
    `[-1, 1]` (the brightness offset is drawn from `U(-0.5, 0.5)`); outputs
    are not clipped.

    Policies:

    * `"color"`: per-image random brightness (`+U(-0.5, 0.5)`), saturation
      (`x U(0, 2)` around the per-pixel channel mean) and contrast
      (`x U(0.5, 1.5)` around the image mean).
    * `"translation"`: per-image random integer shift of up to
      `round(translation_ratio * side)` pixels on each axis, zero padded.
    * `"cutout"`: per-image random square of side `round(cutout_ratio *
      side)` set to zero (it may be clipped by the border).

    Args:
        policy: Sequence of policy names from `"color"`, `"translation"`,
            `"cutout"` (applied in that order of the sequence), or a
            comma-separated string such as `"color,translation"`.
        translation_ratio: Float in [0, 1], maximal shift as a fraction of
            the image side. Defaults to 1/8.
        cutout_ratio: Float in [0, 1], side of the cutout square as a
            fraction of the image side. Defaults to 1/2.
        seed: Optional integer seed of the layer's
            `keras.random.SeedGenerator`.
        **kwargs: Base `keras.layers.Layer` arguments (`name`, `dtype`...).

    Call arguments:
        images: Float tensor of shape `(batch, height, width, channels)`.
        training: Python boolean; when False the images are returned
            unchanged. Defaults to True (or the outer model's value).

    Example:

    >>> augment = DiffAugment(policy=("color", "translation"), seed=0)
    >>> images = keras.random.uniform((4, 32, 32, 3), -1.0, 1.0)
    >>> tuple(augment(images).shape)
    (4, 32, 32, 3)
    """

    def __init__(
        self,
        policy=POLICIES,
        translation_ratio=0.125,
        cutout_ratio=0.5,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.policy = _normalize_policy(policy)
        self.translation_ratio = check_ratio(
            "translation_ratio", translation_ratio
        )
        self.cutout_ratio = check_ratio("cutout_ratio", cutout_ratio)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = False

    def _augment(self, images, gates=None):
        return augment_images(
            images,
            self.policy,
            self.seed_generator,
            translation_ratio=self.translation_ratio,
            cutout_ratio=self.cutout_ratio,
            gates=gates,
        )

    def call(self, images, training=True):
        check_images(images)
        if not training:
            return images
        return self._augment(images)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "policy": list(self.policy),
                "translation_ratio": self.translation_ratio,
                "cutout_ratio": self.cutout_ratio,
                "seed": self.seed,
            }
        )
        return config
