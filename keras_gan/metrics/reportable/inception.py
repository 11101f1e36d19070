"""The FID Inception network, ported to Keras.

Published FIDs and Inception Scores are computed with one network: the
Inception-v3 graph TensorFlow released in December 2015
(`inception-2015-12-05`), which `pytorch-fid` ships converted to PyTorch as
`pt_inception-2015-12-05-6726825d.pth`. It differs from
`keras.applications.InceptionV3` (and torchvision's Inception-v3) in its
weights, in 1008 output classes, and in three blocks:

- the average pools inside the Mixed_5*, Mixed_6b..e and Mixed_7b blocks
  do not count the zero padding (TensorFlow's "SAME" average pool; Keras'
  `AveragePooling2D(padding="same")` does the same on every backend);
- the last block (Mixed_7c) pools its branch with a max pool, not an
  average pool.

`FIDInceptionV3` rebuilds that graph with Keras layers, named after the
PyTorch modules with `__` for `.` (`Mixed_5b__branch1x1__conv` holds
`Mixed_5b.branch1x1.conv.weight`), so the weights of the `.pth` file map
one to one. Converting needs `torch` once; save the result
with `save_weights("….weights.h5")` and load that file on any backend
afterwards.
"""

import hashlib
import os

import keras
import numpy as np


FID_WEIGHTS_FILE = "pt_inception-2015-12-05-6726825d.pth"
FID_WEIGHTS_URL = (
    "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/"
    + FID_WEIGHTS_FILE
)
# Like torch.hub, the file name carries the start of the file's SHA-256.
FID_WEIGHTS_SHA256_PREFIX = "6726825d"
CONVERTED_WEIGHTS_FILE = "fid_inception_v3_2015-12-05.weights.h5"
NUM_CLASSES = 1008
POOL_FEATURES = 2048
IMAGE_SIZE = 299
_BATCH_NORM_EPSILON = 1e-3


# === Architecture ===


def _conv_bn(x, name, filters, kernel_size, strides=1, padding="same"):
    """Convolution without bias, batch norm and ReLU (`BasicConv2d`)."""
    x = keras.layers.Conv2D(
        filters,
        kernel_size,
        strides=strides,
        padding=padding,
        use_bias=False,
        # Weights are set afterwards; random initializers would compile one
        # function per kernel shape on JAX (about a minute in all).
        kernel_initializer="zeros",
        dtype="float32",
        name=f"{name}__conv",
    )(x)
    x = keras.layers.BatchNormalization(
        epsilon=_BATCH_NORM_EPSILON, dtype="float32", name=f"{name}__bn"
    )(x)
    return keras.layers.ReLU(dtype="float32", name=f"{name}__relu")(x)


def _concat(tensors, name):
    return keras.layers.Concatenate(axis=-1, dtype="float32", name=name)(
        tensors
    )


def _same_pool(x, name, pool="average"):
    """3x3 stride-1 pool; the average ignores the padding, as in TF."""
    layer = (
        keras.layers.AveragePooling2D
        if pool == "average"
        else keras.layers.MaxPooling2D
    )
    return layer(3, strides=1, padding="same", dtype="float32", name=name)(x)


def _reduction_pool(x, name):
    return keras.layers.MaxPooling2D(
        3, strides=2, padding="valid", dtype="float32", name=name
    )(x)


def _block_a(x, name, pool_features):
    branch1x1 = _conv_bn(x, f"{name}__branch1x1", 64, 1)
    branch5x5 = _conv_bn(x, f"{name}__branch5x5_1", 48, 1)
    branch5x5 = _conv_bn(branch5x5, f"{name}__branch5x5_2", 64, 5)
    branch3x3dbl = _conv_bn(x, f"{name}__branch3x3dbl_1", 64, 1)
    branch3x3dbl = _conv_bn(branch3x3dbl, f"{name}__branch3x3dbl_2", 96, 3)
    branch3x3dbl = _conv_bn(branch3x3dbl, f"{name}__branch3x3dbl_3", 96, 3)
    branch_pool = _same_pool(x, f"{name}__pool")
    branch_pool = _conv_bn(
        branch_pool, f"{name}__branch_pool", pool_features, 1
    )
    return _concat([branch1x1, branch5x5, branch3x3dbl, branch_pool], name)


