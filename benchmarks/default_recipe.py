"""Which loss and penalty should `GAN.compile()` use by default?

This script answers the question by measurement on the 2-D ring of 8
Gaussians, the standard mode-collapse test of Metz et al. (2017, unrolled
GANs) and Srivastava et al. (2017, VEEGAN): 8 isotropic Gaussians with
standard deviation 0.02 whose means lie evenly on a circle of radius 2.

Protocol
--------

- Data: fresh samples for every step. Each run draws `steps * batch_size`
  points from the ring (seeded by the run seed) and makes one pass over
  them, so no real point is seen twice.
- Networks: the same for every recipe, `mlp_generator(latent_dim=2,
  output_dim=2, hidden_units=(128, 128, 128))` (ReLU) and
  `mlp_discriminator(2, hidden_units=(128, 128, 128))` (LeakyReLU 0.2), with
  a 2-D standard normal latent.
- Budget: `--steps` generator steps (default 3000) at batch size 256.
  Every recipe runs one discriminator step per generator step except
  WGAN-GP, which runs the 5 critic steps per generator step of its paper.
  WGAN-GP is run twice: with the same number of generator steps (5 times
  the critic updates and more wall time than the others: the budget most
  favourable to it) and with `steps / 5` generator steps (the same number
  of discriminator updates, and about the same wall time, as the others).
- Optimizers: Adam with learning rate 2e-4 for both networks, and the
  betas of each recipe family's reference setup:
  (0.5, 0.999) for the DCGAN-style losses (non-saturating, hinge, least
  squares; Radford et al. 2016), (0.0, 0.99) for R3GAN (Huang et al. 2024)
  and (0.0, 0.9) for WGAN-GP (Gulrajani et al. 2017).
- Seeds: each recipe runs with `--seeds` seeds (default 3: 0, 1, 2);
  `keras.utils.set_random_seed(seed)` is called before each run, and the
  seed also seeds the data and the GAN's noise stream.
- Metrics (see `benchmarks/ring.py`), on 2000 samples from
  `gan.generate(2000, seed=1234)`:
  *high quality %*: the share of samples within 3 standard deviations
  (0.06) of the nearest mode; *modes covered*: the number of modes (of 8)
  that received at least 1% of the samples (20) as high quality samples.
- Wall time: seconds per run (building, compiling and training), averaged
  over seeds. Other jobs may share the CPU, so compare wall times only
  within one invocation.

Usage:

```
python benchmarks/default_recipe.py            # full run, a few minutes
python benchmarks/default_recipe.py --quick    # smoke test, < 30 s
python benchmarks/default_recipe.py --steps 5000 --seeds 5
```
"""

import argparse
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ring import ring_metrics  # noqa: E402
from ring import sample_ring  # noqa: E402

LATENT_DIM = 2
HIDDEN_UNITS = (128, 128, 128)
BATCH_SIZE = 256
LEARNING_RATE = 2e-4
NUM_EVAL_SAMPLES = 2000
EVAL_SEED = 1234

# Adam betas per recipe family.
DCGAN_BETAS = (0.5, 0.999)
R3GAN_BETAS = (0.0, 0.99)
WGAN_GP_BETAS = (0.0, 0.9)


def _r1(gamma):
    return lambda: [keras_gan.penalties.R1Penalty(weight=gamma)]


def _r1_r2(gamma):
    return lambda: [
        keras_gan.penalties.R1Penalty(weight=gamma),
        keras_gan.penalties.R2Penalty(weight=gamma),
    ]


def _none():
    return None


# name -> (loss factory, penalty factory, betas, d_steps, share of --steps
# run as generator steps[, pack]).
RECIPES = {
    "(a) non-saturating": (
        keras_gan.losses.NonSaturatingLoss, _none, DCGAN_BETAS, 1, 1.0
    ),
    "(b) non-saturating + R1 0.1": (
        keras_gan.losses.NonSaturatingLoss, _r1(0.1), DCGAN_BETAS, 1, 1.0
    ),
    "(b) non-saturating + R1 1": (
        keras_gan.losses.NonSaturatingLoss, _r1(1.0), DCGAN_BETAS, 1, 1.0
    ),
    "(b) non-saturating + R1 10": (
        keras_gan.losses.NonSaturatingLoss, _r1(10.0), DCGAN_BETAS, 1, 1.0
    ),
    "(c) RpGAN + R1 + R2 1": (
        lambda: keras_gan.losses.RelativisticLoss("pairing"),
        _r1_r2(1.0), R3GAN_BETAS, 1, 1.0,
    ),
    "(d) hinge": (keras_gan.losses.HingeLoss, _none, DCGAN_BETAS, 1, 1.0),
    "(e) least squares": (
        keras_gan.losses.LeastSquaresLoss, _none, DCGAN_BETAS, 1, 1.0
    ),
    "(f) WGAN-GP 10, n_d=5, same G steps": (
        keras_gan.losses.WassersteinLoss,
        lambda: [keras_gan.penalties.GradientPenalty(weight=10.0)],
        WGAN_GP_BETAS, 5, 1.0,
    ),
    "(f) WGAN-GP 10, n_d=5, same D steps": (
        keras_gan.losses.WassersteinLoss,
        lambda: [keras_gan.penalties.GradientPenalty(weight=10.0)],
        WGAN_GP_BETAS, 5, 0.2,
    ),
    # PacGAN (Lin et al. 2018): the default recipe with the discriminator
    # judging `pack` samples at once, next to the default itself.
    "(g) default (non-saturating + R1 1), pack 1": (
        keras_gan.losses.NonSaturatingLoss, _r1(1.0), DCGAN_BETAS, 1, 1.0, 1
    ),
    "(g) default, pack 2": (
        keras_gan.losses.NonSaturatingLoss, _r1(1.0), DCGAN_BETAS, 1, 1.0, 2
    ),
    "(g) default, pack 4": (
        keras_gan.losses.NonSaturatingLoss, _r1(1.0), DCGAN_BETAS, 1, 1.0, 4
    ),
}


