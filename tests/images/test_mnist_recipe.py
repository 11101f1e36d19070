"""The MNIST recipe search (`benchmarks/mnist_recipe.py`) and the defaults
of `examples/mnist_dcgan.py` that it chose.

Only the search's logic runs here (which settings go on, what fits a
deadline, that every setting is a valid recipe); the runs themselves are
benchmarks. The example's defaults must be what docs/images.md says.
"""

import importlib.util
import math
import os
import re

import keras
import numpy as np
import pytest

from tests import conftest

ROOT = conftest.ROOT


def load(path, name):
    full_path = os.path.join(ROOT, path)
    spec = importlib.util.spec_from_file_location(name, full_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def search():
    return load("benchmarks/mnist_recipe.py", "mnist_recipe")


@pytest.fixture(scope="module")
def example():
    return load("examples/mnist_dcgan.py", "mnist_dcgan_example")


def test_best_half_keeps_the_lowest_fids_rounded_up(search):
    scores = {"a": 3.0, "b": 1.0, "c": 2.0, "d": 5.0, "e": 4.0}
    assert search.best_half(scores) == ["b", "c", "a"]
    assert search.best_half(scores, keep=1) == ["b"]
    assert search.best_half({"a": 7.0, "b": 6.0}) == ["b"]


def test_best_half_never_keeps_failed_runs(search):
    scores = {"a": None, "b": float("nan"), "c": 9.0, "d": float("inf")}
    assert search.best_half(scores) == ["c"]
    assert search.best_half({"a": None}) == []


def test_plan_rungs_without_deadline_keeps_everything(search):
    plan = search.plan_rungs([4, 8], 10, 20, 9, None, lambda e, n: 1e9)
    assert plan == ([4, 8], 20)


def test_plan_rungs_drops_late_rungs_then_cuts_the_final(search):
    def estimate(epochs, runs):  # one epoch of one run: one second
        return epochs * runs

    # Rungs of 4 epochs x 10 runs and 8 x 5, final 20 x 9: 40 + 40 + 180.
    assert search.plan_rungs([4, 8], 10, 20, 9, 260, estimate) == ([4, 8], 20)
    # Without the 8-epoch rung: 40 + 180.
    assert search.plan_rungs([4, 8], 10, 20, 9, 259, estimate) == ([4], 20)
    assert search.plan_rungs([4, 8], 10, 20, 9, 219, estimate) == ([], 20)
    # Even the final alone does not fit: as many epochs as fit, at least 1.
    assert search.plan_rungs([4, 8], 10, 20, 9, 100, estimate) == ([], 11)
    assert search.plan_rungs([4], 10, 20, 9, 1, estimate) == ([], 1)


def test_every_setting_is_a_recipe_of_the_example(search, example):
    for name, overrides in search.SETTINGS.items():
        recipe = search.recipe_of(example, overrides)
        assert set(recipe) == set(example.RECIPE), name
    assert search.SETTINGS["default"] == {}
    with pytest.raises(ValueError, match="learning_rat"):
        search.recipe_of(example, {"learning_rat": 1e-3})


def test_search_picks_finalists_by_halving(search, tmp_path):
    # The whole search loop with a stand-in for the training runs: FID is a
    # known function of the setting, so the finalists are known.
    fids = {"s0": 9.0, "s1": 3.0, "s2": 7.0, "s3": 1.0, "s4": 5.0}
    settings = {name: {} for name in fids}
    args = type("Args", (), dict(
        rungs=[1, 2], final_epochs=4, finalists=1, seeds=2, jobs=2,
        deadline_minutes=None, out=str(tmp_path), train_images=None,
    ))
    runner = search.Search(settings, args)
    calls = []

    def one_run(name, epochs, seed):
        calls.append((name, epochs, seed))
        return {
            "name": name, "epochs": epochs, "seed": seed,
            "fid": fids[name] + seed, "raw_fid": 0.0, "min_share": 0.1,
            "max_share": 0.1, "train_s": 60.0, "epoch_s": 1.0,
            "wall_s": 2.0, "floor": 1.0,
        }

    runner.one_run = one_run
    runner.search()
    assert sorted(c for c in calls if c[1] == 1) == [
        (name, 1, 0) for name in sorted(fids)
    ]
    assert sorted(c[0] for c in calls if c[1] == 2) == ["s1", "s3", "s4"]
    assert sorted(c for c in calls if c[1] == 4) == [("s3", 4, 0), ("s3", 4, 1)]
    rows = runner.final_rows()
    assert rows == [("s3", 4, "1.00/2.00", 1.5, 0.71, 0.1, 0.1, 1.0)]
    table = (tmp_path / "search.md").read_text()
    assert "| s3 | 4 | 1.00/2.00 | 1.5 | 0.71 |" in table


def _documented_defaults():
    """The `| key | value |` rows of docs/images.md's defaults table."""
    with open(os.path.join(ROOT, "docs", "images.md")) as f:
        text = f.read()
    section = text.split("<!-- mnist-defaults -->")[1]
    rows = re.findall(r"^\| `(\w+)` \| `([^`]*)` \|", section, re.MULTILINE)
    return dict(rows)


def test_example_defaults_are_the_documented_ones(example):
    documented = _documented_defaults()
    assert set(documented) == set(example.RECIPE)
    for key, value in example.RECIPE.items():
        text = documented[key]
        if isinstance(value, bool) or value is None or isinstance(value, str):
            assert text == str(value), key
        elif isinstance(value, tuple):
            assert tuple(float(v) for v in text.strip("()").split(",")) == (
                pytest.approx(value)
            ), key
        else:
            assert math.isclose(float(text), value), key
    # The flags default to the recipe.
    args = example.parse_args([])
    assert args.epochs == example.RECIPE["epochs"]
    assert args.batch_size == example.RECIPE["batch_size"]
    assert tuple(args.g_betas) == example.RECIPE["g_betas"]
    assert args.ema_decay == example.RECIPE["ema_decay"]


def test_shadow_emas_follow_the_core_update(search):
    # Two schedules over three "steps" of a network with batch-norm
    # statistics: trainable weights averaged (warm-up ramps the decay),
    # the statistics copied.
    inputs = keras.Input((2,))
    network = keras.Model(
        inputs, keras.layers.BatchNormalization()(keras.layers.Dense(3)(inputs))
    )
    start = [w.copy() for w in network.get_weights()]
    shadows = search.ShadowEMAs(network, [(0.5, 0), (0.5, 2)])
    kernel = start[0]
    moving_mean = next(
        i for i, w in enumerate(network.weights) if "moving_mean" in w.path
    )
    expected = [kernel.astype("float64"), kernel.astype("float64")]
    for step in (1, 2, 3):
        weights = [w + step for w in start]
        network.set_weights(weights)
        shadows.update()
        for index, decay in enumerate((0.5, 0.5 * min(1.0, step / 2))):
            expected[index] = decay * expected[index] + (1 - decay) * weights[0]
    for index in (0, 1):
        averaged = shadows.weights(index)
        np.testing.assert_allclose(averaged[0], expected[index], rtol=1e-6)
        np.testing.assert_allclose(
            averaged[moving_mean], start[moving_mean] + 3, rtol=1e-6
        )
    # Warm-up: step 1 has decay 0.25, so the second average moved further.
    assert not np.allclose(expected[0], expected[1])


def test_shadow_schedules_keep_the_weight_per_image(search):
    decay, warmup = search.per_batch(0.995, 1000, 16)
    assert decay == pytest.approx(0.995**0.5) and warmup == 2000
    assert search.per_batch(0.99, 0, 64) == (pytest.approx(0.99**2), 0)
    assert search.shadow_name(0.999, 1000) == "ema_0.999_warmup_1000"
    assert search.shadow_name(0.99, 0) == "ema_0.99"
    result = {"fid": 9.0, "raw_fid": 8.0,
              "shadow": {"ema_0.99": {"fid": 7.0}, "ema_0.995": {"fid": 10.0}}}
    assert search.best_of(result) == {"best_fid": 7.0, "best_ema": "ema_0.99"}


def test_search_ranks_by_the_best_ema(search, tmp_path):
    # "a" has the better own-EMA FID, "b" the better shadow EMA: b goes on.
    best = {"a": (5.0, 4.0), "b": (6.0, 2.0)}
    args = type("Args", (), dict(
        rungs=[1], final_epochs=2, finalists=1, seeds=1, jobs=1,
        deadline_minutes=None, out=str(tmp_path), train_images=None,
    ))
    runner = search.Search({name: {} for name in best}, args)

    def one_run(name, epochs, seed):
        fid, best_fid = best[name]
        return {
            "name": name, "epochs": epochs, "seed": seed, "fid": fid,
            "raw_fid": 9.0, "best_fid": best_fid, "min_share": 0.1,
            "max_share": 0.1, "train_s": 60.0, "epoch_s": 1.0,
            "wall_s": 2.0, "floor": 1.0,
            "shadow": {"ema_0.99": {"fid": best_fid}},
        }

    runner.one_run = one_run
    runner.search()
    assert [row[0] for row in runner.final_rows()] == ["b"]
    table = (tmp_path / "search.md").read_text()
    assert "| b | 6.00 | 9.00 | 2.00 | 0.100 |" in table


def test_tables_report_the_sample_standard_deviation(search):
    # Three seeds: the spread is the sample standard deviation (ddof 1).
    assert search.sample_std([13.87, 15.51, 14.38]) == pytest.approx(0.8393, abs=1e-4)
    assert search.sample_std([2.0]) == 0.0


def test_imbalance_fid_grows_with_the_skew_of_the_shares(search):
    # Ten well-separated classes of features: drawn at the real shares the
    # FID is near 0; the more skewed the shares, the larger it is.
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 60)
    features = np.eye(10)[labels] * 5.0 + rng.normal(size=(600, 10)) * 0.3
    judge = search.Judge.__new__(search.Judge)
    judge.labels = labels
    judge.real_features = features
    judge.reference = search.moments(features)
    uniform = judge.imbalance_fid(np.full(10, 0.1))
    skewed = judge.imbalance_fid([0.154, 0.12, 0.12, 0.105, 0.1, 0.097,
                                  0.084, 0.08, 0.069, 0.071])
    one_class = judge.imbalance_fid(np.eye(10)[3])
    assert uniform < 0.5
    assert uniform < skewed < one_class
    assert one_class > 10
    # Shares need not sum to 1 (they are normalized), and the draw is fixed.
    assert judge.imbalance_fid(np.full(10, 2.0)) == pytest.approx(uniform)
    # The same skew in a "generated" sample: redrawn at the real shares by
    # its classes, its FID falls back to the uniform draw's level.
    skewed_rows = search.draw_by_class(features, labels, np.eye(10)[3] + 0.1)
    skewed_labels = np.argmax(skewed_rows, axis=-1)
    plain = search.frechet(judge.reference, search.moments(skewed_rows))
    balanced = judge.balanced_fid(skewed_rows, skewed_labels)
    assert plain > 10 * balanced
    assert balanced < 1.0


