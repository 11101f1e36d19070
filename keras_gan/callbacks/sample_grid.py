"""`SampleGrid`: a grid of generated images from fixed noise every epoch.

The grids are made by `keras_gan.images.make_image_grid`.
"""

import os

import keras
import numpy as np

from keras_gan.images import make_image_grid
from keras_gan.images import resolve_value_range
from keras_gan.images import write_png
from keras_gan.validation import check_positive_int
from keras_gan.validation import is_integer

TENSORBOARD_SUBDIR = "samples"


def _import_tensorflow():
    try:
        import tensorflow as tf
    except ImportError:
        raise ImportError(
            "`SampleGrid(tensorboard_log_dir=...)` logs images with "
            "`tf.summary.image` and needs TensorFlow installed (with any "
            "Keras backend): `pip install tensorflow` (or `tensorflow-cpu`)."
        ) from None
    return tf


@keras.saving.register_keras_serializable(package="keras_gan")
class SampleGrid(keras.callbacks.Callback):
    """Saves a grid of generated images at the end of every `every` epochs.

    The grid is written to `directory/epoch_{epoch:04d}.png` (1-based epoch
    numbers, `epoch_0001.png` after the first epoch). The images come from
    `gan.generate(..., seed=seed)`, so with an integer `seed` every grid
    uses the same latent vectors and the grids show how the generator
    evolves; `gan.generate` samples from the EMA generator when there is one
    (see `GeneratorEMA`).

    For a `keras_gan.ConditionalGAN` (any model with a `num_classes`
    attribute) the labels default to one row per class:
    `per_class = max(1, num_images // num_classes)` images of each class,
    `labels = np.repeat(np.arange(num_classes), per_class)` and `nrow =
    per_class` images per row, so row `c` shows class `c` (`num_images` is
    rounded down to a multiple of `num_classes`). Pass `labels` to choose
    them yourself; then `num_images` is `len(labels)`.

    With `tensorboard_log_dir`, the grid is also logged with
    `tf.summary.image` (tag `"samples"`) to the subdirectory `"samples"` of
    that directory, at step `epoch` (0-based, as the epoch scalars of
    `keras.callbacks.TensorBoard`). Pass the `log_dir` of your
    `keras.callbacks.TensorBoard` callback so the grids appear, in the
    Images tab, as a run `samples` next to the `train` run with the
    losses. TensorBoard logging needs TensorFlow installed, with any Keras
    backend.

    For a translation model (`keras_gan.Pix2Pix`, `keras_gan.CycleGAN`),
    pass `sources` (and optionally `targets`): the grid then shows blocks of
    rows, a row of sources, a row of their translations
    (`model.translate(sources)`) and, with `targets`, a row of targets, with
    `nrow` images per row (defaults to 8); `num_images` and `seed` are not
    used. `direction` is passed to `CycleGAN.translate`.

    Saving PNGs needs Pillow (`pip install pillow`).

    Args:
        directory: Directory of the PNG files; created if missing.
        every: Write a grid at the end of every `every`-th epoch.
            Defaults to 1.
        num_images: Number of images. Defaults to 64.
        seed: Integer seed of the latent vectors (the same images for an
            unchanged generator), or `None` for fresh noise every time.
            Defaults to 0.
        labels: Optional integer class labels of the images, for a
            conditional GAN. Defaults to one row per class (see above).
        value_range: `(low, high)` of the generator's output, or `"auto"`:
            `(-1, 1)` if any value is negative, else `(0, 1)`. Defaults to
            `"auto"`.
        nrow: Images per row. Defaults to `ceil(sqrt(num_images))`, or
            the number of images per class for a conditional GAN.
        tensorboard_log_dir: Optional TensorBoard log directory (see above).
            Defaults to `None`.
        sources: Optional source images of a translation model (see
            above). Defaults to `None`.
        targets: Optional target images, paired with `sources`. Defaults to
            `None`.
        direction: Optional `direction` argument of `translate`, e.g.
            `"b_to_a"` for a CycleGAN. Defaults to `None`.

    Attributes:
        last_grid: The last grid written, a `uint8` array
            `(height, width, channels)`, or `None`.
        last_path: Path of the last PNG written, or `None`.

    Example:

    ```python
    gan.fit(
        images,
        epochs=20,
        callbacks=[
            keras.callbacks.TensorBoard("logs"),
            keras_gan.callbacks.SampleGrid(
                "samples", num_images=64, tensorboard_log_dir="logs"
            ),
        ],
    )
    # samples/epoch_0001.png ... samples/epoch_0020.png
    ```
    """

    def __init__(
        self,
        directory,
        every=1,
        num_images=64,
        seed=0,
        labels=None,
        value_range="auto",
        nrow=None,
        tensorboard_log_dir=None,
        sources=None,
        targets=None,
        direction=None,
    ):
        super().__init__()
        self.sources, self.targets = _check_translation_images(sources, targets)
        self.direction = direction
        check_positive_int("every", every)
        check_positive_int("num_images", num_images)
        if labels is not None:
            labels = np.asarray(labels).reshape(-1)
            if labels.dtype.kind not in "iu" or labels.size == 0:
                raise ValueError(
                    "Invalid value for argument `labels`. Expected a "
                    "non-empty sequence of integer class labels. Received: "
                    f"labels={labels!r}"
                )
        if not isinstance(value_range, str):
            resolve_value_range(np.zeros(1), value_range)
        self.directory = os.fspath(directory)
        self.every = int(every)
        self.num_images = int(num_images)
        self.seed = seed
        self.labels = labels
        self.value_range = value_range
        self.nrow = nrow
        self.tensorboard_log_dir = (
            None if tensorboard_log_dir is None else os.fspath(
                tensorboard_log_dir
            )
        )
        if self.tensorboard_log_dir is not None:
            _import_tensorflow()
        self._writer = None
        self.last_grid = None
        self.last_path = None

    def sample_labels(self):
        """`(labels, nrow)` for the model: labels are `None` when it is
        unconditional."""
        num_classes = getattr(self.model, "num_classes", None)
        if num_classes is None:
            if self.labels is not None:
                raise ValueError(
                    "`SampleGrid` got `labels` but the model has no "
                    "`num_classes`: labels are for conditional GANs."
                )
            return None, self.nrow
        if self.labels is not None:
            return self.labels, self.nrow
        per_class = max(1, self.num_images // num_classes)
        labels = np.repeat(np.arange(num_classes), per_class)
        return labels, self.nrow or per_class

    def generate_grid(self):
        """Generates the images and returns their `uint8` grid."""
        if self.sources is not None:
            return self.translation_grid()
        labels, nrow = self.sample_labels()
        if labels is None:
            images = self.model.generate(self.num_images, seed=self.seed)
        else:
            images = self.model.generate(
                len(labels), labels=labels, seed=self.seed
            )
        return make_image_grid(
            images, nrow=nrow, value_range=self.value_range
        )

    def translation_grid(self):
        """Rows of sources, their translations and (if given) targets."""
        kwargs = {} if self.direction is None else {"direction": self.direction}
        rows = [self.sources, self.model.translate(self.sources, **kwargs)]
        if self.targets is not None:
            rows.append(self.targets)
        per_row = min(len(self.sources), self.nrow or 8)
        blocks = len(self.sources) // per_row
        rows = [np.asarray(r[: blocks * per_row], "float32") for r in rows]
        rows = [r.reshape((blocks, 1, per_row) + r.shape[1:]) for r in rows]
        images = np.concatenate(rows, axis=1).reshape((-1,) + rows[0].shape[3:])
        return make_image_grid(images, nrow=per_row, value_range=self.value_range)

    def on_train_begin(self, logs=None):
        os.makedirs(self.directory, exist_ok=True)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        grid = self.generate_grid()
        path = os.path.join(self.directory, f"epoch_{epoch + 1:04d}.png")
        write_png(grid, path)
        self.last_grid = grid
        self.last_path = path
        if self.tensorboard_log_dir is not None:
            self._log_to_tensorboard(grid, epoch)

    def _log_to_tensorboard(self, grid, step):
        tf = _import_tensorflow()
        if self._writer is None:
            self._writer = tf.summary.create_file_writer(
                os.path.join(self.tensorboard_log_dir, TENSORBOARD_SUBDIR)
            )
        with self._writer.as_default():
            tf.summary.image("samples", grid[None], step=step)
        self._writer.flush()

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def get_config(self):
        return {
            "directory": self.directory,
            "every": self.every,
            "num_images": self.num_images,
            "seed": self.seed,
            "labels": None if self.labels is None else self.labels.tolist(),
            "value_range": self.value_range
            if isinstance(self.value_range, str)
            else list(self.value_range),
            "nrow": self.nrow,
            "tensorboard_log_dir": self.tensorboard_log_dir,
            "sources": None if self.sources is None else self.sources.tolist(),
            "targets": None if self.targets is None else self.targets.tolist(),
            "direction": self.direction,
        }


def _check_translation_images(sources, targets):
    """`sources` and `targets` as float arrays, checked to pair up."""
    if sources is None:
        if targets is not None:
            raise ValueError(
                "Invalid value for argument `targets`: it needs `sources`. "
                "Received: sources=None"
            )
        return None, None
    sources = np.asarray(sources, "float32")
    if sources.ndim < 3 or len(sources) == 0:
        raise ValueError(
            "Invalid value for argument `sources`. Expected a non-empty batch "
            f"of images. Received: shape={sources.shape}"
        )
    if targets is not None:
        targets = np.asarray(targets, "float32")
        if len(targets) != len(sources):
            raise ValueError(
                "Invalid value for argument `targets`. Expected one target "
                f"per source ({len(sources)}). Received: {len(targets)} targets"
            )
    return sources, targets
