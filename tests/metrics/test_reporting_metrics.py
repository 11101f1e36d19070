"""Reportable FID and Inception Score against pytorch-fid and clean-fid.

- resize pipelines against PyTorch's `interpolate` (what pytorch-fid's
  `InceptionV3.forward` calls) and clean-fid's own `build_resizer("clean")`
  (PIL bicubic in float, per channel), on the same uint8 images;
- statistics, `.npz` files and the Fréchet distance against pytorch-fid's
  `fid_score` functions;
- end to end: our CLI and pytorch-fid's own image loading, network and
  statistics (`calculate_activation_statistics`) on the same two folders
  of PNG files, with the same random-weight network. The FID of
  pytorch-fid's statistics is taken in sample space (exact for few
  samples) rather than with its `scipy.linalg.sqrtm` of a 2048x2048
  matrix (40 s of CPU); its Fréchet function is compared with ours on
  small matrices above, and `benchmarks/fid.py` runs its whole
  `calculate_fid_given_paths`.

The plumbing (generators, arrays, IS from the logits without bias) is
tested with a tiny stand-in extractor of the same interface, to stay fast.
"""

import os
import re
import subprocess
import sys

import keras
import numpy as np
import pytest
import scipy.special

torch = pytest.importorskip("torch")  # a backend, installed in CI

from keras_gan import metrics  # noqa: E402
from keras_gan.metrics import __main__ as cli  # noqa: E402
from keras_gan.images import to_uint8  # noqa: E402
from keras_gan.metrics.frechet import frechet_distance_float64  # noqa: E402
from keras_gan.metrics.moments import StreamingMoments  # noqa: E402
from keras_gan.metrics.reportable import pipeline  # noqa: E402
from tests import conftest


def quantize(images, value_range=(-1.0, 1.0)):
    return to_uint8(images, value_range)
from tests import torchvision_standin as standin  # noqa: E402

standin.install()
from cleanfid import resize as cleanfid_resize  # noqa: E402
from pytorch_fid import fid_score  # noqa: E402
from pytorch_fid import inception as pytorch_fid_inception  # noqa: E402

BATCH = 3  # every network call of the FID tests, so JAX compiles once
REPO_ROOT = conftest.ROOT


def random_uint8(shape, seed, low=0, high=256):
    return np.random.default_rng(seed).integers(low, high, shape, np.uint8)


# === Input pipeline ===


def test_quantize_rounds_like_saving_a_png():
    images = np.array([-1.0, -0.999, 0.0, 1.0, 1.5, -3.0])
    np.testing.assert_array_equal(
        quantize(images, (-1, 1)), [0, 0, 128, 255, 255, 0]
    )
    # Halves round up, as torchvision's `save_image` (`x * 255 + 0.5`).
    np.testing.assert_array_equal(
        quantize(np.array([0.5, 2.5, 254.49]), (0, 255)), [1, 3, 254]
    )
    np.testing.assert_array_equal(
        quantize(np.array([0.0, 0.5, 1.0]), (0, 1)), [0, 128, 255]
    )
    pixels = random_uint8((2, 3, 3, 3), seed=0)
    assert quantize(pixels) is pixels
    with pytest.raises(ValueError, match="value_range"):
        quantize(np.zeros(3), (1, 1))


@pytest.mark.parametrize(
    "height, width", [(32, 32), (28, 40), (400, 350), (299, 299)]
)
def test_pytorch_fid_resize_matches_torch_interpolate(height, width):
    images = random_uint8((2, height, width, 3), seed=height)
    ours = pipeline.preprocess(images, "pytorch-fid")
    # pytorch-fid: ToTensor (x / 255), bilinear resize, then 2x - 1.
    tensor = torch.from_numpy(images.transpose(0, 3, 1, 2).copy()) / 255.0
    resized = torch.nn.functional.interpolate(
        tensor, size=(299, 299), mode="bilinear", align_corners=False
    )
    expected = (2 * resized - 1).numpy().transpose(0, 2, 3, 1)
    assert ours.shape == (2, 299, 299, 3) and ours.dtype == np.float32
    # float32 rounding only: 1e-5 is 1/400 of one uint8 level on [-1, 1].
    np.testing.assert_allclose(ours, expected, atol=1e-5, rtol=0)


