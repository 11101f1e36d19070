"""The roofline benchmark's FLOP count (`benchmarks/roofline.py`) and the
networks it counts: those of `examples/mnist_dcgan.py`'s `RECIPE`.

Only the count and the model building run here; the timings are
benchmarks.
"""

import copy
import importlib.util
import os
import types

import keras
import pytest

from tests import conftest

ROOT = conftest.ROOT


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def roofline():
    return load("benchmarks/roofline.py", "roofline_benchmark")


def test_step_flops_of_dense_networks_by_hand(roofline):
    # G: Dense(4 -> 6); D: Dense(6 -> 3), Dense(3 -> 1); batch 2.
    generator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6)])
    discriminator = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(3), keras.layers.Dense(1)]
    )
    g, d0, d1 = 2 * 2 * 4 * 6, 2 * 2 * 6 * 3, 2 * 2 * 3 * 1
    d = d0 + d1
    flops = roofline.step_flops(generator, discriminator, batch_size=2)
    assert flops["generator_forward"] == g
    assert flops["discriminator_forward"] == d
    # D update: G forward, then per sample (real, fake) a forward pass and
    # its backward pass (kernel gradients of both layers, the input
    # gradient of the second only).
    assert flops["discriminator"] == g + 2 * (d + d + d1)
    # R1 and R2: per sample the input gradients of both layers, then their
    # derivatives (kernel: both layers; incoming gradient: not the last).
    assert flops["penalties"] == 2 * (d + d + d0)
    # G update: G forward, D forward on fakes and reals, D input gradients
    # on the fakes, G kernel gradients (its only layer's input gradient is
    # the latent's, not computed).
    assert flops["generator"] == g + 2 * d + d + g
    assert flops["step"] == flops["generator"] + flops["discriminator"] + flops["penalties"]


def test_conv_flops_count_only_taps_that_meet_the_input(roofline):
    # 3x3 "same" convolution on a 2x2 map: each output pixel meets 4 taps.
    inputs = keras.Input((2, 2, 1))
    conv = keras.layers.Conv2D(5, 3, padding="same")
    keras.Model(inputs, conv(inputs))
    assert roofline.layer_flops(conv, batch_size=3) == 2 * 3 * (4 * 4) * 1 * 5


@pytest.mark.parametrize(
    "network, layer, key, channels_in",
    [
        # The generator's start convolution reads the projection's 4 * 8
        # channels, the discriminator's final one the second downsampling's
        # 2 * 8 (8 base filters).
        (0, "start_conv", "start_conv_filters", 4 * 8),
        (1, "final_conv", "final_conv_filters", 2 * 8),
    ],
)
def test_counts_the_examples_extra_convolutions(
    roofline, network, layer, key, channels_in
):
    example = load("examples/mnist_dcgan.py", "mnist_dcgan_for_roofline").RECIPE
    model = roofline.example_networks(8)[network]
    names = [each.name for each in model.layers]
    assert (layer in names) == (example[key] is not None)
    if example[key] is not None:
        conv = model.get_layer(layer)
        assert conv.filters == example[key]
        counted = dict(roofline.network_flops(model, 64))
        # A 3x3 "same" convolution on the 7x7 map: 9 taps meet the input at
        # the 25 inner pixels, 6 at the 20 edge pixels, 4 at the 4 corners.
        taps = 25 * 9 + 20 * 6 + 4 * 4
        assert counted[layer] == roofline.layer_flops(conv, 64) == (
            2 * 64 * taps * channels_in * conv.filters
        )


def test_refuses_a_recipe_it_does_not_count(roofline, monkeypatch):
    real = roofline._common.example_module()
    changed = types.SimpleNamespace(RECIPE=copy.deepcopy(real.RECIPE), adam=real.adam)
    changed.RECIPE["pack"] = 2
    monkeypatch.setattr(roofline._common, "example_module", lambda: changed)
    with pytest.raises(ValueError, match=r"RECIPE\['pack'\] is 2"):
        roofline.example_networks(8)
    changed.RECIPE["pack"] = 1
    changed.RECIPE["r2"] = 0.0
    with pytest.raises(ValueError, match="r2=0.0"):
        roofline.example_networks(8)
