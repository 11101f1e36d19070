"""A callback that saves a grid of latent-space walks during training."""

import os

import keras
import numpy as np

from keras_gan import sampling
from keras_gan.images import make_image_grid
from keras_gan.images import write_png
from keras_gan.validation import check_positive_int

INTERPOLATIONS = {"slerp": sampling.slerp, "lerp": sampling.lerp}


@keras.saving.register_keras_serializable(package="keras_gan")
class LatentWalk(keras.callbacks.Callback):
    """Saves a grid of interpolations between latent vectors.

    Each of the `num_rows` rows walks from one latent vector to another in
    `num_steps` evenly spaced steps (`slerp` or `lerp`, see
    `keras_gan.sampling`), and shows the images the sampling generator (the
    EMA copy when there is one) makes of them. The end points are drawn
    once from the GAN's prior with `seed` (and `truncation`), so every grid
    walks the same paths and shows how the generator evolves; a smooth walk
    is a sign the generator did not memorize samples. The grid is written to
    `directory/walk_{epoch:04d}.png` (1-based epochs) at the end of every
    `every`-th epoch. For a conditional GAN (a model with `num_classes`),
    row `r` shows class `r % num_classes`.

    Saving PNGs needs Pillow (`pip install pillow`).

    Args:
        directory: Directory of the PNG files; created if missing.
        num_rows: Positive integer, number of walks. Defaults to `4`.
        num_steps: Integer >= 2, images per walk, end points included.
            Defaults to `8`.
        interpolation: `"slerp"` or `"lerp"`. Defaults to `"slerp"`.
        every: Write a grid every `every` epochs. Defaults to `1`.
        seed: Integer seed of the end points. Defaults to `0`.
        truncation: Optional truncation threshold of the end points (see
            `keras_gan.sampling.truncated_latents`). Defaults to `None`.

    Attributes:
        last_grid: The last `uint8` grid written, or `None`.
        last_path: Path of the last PNG written, or `None`.

    Example:

    ```python
    gan.fit(
        images,
        epochs=20,
        callbacks=[keras_gan.callbacks.LatentWalk("walks", num_rows=4)],
    )
    # walks/walk_0001.png ... walks/walk_0020.png
    ```
    """

    def __init__(
        self,
        directory,
        num_rows=4,
        num_steps=8,
        interpolation="slerp",
        every=1,
        seed=0,
        truncation=None,
    ):
        super().__init__()
        check_positive_int("num_rows", num_rows)
        check_positive_int("every", every)
        if not isinstance(num_steps, int) or num_steps < 2:
            raise ValueError(
                "Invalid value for argument `num_steps`. Expected an integer "
                f">= 2. Received: num_steps={num_steps!r}"
            )
        if interpolation not in INTERPOLATIONS:
            raise ValueError(
                "Invalid value for argument `interpolation`. Expected one of "
                f"{list(INTERPOLATIONS)}. Received: "
                f"interpolation={interpolation!r}"
            )
        self.directory = os.fspath(directory)
        self.num_rows = int(num_rows)
        self.num_steps = int(num_steps)
        self.interpolation = interpolation
        self.every = int(every)
        self.seed = seed
        self.truncation = sampling.check_truncation(truncation)
        self.last_grid = None
        self.last_path = None

    def walk_latents(self):
        """The `(num_rows * num_steps, latent_dim)` latents of the grid."""
        ends = keras.ops.convert_to_numpy(
            self.model.noise_for_generation(
                2 * self.num_rows, self.seed, self.truncation
            )
        )
        start, end = ends[: self.num_rows], ends[self.num_rows :]
        fractions = np.linspace(0.0, 1.0, self.num_steps)
        path = INTERPOLATIONS[self.interpolation](start, end, fractions)
        # (steps, rows, dim) -> row-major grid order (rows, steps, dim).
        return np.swapaxes(path, 0, 1).reshape(-1, start.shape[-1])

    def walk_labels(self):
        """Class of every image, or `None` for an unconditional model."""
        num_classes = getattr(self.model, "num_classes", None)
        if num_classes is None:
            return None
        rows = np.arange(self.num_rows) % num_classes
        return np.repeat(rows, self.num_steps).astype("int32").reshape(-1, 1)

    def generate_grid(self):
        """Generates the walks and returns their `uint8` grid."""
        noise = keras.ops.convert_to_tensor(self.walk_latents())
        labels = self.walk_labels()
        if labels is not None:
            labels = keras.ops.convert_to_tensor(labels)
        images = self.model.call_generator(
            noise,
            labels,
            training=False,
            generator=self.model.sampling_generator,
        )
        return make_image_grid(
            keras.ops.convert_to_numpy(images), nrow=self.num_steps
        )

    def on_train_begin(self, logs=None):
        os.makedirs(self.directory, exist_ok=True)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        grid = self.generate_grid()
        path = os.path.join(self.directory, f"walk_{epoch + 1:04d}.png")
        write_png(grid, path)
        self.last_grid, self.last_path = grid, path

    def get_config(self):
        return {
            "directory": self.directory,
            "num_rows": self.num_rows,
            "num_steps": self.num_steps,
            "interpolation": self.interpolation,
            "every": self.every,
            "seed": self.seed,
            "truncation": self.truncation,
        }
