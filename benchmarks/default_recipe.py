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


def recipe(loss=keras_gan.losses.NonSaturatingLoss, penalty=_r1(1.0),
           betas=DCGAN_BETAS, **changes):
    """A recipe: the `compile()` default (non-saturating + R1 1, Adam 2e-4
    (0.5, 0.999), 3x128 MLPs, latent 2) with `changes`.

    Keys: `loss`, `penalty` (factories), `betas`, `learning_rate` (both
    networks) or `g_learning_rate`/`d_learning_rate`, `d_steps`,
    `step_share` (share of `--steps` run as generator steps), `pack`,
    `ema` (generator EMA decay, or a dict of `enable_ema` arguments, `None`
    for none), `hidden_units`,
    `latent_dim`, `lr_decay` (`"cosine"` decays both rates to 0).
    """
    entry = dict(
        loss=loss, penalty=penalty, betas=betas, learning_rate=LEARNING_RATE,
        d_steps=1, step_share=1.0, pack=1, ema=None,
        hidden_units=HIDDEN_UNITS, latent_dim=LATENT_DIM, lr_decay=None,
    )
    unknown = set(changes) - set(entry) - {"g_learning_rate", "d_learning_rate"}
    if unknown:
        raise ValueError(f"Unknown recipe keys: {sorted(unknown)}")
    entry.update(changes)
    return entry