@pytest.mark.parametrize("height, width", [(32, 32), (45, 30), (350, 400)])
def test_clean_resize_matches_clean_fid(height, width):
    images = random_uint8((2, height, width, 3), seed=width)
    ours = pipeline.preprocess(images, "clean")
    resizer = cleanfid_resize.build_resizer("clean")
    # clean-fid feeds (x - 128) / 128 to its Inception network.
    expected = (np.stack([resizer(image) for image in images]) - 128) / 128
    np.testing.assert_allclose(ours, expected, atol=1e-6, rtol=0)


def test_pipelines_differ_and_bad_names_are_refused():
    images = random_uint8((1, 32, 32, 3), seed=1)
    bilinear = pipeline.preprocess(images, "pytorch-fid")
    bicubic = pipeline.preprocess(images, "clean")
    assert np.abs(bilinear - bicubic).max() > 0.05
    with pytest.raises(ValueError, match="Received: pipeline='tf'"):
        pipeline.preprocess(images, "tf")
    with pytest.raises(ValueError, match="uint8"):
        pipeline.preprocess(images.astype("float32"), "clean")
    grey = random_uint8((1, 32, 32), seed=2)
    np.testing.assert_array_equal(
        pipeline.as_rgb(grey), np.repeat(grey[..., None], 3, axis=-1)
    )


# === Statistics ===


def test_streaming_moments_match_numpy_in_float64():
    rng = np.random.default_rng(0)
    # A large mean next to a small spread: naive sums would lose digits.
    features = 1e4 + rng.normal(size=(230, 7))
    moments = StreamingMoments()
    for start, stop in ((0, 1), (1, 51), (51, 130), (130, 230)):
        moments.update(features[start:stop].astype(np.float32))
    as_float32 = features.astype(np.float32).astype(np.float64)
    np.testing.assert_allclose(
        moments.mean, as_float32.mean(axis=0), rtol=1e-13
    )
    np.testing.assert_allclose(
        moments.covariance(), np.cov(as_float32, rowvar=False), rtol=1e-9
    )
    assert moments.count == 230


def test_frechet_distance_matches_pytorch_fid():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(40, 12)), rng.normal(1.0, 2.0, size=(50, 12))
    mu1, sigma1 = a.mean(0), np.cov(a, rowvar=False)
    mu2, sigma2 = b.mean(0), np.cov(b, rowvar=False)
    expected = fid_score.calculate_frechet_distance(mu1, sigma1, mu2, sigma2)
    ours = frechet_distance_float64(mu1, sigma1, mu2, sigma2)
    np.testing.assert_allclose(ours, expected, rtol=1e-9)
    assert frechet_distance_float64(mu1, sigma1, mu1, sigma1) < 1e-9


def test_npz_files_are_read_both_ways_and_pipelines_are_checked(tmp_path):
    rng = np.random.default_rng(2)
    features = rng.normal(size=(20, 5))
    ours = {
        "mu": features.mean(0),
        "sigma": np.cov(features, rowvar=False),
        "num_samples": 20,
        "pipeline": "clean",
    }
    path = str(tmp_path / "ours.npz")
    metrics.save_statistics(path, ours)
    mu, sigma = fid_score.compute_statistics_of_path(path, None, 1, 5, "cpu")
    np.testing.assert_array_equal(mu, ours["mu"])
    np.testing.assert_array_equal(sigma, ours["sigma"])
    assert metrics.load_statistics(path)["pipeline"] == "clean"

    theirs = str(tmp_path / "theirs.npz")  # as pytorch-fid's --save-stats
    np.savez_compressed(theirs, mu=mu + 1.0, sigma=sigma)
    loaded = metrics.load_statistics(theirs)
    assert loaded["pipeline"] == "pytorch-fid"
    np.testing.assert_array_equal(loaded["mu"], mu + 1.0)
    with pytest.raises(ValueError, match="different input pipelines"):
        metrics.fid_from_statistics(path, theirs)
    with pytest.raises(ValueError, match="Received: pipeline='pytorch-fid'"):
        metrics.fid(path, ours, pipeline="pytorch-fid")
    same = metrics.fid_from_statistics(
        theirs, dict(ours, pipeline="pytorch-fid")
    )
    np.testing.assert_allclose(same, 5.0, rtol=1e-9)  # |1|^2 * 5 dimensions


