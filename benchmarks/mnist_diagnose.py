"""Where a saved MNIST GAN's judge FID comes from.

`benchmarks/mnist_recipe.py` scores a GAN by the FID of 5,000 samples on its
judge's features. This script takes saved GANs (`mnist_recipe.py run
--save PATH`, or the example's `gan.keras`) and scores variants of their
samples and of the real images on the same judge, to say which property of
the samples the FID measures:

- real images changed in one way (shifted by one pixel, blurred, with
  noise, drawn with the sample's class shares): how much each change alone
  costs on these features;
- the sample as `gan.generate` gives it; a pool of 20,000 samples redrawn
  so that each digit class (by the judge) has its real share, without
  repeats (what perfect class balance would give); the pool resampled by
  the discriminator's logits (`exp(logit / T)`, discriminator rejection
  sampling's weights); the truncation trick; the sample with each digit
  moved by whole pixels so that its centre of mass lies where the real
  digits' do on average (MNIST centres its digits this way); the spread of
  the digits' centres of mass against the real ones'.

Usage:

```
python benchmarks/mnist_recipe.py run --setting default --save out/gan.keras
python benchmarks/mnist_diagnose.py out/gan.keras
```
"""

import argparse
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mnist_recipe  # noqa: E402

POOL = 20000
POOL_SEED = 11
TEMPERATURES = (2.0, 1.0)


def centre_of_mass(images):
    """`(N, 2)` centres of mass (row, column) of `[-1, 1]` images' ink."""
    import numpy as np

    ink = (np.asarray(images, "float64")[..., 0] + 1.0) / 2.0
    total = ink.sum(axis=(1, 2))
    rows = np.arange(ink.shape[1])
    cols = np.arange(ink.shape[2])
    return np.stack([
        (ink.sum(axis=2) * rows).sum(axis=1) / total,
        (ink.sum(axis=1) * cols).sum(axis=1) / total,
    ], axis=1)


def recentre(images, centre):
    """`images` (`[-1, 1]`, background -1) each moved by whole pixels so
    that its centre of mass is as near `centre` (row, column) as whole
    pixels allow; what leaves the frame is cut, what enters is background."""
    import numpy as np

    images = np.asarray(images)
    moves = np.rint(np.asarray(centre) - centre_of_mass(images)).astype(int)
    moved = np.full_like(images, -1.0)
    height, width = images.shape[1:3]
    for out, image, (down, right) in zip(moved, images, moves):
        rows = slice(max(down, 0), height + min(down, 0))
        cols = slice(max(right, 0), width + min(right, 0))
        out[rows, cols] = image[
            max(-down, 0):height - max(down, 0),
            max(-right, 0):width - max(right, 0),
        ]
    return moved


def real_rows(judge, x, shares):
    """`(variant, FID)` of the real images changed one way at a time."""
    import numpy as np
    import scipy.ndimage

    rng = np.random.default_rng(0)

    def fid(images):
        return judge.fid(np.asarray(images, "float32"))

    return [
        ("real, shifted right by 1 pixel", fid(np.roll(x, 1, axis=2))),
        ("real, blurred (Gaussian, sigma 0.5 pixel)",
         fid(scipy.ndimage.gaussian_filter(x, sigma=(0, 0.5, 0.5, 0)))),
        ("real, Gaussian noise 0.05",
         fid(np.clip(x + rng.normal(0, 0.05, x.shape), -1, 1))),
        ("real, Gaussian noise 0.1",
         fid(np.clip(x + rng.normal(0, 0.1, x.shape), -1, 1))),
        ("real, drawn with the sample's class shares",
         judge.imbalance_fid(shares)),
    ]


def sample_rows(judge, gan, sample, centre):
    """`(variant, FID, smallest share, largest share)` of the GAN's
    `sample` (`gan.generate(NUM_SAMPLES, seed=SAMPLE_SEED)`) and of the same
    GAN's samples chosen or drawn differently."""
    import keras
    import numpy as np

    def row(name, images):
        shares = judge.shares(images)
        return name, judge.fid(images), shares.min(), shares.max()

    num = mnist_recipe.NUM_SAMPLES
    rows = [row("the sample (`gan.generate`)", sample)]
    pool = gan.generate(POOL, seed=POOL_SEED)
    classes = judge.classes(pool)
    rng = np.random.default_rng(0)
    per_class = num // 10
    if np.bincount(classes, minlength=10).min() >= per_class:
        balanced = np.concatenate([
            rng.choice(np.flatnonzero(classes == label), per_class,
                       replace=False)
            for label in range(10)
        ])
        rows.append(row("a pool of 20,000 redrawn to the real shares "
                        "(no repeats)", pool[balanced]))
    logits = keras.ops.convert_to_numpy(
        gan.discriminator.predict(pool, batch_size=250, verbose=0)
    ).astype("float64")[:, 0]
    for temperature in TEMPERATURES:
        weights = np.exp((logits - logits.max()) / temperature)
        chosen = rng.choice(POOL, num, replace=False,
                            p=weights / weights.sum())
        rows.append(row(f"the pool resampled by the discriminator, "
                        f"T = {temperature:g}", pool[chosen]))
    rows.append(row("the sample, each digit moved by whole pixels to the "
                    "real digits' mean centre of mass",
                    recentre(sample, centre)))
    rows.append(row("truncation 2.0",
                    gan.generate(num, seed=mnist_recipe.SAMPLE_SEED,
                                 truncation=2.0)))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", help=".keras files of GANs")
    args = parser.parse_args(argv)

    import keras
    import numpy as np

    import keras_gan  # noqa: F401  (registers the GAN classes)

    example = mnist_recipe.load_example()
    x, y = example.load_mnist_subset()
    judge = mnist_recipe.Judge(example, x, y)
    print(f"judge floor (2,500 real against 2,500): {judge.floor:.2f}")
    real_centres = centre_of_mass(x)
    real_spread = real_centres.std(axis=0)
    for path in args.paths:
        gan = keras.models.load_model(path)
        sample = gan.generate(mnist_recipe.NUM_SAMPLES,
                              seed=mnist_recipe.SAMPLE_SEED)
        shares = judge.shares(sample)
        spread = centre_of_mass(sample).std(axis=0)
        print(f"\n## {path}\n")
        print("centre of mass, std (rows, columns) in pixels: "
              f"sample {spread[0]:.2f}, {spread[1]:.2f}; "
              f"real {real_spread[0]:.2f}, {real_spread[1]:.2f}\n")
        print("| variant | FID | smallest / largest share |")
        print("|---|---|---|")
        for name, fid, low, high in sample_rows(
            judge, gan, sample, real_centres.mean(axis=0)
        ):
            print(f"| {name} | {fid:.2f} | {low:.3f} / {high:.3f} |")
        for name, fid in real_rows(judge, x, shares):
            print(f"| {name} | {fid:.2f} | - |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
