"""
Title: Tabular data augmentation with a conditional GAN
Author: keras_gan contributors
Date created: 2026/11/23
Last modified: 2026/11/23
Description: Train a conditional GAN on a small labelled table and test,
    honestly, whether its synthetic rows help a classifier.
Accelerator: None needed (about a minute on a CPU)
"""

"""
## Introduction

When only a few labelled rows are available, it is tempting to train a GAN
on them and add its synthetic rows to the training set. Does it help? This
example measures it instead of assuming it:

1. Take a tabular dataset from scikit-learn (breast cancer, 30 features,
   2 classes; or wine, 13 features, 3 classes) and split it into a held-out
   test set and a pool. From the pool draw a **small** training set, e.g.
   40 rows: that is all the "real" data we pretend to have.
2. Standardize the features with the small set's statistics and train a
   `keras_gan.ConditionalGAN` (MLP generator, projection MLP discriminator)
   on the small set only.
3. Train the same classifier (logistic regression) twice: on the small set,
   and on the small set plus synthetic rows with balanced labels. Evaluate
   both on the same test set.

The test set is never seen by the GAN, the scaler or the classifiers. The
experiment is repeated over a few random draws of the small set, because a
single draw of 40 rows is very noisy.

```
python examples/tabular_augmentation.py
python examples/tabular_augmentation.py --dataset wine --train-size 30
```

## Setup
"""

import argparse
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.datasets import load_wine  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import keras_gan  # noqa: E402

DATASETS = {"breast_cancer": load_breast_cancer, "wine": load_wine}

"""
## Data

`small_split` draws a stratified training set of `train_size` rows from
the pool; the test set is fixed across repeats.
"""


def load_table(name, test_size, seed):
    data = DATASETS[name]()
    x = data.data.astype("float32")
    y = data.target.astype("int32")
    x_pool, x_test, y_pool, y_test = train_test_split(
        x, y, test_size=test_size, stratify=y, random_state=seed
    )
    return x_pool, y_pool, x_test, y_test


def small_split(x_pool, y_pool, train_size, seed):
    x_small, _, y_small, _ = train_test_split(
        x_pool,
        y_pool,
        train_size=train_size,
        stratify=y_pool,
        random_state=seed,
    )
    return x_small, y_small


"""
## The conditional GAN

An MLP generator maps `[z, label]` to a standardized row; the
discriminator uses projection conditioning. The output is linear (no
`tanh`): standardized features are unbounded. The recipe is the library
default (non-saturating loss with an R1 penalty) with a higher learning
rate than for images, and an EMA of the generator for sampling.

With a few dozen rows an "epoch" is one or two batches, so the rows are
repeated to make epochs of `rows_per_epoch` rows: the same number of
updates with far less per-epoch overhead.
"""


