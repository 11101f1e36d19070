"""R1 step time: one shared discriminator pass vs a separate R1 pass.

Since the core redesign, a GAN computes the discriminator's logits on the
real batch and their input gradients in one pass, used by the loss, the R1
penalty and adaptive augmentation. Before, R1 ran the discriminator on the
real batch a second time (with its own augmentation draw). This script times
both in one process, side by side: `shared` is `R1Penalty` as the GAN uses
it now; `separate` is the same penalty with the pass sharing turned off,
which is exactly the former computation.

Both GANs are the MNIST DCGAN of `benchmarks/_common.py` (batch 64), with
the same initial weights. Rounds alternate the order; each round times
`--steps` training steps of each after a warm-up. Prints the median wall and
process-CPU ms/step and the ratio separate / shared.

Usage:

```
python benchmarks/r1_step_time.py                      # TensorFlow
KERAS_BACKEND=jax python benchmarks/r1_step_time.py --base-filters 8
python benchmarks/r1_step_time.py --quick
```
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402


def build(shared, base_filters):
    import keras_gan

    class SeparatePassR1(keras_gan.penalties.R1Penalty):
        """R1 computed on its own discriminator pass (the former step)."""

        @property
        def shares_discriminator_pass(self):
            return False

    generator, discriminator = _common.build_networks(0, base_filters)
    gan = keras_gan.GAN(generator, discriminator, latent_dim=_common.LATENT_DIM, seed=0)
    penalty_class = keras_gan.penalties.R1Penalty if shared else SeparatePassR1
    gan.compile(
        d_optimizer=_common.adam(),
        g_optimizer=_common.adam(),
        penalty=penalty_class(weight=1.0),
    )
    return gan


def time_steps(gan, x, steps):
    wall, cpu = time.perf_counter(), time.process_time()
    gan.fit(x, batch_size=_common.BATCH_SIZE, steps_per_epoch=steps, epochs=1, verbose=0)
    return (
        1000 * (time.perf_counter() - wall) / steps,
        1000 * (time.process_time() - cpu) / steps,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--base-filters", type=int, default=_common.BASE_FILTERS)
    parser.add_argument("--quick", action="store_true", help="smoke run")
    args = parser.parse_args()
    if args.quick:
        args.steps, args.rounds, args.base_filters = 2, 1, 8
    import keras

    x, _ = _common.load_images(num_images=_common.BATCH_SIZE * (args.steps + 2))
    gans = {name: build(name == "shared", args.base_filters) for name in ("shared", "separate")}
    for gan in gans.values():  # Warm-up: tracing and compilation.
        time_steps(gan, x, 2)
    times = {name: [] for name in gans}
    for round_index in range(args.rounds):
        order = list(gans) if round_index % 2 == 0 else list(gans)[::-1]
        for name in order:
            times[name].append(time_steps(gans[name], x, args.steps))
    print(f"backend {keras.backend.backend()}, base filters {args.base_filters}, "
          f"{args.rounds} rounds x {args.steps} steps")
    medians = {}
    for name, values in times.items():
        wall = _common.median([v[0] for v in values])
        cpu = _common.median([v[1] for v in values])
        medians[name] = (wall, cpu)
        print(f"{name:>9}: {wall:8.1f} ms/step wall, {cpu:8.1f} ms/step CPU")
    print(
        "ratio separate/shared: wall "
        f"{medians['separate'][0] / medians['shared'][0]:.2f}, CPU "
        f"{medians['separate'][1] / medians['shared'][1]:.2f}"
    )


if __name__ == "__main__":
    main()
