"""Tests for the ADA pipeline (`keras_gan.augment.ada_augment`)."""

import itertools
import math

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan import augment
from keras_gan.augment import ada

from .test_augment import gradient_of_weighted_sum


def _np(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def _images(batch=4, size=8, channels=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (batch, size, size, channels)).astype("float32")


def _dihedral(image):
    """The 8 images of `image` under rotations (k quarter turns) and flips,
    listed identity first."""
    return [
        np.rot90(np.flip(image, 1) if flip else image, k)
        for flip, k in itertools.product((0, 1), range(4))
    ]


def _orientation_frequencies(p, num_images, prior=None, seed=0):
    """Orientation counts after x-flip + rot90 of images with `prior`."""
    base = np.arange(16, dtype="float32").reshape(4, 4)
    variants = _dihedral(base)
    rng = np.random.default_rng(seed)
    start = rng.choice(8, size=num_images, p=prior) if prior is not None else (
        np.zeros(num_images, int)
    )
    images = np.stack([variants[i] for i in start])[..., None]
    out = _np(
        augment.ada_integer_transforms(
            images, p, keras.random.SeedGenerator(seed), ("xflip", "rotate90")
        )
    )[..., 0]
    flat = np.stack([v.ravel() for v in variants])
    matches = (out.reshape(num_images, 1, 16) == flat[None]).all(-1)
    assert matches.sum(1).tolist() == [1] * num_images  # a dihedral image
    return np.bincount(matches.argmax(1), minlength=8) / num_images


def _transition_matrix(p):
    """M[j, i] = P(orientation j | orientation i) for flip + rot90 at p."""
    flip = {0: 1 - p / 2, 1: p / 2}
    turn = {0: 1 - 3 * p / 4, 1: p / 4, 2: p / 4, 3: p / 4}
    base = np.arange(16.0).reshape(4, 4)
    variants = [v.ravel() for v in _dihedral(base)]

    def index(image):
        return next(i for i, v in enumerate(variants) if (v == image.ravel()).all())

    matrix = np.zeros((8, 8))
    for i, start in enumerate(_dihedral(base)):
        for (f, pf), (k, pk) in itertools.product(flip.items(), turn.items()):
            # The pipeline turns, then flips the columns of the result.
            out = np.rot90(start, k)
            out = np.flip(out, 1) if f else out
            matrix[index(out), i] += pf * pk
    return matrix


def test_orientation_frequencies_match_hand_computation_and_do_not_leak():
    p = 0.7
    frequencies = _orientation_frequencies(p, 4000)
    expected = _transition_matrix(p)[:, 0]
    np.testing.assert_allclose(expected.sum(), 1.0)
    assert abs(expected[0] - (1 - p / 2) * (1 - 3 * p / 4)) < 1e-12
    np.testing.assert_allclose(frequencies, expected, atol=0.03)
    # The non-leaking property: the identity stays the most frequent.
    assert frequencies.argmax() == 0


def test_generator_distribution_is_recoverable_below_p_08():
    # Data whose orientations follow `prior`: the augmented orientations
    # are M @ prior, and M is invertible, so a generator matching the
    # augmented data must match `prior` itself (no leak).
    prior = np.array([0.45, 0.05, 0.2, 0.05, 0.1, 0.05, 0.05, 0.05])
    p = 0.6
    observed = _orientation_frequencies(p, 6000, prior=prior, seed=1)
    recovered = np.linalg.solve(_transition_matrix(p), observed)
    np.testing.assert_allclose(recovered, prior, atol=0.06)


def test_pipelines_are_identity_at_p_zero():
    x = _images()
    for pipeline in augment.ADA_PIPELINES:
        out = _np(augment.ada_augment(x, pipeline, 0.0, keras.random.SeedGenerator(0)))
        np.testing.assert_allclose(out, x, atol=1e-5, err_msg=pipeline)


def test_color_transforms_on_one_channel_are_affine_with_luma_flip():
    x = _images(batch=64, channels=1)
    out = _np(augment.ada_color_transforms(x, 1.0, keras.random.SeedGenerator(2)))
    slopes = []
    for image, result in zip(x.reshape(64, -1), out.reshape(64, -1)):
        slope, intercept = np.polyfit(image, result, 1)
        np.testing.assert_allclose(result, slope * image + intercept, atol=1e-4)
        slopes.append(slope)
    slopes = np.array(slopes)
    # Contrast 2**N(0, 0.5) in magnitude; the luma flip negates half of them.
    assert 0.25 < (slopes < 0).mean() < 0.75
    assert abs(np.log2(np.abs(slopes)).std() - 0.5) < 0.15


def test_hue_rotation_matches_rodrigues_formula():
    x = _images(batch=2, size=2)
    angle = 0.9
    out = _np(ada._rotate_about_luma(keras.ops.convert_to_tensor(x), angle))
    k = np.ones(3) / math.sqrt(3)
    cross = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    rotation = (
        math.cos(angle) * np.eye(3)
        + math.sin(angle) * cross
        + (1 - math.cos(angle)) * np.outer(k, k)
    )
    np.testing.assert_allclose(out, x @ rotation.T, atol=1e-5)


def test_geometric_transforms_keep_constant_images_and_move_pixels():
    constant = np.full((4, 8, 8, 1), 0.3, "float32")
    seed = keras.random.SeedGenerator(3)
    out = _np(augment.ada_geometric_transforms(constant, 1.0, seed))
    np.testing.assert_allclose(out, 0.3, atol=1e-5)
    x = _images(batch=4, channels=1)
    moved = _np(augment.ada_geometric_transforms(x, 1.0, seed))
    assert np.abs(moved - x).mean() > 0.1
    assert moved.min() >= x.min() - 1e-5 and moved.max() <= x.max() + 1e-5


def test_adaptive_augment_drives_the_bgc_pipeline():
    ada = augment.AdaptiveAugment(pipeline="bgc", initial_probability=0.0, seed=0)
    x = _images()
    np.testing.assert_allclose(_np(ada(x)), x, atol=1e-5)
    ada.probability.assign(1.0)
    assert np.abs(_np(ada(x)) - x).mean() > 0.1
    gradient = gradient_of_weighted_sum(ada, x, np.ones_like(x))
    assert np.isfinite(gradient).all() and np.abs(gradient).sum() > 0
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(ada)
    )
    assert restored.pipeline == "bgc"
    assert augment.AdaptiveAugment().pipeline is None  # today's default
    with pytest.raises(ValueError, match="`pipeline`.*pipeline='bgcfn'"):
        augment.AdaptiveAugment(pipeline="bgcfn")


def test_gan_trains_with_ada_bgc():
    keras.utils.set_random_seed(0)
    generator = keras_gan.models.dcgan_generator(4, (8, 8, 1), base_filters=2)
    discriminator = keras_gan.models.dcgan_discriminator((8, 8, 1), base_filters=2)
    ada = augment.AdaptiveAugment(
        pipeline="bgc", initial_probability=0.5, adjustment_speed=16, seed=0
    )
    gan = keras_gan.GAN(
        generator, discriminator, latent_dim=4, augmentation=ada, seed=0
    )
    gan.compile()
    history = gan.fit(_images(16, channels=1), batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"]).all()
    assert float(_np(ada.probability)) != 0.5  # update() moved p
