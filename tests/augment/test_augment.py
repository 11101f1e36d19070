"""Tests for keras_gan.augment (DiffAugment and AdaptiveAugment)."""

import keras
import numpy as np
import pytest

from keras_gan.augment import AdaptiveAugment
from keras_gan.augment import DiffAugment
from tests.conftest import save_and_reload

BACKEND = keras.backend.backend()


# ---------------------------------------------------------------------------
# Helpers.
# ---------------------------------------------------------------------------


def to_numpy(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def random_images(batch=8, size=16, channels=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (batch, size, size, channels)).astype("float32")


def gradient_of_weighted_sum(layer, x, w):
    """d/dx sum(layer(x) * w), computed with the active backend's autodiff."""
    w = keras.ops.convert_to_tensor(w)
    if BACKEND == "tensorflow":
        import tensorflow as tf

        x = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(layer(x, training=True) * w)
        return to_numpy(tape.gradient(loss, x))
    if BACKEND == "jax":
        import jax

        def loss(images):
            return keras.ops.sum(layer(images, training=True) * w)

        return to_numpy(jax.grad(loss)(keras.ops.convert_to_tensor(x)))
    if BACKEND == "torch":
        x = keras.ops.convert_to_tensor(x).detach().requires_grad_(True)
        loss = keras.ops.sum(layer(x, training=True) * w)
        loss.backward()
        return to_numpy(x.grad)
    pytest.skip(f"No autodiff helper for backend {BACKEND}")


_COMPILED_UPDATES = {}


def _compile_update(ada):
    """Returns `ada.update` compiled like a train step of the backend."""
    if BACKEND == "tensorflow":
        import tensorflow as tf

        return tf.function(ada.update, jit_compile=True)
    if BACKEND == "jax":
        import jax

        variables = ada.weights

        @jax.jit
        def stateless_update(values, logits):
            mapping = list(zip(variables, values))
            with keras.StatelessScope(state_mapping=mapping) as scope:
                ada.update(logits)
            return [scope.get_current_value(v) for v in variables]

        def update(logits):
            new_values = stateless_update([v.value for v in variables], logits)
            for variable, value in zip(variables, new_values):
                variable.assign(value)

        return update
    return ada.update


def update_compiled(ada, logits):
    """Calls `ada.update` inside the backend's compiled function, if any."""
    if id(ada) not in _COMPILED_UPDATES:
        _COMPILED_UPDATES[id(ada)] = (ada, _compile_update(ada))
    logits = keras.ops.convert_to_tensor(np.asarray(logits, "float32"))
    _COMPILED_UPDATES[id(ada)][1](logits)


def p_of(ada):
    return float(to_numpy(ada.probability))


# ---------------------------------------------------------------------------
# DiffAugment.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "policy",
    [
        ("color",),
        ("translation",),
        ("cutout",),
        ("color", "translation", "cutout"),
    ],
)
def test_shape_dtype_preserved_and_changed(policy):
    x = random_images()
    y = DiffAugment(policy=policy, seed=1)(x)
    assert tuple(y.shape) == x.shape
    assert keras.backend.standardize_dtype(y.dtype) == "float32"
    assert np.all(np.isfinite(to_numpy(y)))
    assert not np.allclose(to_numpy(y), x)


def test_identity_when_not_training():
    x = random_images()
    np.testing.assert_array_equal(
        to_numpy(DiffAugment(seed=1)(x, training=False)), x
    )
    ada = AdaptiveAugment(initial_probability=1.0, seed=1)
    np.testing.assert_array_equal(to_numpy(ada(x, training=False)), x)


