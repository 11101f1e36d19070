"""pytorch-fid's own FID Inception model, runnable without torchvision.

`pytorch_fid/inception.py` subclasses torchvision's Inception-v3 blocks at
import time, and `pytorch_fid/fid_score.py` uses `transforms.ToTensor`.
PyPI's torchvision cannot be installed next to the pinned torch, so when the
real package is missing, `install()` registers a minimal `torchvision`
module holding exactly what pytorch-fid uses: `Inception3`, the blocks
`BasicConv2d`, `InceptionA` ... `InceptionE`, `inception_v3` and
`transforms.ToTensor`. They are written here from the published
Inception-v3 architecture (module names, kernel sizes, paddings and
channel counts as in torchvision), so that pytorch-fid's own code (its
patched FID blocks, `InceptionV3` wrapper, bilinear resize, statistics and
Fréchet distance) runs unchanged. The Keras port is compared with that.

`random_pytorch_fid_state_dict()` builds pytorch-fid's network with
PyTorch's default initialization, randomizes the batch-norm affine
parameters and calibrates the running statistics on random images, so
activations keep a sensible scale through the 94 convolutions.
"""

import functools
import os
import sys
import tempfile
import types

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class BasicConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class InceptionA(nn.Module):
    def __init__(self, in_channels, pool_features):
        super().__init__()
        self.branch1x1 = BasicConv2d(in_channels, 64, kernel_size=1)
        self.branch5x5_1 = BasicConv2d(in_channels, 48, kernel_size=1)
        self.branch5x5_2 = BasicConv2d(48, 64, kernel_size=5, padding=2)
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 64, kernel_size=1)
        self.branch3x3dbl_2 = BasicConv2d(64, 96, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = BasicConv2d(96, 96, kernel_size=3, padding=1)
        self.branch_pool = BasicConv2d(
            in_channels, pool_features, kernel_size=1
        )


class InceptionB(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.branch3x3 = BasicConv2d(in_channels, 384, kernel_size=3, stride=2)
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 64, kernel_size=1)
        self.branch3x3dbl_2 = BasicConv2d(64, 96, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = BasicConv2d(96, 96, kernel_size=3, stride=2)

    def forward(self, x):
        branch3x3dbl = self.branch3x3dbl_3(
            self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        )
        branch_pool = F.max_pool2d(x, kernel_size=3, stride=2)
        return torch.cat([self.branch3x3(x), branch3x3dbl, branch_pool], 1)


class InceptionC(nn.Module):
    def __init__(self, in_channels, channels_7x7):
        super().__init__()
        c7 = channels_7x7
        row, column = dict(kernel_size=(1, 7), padding=(0, 3)), dict(
            kernel_size=(7, 1), padding=(3, 0)
        )
        self.branch1x1 = BasicConv2d(in_channels, 192, kernel_size=1)
        self.branch7x7_1 = BasicConv2d(in_channels, c7, kernel_size=1)
        self.branch7x7_2 = BasicConv2d(c7, c7, **row)
        self.branch7x7_3 = BasicConv2d(c7, 192, **column)
        self.branch7x7dbl_1 = BasicConv2d(in_channels, c7, kernel_size=1)
        self.branch7x7dbl_2 = BasicConv2d(c7, c7, **column)
        self.branch7x7dbl_3 = BasicConv2d(c7, c7, **row)
        self.branch7x7dbl_4 = BasicConv2d(c7, c7, **column)
        self.branch7x7dbl_5 = BasicConv2d(c7, 192, **row)
        self.branch_pool = BasicConv2d(in_channels, 192, kernel_size=1)


class InceptionD(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.branch3x3_1 = BasicConv2d(in_channels, 192, kernel_size=1)
        self.branch3x3_2 = BasicConv2d(192, 320, kernel_size=3, stride=2)
        self.branch7x7x3_1 = BasicConv2d(in_channels, 192, kernel_size=1)
        self.branch7x7x3_2 = BasicConv2d(
            192, 192, kernel_size=(1, 7), padding=(0, 3)
        )
        self.branch7x7x3_3 = BasicConv2d(
            192, 192, kernel_size=(7, 1), padding=(3, 0)
        )
        self.branch7x7x3_4 = BasicConv2d(192, 192, kernel_size=3, stride=2)

    def forward(self, x):
        branch3x3 = self.branch3x3_2(self.branch3x3_1(x))
        branch7x7x3 = x
        for index in range(1, 5):
            branch7x7x3 = getattr(self, f"branch7x7x3_{index}")(branch7x7x3)
        branch_pool = F.max_pool2d(x, kernel_size=3, stride=2)
        return torch.cat([branch3x3, branch7x7x3, branch_pool], 1)


class InceptionE(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.branch1x1 = BasicConv2d(in_channels, 320, kernel_size=1)
        self.branch3x3_1 = BasicConv2d(in_channels, 384, kernel_size=1)
        self.branch3x3_2a = BasicConv2d(
            384, 384, kernel_size=(1, 3), padding=(0, 1)
        )
        self.branch3x3_2b = BasicConv2d(
            384, 384, kernel_size=(3, 1), padding=(1, 0)
        )
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 448, kernel_size=1)
        self.branch3x3dbl_2 = BasicConv2d(448, 384, kernel_size=3, padding=1)
        self.branch3x3dbl_3a = BasicConv2d(
            384, 384, kernel_size=(1, 3), padding=(0, 1)
        )
        self.branch3x3dbl_3b = BasicConv2d(
            384, 384, kernel_size=(3, 1), padding=(1, 0)
        )
        self.branch_pool = BasicConv2d(in_channels, 192, kernel_size=1)


class Inception3(nn.Module):
    """The layers of Inception-v3 that pytorch-fid's blocks read."""

    def __init__(self, num_classes=1000, aux_logits=True, **unused):
        super().__init__()
        if aux_logits:
            raise NotImplementedError("pytorch-fid uses aux_logits=False")
        self.Conv2d_1a_3x3 = BasicConv2d(3, 32, kernel_size=3, stride=2)
        self.Conv2d_2a_3x3 = BasicConv2d(32, 32, kernel_size=3)
        self.Conv2d_2b_3x3 = BasicConv2d(32, 64, kernel_size=3, padding=1)
        self.maxpool1 = nn.MaxPool2d(kernel_size=3, stride=2)
        self.Conv2d_3b_1x1 = BasicConv2d(64, 80, kernel_size=1)
        self.Conv2d_4a_3x3 = BasicConv2d(80, 192, kernel_size=3)
        self.maxpool2 = nn.MaxPool2d(kernel_size=3, stride=2)
        self.Mixed_5b = InceptionA(192, pool_features=32)
        self.Mixed_5c = InceptionA(256, pool_features=64)
        self.Mixed_5d = InceptionA(288, pool_features=64)
        self.Mixed_6a = InceptionB(288)
        self.Mixed_6b = InceptionC(768, channels_7x7=128)
        self.Mixed_6c = InceptionC(768, channels_7x7=160)
        self.Mixed_6d = InceptionC(768, channels_7x7=160)
        self.Mixed_6e = InceptionC(768, channels_7x7=192)
        self.Mixed_7a = InceptionD(768)
        self.Mixed_7b = InceptionE(1280)
        self.Mixed_7c = InceptionE(2048)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(2048, num_classes)


def inception_v3(weights=None, **kwargs):
    if weights is not None:
        raise NotImplementedError("the stand-in has no pretrained weights")
    return Inception3(**kwargs)


class ToTensor:
    """`PIL.Image` (uint8 RGB) to a float CHW tensor in [0, 1]."""

    def __call__(self, image):
        array = np.asarray(image, dtype=np.float32) / 255.0
        return torch.from_numpy(array.transpose(2, 0, 1).copy())


def install():
    """Registers the stand-in as `torchvision` unless the real one imports."""
    try:
        import torchvision  # noqa: F401

        return False
    except ImportError:
        pass
    package = types.ModuleType("torchvision")
    package.__version__ = "0.28.0"
    models = types.ModuleType("torchvision.models")
    inception = types.ModuleType("torchvision.models.inception")
    for cls in (
        BasicConv2d,
        InceptionA,
        InceptionB,
        InceptionC,
        InceptionD,
        InceptionE,
        Inception3,
    ):
        setattr(inception, cls.__name__, cls)
    models.inception = inception
    models.inception_v3 = inception_v3
    transforms = types.ModuleType("torchvision.transforms")
    transforms.ToTensor = ToTensor
    package.models, package.transforms = models, transforms
    sys.modules.update(
        {
            "torchvision": package,
            "torchvision.models": models,
            "torchvision.models.inception": inception,
            "torchvision.transforms": transforms,
        }
    )
    return True


def pytorch_fid_inception(state_dict, output_blocks=(3,), **kwargs):
    """pytorch-fid's `InceptionV3` wrapper with `state_dict` loaded."""
    install()
    from pytorch_fid import inception

    original = inception.load_state_dict_from_url
    inception.load_state_dict_from_url = lambda *args, **kw: state_dict
    try:
        return inception.InceptionV3(list(output_blocks), **kwargs).eval()
    finally:
        inception.load_state_dict_from_url = original


def random_pytorch_fid_state_dict(seed=0, calibration_size=299):
    """A random state dict of pytorch-fid's network, at a sensible scale."""
    install()
    from pytorch_fid import inception

    torch.manual_seed(seed)
    original = inception.load_state_dict_from_url
    inception.load_state_dict_from_url = lambda *args, **kw: None
    try:
        original_load = Inception3.load_state_dict
        Inception3.load_state_dict = lambda self, state: None
        network = inception.fid_inception_v3()
    finally:
        Inception3.load_state_dict = original_load
        inception.load_state_dict_from_url = original
    generator = torch.Generator().manual_seed(seed)
    for module in network.modules():
        if isinstance(module, nn.BatchNorm2d):
            shape = module.weight.shape
            with torch.no_grad():
                module.weight.copy_(
                    torch.rand(shape, generator=generator) + 0.5
                )
                module.bias.copy_(
                    torch.rand(shape, generator=generator) * 0.4 - 0.2
                )
            module.momentum = None  # cumulative average over the pass
    # One training-mode pass sets the running statistics to those of
    # images in [-1, 1], so every layer's output is roughly normalized.
    images = torch.rand(
        (2, 3, calibration_size, calibration_size), generator=generator
    )
    blocks = pytorch_fid_wrapper_blocks(network)
    network.train()
    with torch.no_grad():
        x = 2 * images - 1
        for block in blocks:
            x = block(x)
    network.eval()
    return {
        name: value.clone()
        for name, value in network.state_dict().items()
        if not name.endswith("num_batches_tracked")
    }


def pytorch_fid_wrapper_blocks(network):
    """The modules of `network` in the order pytorch-fid's wrapper runs
    them."""
    names = [
        "Conv2d_1a_3x3",
        "Conv2d_2a_3x3",
        "Conv2d_2b_3x3",
        "maxpool1",
        "Conv2d_3b_1x1",
        "Conv2d_4a_3x3",
        "maxpool2",
        "Mixed_5b",
        "Mixed_5c",
        "Mixed_5d",
        "Mixed_6a",
        "Mixed_6b",
        "Mixed_6c",
        "Mixed_6d",
        "Mixed_6e",
        "Mixed_7a",
        "Mixed_7b",
        "Mixed_7c",
    ]
    return [getattr(network, name) for name in names]


# === Shared by the FID tests of one pytest session ===

_SHARED_DIR = None


@functools.lru_cache(maxsize=None)
def shared_random_weights():
    """`(state_dict of NumPy arrays, path of the same weights as .pth)`."""
    global _SHARED_DIR
    _SHARED_DIR = tempfile.mkdtemp(prefix="fid_weights_")
    state_dict = random_pytorch_fid_state_dict()
    path = os.path.join(_SHARED_DIR, "random_fid_inception.pth")
    torch.save(state_dict, path)
    return {k: v.numpy() for k, v in state_dict.items()}, path


@functools.lru_cache(maxsize=None)
def shared_keras_port():
    """The Keras port with the shared random weights, loaded from `.pth`."""
    from keras_gan.metrics import FIDInceptionV3

    return FIDInceptionV3(weights=shared_random_weights()[1])


def torch_pool_and_logits(images_nhwc, state_dict):
    """pytorch-fid's pool features (no resize, no rescaling) and logits."""
    network = pytorch_fid_inception(
        {k: torch.from_numpy(v) for k, v in state_dict.items()},
        resize_input=False,
        normalize_input=False,
    )
    with torch.no_grad():
        inputs = torch.from_numpy(
            np.ascontiguousarray(images_nhwc.transpose(0, 3, 1, 2))
        )
        pool = network(inputs)[0][:, :, 0, 0].numpy().astype(np.float64)
    logits = pool @ state_dict["fc.weight"].T.astype(np.float64)
    return pool, logits + state_dict["fc.bias"]


def assert_close_relative(actual, expected, rtol):
    """Agreement to `rtol` relative to the largest magnitude."""
    scale = np.abs(expected).max()
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)