def _block_b(x, name):
    branch3x3 = _conv_bn(x, f"{name}__branch3x3", 384, 3, 2, "valid")
    branch3x3dbl = _conv_bn(x, f"{name}__branch3x3dbl_1", 64, 1)
    branch3x3dbl = _conv_bn(branch3x3dbl, f"{name}__branch3x3dbl_2", 96, 3)
    branch3x3dbl = _conv_bn(
        branch3x3dbl, f"{name}__branch3x3dbl_3", 96, 3, 2, "valid"
    )
    branch_pool = _reduction_pool(x, f"{name}__pool")
    return _concat([branch3x3, branch3x3dbl, branch_pool], name)


def _block_c(x, name, channels_7x7):
    c7 = channels_7x7
    branch1x1 = _conv_bn(x, f"{name}__branch1x1", 192, 1)
    branch7x7 = _conv_bn(x, f"{name}__branch7x7_1", c7, 1)
    branch7x7 = _conv_bn(branch7x7, f"{name}__branch7x7_2", c7, (1, 7))
    branch7x7 = _conv_bn(branch7x7, f"{name}__branch7x7_3", 192, (7, 1))
    branch7x7dbl = _conv_bn(x, f"{name}__branch7x7dbl_1", c7, 1)
    for index, (filters, kernel_size) in enumerate(
        [(c7, (7, 1)), (c7, (1, 7)), (c7, (7, 1)), (192, (1, 7))], start=2
    ):
        branch7x7dbl = _conv_bn(
            branch7x7dbl, f"{name}__branch7x7dbl_{index}", filters, kernel_size
        )
    branch_pool = _same_pool(x, f"{name}__pool")
    branch_pool = _conv_bn(branch_pool, f"{name}__branch_pool", 192, 1)
    return _concat([branch1x1, branch7x7, branch7x7dbl, branch_pool], name)


def _block_d(x, name):
    branch3x3 = _conv_bn(x, f"{name}__branch3x3_1", 192, 1)
    branch3x3 = _conv_bn(branch3x3, f"{name}__branch3x3_2", 320, 3, 2, "valid")
    branch7x7x3 = _conv_bn(x, f"{name}__branch7x7x3_1", 192, 1)
    branch7x7x3 = _conv_bn(branch7x7x3, f"{name}__branch7x7x3_2", 192, (1, 7))
    branch7x7x3 = _conv_bn(branch7x7x3, f"{name}__branch7x7x3_3", 192, (7, 1))
    branch7x7x3 = _conv_bn(
        branch7x7x3, f"{name}__branch7x7x3_4", 192, 3, 2, "valid"
    )
    branch_pool = _reduction_pool(x, f"{name}__pool")
    return _concat([branch3x3, branch7x7x3, branch_pool], name)


def _block_e(x, name, pool):
    branch1x1 = _conv_bn(x, f"{name}__branch1x1", 320, 1)
    branch3x3 = _conv_bn(x, f"{name}__branch3x3_1", 384, 1)
    branch3x3 = _concat(
        [
            _conv_bn(branch3x3, f"{name}__branch3x3_2a", 384, (1, 3)),
            _conv_bn(branch3x3, f"{name}__branch3x3_2b", 384, (3, 1)),
        ],
        f"{name}__branch3x3",
    )
    branch3x3dbl = _conv_bn(x, f"{name}__branch3x3dbl_1", 448, 1)
    branch3x3dbl = _conv_bn(branch3x3dbl, f"{name}__branch3x3dbl_2", 384, 3)
    branch3x3dbl = _concat(
        [
            _conv_bn(branch3x3dbl, f"{name}__branch3x3dbl_3a", 384, (1, 3)),
            _conv_bn(branch3x3dbl, f"{name}__branch3x3dbl_3b", 384, (3, 1)),
        ],
        f"{name}__branch3x3dbl",
    )
    branch_pool = _same_pool(x, f"{name}__pool", pool)
    branch_pool = _conv_bn(branch_pool, f"{name}__branch_pool", 192, 1)
    return _concat([branch1x1, branch3x3, branch3x3dbl, branch_pool], name)