def test_translation_shifts_whole_image_by_bounded_integer():
    batch, size, ratio = 32, 16, 0.25
    max_shift = int(size * ratio + 0.5)
    rng = np.random.default_rng(0)
    x = np.zeros((batch, size, size, 2), "float32")
    x[:, size // 2, size // 2, 0] = 1.0  # marker pixel, always stays inside
    x[..., 1] = rng.uniform(0.1, 1.0, (batch, size, size))  # content
    y = to_numpy(
        DiffAugment(("translation",), translation_ratio=ratio, seed=3)(x)
    )
    shifts = []
    for b in range(batch):
        rows, cols = np.nonzero(y[b, :, :, 0])
        assert len(rows) == 1 and y[b, rows[0], cols[0], 0] == 1.0
        dy, dx = rows[0] - size // 2, cols[0] - size // 2
        assert abs(dy) <= max_shift and abs(dx) <= max_shift
        shifts.append((dy, dx))
        expected = np.zeros((size, size), "float32")
        dst_rows = slice(max(dy, 0), size + min(dy, 0))
        dst_cols = slice(max(dx, 0), size + min(dx, 0))
        src_rows = slice(max(-dy, 0), size + min(-dy, 0))
        src_cols = slice(max(-dx, 0), size + min(-dx, 0))
        expected[dst_rows, dst_cols] = x[b, src_rows, src_cols, 1]
        np.testing.assert_allclose(y[b, :, :, 1], expected, atol=1e-6)
    assert len(set(shifts)) > 1  # shifts are random per image


def test_translation_can_push_border_pixel_out():
    x = np.zeros((64, 8, 8, 1), "float32")
    x[:, 0, 0, 0] = 1.0
    layer = DiffAugment(("translation",), translation_ratio=0.25, seed=0)
    y = to_numpy(layer(x))
    totals = y.reshape(64, -1).sum(axis=1)
    assert set(np.unique(totals)) <= {0.0, 1.0}
    assert 0.0 in totals and 1.0 in totals
    for b in np.nonzero(totals)[0]:
        rows, cols = np.nonzero(y[b, :, :, 0])
        assert rows[0] <= 2 and cols[0] <= 2


def test_cutout_zeroes_a_square_of_expected_size():
    batch, size = 32, 16
    side = size // 2
    x = np.ones((batch, size, size, 3), "float32")
    y = to_numpy(DiffAugment(("cutout",), cutout_ratio=0.5, seed=5)(x))
    assert set(np.unique(y)) <= {0.0, 1.0}
    full_squares = 0
    for b in range(batch):
        zero = y[b, :, :, 0] == 0
        for c in range(1, 3):  # same mask on every channel
            np.testing.assert_array_equal(y[b, :, :, c] == 0, zero)
        rows, cols = np.nonzero(zero)
        assert len(rows) > 0
        r0, r1, c0, c1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
        assert zero[r0:r1, c0:c1].all() and zero.sum() == (r1 - r0) * (c1 - c0)
        # Smaller than `side` only where clipped by the image border.
        assert (r1 - r0) == side or r0 == 0 or r1 == size
        assert (c1 - c0) == side or c0 == 0 or c1 == size
        assert r1 - r0 <= side and c1 - c0 <= side
        full_squares += (r1 - r0, c1 - c0) == (side, side)
    assert full_squares > 0


def test_color_is_one_affine_map_per_image():
    batch, size = 16, 8
    rng = np.random.default_rng(0)
    gray = rng.uniform(-1, 1, (batch, size, size, 1)).astype("float32")
    x = np.repeat(gray, 3, axis=-1)  # saturation has no effect on gray
    y = to_numpy(DiffAugment(("color",), seed=7)(x))
    np.testing.assert_allclose(y[..., 0], y[..., 1], atol=1e-5)
    slopes, offsets = [], []
    for b in range(batch):
        a = gray[b].ravel()
        design = np.stack([a, np.ones_like(a)], axis=1)
        coef, *_ = np.linalg.lstsq(design, y[b, ..., 0].ravel(), rcond=None)
        fitted = design @ coef
        np.testing.assert_allclose(fitted, y[b, ..., 0].ravel(), atol=1e-4)
        slopes.append(coef[0])
        offsets.append(coef[1])
    slopes = np.array(slopes)
    assert np.all((slopes >= 0.5 - 1e-4) & (slopes <= 1.5 + 1e-4))
    assert np.std(slopes) > 0.01  # parameters differ between images


def test_color_brightness_range_on_blank_images():
    blank = np.zeros((32, 4, 4, 3), "float32")
    per_image = to_numpy(DiffAugment(("color",), seed=2)(blank)).reshape(32, -1)
    constant = np.repeat(per_image[:, :1], 48, axis=1)
    np.testing.assert_allclose(per_image, constant, atol=1e-6)
    assert np.all(np.abs(per_image) <= 0.5)
    assert np.std(per_image[:, 0]) > 0.05


@pytest.mark.parametrize(
    "layer_fn",
    [
        lambda: DiffAugment(seed=11),
        lambda: AdaptiveAugment(initial_probability=1.0, seed=11),
    ],
)
def test_gradients_flow_to_images(layer_fn):
    x = random_images(batch=4)
    w = np.random.default_rng(1).normal(size=x.shape).astype("float32")
    grad = gradient_of_weighted_sum(layer_fn(), x, w)
    assert grad.shape == x.shape
    assert np.all(np.isfinite(grad))
    assert np.abs(grad).sum() > 0
    assert not np.allclose(grad, w)  # the augmentation is not the identity


def test_gradient_is_identity_when_p_is_zero():
    x = random_images(batch=4)
    w = np.random.default_rng(1).normal(size=x.shape).astype("float32")
    grad = gradient_of_weighted_sum(AdaptiveAugment(seed=0), x, w)
    np.testing.assert_allclose(grad, w, rtol=1e-6)


def test_same_seed_same_output():
    x = random_images()
    a = to_numpy(DiffAugment(seed=42)(x))
    b = to_numpy(DiffAugment(seed=42)(x))
    c = to_numpy(DiffAugment(seed=43)(x))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    layer = DiffAugment(seed=42)
    assert not np.allclose(to_numpy(layer(x)), to_numpy(layer(x)))  # advances


def test_invalid_arguments():
    with pytest.raises(ValueError, match="Invalid value for argument `policy`"):
        DiffAugment(policy=("color", "flip"))
    with pytest.raises(ValueError, match="Invalid value for argument `policy`"):
        AdaptiveAugment(policy="color,rotate")
    with pytest.raises(ValueError, match="translation_ratio"):
        DiffAugment(translation_ratio=1.5)
    with pytest.raises(ValueError, match="adjustment_speed"):
        AdaptiveAugment(adjustment_speed=0)
    with pytest.raises(ValueError, match="initial_probability"):
        AdaptiveAugment(initial_probability=-0.1)
    assert DiffAugment(policy="color, cutout").policy == ("color", "cutout")


def test_fit_through_augmentation_in_compiled_model():
    inputs = keras.Input((8, 8, 3))
    hidden = DiffAugment(seed=0)(inputs, training=True)
    outputs = keras.layers.Dense(1)(keras.layers.Flatten()(hidden))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    x, y = random_images(batch=16, size=8), np.zeros((16, 1), "float32")
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


# ---------------------------------------------------------------------------
# AdaptiveAugment.
# ---------------------------------------------------------------------------


def test_ada_probability_zero_is_identity_and_one_augments():
    x = random_images()
    ada = AdaptiveAugment(seed=0)
    assert p_of(ada) == 0.0
    np.testing.assert_array_equal(to_numpy(ada(x, training=True)), x)
    ada.probability.assign(1.0)
    y = to_numpy(ada(x, training=True))
    assert tuple(y.shape) == x.shape
    assert not np.any(np.all(np.isclose(y, x), axis=(1, 2, 3)))


def test_ada_gates_each_image_independently():
    x = np.ones((64, 8, 8, 1), "float32")
    ada = AdaptiveAugment(policy=("cutout",), initial_probability=0.5, seed=0)
    y = to_numpy(ada(x))
    cut = (y == 0).reshape(64, -1).any(axis=1)
    assert 10 < cut.sum() < 54  # ~Bernoulli(0.5) per image


def test_ada_probability_rises_and_falls_and_stays_in_unit_interval():
    ada = AdaptiveAugment(adjustment_speed=1000, seed=0)
    ada.update(np.ones((100, 1), "float32"))  # D overfits: r_t = 1 > 0.6
    assert p_of(ada) == pytest.approx(0.1)
    for _ in range(12):
        update_compiled(ada, np.full((100,), 3.0))
    assert p_of(ada) == 1.0
    update_compiled(ada, -np.ones((100, 1)))  # r_t = -1 < 0.6
    assert p_of(ada) == pytest.approx(0.9)
    mixed = np.where(np.arange(100) < 50, 1.0, -1.0)[:, None]  # r_t = 0
    for _ in range(12):
        update_compiled(ada, mixed)
    assert p_of(ada) == 0.0


def test_ada_interval_accumulates_before_moving():
    ada = AdaptiveAugment(
        adjustment_speed=1000, interval=3, initial_probability=0.5, seed=0
    )
    logits = np.array([[1.0]] * 7 + [[-1.0]] * 3)  # r_t = 0.4 < 0.6
    ada.update(logits)
    update_compiled(ada, logits)
    assert p_of(ada) == 0.5
    update_compiled(ada, np.ones((20, 1)))  # r_t = 28 / 40 = 0.7 > 0.6
    assert p_of(ada) == pytest.approx(0.54)  # moved by 40 images / 1000
    update_compiled(ada, -np.ones((10, 1)))
    assert p_of(ada) == pytest.approx(0.54)  # accumulators were reset


def test_get_config_round_trip():
    ada = AdaptiveAugment(
        target=0.5,
        adjustment_speed=1234,
        initial_probability=0.25,
        policy=("translation", "cutout"),
        translation_ratio=0.2,
        cutout_ratio=0.3,
        interval=4,
        seed=9,
        name="ada",
    )
    config = ada.get_config()
    for key in (
        "target", "adjustment_speed", "initial_probability", "policy",
        "translation_ratio", "cutout_ratio", "interval", "seed",
    ):
        assert key in config
    clone = AdaptiveAugment.from_config(config)
    assert clone.get_config() == config
    assert p_of(clone) == 0.25
    diff = DiffAugment(policy=("color",), translation_ratio=0.1, seed=3)
    assert DiffAugment.from_config(diff.get_config()).get_config() == (
        diff.get_config()
    )
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(ada)
    )
    assert isinstance(restored, AdaptiveAugment)


def test_ada_probability_restored_after_save_and_load(tmp_path):
    ada = AdaptiveAugment(adjustment_speed=1000, seed=0)
    model = keras.Sequential([keras.Input((8, 8, 3)), ada])
    ada.update(np.ones((370, 1), "float32"))
    assert p_of(ada) == pytest.approx(0.37)
    path = str(tmp_path / "ada.keras")
    loaded = save_and_reload(model, path)
    loaded_ada = loaded.layers[-1]
    assert isinstance(loaded_ada, AdaptiveAugment)
    assert p_of(loaded_ada) == pytest.approx(0.37)
    fresh = keras.Sequential([keras.Input((8, 8, 3)), AdaptiveAugment(seed=0)])
    fresh.set_weights(model.get_weights())
    assert p_of(fresh.layers[-1]) == pytest.approx(0.37)
