"""Training step time of generators with transposed vs resize convolutions.

For each backend and each `upsampling` mode (`"transpose"`: stride-2
`Conv2DTranspose`; `"resize"`: nearest `UpSampling2D` + 3x3 `Conv2D`) a
fresh subprocess builds the MNIST GAN of `benchmarks/_common.py`
(`dcgan_generator(128, (28, 28, 1), upsampling=...)` and
`dcgan_discriminator`, `--base-filters` 64) or, with `--arch resnet`, the
`resnet_generator` / `resnet_discriminator` pair, compiles it with
`gan.compile()` defaults, warms up with 2 steps, then times `--blocks`
`fit()` calls of `--steps` steps (batch 64, 5,000 MNIST images). The order
of the runs rotates every round so a loaded CPU's slow periods spread over
all of them. Reported: median ms/step and CPU ms/step per backend and mode,
`resize / transpose` per backend, and each run's ratio to TensorFlow with
the same mode (ratios of medians).

Usage:

```
python benchmarks/upsampling.py                       # tensorflow, jax
python benchmarks/upsampling.py --backends tensorflow,jax,torch --rounds 3
python benchmarks/upsampling.py --quick               # smoke test
```
"""

import argparse
import gc
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

MODES = ("transpose", "resize")


def build_networks(arch, upsampling, base_filters):
    import keras

    import keras_gan

    keras.utils.set_random_seed(0)
    if arch == "resnet":
        generator = keras_gan.models.resnet_generator(
            _common.LATENT_DIM,
            _common.IMAGE_SHAPE,
            base_filters=base_filters,
            upsampling=upsampling,
        )
        discriminator = keras_gan.models.resnet_discriminator(
            _common.IMAGE_SHAPE, base_filters=base_filters
        )
    else:
        generator = keras_gan.models.dcgan_generator(
            _common.LATENT_DIM,
            _common.IMAGE_SHAPE,
            base_filters=base_filters,
            upsampling=upsampling,
        )
        discriminator = keras_gan.models.dcgan_discriminator(
            _common.IMAGE_SHAPE, base_filters=base_filters
        )
    return generator, discriminator


def worker(args):
    import keras

    import keras_gan

    assert keras.backend.backend() == args.backend
    x, _ = _common.load_images()
    generator, discriminator = build_networks(
        args.arch, args.upsampling, args.base_filters
    )
    gan = keras_gan.GAN(
        generator, discriminator, latent_dim=_common.LATENT_DIM, seed=0
    )
    gan.compile()

    def run(steps):
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        gan.fit(
            x,
            batch_size=_common.BATCH_SIZE,
            steps_per_epoch=steps,
            epochs=1,
            verbose=0,
        )
        return time.perf_counter() - t, time.process_time() - c

    run(2)
    wall, cpu = [], []
    for _ in range(args.blocks):
        seconds, cpu_seconds = run(args.steps)
        wall.append(seconds / args.steps * 1e3)
        cpu.append(cpu_seconds / args.steps * 1e3)
    print("RESULT " + json.dumps({"ms": wall, "cpu_ms": cpu}), flush=True)


def run_worker(backend, upsampling, args):
    env = dict(os.environ, KERAS_BACKEND=backend)
    if backend == "torch":
        env.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see backend_step_time
    command = [
        sys.executable, os.path.abspath(__file__), "--worker",
        "--backend", backend, "--upsampling", upsampling,
        "--arch", args.arch, "--steps", str(args.steps),
        "--blocks", str(args.blocks), "--base-filters", str(args.base_filters),
    ]
    return _common.run_worker(command, env)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--arch", choices=("dcgan", "resnet"), default="dcgan")
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--blocks", type=int, default=2)
    parser.add_argument("--base-filters", type=int, default=_common.BASE_FILTERS)
    parser.add_argument("--backends", default="tensorflow,jax")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 8 filters, 1 round of 3 steps")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--upsampling", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.quick:
        args.steps, args.rounds, args.blocks, args.base_filters = 3, 1, 1, 8
    runs = [(b, m) for b in args.backends.split(",") for m in MODES]
    print(
        f"# upsampling benchmark: {args.arch} MNIST GAN, base_filters="
        f"{args.base_filters}, batch {_common.BATCH_SIZE}, {args.rounds} "
        f"rounds x {args.blocks} blocks x {args.steps} steps, "
        f"{os.cpu_count()} CPUs",
        flush=True,
    )
    times = {run: {"ms": [], "cpu_ms": []} for run in runs}
    for r in range(args.rounds):
        shift = r % len(runs)
        for backend, mode in runs[shift:] + runs[:shift]:
            result = run_worker(backend, mode, args)
            if "error" in result:
                print(f"# round {r + 1} {backend} {mode}: ERROR "
                      f"{result['error']}", flush=True)
                continue
            for key in ("ms", "cpu_ms"):
                times[(backend, mode)][key] += result[key]
            print(f"# round {r + 1} {backend} {mode}: ms/step "
                  f"{_common.fmt_times(result['ms'])}, CPU ms/step "
                  f"{_common.fmt_times(result['cpu_ms'])}", flush=True)

    def med(run, key="ms"):
        values = times[run][key]
        return _common.median(values) if values else float("nan")

    print()
    print("| backend | transpose ms/step | resize ms/step | resize / transpose "
          "| transpose / TF transpose | resize / TF resize "
          "| CPU ms/step (transpose, resize) |")
    print("|---|---|---|---|---|---|---|")
    for backend in args.backends.split(","):
        t, s = med((backend, "transpose")), med((backend, "resize"))
        tf_t = med(("tensorflow", "transpose")) if (
            "tensorflow", "transpose") in times else float("nan")
        tf_s = med(("tensorflow", "resize")) if (
            "tensorflow", "resize") in times else float("nan")
        print(f"| {backend} | {t:.1f} | {s:.1f} | {s / t:.2f} | "
              f"{t / tf_t:.2f} | {s / tf_s:.2f} | "
              f"{med((backend, 'transpose'), 'cpu_ms'):.1f}, "
              f"{med((backend, 'resize'), 'cpu_ms'):.1f} |")


if __name__ == "__main__":
    main()