# The smoke test (`--quick`) runs one recipe per family.
QUICK_RECIPES = (
    "(a) non-saturating",
    "(b) non-saturating + R1 1",
    "(c) RpGAN + R1 + R2 1",
    "(d) hinge",
    "(e) least squares",
    "(f) WGAN-GP 10, n_d=5, same D steps",
)


def adam(betas):
    return keras.optimizers.Adam(
        learning_rate=LEARNING_RATE, beta_1=betas[0], beta_2=betas[1]
    )


def run_recipe(recipe, seed, steps):
    """Trains one recipe with one seed; returns `(metrics, wall_seconds)`."""
    make_loss, make_penalty, betas, d_steps, step_share = recipe[:5]
    pack = recipe[5] if len(recipe) > 5 else 1
    g_steps = max(1, int(round(steps * step_share)))
    keras.utils.set_random_seed(seed)
    data = sample_ring(g_steps * BATCH_SIZE, seed=seed)
    start = time.perf_counter()
    gan = keras_gan.GAN(
        keras_gan.models.mlp_generator(LATENT_DIM, 2, HIDDEN_UNITS),
        keras_gan.models.mlp_discriminator(2 * pack, HIDDEN_UNITS),
        latent_dim=LATENT_DIM,
        seed=seed,
        pack=pack,
    )
    gan.compile(
        d_optimizer=adam(betas),
        g_optimizer=adam(betas),
        loss=make_loss(),
        penalty=make_penalty(),
        d_steps=d_steps,
        # Runs 50 steps per call into the compiled graph: the MLPs are tiny,
        # so per-step Python overhead would otherwise dominate.
        steps_per_execution=50,
    )
    gan.fit(
        data, epochs=1, batch_size=BATCH_SIZE, shuffle=False, verbose=0
    )
    wall = time.perf_counter() - start
    samples = gan.generate(NUM_EVAL_SAMPLES, seed=EVAL_SEED)
    return ring_metrics(samples), wall


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--steps", type=int, default=3000,
        help="Generator steps per run (default: 3000).",
    )
    parser.add_argument(
        "--seeds", type=int, default=3,
        help="Seeds per recipe, 0 to seeds - 1 (default: 3).",
    )
    parser.add_argument(
        "--quick", action="store_true",
        help="Smoke test: 50 steps, 1 seed, one recipe per family.",
    )
    parser.add_argument(
        "--recipes", default=None,
        help="Comma-separated letters of the recipes to run, e.g. 'a,b,c' "
        "(default: all).",
    )
    args = parser.parse_args(argv)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        # Every run builds a new model, which TensorFlow reports as retracing.
        tf.get_logger().setLevel("ERROR")
    steps, seeds = args.steps, args.seeds
    if args.quick:
        steps, seeds = 50, 1
    recipes = RECIPES
    if args.quick:
        recipes = {k: RECIPES[k] for k in QUICK_RECIPES}
    if args.recipes:
        letters = {f"({x.strip()})" for x in args.recipes.split(",")}
        recipes = {
            k: v for k, v in recipes.items() if k.split()[0] in letters
        }

    print(
        f"8-Gaussian ring, {steps} generator steps x batch {BATCH_SIZE}, "
        f"seeds 0..{seeds - 1}, MLP {HIDDEN_UNITS}, latent {LATENT_DIM}, "
        f"Adam lr {LEARNING_RATE}. Keras {keras.__version__}, backend "
        f"{keras.backend.backend()}, {os.cpu_count()} CPUs.",
        flush=True,
    )
    total_start = time.perf_counter()
    rows = []
    for name, recipe in recipes.items():
        modes, quality, walls = [], [], []
        for seed in range(seeds):
            metrics, wall = run_recipe(recipe, seed, steps)
            modes.append(metrics["modes"])
            quality.append(100.0 * metrics["high_quality"])
            walls.append(wall)
            print(
                f"  {name} seed {seed}: {metrics['modes']} modes, "
                f"{quality[-1]:.1f}% high quality, per mode "
                f"{metrics['per_mode'].tolist()}, {wall:.1f} s",
                flush=True,
            )
        rows.append((name, modes, quality, walls))

    name_width = max(len("recipe"), *(len(r[0]) for r in rows))
    header = (
        f"{'recipe':<{name_width}} | modes mean (min) | "
        f"high-quality % | wall s"
    )
    print()
    print(header)
    print("-" * len(header))
    for name, modes, quality, walls in rows:
        print(
            f"{name:<{name_width}} | {np.mean(modes):4.2f} ({min(modes)})"
            f"{'':<8}| {np.mean(quality):5.1f} +- {np.std(quality):4.1f}"
            f"   | {np.mean(walls):5.1f}"
        )
    print(f"\nTotal wall time: {time.perf_counter() - total_start:.0f} s")


if __name__ == "__main__":
    main()
