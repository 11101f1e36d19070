import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import keras_gan
from keras_gan import losses
from tests.conftest import to_numpy, value_and_gradients

RNG = np.random.default_rng(0)
REAL = RNG.normal(size=(16,)).astype("float32") * 3
FAKE = RNG.normal(size=(16,)).astype("float32") * 3 - 1


def softplus(x):
    return np.logaddexp(0.0, x)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def relativistic_average(a, b):
    return np.mean(softplus(-(a - b.mean()))) + np.mean(softplus(b - a.mean()))


# (loss, expected discriminator loss, expected generator loss) from the
# textbook formulas, written with probabilities where the paper does.
CASES = [
    (
        losses.NonSaturatingLoss(),
        lambda r, f: -np.mean(np.log(sigmoid(r))) - np.mean(np.log(1 - sigmoid(f))),
        lambda r, f: -np.mean(np.log(sigmoid(f))),
    ),
    (
        losses.MinimaxLoss(),
        lambda r, f: -np.mean(np.log(sigmoid(r))) - np.mean(np.log(1 - sigmoid(f))),
        lambda r, f: np.mean(np.log(1 - sigmoid(f))),
    ),
    (
        losses.LeastSquaresLoss(),
        lambda r, f: 0.5 * np.mean((r - 1) ** 2) + 0.5 * np.mean(f**2),
        lambda r, f: 0.5 * np.mean((f - 1) ** 2),
    ),
    (
        losses.WassersteinLoss(),
        lambda r, f: np.mean(f) - np.mean(r),
        lambda r, f: -np.mean(f),
    ),
    (
        losses.HingeLoss(),
        lambda r, f: np.mean(np.maximum(0, 1 - r)) + np.mean(np.maximum(0, 1 + f)),
        lambda r, f: -np.mean(f),
    ),
    (
        losses.RelativisticLoss("pairing"),
        lambda r, f: -np.mean(np.log(sigmoid(r - f))),
        lambda r, f: -np.mean(np.log(sigmoid(f - r))),
    ),
    (
        losses.RelativisticLoss("average"),
        lambda r, f: relativistic_average(r, f),
        lambda r, f: relativistic_average(f, r),
    ),
]
IDS = [f"{type(c[0]).__name__}-{getattr(c[0], 'mode', '')}" for c in CASES]
ALL_LOSSES = [c[0] for c in CASES]


@pytest.mark.parametrize("loss,d_formula,g_formula", CASES, ids=IDS)
def test_values_match_formulas(loss, d_formula, g_formula):
    d_value = to_numpy(loss.discriminator_loss(REAL, FAKE))
    g_value = to_numpy(loss.generator_loss(FAKE, REAL))
    assert d_value.shape == () and g_value.shape == ()
    np.testing.assert_allclose(d_value, d_formula(REAL, FAKE), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g_value, g_formula(REAL, FAKE), rtol=1e-5, atol=1e-6)


def test_logits_of_shape_batch_by_one_give_the_same_value():
    loss = losses.RelativisticLoss("pairing")
    flat = to_numpy(loss.discriminator_loss(REAL, FAKE))
    column = to_numpy(loss.discriminator_loss(REAL[:, None], FAKE[:, None]))
    np.testing.assert_allclose(flat, column, rtol=1e-6)


@pytest.mark.parametrize("loss", ALL_LOSSES, ids=IDS)
@pytest.mark.parametrize("magnitude", [1e4, -1e4])
def test_finite_for_extreme_logits(loss, magnitude):
    real = np.full((8,), magnitude, "float32")
    fake = np.full((8,), -magnitude, "float32")
    for value in (
        loss.discriminator_loss(real, fake),
        loss.discriminator_loss(fake, real),
        loss.generator_loss(fake, real),
        loss.generator_loss(real, fake),
    ):
        assert np.isfinite(to_numpy(value))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-1e4, 1e4, width=32), min_size=2, max_size=8),
    st.sampled_from(range(len(ALL_LOSSES))),
)
def test_property_finite_values_and_gradients(logits, index):
    loss = ALL_LOSSES[index]
    real = keras.Variable(np.array(logits, "float32"))
    fake = keras.Variable(-np.array(logits[::-1], "float32"))
    value, grads = value_and_gradients(
        lambda: loss.discriminator_loss(real, fake)
        + loss.generator_loss(fake, real),
        [real, fake],
    )
    assert np.isfinite(to_numpy(value))
    for grad in grads:
        assert np.all(np.isfinite(to_numpy(grad)))


@settings(max_examples=30, deadline=None)
@given(st.floats(-1e4, 1e4, width=32), st.floats(0.5, 1e3, width=32))
def test_property_discriminator_loss_drops_when_reals_score_higher(base, gap):
    # Every loss rewards the discriminator for scoring reals above fakes.
    real_low = np.full((4,), base, "float32")
    real_high = real_low + np.float32(gap)
    fake = np.full((4,), base, "float32")
    for loss in ALL_LOSSES:
        if isinstance(loss, losses.LeastSquaresLoss):
            continue  # targets at 0 and 1: not monotone in the gap
        low = to_numpy(loss.discriminator_loss(real_low, fake))
        high = to_numpy(loss.discriminator_loss(real_high, fake))
        assert high <= low + 1e-4 * max(1.0, abs(low))


@pytest.mark.parametrize(
    "name,cls",
    [
        ("non_saturating", losses.NonSaturatingLoss),
        ("minimax", losses.MinimaxLoss),
        ("least_squares", losses.LeastSquaresLoss),
        ("wasserstein", losses.WassersteinLoss),
        ("hinge", losses.HingeLoss),
        ("relativistic", losses.RelativisticLoss),
    ],
)
def test_get_by_name(name, cls):
    assert type(losses.get(name)) is cls


def test_get_unknown_name_is_a_clear_error():
    with pytest.raises(ValueError, match="argument `loss`.*loss='nonsaturating'"):
        losses.get("nonsaturating")


def test_relativistic_mode_error():
    with pytest.raises(ValueError, match="argument `mode`.*mode='pairs'"):
        losses.RelativisticLoss(mode="pairs")


def test_relativistic_generator_needs_real_logits():
    with pytest.raises(ValueError, match="real_logits=None"):
        losses.RelativisticLoss().generator_loss(FAKE)


@pytest.mark.parametrize(
    "loss",
    [losses.LeastSquaresLoss(0.9, 0.1, 0.8), losses.RelativisticLoss("average")]
    + ALL_LOSSES,
)
def test_serialization_round_trip(loss):
    config = keras.saving.serialize_keras_object(loss)
    assert config["registered_name"].startswith("keras_gan>")
    restored = keras.saving.deserialize_keras_object(config)
    assert type(restored) is type(loss)
    assert restored.get_config() == loss.get_config()
    np.testing.assert_allclose(
        to_numpy(restored.discriminator_loss(REAL, FAKE)),
        to_numpy(loss.discriminator_loss(REAL, FAKE)),
    )


def test_public_names():
    for name in [
        "NonSaturatingLoss",
        "MinimaxLoss",
        "LeastSquaresLoss",
        "WassersteinLoss",
        "HingeLoss",
        "RelativisticLoss",
    ]:
        assert hasattr(keras_gan.losses, name)