def _fid_inception_graph(inputs):
    """Pool features and logits of the 2015 graph, for `[-1, 1]` inputs."""
    x = _conv_bn(inputs, "Conv2d_1a_3x3", 32, 3, 2, "valid")
    x = _conv_bn(x, "Conv2d_2a_3x3", 32, 3, padding="valid")
    x = _conv_bn(x, "Conv2d_2b_3x3", 64, 3)
    x = _reduction_pool(x, "maxpool1")
    x = _conv_bn(x, "Conv2d_3b_1x1", 80, 1, padding="valid")
    x = _conv_bn(x, "Conv2d_4a_3x3", 192, 3, padding="valid")
    x = _reduction_pool(x, "maxpool2")
    x = _block_a(x, "Mixed_5b", pool_features=32)
    x = _block_a(x, "Mixed_5c", pool_features=64)
    x = _block_a(x, "Mixed_5d", pool_features=64)
    x = _block_b(x, "Mixed_6a")
    for name, channels_7x7 in (
        ("Mixed_6b", 128),
        ("Mixed_6c", 160),
        ("Mixed_6d", 160),
        ("Mixed_6e", 192),
    ):
        x = _block_c(x, name, channels_7x7)
    x = _block_d(x, "Mixed_7a")
    x = _block_e(x, "Mixed_7b", pool="average")
    # The 2015 graph max-pools here (pytorch-fid's FIDInceptionE_2).
    x = _block_e(x, "Mixed_7c", pool="max")
    pool = keras.layers.GlobalAveragePooling2D(dtype="float32", name="pool")(x)
    logits = keras.layers.Dense(
        NUM_CLASSES, kernel_initializer="zeros", dtype="float32", name="fc"
    )(pool)
    return pool, logits


# === Weights ===


def read_pytorch_fid_weights(path):
    """Reads pytorch-fid's `.pth` state dict as NumPy arrays (needs torch).

    Args:
        path: Path of `pt_inception-2015-12-05-6726825d.pth` (or of any
            state dict of pytorch-fid's `fid_inception_v3()` network).

    Returns:
        A dict from parameter name to `np.ndarray`.
    """
    try:
        import torch
    except ImportError:
        raise ImportError(
            f"Reading the PyTorch weights file {path!r} needs `torch` "
            "(`pip install torch`). Convert it once, on a machine with "
            "torch, with `python -m keras_gan.metrics convert-weights "
            f"{os.path.basename(path)} {CONVERTED_WEIGHTS_FILE}`, then pass "
            "the `.weights.h5` file instead."
        ) from None
    state_dict = torch.load(path, map_location="cpu", weights_only=True)
    return {
        name: tensor.detach().cpu().numpy()
        for name, tensor in state_dict.items()
    }


def _layer_weights_from_state_dict(layer, state_dict):
    """The Keras weights of one layer, from PyTorch's parameters."""
    name = layer.name.replace("__", ".")
    if isinstance(layer, keras.layers.Conv2D):
        # PyTorch kernels are (out, in, height, width).
        return [np.transpose(state_dict[f"{name}.weight"], (2, 3, 1, 0))]
    if isinstance(layer, keras.layers.BatchNormalization):
        return [
            state_dict[f"{name}.{key}"]
            for key in ("weight", "bias", "running_mean", "running_var")
        ]
    if isinstance(layer, keras.layers.Dense):
        return [state_dict[f"{name}.weight"].T, state_dict[f"{name}.bias"]]
    return []


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _keras_cache_dir():
    keras_home = os.environ.get(
        "KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras")
    )
    return os.path.join(keras_home, "models")