def test_example_packs_and_stems_the_discriminator(example):
    recipe = dict(example.RECIPE, pack=2, base_filters=8, latent_dim=8)
    gan = example.build_gan((28, 28, 1), recipe, seed=0)
    assert gan.pack == 2
    assert tuple(gan.discriminator.input.shape) == (None, 28, 28, 2)
    x = np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1))
    history = gan.fit(x.astype("float32"), batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1])
    assert example.parse_args(["--pack", "2"]).pack == 2
    stem = example.build_gan(
        (28, 28, 1), dict(recipe, pack=1, stem_filters=4), seed=0
    )
    assert tuple(stem.discriminator.get_layer("stem").output.shape) == (
        None, 28, 28, 4
    )
    assert example.parse_args(["--stem-filters", "4"]).stem_filters == 4
    final = example.build_gan(
        (28, 28, 1), dict(recipe, pack=1, final_conv_filters=5), seed=0
    )
    assert tuple(final.discriminator.get_layer("final_conv").output.shape) == (
        None, 7, 7, 5
    )
    start = example.build_gan(
        (28, 28, 1), dict(recipe, pack=1, start_conv_filters=6), seed=0
    )
    assert tuple(start.generator.get_layer("start_conv").output.shape) == (
        None, 7, 7, 6
    )
    for key in ("start_conv_filters", "final_conv_filters"):
        flag = "--" + key.replace("_", "-")
        assert getattr(example.parse_args([flag, "5"]), key) == 5
        # The flag's default follows the architecture; 0 turns it off.
        assert getattr(example.parse_args([]), key) == example.RECIPE[key]
        resnet = example.parse_args(["--architecture", "resnet"])
        assert getattr(resnet, key) is None
        assert getattr(example.parse_args([flag, "0"]), key) is None
    plain = example.build_gan(
        (28, 28, 1), dict(recipe, pack=1, start_conv_filters=None), seed=0
    )
    assert "start_conv" not in [layer.name for layer in plain.generator.layers]
    extra_layers = ("start_conv_filters", "stem_filters", "final_conv_filters")
    for key in extra_layers:
        resnet = dict(recipe, pack=1, architecture="resnet")
        resnet.update({other: None for other in extra_layers}, **{key: 4})
        with pytest.raises(ValueError, match=key):
            example.build_gan((28, 28, 1), resnet, seed=0)
    for pack in (0, 1.5, True):
        with pytest.raises(ValueError, match=r"`pack`.*Received: pack="):
            example.build_gan(
                (28, 28, 1), dict(recipe, pack=pack), seed=0
            )