RECIPES = {
    "(a) non-saturating": recipe(penalty=_none),
    "(b) non-saturating + R1 0.1": recipe(penalty=_r1(0.1)),
    "(b) non-saturating + R1 1": recipe(),
    "(b) non-saturating + R1 10": recipe(penalty=_r1(10.0)),
    "(c) RpGAN + R1 + R2 1": recipe(
        loss=lambda: keras_gan.losses.RelativisticLoss("pairing"),
        penalty=_r1_r2(1.0), betas=R3GAN_BETAS,
    ),
    "(d) hinge": recipe(loss=keras_gan.losses.HingeLoss, penalty=_none),
    "(e) least squares": recipe(
        loss=keras_gan.losses.LeastSquaresLoss, penalty=_none
    ),
    "(f) WGAN-GP 10, n_d=5, same G steps": recipe(
        loss=keras_gan.losses.WassersteinLoss,
        penalty=lambda: [keras_gan.penalties.GradientPenalty(weight=10.0)],
        betas=WGAN_GP_BETAS, d_steps=5,
    ),
    "(f) WGAN-GP 10, n_d=5, same D steps": recipe(
        loss=keras_gan.losses.WassersteinLoss,
        penalty=lambda: [keras_gan.penalties.GradientPenalty(weight=10.0)],
        betas=WGAN_GP_BETAS, d_steps=5, step_share=0.2,
    ),
    # PacGAN (Lin et al. 2018): the default recipe with the discriminator
    # judging `pack` samples at once, next to the default itself.
    "(g) default (non-saturating + R1 1), pack 1": recipe(),
    "(g) default, pack 2": recipe(pack=2),
    "(g) default, pack 4": recipe(pack=4),
    # (h) The default recipe with one change: what puts the samples on the
    # modes (issue 25: >= 95 % within 3 std after 10,000 steps).
    "(h) default": recipe(),
    "(h) EMA 0.999": recipe(ema=0.999),
    "(h) EMA 0.99": recipe(ema=0.99),
    "(h) pack 2": recipe(pack=2),
    "(h) lr 1e-4": recipe(learning_rate=1e-4),
    "(h) lr 5e-4": recipe(learning_rate=5e-4),
    "(h) lr cosine decay": recipe(lr_decay="cosine"),
    "(h) betas (0, 0.99)": recipe(betas=(0.0, 0.99)),
    "(h) R1 0.1": recipe(penalty=_r1(0.1)),
    "(h) R1 0.01": recipe(penalty=_r1(0.01)),
    "(h) MLP 3x256": recipe(hidden_units=(256, 256, 256)),
    "(h) MLP 4x400 G, 3x200 D": recipe(hidden_units=((400,) * 4, (200,) * 3)),
    "(h) MLP 2x128": recipe(hidden_units=(128, 128)),
    "(h) latent 8": recipe(latent_dim=8),
    # (i) Combinations of the (h) changes that tighten the samples.
    "(i) EMA 0.999 warm-up 1000": recipe(ema={"decay": 0.999, "warmup": 1000}),
    "(i) lr cosine decay + EMA 0.999": recipe(lr_decay="cosine", ema=0.999),
    "(i) lr 1e-4 + EMA 0.999": recipe(learning_rate=1e-4, ema=0.999),
    "(i) R1 0.1 + EMA 0.999": recipe(penalty=_r1(0.1), ema=0.999),
    "(i) R1 0.1 + lr cosine decay + EMA 0.999": recipe(
        penalty=_r1(0.1), lr_decay="cosine", ema=0.999
    ),
    "(i) MLP 3x256 + EMA 0.999": recipe(
        hidden_units=(256, 256, 256), ema=0.999
    ),
    "(i) EMA 0.9995 warm-up 2000": recipe(
        ema={"decay": 0.9995, "warmup": 2000}
    ),
    "(i) lr 5e-4 + EMA 0.999": recipe(learning_rate=5e-4, ema=0.999),
    "(i) pack 2 + EMA 0.999": recipe(pack=2, ema=0.999),
    "(i) latent 8 + EMA 0.999": recipe(latent_dim=8, ema=0.999),
    "(i) lr 5e-4 + pack 2 + EMA 0.999": recipe(
        learning_rate=5e-4, pack=2, ema=0.999
    ),
    # (j) Around the two nearest (i) settings (lr 5e-4 + EMA, pack 2 + EMA).
    "(j) lr 5e-4 + EMA 0.9995": recipe(learning_rate=5e-4, ema=0.9995),
    "(j) lr 5e-4 + EMA 0.998": recipe(learning_rate=5e-4, ema=0.998),
    "(j) pack 2 + EMA 0.9995": recipe(pack=2, ema=0.9995),
    "(j) lr 1e-3 + EMA 0.999": recipe(learning_rate=1e-3, ema=0.999),
    "(j) G lr 2e-4, D lr 5e-4 + EMA 0.999": recipe(
        g_learning_rate=2e-4, d_learning_rate=5e-4, ema=0.999
    ),
    "(j) G lr 5e-4, D lr 2e-4 + EMA 0.999": recipe(
        g_learning_rate=5e-4, d_learning_rate=2e-4, ema=0.999
    ),
    "(j) lr 5e-4 + R1 0.1 + EMA 0.999": recipe(
        learning_rate=5e-4, penalty=_r1(0.1), ema=0.999
    ),
    "(j) lr 5e-4 + R1 10 + EMA 0.999": recipe(
        learning_rate=5e-4, penalty=_r1(10.0), ema=0.999
    ),
    "(j) lr 5e-4 + betas (0, 0.99) + EMA 0.999": recipe(
        learning_rate=5e-4, betas=(0.0, 0.99), ema=0.999
    ),
    "(j) lr 5e-4 + MLP 3x256 + EMA 0.999": recipe(
        learning_rate=5e-4, hidden_units=(256, 256, 256), ema=0.999
    ),
    "(j) lr 5e-4 + latent 8 + EMA 0.999": recipe(
        learning_rate=5e-4, latent_dim=8, ema=0.999
    ),
    "(j) lr 5e-4 + pack 2 + EMA 0.9995": recipe(
        learning_rate=5e-4, pack=2, ema=0.9995
    ),
    "(j) betas (0, 0.99) + EMA 0.999": recipe(betas=(0.0, 0.99), ema=0.999),
    "(j) lr 5e-4 + betas (0, 0.99) + R1 0.1 + EMA 0.999": recipe(
        learning_rate=5e-4, betas=(0.0, 0.99), penalty=_r1(0.1), ema=0.999
    ),
    # PacGAN's ring networks: G 4x400 ReLU, D 3x200.
    "(i) MLP 4x400 G, 3x200 D + EMA 0.999": recipe(
        hidden_units=((400,) * 4, (200,) * 3), ema=0.999
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
    "(h) EMA 0.999",
)


def adam(learning_rate, betas, steps=None, decay=None):
    if decay == "cosine" and steps:
        learning_rate = keras.optimizers.schedules.CosineDecay(
            learning_rate, steps
        )
    return keras.optimizers.Adam(
        learning_rate=learning_rate, beta_1=betas[0], beta_2=betas[1]
    )


def build_ring_gan(entry, seed, g_steps):
    """The compiled GAN of a recipe entry."""
    hidden = entry["hidden_units"]
    g_hidden, d_hidden = (
        hidden if isinstance(hidden[0], (tuple, list)) else (hidden, hidden)
    )
    pack, latent_dim = entry["pack"], entry["latent_dim"]
    ema = entry["ema"]
    gan = keras_gan.GAN(
        keras_gan.models.mlp_generator(latent_dim, 2, tuple(g_hidden)),
        keras_gan.models.mlp_discriminator(2 * pack, tuple(d_hidden)),
        latent_dim=latent_dim,
        seed=seed,
        pack=pack,
        ema=(
            {"decay": ema} if isinstance(ema, float) else ema
        ),
    )
    rates = {
        net: entry.get(f"{net}_learning_rate", entry["learning_rate"])
        for net in ("g", "d")
    }
    d_updates = g_steps * entry["d_steps"]
    gan.compile(
        d_optimizer=adam(rates["d"], entry["betas"], d_updates,
                         entry["lr_decay"]),
        g_optimizer=adam(rates["g"], entry["betas"], g_steps,
                         entry["lr_decay"]),
        loss=entry["loss"](),
        penalty=entry["penalty"](),
        d_steps=entry["d_steps"],
        # Runs 50 steps per call into the compiled graph: the MLPs are tiny,
        # so per-step Python overhead would otherwise dominate.
        steps_per_execution=50,
    )
    return gan


def run_recipe(entry, seed, steps):
    """Trains one recipe with one seed; returns `(metrics, wall_seconds)`."""
    g_steps = max(1, int(round(steps * entry["step_share"])))
    keras.utils.set_random_seed(seed)
    data = sample_ring(g_steps * BATCH_SIZE, seed=seed)
    start = time.perf_counter()
    gan = build_ring_gan(entry, seed, g_steps)
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
        "--first-seed", type=int, default=0,
        help="The first seed (default: 0): seeds first-seed to "
        "first-seed + seeds - 1.",
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
    parser.add_argument(
        "--names", default=None,
        help="Semicolon-separated full recipe names, e.g. "
        "'(h) EMA 0.999;(h) pack 2'.",
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
    if args.names:
        names = [name.strip() for name in args.names.split(";")]
        missing = [name for name in names if name not in RECIPES]
        if missing:
            parser.error(f"unknown recipe names: {missing}")
        recipes = {name: RECIPES[name] for name in names}

    print(
        f"8-Gaussian ring, {steps} generator steps x batch {BATCH_SIZE}, "
        f"seeds {args.first_seed}..{args.first_seed + seeds - 1}, MLP {HIDDEN_UNITS}, latent {LATENT_DIM}, "
        f"Adam lr {LEARNING_RATE}. Keras {keras.__version__}, backend "
        f"{keras.backend.backend()}, {os.cpu_count()} CPUs.",
        flush=True,
    )
    total_start = time.perf_counter()
    rows = []
    for name, entry in recipes.items():
        modes, quality, walls = [], [], []
        for seed in range(args.first_seed, args.first_seed + seeds):
            metrics, wall = run_recipe(entry, seed, steps)
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
