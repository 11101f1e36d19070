"""Training step time of the MNIST GAN with each building block added.

Every variant trains `keras_gan.GAN` on the 5,000-image MNIST subset of
`benchmarks/_common.py` (28x28x1, latent 128, batch 64, `gan.compile()`
defaults: non-saturating loss + R1, Adam(2e-4, 0.5); `--recipe example`:
the MNIST example's loss, penalties and Adam, read from its `RECIPE`, and
`GeneratorEMA(0.99)`, sampled from the average) in a fresh subprocess
on one backend (`--backend`, default tensorflow), warms up for 2 steps,
then times `--blocks` `fit()` calls of `--steps` steps. Reported: median
wall ms/step, median CPU ms/step (all threads; steadier than wall time on a
shared CPU) and the CPU-time ratio to the DCGAN baseline.

Variants:

* `dcgan`: `dcgan_generator` / `dcgan_discriminator`, 64 filters, the
  backend's default upsampling.
* `dcgan_resize`: the same with `upsampling="resize"`.
* `resnet`: `resnet_generator` / `resnet_discriminator` (spectral norm in
  D), 64 filters.
* `resnet_attention`: + `SelfAttention` in G and D.
* `resnet_mbstd`: + `MinibatchStandardDeviation` in D.
* `dcgan_ada_bgc`: DCGAN + `AdaptiveAugment(pipeline="bgc")` at p = 0.5.
* `dcgan_ada_diffaugment`: DCGAN + `AdaptiveAugment()` (DiffAugment ops)
  at p = 0.5.

With `--fid-steps N`, each variant then trains on to `N` steps in all
(`fit` with whole epochs of the 5,000 images, the same seed) and is scored
with a judge FID: `--fid-samples` generated images against as many real
ones, on the features of one digit classifier that the parent process
trains once (`keras_gan.metrics.train_feature_classifier`, 3 epochs, seed
0) and hands to every worker as a `.keras` file. The real-vs-real floor
(two disjoint sets of real images of that size) is printed for scale.

Usage:

```
python benchmarks/building_blocks.py                 # ~10 min on 2 CPUs
python benchmarks/building_blocks.py --quick         # smoke test
python benchmarks/building_blocks.py --recipe example --base-filters 32 \\
    --fid-steps 790
```
"""

import argparse
import gc
import json
import os
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

VARIANTS = (
    "dcgan",
    "dcgan_resize",
    "resnet",
    "resnet_attention",
    "resnet_mbstd",
    "dcgan_ada_bgc",
    "dcgan_ada_diffaugment",
)


def build_gan(variant, filters):
    import keras

    import keras_gan

    keras.utils.set_random_seed(0)
    shape, latent = _common.IMAGE_SHAPE, _common.LATENT_DIM
    if variant.startswith("resnet"):
        attention = variant == "resnet_attention"
        generator = keras_gan.models.resnet_generator(
            latent, shape, base_filters=filters, self_attention=attention
        )
        discriminator = keras_gan.models.resnet_discriminator(
            shape,
            base_filters=filters,
            self_attention=attention,
            minibatch_std=variant == "resnet_mbstd",
        )
    else:
        upsampling = "resize" if variant == "dcgan_resize" else None
        generator = keras_gan.models.dcgan_generator(
            latent, shape, base_filters=filters, upsampling=upsampling
        )
        discriminator = keras_gan.models.dcgan_discriminator(
            shape, base_filters=filters
        )
    augmentation = None
    if variant.startswith("dcgan_ada"):
        pipeline = "bgc" if variant == "dcgan_ada_bgc" else None
        augmentation = keras_gan.augment.AdaptiveAugment(
            pipeline=pipeline, initial_probability=0.5, seed=0
        )
    gan = keras_gan.GAN(
        generator, discriminator, latent_dim=latent,
        augmentation=augmentation, seed=0,
    )
    return gan