def _download_pytorch_fid_weights():
    """Downloads pytorch-fid's weights with Keras and checks their hash."""
    try:
        path = keras.utils.get_file(
            fname=FID_WEIGHTS_FILE,
            origin=FID_WEIGHTS_URL,
            cache_subdir="models",
        )
    except Exception as error:
        raise FileNotFoundError(
            "Could not download the FID Inception weights "
            f"`{FID_WEIGHTS_FILE}` from {FID_WEIGHTS_URL} ({error}). Without "
            "internet, copy that file (or its converted "
            f"`{CONVERTED_WEIGHTS_FILE}`) to this machine and pass its path: "
            "`FIDInceptionV3(weights=path)`."
        ) from None
    if not _sha256(path).startswith(FID_WEIGHTS_SHA256_PREFIX):
        raise ValueError(
            f"The file {path} is not pytorch-fid's `{FID_WEIGHTS_FILE}`: its "
            f"SHA-256 does not start with {FID_WEIGHTS_SHA256_PREFIX}. Delete "
            "it and try again."
        )
    return path


def _check_weights_path(weights):
    """The path of a weights file, or a clear error (before any building)."""
    if not isinstance(weights, (str, os.PathLike)):
        raise ValueError(
            "Invalid value for argument `weights`. Expected "
            '"pytorch-fid", a path to a `.pth` or `.weights.h5` file, or '
            f"None. Received: weights={weights!r}"
        )
    path = os.fspath(weights)
    if not path.endswith((".pth", ".weights.h5")):
        raise ValueError(
            "Invalid value for argument `weights`. Expected a path "
            f"ending in `.pth` (pytorch-fid's `{FID_WEIGHTS_FILE}`) or "
            f"`.weights.h5`. Received: weights={weights!r}"
        )
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"FID Inception weights not found: {path!r}. Expected "
            f"pytorch-fid's `{FID_WEIGHTS_FILE}` (from {FID_WEIGHTS_URL}) "
            "or a `.weights.h5` file converted from it."
        )
    return path


# === Model ===