# === Inception Score ===


def hand_inception_score(logits, splits):
    scores = []
    for part in np.array_split(logits, splits):
        p = scipy.special.softmax(part, axis=1)
        marginal = p.mean(axis=0)
        kl = [np.sum(row * np.log(row / marginal)) for row in p]
        scores.append(np.exp(np.mean(kl)))
    return np.mean(scores), np.std(scores)


def test_inception_score_matches_a_hand_computation():
    logits = np.random.default_rng(3).normal(scale=3.0, size=(12, 5))
    for splits in (1, 3):
        np.testing.assert_allclose(
            metrics.inception_score_from_logits(logits, splits),
            hand_inception_score(logits, splits),
            rtol=1e-12,
        )
    confident = np.where(np.eye(10), 50.0, -50.0)  # 10 distinct classes
    np.testing.assert_allclose(
        metrics.inception_score_from_logits(confident, splits=1), (10.0, 0.0)
    )
    same = np.tile(logits[:1], (6, 1))  # no diversity
    np.testing.assert_allclose(
        metrics.inception_score_from_logits(same, splits=2), (1.0, 0.0)
    )
    with pytest.raises(ValueError, match="Received: splits=13"):
        metrics.inception_score_from_logits(logits, splits=13)


def tiny_extractor():
    """The interface of `FIDInceptionV3` (dict of `pool` and `logits`, a
    Dense layer `fc`) on a network small enough for fast tests."""
    images = keras.Input((299, 299, 3))
    pooled = keras.layers.AveragePooling2D(75, strides=75)(images)
    pool = keras.layers.Flatten()(pooled)  # 3 * 3 * 3 = 27 features
    fc = keras.layers.Dense(
        6,
        kernel_initializer=keras.initializers.RandomNormal(0.0, 3.0, seed=1),
        bias_initializer=keras.initializers.RandomNormal(0.0, 5.0, seed=2),
        name="fc",
    )
    return keras.Model(images, {"pool": pool, "logits": fc(pool)})


def test_inception_score_uses_the_logits_without_bias():
    extractor = tiny_extractor()
    images = random_uint8((8, 20, 20, 3), seed=4)
    score = metrics.inception_score(images, extractor, splits=2, batch_size=4)
    inputs = pipeline.preprocess(images)
    kernel, bias = (
        keras.ops.convert_to_numpy(w)
        for w in extractor.get_layer("fc").weights
    )
    pool = extractor.predict_on_batch(inputs)["pool"].astype(np.float64)
    np.testing.assert_allclose(
        score, hand_inception_score(pool @ kernel, 2), rtol=1e-5
    )
    with_bias = hand_inception_score(pool @ kernel + bias, 2)
    assert abs(score[0] - with_bias[0]) > 1e-3


# === End to end ===


def write_pngs(directory, images):
    from PIL import Image

    os.makedirs(directory)
    for index, image in enumerate(images):
        Image.fromarray(image).save(os.path.join(directory, f"{index}.png"))


def pytorch_fid_statistics(directory, state_dict):
    """pytorch-fid's own activations (PIL, ToTensor, its resizing model)."""
    tensors = {k: torch.from_numpy(v) for k, v in state_dict.items()}
    network = standin.pytorch_fid_inception(tensors)
    files = sorted(
        os.path.join(directory, name) for name in os.listdir(directory)
    )
    activations = fid_score.get_activations(
        files, network, BATCH, 2048, "cpu", num_workers=0
    )
    return activations


