"""The translation builders: shapes, layers, ranges, saving, errors."""

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan import compat
from tests.conftest import save_and_reload
from tests.conftest import to_numpy

builders = keras_gan.models


def layer_types(model):
    return {type(layer).__name__ for layer in model.layers}


def test_unet_generator_shapes_skips_and_range():
    model = builders.unet_generator((16, 12, 2), output_channels=3, filters=4)
    # Down to one pixel: four stages for 16 rows; the 12 columns are padded
    # by reflection to 16 and the output cropped back.
    assert model.output_shape == (None, 16, 12, 3)
    assert [l.name for l in model.layers if l.name.endswith("_skip")] == [
        "up2_skip", "up1_skip", "up0_skip"
    ]
    assert model.get_layer("down3_conv").output.shape == (None, 1, 1, 32)
    outputs = to_numpy(model(np.random.default_rng(0).normal(size=(2, 16, 12, 2)) * 10))
    assert np.all(np.abs(outputs) <= 1.0) and outputs.std() > 0
    assert "Lambda" not in layer_types(model)
    norms = [l for l in model.layers if isinstance(l, keras.layers.GroupNormalization)]
    # Instance normalization: one group per channel; none on the 1x1 map.
    assert norms and all(l.groups == l.input.shape[-1] for l in norms)
    assert "down3_norm" not in {l.name for l in norms}


def test_unet_output_pixels_see_the_whole_source():
    # Completing an erased half needs every output pixel to depend on the
    # other half: on 28x28 the default U-Net reaches one pixel (a 28x28
    # network of two stages saw 10 pixels around each output pixel).
    keras.utils.set_random_seed(0)
    model = builders.unet_generator((28, 28, 1), filters=4, dropout=0.0)
    assert model.get_layer("down4_conv").output.shape[1:3] == (1, 1)
    x = np.random.default_rng(1).uniform(-1, 1, (1, 28, 28, 1)).astype("float32")
    changed = x.copy()
    changed[:, :4, :4] += 1.0  # the top-left corner
    delta = np.abs(to_numpy(model(changed)) - to_numpy(model(x)))[0, :, :, 0]
    assert delta[-4:, -4:].max() > 1e-4, delta[-4:, -4:]  # the bottom-right corner


def test_translation_builders_seed_their_random_layers():
    # Unseeded, a dropout layer draws its masks from PyTorch's global
    # generator, which `BackupAndRestore` does not restore.
    models = [
        builders.unet_generator((8, 8, 1), filters=4),
        builders.resnet_translation_generator((8, 8, 1), 1, filters=4),
        builders.patchgan_discriminator((8, 8, 1), filters=4, num_layers=1),
        builders.dcgan_discriminator((8, 8, 1), base_filters=4, dropout=0.3),
        builders.sequence_generator(4, 6, 5, channels=4, num_blocks=1, output="gumbel_softmax"),
    ]
    random_layers = 0
    for model in models:
        for layer in compat.sublayers(model):
            if getattr(layer, "seed_generator", None) is not None:
                random_layers += 1
                assert layer.seed is not None, (model.name, layer.name)
    assert random_layers >= 5


def test_resnet_generator_pads_by_reflection():
    model = builders.resnet_translation_generator((8, 8, 1), num_residual_blocks=1, filters=4)
    pads = [l for l in model.layers if isinstance(l, keras_gan.layers.ReflectionPadding2D)]
    # Stem, two per residual block, output.
    assert [l.padding[0][0] for l in pads] == [3, 1, 1, 3]
    assert model.get_layer("stem_conv").padding == "valid"
    zeros = builders.resnet_translation_generator(
        (8, 8, 1), num_residual_blocks=1, filters=4, padding="zeros"
    )
    assert not any(isinstance(l, keras_gan.layers.ReflectionPadding2D) for l in zeros.layers)
    assert zeros.count_params() == model.count_params()
    with pytest.raises(ValueError, match="`padding`"):
        builders.resnet_translation_generator((8, 8, 1), 1, filters=4, padding="same")
    with pytest.raises(ValueError, match="padding='zeros'"):
        builders.resnet_translation_generator((4, 4, 1), 1, filters=4, num_downsamples=2)