def worker(args):
    import keras_gan

    x, _ = _common.load_images()
    gan = build_gan(args.variant, args.base_filters)
    _common.compile_recipe(gan, args.recipe)
    callbacks = []
    if args.recipe == "example":
        callbacks.append(keras_gan.callbacks.GeneratorEMA(0.99))

    def run(steps):
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        gan.fit(x, batch_size=_common.BATCH_SIZE, steps_per_epoch=steps,
                epochs=1, verbose=0, callbacks=callbacks)
        return time.perf_counter() - t, time.process_time() - c

    run(2)
    wall, cpu = [], []
    for _ in range(args.blocks):
        seconds, cpu_seconds = run(args.steps)
        wall.append(seconds / args.steps * 1e3)
        cpu.append(cpu_seconds / args.steps * 1e3)
    result = {"ms": wall, "cpu_ms": cpu}
    if args.fid_steps:
        done = 2 + args.blocks * args.steps
        epochs = max(1, round((args.fid_steps - done) / (len(x) // 64)))
        gan.fit(x, batch_size=_common.BATCH_SIZE, epochs=epochs, verbose=0,
                callbacks=callbacks)
        result["fid"] = judge_fid(gan, x, args)
    print("RESULT " + json.dumps(result), flush=True)


def judge_features(judge, images):
    from keras_gan.callbacks.gan_quality import extract_features

    return extract_features(judge, images, 250)


def real_feature_sets(judge, x, num_samples):
    """Features of two disjoint seeded sets of `num_samples` real images."""
    import numpy as np

    order = np.random.default_rng(0).permutation(len(x))
    return (
        judge_features(judge, x[order[:num_samples]]),
        judge_features(judge, x[order[num_samples : 2 * num_samples]]),
    )


def judge_fid(gan, x, args):
    import keras

    import keras_gan

    judge = keras.models.load_model(args.judge)
    reference, _ = real_feature_sets(judge, x, args.fid_samples)
    fake = gan.generate(args.fid_samples, seed=1)
    return float(keras_gan.metrics.frechet_distance(
        reference, judge_features(judge, fake)
    ))


def train_judge(args):
    """Trains the digit classifier in the parent; returns the FID floor."""
    import keras_gan

    x, y = _common.load_labeled_images()
    judge = keras_gan.metrics.train_feature_classifier(
        x, y, num_classes=10, epochs=3, seed=0
    )
    judge.save(args.judge)
    first, second = real_feature_sets(judge, x, args.fid_samples)
    return float(keras_gan.metrics.frechet_distance(first, second))


def run_worker(variant, args):
    env = dict(os.environ, KERAS_BACKEND=args.backend)
    command = [
        sys.executable, os.path.abspath(__file__), "--worker",
        "--variant", variant, "--backend", args.backend,
        "--steps", str(args.steps), "--blocks", str(args.blocks),
        "--base-filters", str(args.base_filters),
        "--fid-steps", str(args.fid_steps), "--judge", str(args.judge),
        "--fid-samples", str(args.fid_samples), "--recipe", args.recipe,
    ]
    return _common.run_worker(command, env)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", default="tensorflow")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--blocks", type=int, default=2)
    parser.add_argument("--base-filters", type=int, default=_common.BASE_FILTERS)
    parser.add_argument("--fid-steps", type=int, default=0,
                        help="train each variant this long and score it")
    parser.add_argument("--fid-samples", type=int, default=2000)
    parser.add_argument("--recipe", choices=["defaults", "example"],
                        default="defaults")
    parser.add_argument("--judge", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 8 filters, 1 block of 2 steps")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.quick:
        args.steps, args.blocks, args.base_filters = 2, 1, 8
    print(f"# building blocks: {args.backend}, recipe {args.recipe}, "
          f"base_filters="
          f"{args.base_filters}, batch {_common.BATCH_SIZE}, {args.blocks} "
          f"blocks x {args.steps} steps, {os.cpu_count()} CPUs", flush=True)
    if args.fid_steps:
        os.environ.setdefault("KERAS_BACKEND", args.backend)
        args.judge = os.path.join(tempfile.mkdtemp(), "judge.keras")
        floor = train_judge(args)
        print(f"# judge FID after ~{args.fid_steps} steps, {args.fid_samples}"
              f" vs {args.fid_samples} images; real-vs-real floor "
              f"{floor:.2f}", flush=True)
    rows = {}
    for variant in args.variants.split(","):
        result = run_worker(variant, args)
        if "error" in result:
            print(f"# {variant}: ERROR {result['error']}", flush=True)
            continue
        rows[variant] = (_common.median(result["ms"]),
                         _common.median(result["cpu_ms"]),
                         result.get("fid", float("nan")))
        fid = f", FID {result['fid']:.2f}" if "fid" in result else ""
        print(f"# {variant}: ms/step {_common.fmt_times(result['ms'])}, CPU "
              f"ms/step {_common.fmt_times(result['cpu_ms'])}{fid}", flush=True)
    baseline = rows.get("dcgan", (float("nan"),) * 3)[1]
    print()
    print("| variant | ms/step | CPU ms/step | CPU time / dcgan | judge FID |")
    print("|---|---|---|---|---|")
    for variant, (wall, cpu, fid) in rows.items():
        print(f"| {variant} | {wall:.0f} | {cpu:.0f} | {cpu / baseline:.2f} "
              f"| {fid:.2f} |")


if __name__ == "__main__":
    main()
