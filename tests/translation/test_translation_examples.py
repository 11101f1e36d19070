"""Smoke tests of the translation examples, with tiny settings: the
outputs they report exist, reload and hold valid figures."""

import keras
import numpy as np
import pytest

import keras_gan
from tests.images.test_examples import load_example

# Runs the example end to end: CI runs it once, on one backend.
pytestmark = pytest.mark.slow


def test_pix2pix_digits(tmp_path):
    results = load_example("pix2pix_digits").main(
        ["--epochs", "1", "--train-size", "64", "--filters", "4", "--shift", "1",
         "--classifier-epochs", "1", "--out", str(tmp_path)]
    )
    model = keras.models.load_model(results["model_path"])
    assert isinstance(model, keras_gan.Pix2Pix)
    assert results["training_steps"] == 2  # 64 shifted pairs in batches of 32
    assert model.translate(np.zeros((2, 28, 28, 1), "float32")).shape == (2, 28, 28, 1)
    assert 0.0 <= results["agreement"] <= 1.0 and results["l1_error"] > 0
    assert results["grid_path"].endswith("epoch_0001.png")


def test_cyclegan_digits(tmp_path):
    results = load_example("cyclegan_digits").main(
        ["--epochs", "1", "--steps-per-epoch", "2", "--filters", "4",
         "--residual-blocks", "1", "--classifier-epochs", "1", "--out", str(tmp_path)]
    )
    model = keras.models.load_model(results["model_path"])
    assert isinstance(model, keras_gan.CycleGAN)
    for figures in (results["translated"], results["untranslated_baseline"]):
        assert 0.0 <= figures["label_preservation"] <= 1.0 and figures["fid_to_mnist"] > 0
    assert results["cycle_error"] > 0


def test_cyclegan_digits_domain_a_layouts():
    load_domain_a = load_example("cyclegan_digits").load_domain_a
    box, labels = load_domain_a("box")
    fill, _ = load_domain_a("fill")
    assert box.shape == fill.shape == (1797, 28, 28, 1) and labels.shape == (1797,)
    # MNIST's layout: the digit in the central 20x20 box, a background margin.
    margin = np.ones((28, 28), bool)
    margin[4:24, 4:24] = False
    assert np.all(box[:, margin] == -1.0)
    assert box[:, 4:24, 4:24].max() > 0.9
    # "fill": the digit reaches the frame's edge.
    assert fill[:, margin].max() > 0.0
    assert box.min() >= -1.0 and box.max() <= 1.0
    # A smaller box: an 18x18 digit with a 5-pixel margin.
    box18, _ = load_domain_a("box", 18)
    margin18 = np.ones((28, 28), bool)
    margin18[5:23, 5:23] = False
    assert np.all(box18[:, margin18] == -1.0) and box18[:, 5:23, 5:23].max() > 0.9
    assert box18[:, 5, 5:23].max() > -1.0  # the digit reaches the box's top row
    example = load_example("cyclegan_digits")
    with pytest.raises(ValueError, match="box_size.*Received: box_size=19"):
        example.place_in_frame(box[:1, ::4, ::4][:, :8, :8], "box", 19)
    assert example.parse_args([]).box_size == 20
    for bad in (["--box-size", "19"], ["--box-size", "30"], ["--layout", "fill", "--box-size", "18"]):
        with pytest.raises(SystemExit):
            example.parse_args(bad)


def test_cyclegan_digits_defaults_per_model():
    parse_args = load_example("cyclegan_digits").parse_args
    cyclegan = parse_args([])
    assert (cyclegan.epochs, cyclegan.filters, cyclegan.identity_weight, cyclegan.pool_size,
            cyclegan.layout, cyclegan.disc_layers) == (16, 32, 0.0, 50, "box", 3)
    assert cyclegan.out.endswith("cyclegan")
    cut = parse_args(["--model", "cut"])
    assert (cut.epochs, cut.filters, cut.identity_weight, cut.pool_size,
            cut.disc_layers) == (24, 32, 1.0, 0, 2)
    assert cut.out.endswith("cut")
    # An explicit flag wins over the per-model default.
    explicit = parse_args(["--filters", "8", "--identity-weight", "0.5", "--epochs", "2"])
    assert (explicit.epochs, explicit.filters, explicit.identity_weight) == (2, 8, 0.5)


def test_cyclegan_digits_discriminator_flags(capsys):
    example = load_example("cyclegan_digits")
    # Two strided layers (CUT's default): 7x7 patch logits on 28x28.
    args = example.parse_args(["--filters", "4", "--residual-blocks", "1", "--disc-layers", "2"])
    model = example.build_model(args, total_steps=4)
    assert tuple(model.discriminator_b.output_shape) == (None, 7, 7, 1)
    # Three (CycleGAN's default): 4x4 patches, each seeing more of the digit.
    args = example.parse_args(["--filters", "4", "--residual-blocks", "1"])
    model = example.build_model(args, total_steps=4)
    assert tuple(model.discriminator_b.output_shape) == (None, 4, 4, 1)
    # One logit per image, for CUT as well.
    args = example.parse_args(["--model", "cut", "--filters", "4", "--residual-blocks", "1",
                               "--discriminator", "dcgan"])
    model = example.build_model(args, total_steps=4)
    assert tuple(model.discriminator.output_shape) == (None, 1)
    with pytest.raises(SystemExit):
        example.parse_args(["--discriminator", "dcgan", "--disc-layers", "3"])
    assert "does not apply" in capsys.readouterr().err
    with pytest.raises(ValueError, match="num_layers"):
        example.build_model(
            example.parse_args(["--filters", "4", "--disc-layers", "0"]), total_steps=4
        )