def test_reflection_padding_layer():
    layer = keras_gan.layers.ReflectionPadding2D(((1, 2), (0, 1)))
    x = np.arange(2 * 3 * 4 * 2, dtype="float32").reshape(2, 3, 4, 2)
    expected = np.pad(x, [(0, 0), (1, 2), (0, 1), (0, 0)], mode="reflect")
    np.testing.assert_array_equal(to_numpy(layer(x)), expected)
    assert layer.compute_output_shape((None, 3, 4, 2)) == (None, 6, 5, 2)
    clone = keras_gan.layers.ReflectionPadding2D.from_config(layer.get_config())
    np.testing.assert_array_equal(to_numpy(clone(x)), expected)
    assert keras_gan.layers.ReflectionPadding2D(2).padding == ((2, 2), (2, 2))
    with pytest.raises(ValueError, match="`padding`"):
        keras_gan.layers.ReflectionPadding2D(-1)
    with pytest.raises(ValueError, match="smaller than the image"):
        keras_gan.layers.ReflectionPadding2D(3)(x)


def test_resnet_translation_generator_residual_blocks():
    model = builders.resnet_translation_generator((8, 8, 1), num_residual_blocks=2, filters=4)
    assert model.output_shape == (None, 8, 8, 1)
    assert len([l for l in model.layers if isinstance(l, keras.layers.Add)]) == 2
    norms = [l for l in model.layers if isinstance(l, keras.layers.GroupNormalization)]
    assert all(l.groups == l.input.shape[-1] for l in norms) and len(norms) == 1 + 2 + 2 * 2 + 2
    # The lowest resolution has filters * 2**num_downsamples channels.
    assert model.get_layer("res0_conv1").output.shape == (None, 2, 2, 16)


def test_patchgan_discriminator_patch_map_and_conditioning():
    model = builders.patchgan_discriminator((32, 32, 3))
    # Three stride-2 layers: a 4x4 map of patch logits, one channel.
    assert model.output_shape == (None, 4, 4, 1)
    conditional = builders.patchgan_discriminator(
        (8, 8, 1), conditional=True, source_shape=(8, 8, 3), filters=4, num_layers=1
    )
    assert [tuple(t.shape) for t in conditional.inputs] == [(None, 8, 8, 3), (None, 8, 8, 1)]
    assert conditional.output_shape == (None, 4, 4, 1)
    source = np.zeros((2, 8, 8, 3), "float32")
    image = np.random.default_rng(0).normal(size=(2, 8, 8, 1)).astype("float32")
    logits = to_numpy(conditional([source, image]))
    assert logits.dtype == np.float32
    assert not np.allclose(logits, to_numpy(conditional([source + 1.0, image])))


def test_builders_save_and_load(tmp_path):
    model = builders.resnet_translation_generator((8, 8, 1), num_residual_blocks=1, filters=4)
    path = str(tmp_path / "generator.keras")
    loaded = save_and_reload(model, path)
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 1)).astype("float32")
    np.testing.assert_allclose(to_numpy(loaded(x)), to_numpy(model(x)), atol=1e-6)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="`image_shape`"):
        builders.unet_generator((28, 28))
    with pytest.raises(ValueError, match="`num_downsamples`. Expected at most 5"):
        builders.unet_generator((28, 28, 1), num_downsamples=6)
    with pytest.raises(ValueError, match="`dropout`"):
        builders.unet_generator((8, 8, 1), dropout=1.0)
    with pytest.raises(ValueError, match="`num_residual_blocks`"):
        builders.resnet_translation_generator((8, 8, 1), num_residual_blocks=-1)
    with pytest.raises(ValueError, match="`source_shape`"):
        builders.patchgan_discriminator((8, 8, 1), conditional=True, source_shape=(4, 4, 1))
    with pytest.raises(ValueError, match="`source_shape`"):
        builders.patchgan_discriminator((8, 8, 1), source_shape=(8, 8, 1))
    with pytest.raises(ValueError, match="`conditional`"):
        builders.patchgan_discriminator((8, 8, 1), conditional="yes")


@pytest.mark.parametrize("builder", ["unet_generator", "resnet_translation_generator"])
def test_translation_generators_take_upsampling(builder):
    build = getattr(keras_gan.models, builder)
    kwargs = {"filters": 4}
    if builder == "resnet_translation_generator":
        kwargs["num_residual_blocks"] = 1
    transposed = build((16, 16, 1), upsampling="transpose", **kwargs)
    resized = build((16, 16, 1), upsampling="resize", **kwargs)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 1)).astype("float32")
    for model, expected in ((transposed, True), (resized, False)):
        kinds = {type(layer).__name__ for layer in model.layers}
        assert ("MatmulConv2DTranspose" in kinds) == expected
        assert ("UpSampling2D" in kinds) == (not expected)
        y = keras.ops.convert_to_numpy(model(x))
        assert y.shape == (2, 16, 16, 1) and np.abs(y).max() <= 1.0
    with pytest.raises(ValueError, match="`upsampling`.*upsampling='bicubic'"):
        build((16, 16, 1), upsampling="bicubic", **kwargs)