def test_diagnose_centre_of_mass_is_the_inks_mean_position():
    diagnose = load("benchmarks/mnist_diagnose.py", "mnist_diagnose")
    images = -np.ones((2, 28, 28, 1), "float32")
    images[0, 5, 7, 0] = 1.0  # one pixel of full ink
    images[1, 10, 20, 0] = 1.0  # two pixels, the second at half ink
    images[1, 16, 20, 0] = 0.0
    centres = diagnose.centre_of_mass(images)
    np.testing.assert_allclose(centres, [[5.0, 7.0], [12.0, 20.0]])


def test_diagnose_recentre_moves_each_digit_by_whole_pixels():
    diagnose = load("benchmarks/mnist_diagnose.py", "mnist_diagnose")
    images = -np.ones((3, 8, 8, 1), "float32")
    images[0, 1, 2, 0] = 1.0  # centre (1, 2): moves down 3, right 2
    images[1, 4, 4, 0] = 1.0  # already at the centre: unchanged
    images[2, 6, 0, 0] = 1.0  # centre (6.5, 0): rows round half to even
    images[2, 7, 0, 0] = 1.0
    moved = diagnose.recentre(images, (4.0, 4.0))
    assert moved[0, 4, 4, 0] == 1.0 and (moved[0] == 1.0).sum() == 1
    np.testing.assert_array_equal(moved[1], images[1])
    np.testing.assert_allclose(
        diagnose.centre_of_mass(moved)[2], [4.5, 4.0]
    )
    # Ink moved out of the frame is cut; what enters is background.
    edge = -np.ones((1, 8, 8, 1), "float32")
    edge[0, 0, 0, 0] = 1.0
    edge[0, 0, 7, 0] = 1.0  # centre (0, 3.5): moves down 4, right 0
    moved = diagnose.recentre(edge, (4.0, 3.5))
    assert moved[0, 4, 0, 0] == 1.0 and moved[0, 4, 7, 0] == 1.0
    assert (moved == -1.0).sum() == 62
