"""
Title: A GAN on a ring of eight Gaussians
Author: keras_gan contributors
Date created: 2026/11/23
Last modified: 2026/12/05
Description: Train the `keras_gan` recipe for low-dimensional data,
    sampled from a generator EMA, on the classic 2-D mode-collapse
    benchmark and plot real against generated points.
Accelerator: None (a couple of minutes on 2 CPU cores)
"""

"""
## Introduction

A GAN *collapses* when its generator covers only part of the data: it finds
a few outputs that fool the discriminator and stops exploring. The ring of
eight Gaussians (Metz et al. 2017, "Unrolled Generative Adversarial
Networks"; Srivastava et al. 2017, "VEEGAN") makes collapse easy to see:
the data are eight tight clusters (standard deviation 0.02) evenly spaced on
a circle of radius 2, so a plot shows at a glance which clusters, or
*modes*, the generator reaches.

This example trains small MLPs with the library's default loss and penalty
(`gan.compile()` with no loss or penalty arguments: the non-saturating loss
with an R1 gradient penalty on real data), the optimizers of the recipe for
low-dimensional data (Adam with learning rate 5e-4 and betas (0, 0.99)), and
samples from an exponential moving average (EMA, decay 0.999) of the
generator's weights. `benchmarks/default_recipe.py` compares this recipe
with other losses, penalties, learning rates, network sizes and packing on
this data set; its tables, with seeds, are in `docs/benchmarks.md`.

```
python examples/ring_2d.py                          # about 1-3 minutes
python examples/ring_2d.py --epochs 2 --steps-per-epoch 20   # smoke test
```

It writes `ring_2d.png` (real and generated points side by side),
`progress.png` (generated points during training) and the trained model,
`ring_gan.keras`, to `--out`.

## Setup
"""

import argparse
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402

"""
## Data

Each point picks one of the eight modes uniformly and adds Gaussian noise.
The training set holds `steps_per_epoch * batch_size` points (25,600 with
the defaults), large enough that the discriminator cannot memorize it;
`fit()` shuffles it every epoch.
"""

NUM_MODES = 8
RADIUS = 2.0
STD = 0.02


def ring_means():
    angles = 2.0 * np.pi * np.arange(NUM_MODES) / NUM_MODES
    return RADIUS * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def sample_ring(num_samples, seed=None):
    rng = np.random.default_rng(seed)
    modes = rng.integers(0, NUM_MODES, size=num_samples)
    noise = STD * rng.standard_normal((num_samples, 2))
    return (ring_means()[modes] + noise).astype("float32")


"""
## Measuring mode coverage

Two numbers summarize a set of generated points:

- *high quality*: the share of points within 3 standard deviations (0.06)
  of the nearest mode;
- *modes covered*: how many modes receive at least 1% of the points as
  high quality points.

A perfect generator scores about 99% and 8 modes; a collapsed one covers
fewer modes, and one that smears points between the clusters has a low
high quality share.
"""


def mode_coverage(samples):
    distances = np.linalg.norm(
        samples[:, None, :] - ring_means()[None], axis=-1
    )
    good = distances.min(axis=1) <= 3 * STD
    per_mode = np.bincount(distances.argmin(axis=1)[good], minlength=NUM_MODES)
    modes = int(np.sum(per_mode >= 0.01 * len(samples)))
    return modes, float(np.mean(good)), per_mode


"""
## The GAN

The generator maps 2-D Gaussian noise through three hidden layers of 128
ReLU units to a point in the plane; the discriminator mirrors it with
LeakyReLU units and outputs one logit. `gan.compile()` keeps the default
loss and penalty (non-saturating, R1 of weight 1) and gets the recipe for
low-dimensional data: Adam with learning rate 5e-4 and betas (0, 0.99) for
both networks. `ema={"decay": 0.999}` keeps an average of the generator's
weights, which `generate()` samples from. The raw generator's clusters
jitter around the modes from step to step; their average does not.
"""


def build_gan(latent_dim=2, seed=0):
    generator = keras_gan.models.mlp_generator(
        latent_dim, output_dim=2, hidden_units=(128, 128, 128)
    )
    discriminator = keras_gan.models.mlp_discriminator(
        input_dim=2, hidden_units=(128, 128, 128)
    )
    gan = keras_gan.GAN(
        generator,
        discriminator,
        latent_dim=latent_dim,
        seed=seed,
        ema={"decay": 0.999},
    )
    # `steps_per_execution` runs several steps per call into the compiled
    # graph; with networks this small it makes training several times faster.
    # The PyTorch backend runs eagerly and takes only 1.
    gan.compile(
        d_optimizer=keras.optimizers.Adam(5e-4, beta_1=0.0, beta_2=0.99),
        g_optimizer=keras.optimizers.Adam(5e-4, beta_1=0.0, beta_2=0.99),
        steps_per_execution=1 if keras.backend.backend() == "torch" else 25,
    )
    return gan