@keras.saving.register_keras_serializable(package="keras_gan")
class FIDInceptionV3(keras.Model):
    """The Inception network of published FIDs and Inception Scores.

    A Keras port of the 2015 TensorFlow Inception graph that `pytorch-fid`,
    `clean-fid` and `torch-fidelity` use (see the module docstring for how
    it differs from `keras.applications.InceptionV3`). Called on images
    already resized to 299x299 and scaled to `[-1, 1]`, it returns a dict:

    - `"pool"`: the 2048-d pool features of FID, KID and precision/recall;
    - `"logits"`: the 1008 class logits (bias included). The Inception
      Score of papers uses them without the bias (`logits - fc.bias`), as
      `keras_gan.metrics.inception_score` does.

    Use `keras_gan.metrics.fid`, `reference_statistics` and
    `inception_score`, which quantize, resize and scale images before
    calling it, rather than calling it directly.

    Weights: `"pytorch-fid"` loads `fid_inception_v3_2015-12-05.weights.h5`
    from the Keras cache (`~/.keras/models`) if it is there; otherwise it
    downloads pytorch-fid's `pt_inception-2015-12-05-6726825d.pth` with
    `keras.utils.get_file` (checking its hash), converts it (this needs
    `torch`) and writes the `.weights.h5` into the cache, so later loads
    need neither internet nor torch. Offline, the error names the file to
    fetch; pass its path instead.

    Args:
        weights: `"pytorch-fid"`, a path to pytorch-fid's `.pth` file (needs
            `torch`), a path to a `.weights.h5` file written by
            `save_weights`, or `None` for random weights (tests only: such
            values are not FIDs). Defaults to `"pytorch-fid"`.
        input_shape: Shape of the (already resized) images. Defaults to
            `(299, 299, 3)`, the size every published number uses; any
            size from 75x75 works, e.g. `(None, None, 3)`.
        name: Name of the model. Defaults to `"fid_inception_v3"`.

    Example:

    ```python
    extractor = keras_gan.metrics.FIDInceptionV3(
        weights="pt_inception-2015-12-05-6726825d.pth"
    )
    extractor.save_weights("fid_inception_v3_2015-12-05.weights.h5")
    outputs = extractor.predict(images_in_minus1_1_299x299)
    outputs["pool"].shape  # (num_images, 2048)
    ```
    """

    def __init__(
        self,
        weights="pytorch-fid",
        input_shape=(IMAGE_SIZE, IMAGE_SIZE, 3),
        name="fid_inception_v3",
        **kwargs,
    ):
        input_shape = tuple(input_shape)
        if len(input_shape) != 3 or input_shape[-1] != 3:
            raise ValueError(
                "Invalid value for argument `input_shape`. Expected "
                "`(height, width, 3)`. Received: "
                f"input_shape={input_shape!r}"
            )
        if weights is not None and weights != "pytorch-fid":
            _check_weights_path(weights)
        inputs = keras.Input(input_shape, dtype="float32", name="images")
        pool, logits = _fid_inception_graph(inputs)
        super().__init__(
            inputs=inputs,
            outputs={"pool": pool, "logits": logits},
            name=name,
            **kwargs,
        )
        self.image_shape = input_shape
        self.trainable = False
        if weights is None:
            self._randomize_kernels(seed=0)
        else:
            self.load_fid_weights(weights)

    def _randomize_kernels(self, seed):
        """He-normal kernels, drawn with NumPy (fast on every backend)."""
        rng = np.random.default_rng(seed)
        for layer in self.layers:
            if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):
                shape = tuple(layer.kernel.shape)
                fan_in = int(np.prod(shape[:-1]))
                layer.kernel.assign(
                    rng.normal(0.0, np.sqrt(2.0 / fan_in), shape).astype(
                        "float32"
                    )
                )

    def load_fid_weights(self, weights):
        """Loads `"pytorch-fid"`, a `.pth` or a `.weights.h5` file.

        Args:
            weights: As the constructor's `weights` argument (not `None`).
        """
        if weights == "pytorch-fid":
            cached = os.path.join(_keras_cache_dir(), CONVERTED_WEIGHTS_FILE)
            if os.path.exists(cached):
                self.load_weights(cached)
                return
            self.load_state_dict(
                read_pytorch_fid_weights(_download_pytorch_fid_weights())
            )
            self.save_weights(cached)
            return
        path = _check_weights_path(weights)
        if path.endswith(".pth"):
            self.load_state_dict(read_pytorch_fid_weights(path))
        else:
            self.load_weights(path)

    def load_state_dict(self, state_dict):
        """Sets the weights from pytorch-fid's state dict (NumPy arrays).

        Args:
            state_dict: Dict from PyTorch parameter names
                (`"Mixed_5b.branch1x1.conv.weight"`, ...) to arrays, as
                returned by `read_pytorch_fid_weights`.
        """
        missing = []
        assignments = []
        for layer in self.layers:
            try:
                values = _layer_weights_from_state_dict(layer, state_dict)
            except KeyError as error:
                missing.append(error.args[0])
                continue
            for variable, value in zip(layer.weights, values):
                if tuple(variable.shape) != value.shape:
                    raise ValueError(
                        f"The weight `{variable.path}` has shape "
                        f"{tuple(variable.shape)}, but the state dict gives "
                        f"shape {value.shape}. Expected pytorch-fid's "
                        "FID Inception weights."
                    )
                assignments.append((variable, value))
        if missing:
            raise ValueError(
                "The state dict is not that of pytorch-fid's FID Inception "
                f"network: {len(missing)} parameters are missing, e.g. "
                f"{missing[:3]}."
            )
        for variable, value in assignments:
            variable.assign(value.astype("float32"))

    def get_config(self):
        return {
            "weights": None,
            "input_shape": self.image_shape,
            "name": self.name,
        }