def sample_space_fid(a, b):
    """FID of two activation sets; `tr sqrt(S1 S2)` from the small matrix
    `(C2 C1ᵀ)(C1 C2ᵀ)` of centered activations, which shares its nonzero
    eigenvalues."""
    c1, c2 = a - a.mean(0), b - b.mean(0)
    cross = c2 @ c1.T
    small = cross @ cross.T / ((len(a) - 1) * (len(b) - 1))
    trace_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh(small), 0, None)).sum()
    diff = a.mean(0) - b.mean(0)
    traces = (c1**2).sum() / (len(a) - 1) + (c2**2).sum() / (len(b) - 1)
    return diff @ diff + traces - 2 * trace_sqrt


def test_sample_space_fid_matches_pytorch_fid_on_small_features():
    rng = np.random.default_rng(9)
    a, b = rng.normal(size=(5, 8)), rng.normal(0.5, 2.0, size=(4, 8))
    expected = fid_score.calculate_frechet_distance(
        a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False)
    )
    np.testing.assert_allclose(sample_space_fid(a, b), expected, rtol=1e-6)


@pytest.mark.slow
def test_cli_fid_matches_pytorch_fid_on_folders(tmp_path, capsys):
    state_dict, weights = standin.shared_random_weights()
    real_dir, fake_dir = str(tmp_path / "real"), str(tmp_path / "fake")
    write_pngs(real_dir, random_uint8((BATCH, 32, 32, 3), seed=5))
    write_pngs(fake_dir, random_uint8((BATCH, 32, 32, 3), seed=6, high=128))
    out, real_out = str(tmp_path / "fake.npz"), str(tmp_path / "real.npz")
    exit_code = cli.main(
        ["fid", real_dir, fake_dir, "--weights", weights, "--out", out,
         "--real-out", real_out, "--batch-size", str(BATCH), "--quiet"]
    )
    assert exit_code == 0
    printed = capsys.readouterr().out
    ours = float(re.search(r"FID: ([0-9.e+-]+)", printed).group(1))
    real = pytorch_fid_statistics(real_dir, state_dict)
    fake = pytorch_fid_statistics(fake_dir, state_dict)
    for path, activations in ((real_out, real), (out, fake)):
        saved = metrics.load_statistics(path)
        assert saved["num_samples"] == BATCH
        assert saved["pipeline"] == "pytorch-fid"
        assert saved["sigma"].dtype == np.float64
        standin.assert_close_relative(
            saved["mu"], activations.mean(0), rtol=1e-4
        )
        standin.assert_close_relative(
            saved["sigma"], np.cov(activations, rowvar=False), rtol=1e-4
        )
    expected = sample_space_fid(real, fake)
    assert expected > 1.0
    np.testing.assert_allclose(ours, expected, rtol=1e-3)


def test_api_on_arrays_and_a_generator_model(tmp_path):
    extractor = tiny_extractor()
    keras.utils.set_random_seed(0)
    generator = keras.Sequential(
        [
            keras.Input((8,)),
            keras.layers.Dense(16 * 16 * 3, activation="tanh"),
            keras.layers.Reshape((16, 16, 3)),
        ]
    )
    real = random_uint8((10, 16, 16, 3), seed=7)
    reference = metrics.reference_statistics(
        real, extractor, batch_size=4, out=str(tmp_path / "real.npz")
    )
    pool = extractor.predict_on_batch(pipeline.preprocess(real))["pool"]
    np.testing.assert_allclose(reference["mu"], pool.mean(0), rtol=1e-6)
    np.testing.assert_allclose(
        reference["sigma"], np.cov(pool.astype(np.float64), rowvar=False),
        rtol=1e-5, atol=1e-9,
    )
    value = metrics.fid(
        generator, str(tmp_path / "real.npz"), extractor, num_samples=6,
        batch_size=4,
    )
    # The same latent vectors, generated and quantized by hand.
    rng = np.random.default_rng(0)
    noise = np.concatenate(
        [rng.standard_normal((4, 8)), rng.standard_normal((2, 8))]
    )
    generated = keras.ops.convert_to_numpy(generator(noise.astype("float32")))
    fake = extractor.predict_on_batch(
        pipeline.preprocess(quantize(generated))
    )["pool"].astype(np.float64)
    expected = fid_score.calculate_frechet_distance(
        fake.mean(0), np.cov(fake, rowvar=False),
        reference["mu"], reference["sigma"],
    )
    np.testing.assert_allclose(value, expected, rtol=1e-6)
    # A dataset of `(x, y)` batches gives the same statistics.
    batches = [(real[:7], np.zeros(7)), (real[7:], np.zeros(3))]
    from_batches = metrics.reference_statistics(batches, extractor)
    np.testing.assert_allclose(from_batches["mu"], reference["mu"], rtol=1e-9)
    np.testing.assert_allclose(
        from_batches["sigma"], reference["sigma"], rtol=1e-7, atol=1e-12
    )
    with pytest.raises(ValueError, match="only 10 images"):
        metrics.reference_statistics(real, extractor, num_samples=11)
    features = metrics.fid_feature_extractor(extractor, value_range=(0, 255))
    np.testing.assert_allclose(
        features(real.astype("float32")), pool, rtol=1e-6
    )