"""
## Watching training

A small callback keeps generated points (always from the same noise) at a
few epochs, so that we can see the generator spread over the ring.
"""


class Snapshots(keras.callbacks.Callback):
    def __init__(self, epochs, num_snapshots=6, num_samples=1000):
        super().__init__()
        self.snapshot_epochs = set(
            np.unique(np.linspace(1, epochs, num_snapshots).round().astype(int))
        )
        self.num_samples = num_samples
        self.snapshots = {}

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 in self.snapshot_epochs:
            self.snapshots[epoch + 1] = self.model.generate(
                self.num_samples, seed=1
            )


"""
## Plots
"""

LIMIT = 2.8


def _scatter(ax, points, color, title):
    ax.scatter(points[:, 0], points[:, 1], s=2, alpha=0.5, c=color)
    means = ring_means()
    ax.scatter(means[:, 0], means[:, 1], s=60, marker="+", c="black", lw=1)
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(-LIMIT, LIMIT)
    ax.set_aspect("equal")
    ax.set_title(title)


def plot_real_vs_generated(real, fake, path):
    modes, quality, _ = mode_coverage(fake)
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.6))
    _scatter(axes[0], real, "tab:blue", f"Real ({len(real)} points)")
    _scatter(
        axes[1],
        fake,
        "tab:orange",
        f"Generated: {modes}/8 modes, {100 * quality:.0f}% high quality",
    )
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_progress(snapshots, path):
    epochs = sorted(snapshots)
    fig, axes = plt.subplots(
        1, len(epochs), figsize=(2.6 * len(epochs), 2.9), squeeze=False
    )
    for ax, epoch in zip(axes[0], epochs):
        modes, quality, _ = mode_coverage(snapshots[epoch])
        _scatter(ax, snapshots[epoch], "tab:orange", f"epoch {epoch}")
        ax.set_xlabel(f"{modes}/8 modes, {100 * quality:.0f}% HQ")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


"""
## Training and results

The defaults run 100 epochs of 100 steps at batch size 256, 10,000
generator steps in all. After training we generate 2,000 points, print the
coverage metrics and save the plots. Expect all 8 modes, with most of the
points within 3 standard deviations of a mode; the rest lie on thin
"bridges" between the clusters, which a generator with a 2-D latent space
must stretch to reach every mode.
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--steps-per-epoch", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--out", default=os.path.join("out", "ring_2d"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    keras.utils.set_random_seed(args.seed)
    data = sample_ring(args.steps_per_epoch * args.batch_size, seed=args.seed)
    gan = build_gan(seed=args.seed)
    snapshots = Snapshots(args.epochs)

    start = time.perf_counter()
    history = gan.fit(
        data,
        epochs=args.epochs,
        batch_size=args.batch_size,
        callbacks=[snapshots],
        verbose=0,
    )
    seconds = time.perf_counter() - start
    final = {k: float(v[-1]) for k, v in history.history.items()}
    print(
        f"Trained {args.epochs * args.steps_per_epoch} steps in "
        f"{seconds:.0f} s; last epoch: "
        + ", ".join(f"{k}={v:.3f}" for k, v in sorted(final.items()))
    )

    fake = gan.generate(2000, seed=0)
    modes, quality, per_mode = mode_coverage(fake)
    print(
        f"Generated 2000 points: {modes}/8 modes covered, "
        f"{100 * quality:.1f}% high quality, per mode {per_mode.tolist()}"
    )

    real = sample_ring(2000, seed=args.seed + 1)
    plot_real_vs_generated(real, fake, os.path.join(args.out, "ring_2d.png"))
    plot_progress(snapshots.snapshots, os.path.join(args.out, "progress.png"))
    model_path = os.path.join(args.out, "ring_gan.keras")
    gan.save(model_path)
    print(f"Wrote ring_2d.png, progress.png and ring_gan.keras to {args.out}")
    return {
        "modes_covered": modes,
        "high_quality": quality,
        "per_mode": per_mode.tolist(),
        "training_seconds": seconds,
        "model_path": model_path,
        "plot_path": os.path.join(args.out, "ring_2d.png"),
        "progress_path": os.path.join(args.out, "progress.png"),
    }


if __name__ == "__main__":
    main()