def train_gan(x, y, num_classes, args, seed):
    num_features = x.shape[1]
    generator = keras_gan.models.mlp_generator(
        args.latent_dim,
        num_features,
        hidden_units=(128, 128),
        num_classes=num_classes,
    )
    discriminator = keras_gan.models.mlp_discriminator(
        num_features, hidden_units=(128, 128), num_classes=num_classes
    )
    gan = keras_gan.ConditionalGAN(
        generator,
        discriminator,
        latent_dim=args.latent_dim,
        num_classes=num_classes,
        seed=seed,
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.5),
        loss="non_saturating",
        penalty=keras_gan.penalties.R1Penalty(weight=1.0),
    )
    repeats = max(1, args.rows_per_epoch // len(x))
    gan.fit(
        np.tile(x, (repeats, 1)),
        np.tile(y, repeats),
        epochs=args.epochs,
        batch_size=args.batch_size,
        callbacks=[keras_gan.callbacks.GeneratorEMA(decay=0.99)],
        verbose=0,
    )
    return gan


"""
## Classifier with and without synthetic rows

Synthetic rows get balanced labels (the same number for each class).
"""


def classifier_accuracy(x_train, y_train, x_test, y_test):
    classifier = LogisticRegression(max_iter=2000)
    classifier.fit(x_train, y_train)
    return float(classifier.score(x_test, y_test))


def run_once(x_pool, y_pool, x_test, y_test, num_classes, args, seed):
    keras.utils.set_random_seed(seed)
    x_small, y_small = small_split(x_pool, y_pool, args.train_size, seed)
    scaler = StandardScaler().fit(x_small)
    x_small = scaler.transform(x_small).astype("float32")
    x_test = scaler.transform(x_test).astype("float32")

    gan = train_gan(x_small, y_small, num_classes, args, seed)
    labels = np.arange(args.synthetic) % num_classes
    x_synthetic = gan.generate(args.synthetic, labels=labels, seed=seed)

    real_only = classifier_accuracy(x_small, y_small, x_test, y_test)
    augmented = classifier_accuracy(
        np.concatenate([x_small, x_synthetic]),
        np.concatenate([y_small, labels]),
        x_test,
        y_test,
    )
    # How good are the synthetic rows on their own?
    synthetic_only = classifier_accuracy(x_synthetic, labels, x_test, y_test)
    return real_only, augmented, synthetic_only


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument(
        "--dataset", choices=sorted(DATASETS), default="breast_cancer"
    )
    parser.add_argument("--train-size", type=int, default=40)
    parser.add_argument("--test-size", type=float, default=0.4)
    parser.add_argument("--synthetic", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--rows-per-epoch", type=int, default=640)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--latent-dim", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None):
    """Runs the experiment; returns the accuracies (means over repeats)."""
    args = parse_args(argv)
    x_pool, y_pool, x_test, y_test = load_table(
        args.dataset, args.test_size, args.seed
    )
    num_classes = int(y_pool.max()) + 1
    print(
        f"{args.dataset}: {x_pool.shape[1]} features, {num_classes} "
        f"classes; {args.train_size} training rows per repeat, "
        f"{len(x_test)} test rows, {args.synthetic} synthetic rows"
    )
    runs = []
    for repeat in range(args.repeats):
        scores = run_once(
            x_pool,
            y_pool,
            x_test,
            y_test,
            num_classes,
            args,
            seed=args.seed + repeat,
        )
        runs.append(scores)
        print(
            f"repeat {repeat}: real only {scores[0]:.3f}, real + synthetic "
            f"{scores[1]:.3f}, synthetic only {scores[2]:.3f}"
        )
    runs = np.asarray(runs)
    results = {
        "real_accuracy": float(runs[:, 0].mean()),
        "augmented_accuracy": float(runs[:, 1].mean()),
        "synthetic_only_accuracy": float(runs[:, 2].mean()),
        "real_accuracies": runs[:, 0].tolist(),
        "augmented_accuracies": runs[:, 1].tolist(),
    }
    difference = results["augmented_accuracy"] - results["real_accuracy"]
    std_error = float(
        np.std(runs[:, 1] - runs[:, 0], ddof=1) / np.sqrt(len(runs))
        if len(runs) > 1
        else float("nan")
    )
    results["difference"] = difference
    print(
        f"\nTest accuracy, mean of {len(runs)} repeats:\n"
        f"  real only:          {results['real_accuracy']:.3f}\n"
        f"  real + synthetic:   {results['augmented_accuracy']:.3f}\n"
        f"  synthetic only:     {results['synthetic_only_accuracy']:.3f}\n"
        f"  difference:         {difference:+.3f} (standard error "
        f"{std_error:.3f})"
    )
    print(interpretation(difference, std_error))
    return results


"""
## Interpreting the result

A GAN trained on the small set can only re-express what is in those rows:
it adds no information about the test distribution. At best, synthetic
rows act as a smoothing regularizer (like adding noise around the real
points); at worst, rows drawn from a poorly fitted generator move the
decision boundary away from the real one. With a strong, well-regularized
classifier such as logistic regression on standardized features, expect
the difference to be small, often within the noise of the repeats. Report
the number you measure, over several repeats, before relying on it.

With the defaults (breast cancer, 40 real training rows, 400 synthetic
rows, 5 repeats) we measured a test accuracy of 0.940 on the real rows
alone and 0.934 with the synthetic rows added (difference -0.006, standard
error 0.006): no benefit. A classifier trained on the synthetic rows alone
reached 0.924, so the generator did learn the class structure; it just
cannot add information that the 40 real rows did not contain.
"""


def interpretation(difference, std_error):
    if not np.isfinite(std_error) or abs(difference) <= 2 * std_error:
        return (
            "Interpretation: the difference is within about two standard "
            "errors of zero: no measurable benefit (or harm) from the "
            "synthetic rows at this size."
        )
    if difference > 0:
        return (
            "Interpretation: the synthetic rows helped on this test set, by "
            "more than two standard errors; check that it holds on other "
            "splits and sizes before relying on it."
        )
    return (
        "Interpretation: the synthetic rows hurt: the generator's "
        "distribution differs from the real one enough to mislead the "
        "classifier."
    )


if __name__ == "__main__":
    main()