@pytest.mark.slow
def test_cli_compares_saved_statistics_in_a_fresh_process(tmp_path):
    rng = np.random.default_rng(8)
    for name, shift in (("a", 0.0), ("b", 2.0)):
        features = rng.normal(size=(30, 4))
        metrics.save_statistics(
            str(tmp_path / f"{name}.npz"),
            {
                "mu": features.mean(0) + shift,
                "sigma": np.cov(features, rowvar=False),
                "pipeline": "pytorch-fid",
                "num_samples": 30,
            },
        )
    result = subprocess.run(
        [sys.executable, "-m", "keras_gan.metrics", "fid",
         str(tmp_path / "a.npz"), str(tmp_path / "b.npz")],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": REPO_ROOT},
    )
    expected = metrics.fid_from_statistics(
        str(tmp_path / "a.npz"), str(tmp_path / "b.npz")
    )
    assert f"FID: {expected:.6f}" in result.stdout


def test_gan_quality_logs_the_fid_of_the_reportable_features():
    import keras_gan

    keras.utils.set_random_seed(0)
    generator = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8 * 8 * 3, activation="tanh"),
            keras.layers.Reshape((8, 8, 3)),
        ]
    )
    discriminator = keras.Sequential(
        [keras.Input((8, 8, 3)), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    gan = keras_gan.GAN(generator, discriminator, latent_dim=4)
    gan.compile()
    real = np.random.default_rng(10).uniform(-1, 1, (6, 8, 8, 3))
    features = metrics.fid_feature_extractor(tiny_extractor())
    quality = keras_gan.callbacks.GANQuality(
        real, features, num_samples=6, batch_size=6, metrics=("fid",)
    )
    quality.set_model(gan)
    logs = {}
    quality.on_epoch_end(0, logs)
    expected_real = features(real.astype("float32"))
    np.testing.assert_allclose(quality.real_features, expected_real, rtol=1e-6)
    assert quality.real_features.shape == (6, 27)
    fake = quality.fake_features.astype(np.float64)
    expected = frechet_distance_float64(
        fake.mean(0),
        np.cov(fake, rowvar=False),
        expected_real.mean(0),
        np.cov(expected_real.astype(np.float64), rowvar=False),
    )
    np.testing.assert_allclose(logs["fid"], expected, rtol=1e-3)


def test_cli_names_the_missing_weights_file(tmp_path, capsys):
    write_pngs(str(tmp_path / "images"), random_uint8((2, 8, 8, 3), seed=11))
    exit_code = cli.main(
        ["stats", str(tmp_path / "images"), "--out", str(tmp_path / "s.npz"),
         "--weights", str(tmp_path / "missing.pth"), "--quiet"]
    )
    assert exit_code == 1
    error = capsys.readouterr().err
    assert "pt_inception-2015-12-05-6726825d.pth" in error
    assert "--weights" in error
    assert not (tmp_path / "s.npz").exists()
