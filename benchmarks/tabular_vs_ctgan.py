"""`keras_gan.tabular.TabularGAN` next to the `ctgan` package, over seeds.

Both synthesizers get the same training rows, the same discrete columns,
the same number of epochs and the same batch size, and CTGAN's defaults
otherwise (pack 10, 128-d noise, 256-256 networks, WGAN-GP, Adam 2e-4):
`TabularGAN.from_data(...)` and `compile()` with their defaults, and
`ctgan.CTGAN(epochs=..., batch_size=...)`. For each seed, each table is
split 80/20 (stratified on the target, the split seeded by the seed); the
synthesizers see the 80 %, the held-out 20 % scores machine-learning
efficacy.

Tables, all bundled with statsmodels (no download):

- `fair`: 6,366 rows (5,092 for training); discrete `rate_marriage`,
  `religious`, `educ`, `occupation`, `occupation_husb`; continuous `age`,
  `yrs_married`, `children` and the skewed `affairs`; target
  `affairs > 0` (predicted from the other columns); batch 500.
- `anes96`: 944 rows (755) of the 1996 American National Election Study;
  discrete `TVnews`, `selfLR`, `ClinLR`, `DoleLR`, `PID`, `educ`, `vote`;
  continuous `popul`, `age`, `income` (`logpopul` dropped, it is
  `log(popul + 0.1)`); target `vote`; batch 100.
- `randhie` (the adult-like table: one row per person, a binary target
  from mixed survey columns): 6,250 of the 20,190 rows of the RAND Health
  Insurance Experiment (5,000 for training), drawn once with seed 0;
  discrete `lncoins` (5 plans), `idp`, `hlthg`, `hlthf`, `hlthp`;
  continuous `mdvis` (integer), `lpi`, `fmde`, `physlm`, `disea`; target
  `mdvis > 0` (any doctor visit, from the other columns); batch 500.

Candidates (`--synthesizers ...`): `keras_gan_ema`, `TabularGAN` sampling
from an exponential moving average of its generator (`enable_ema(0.99)`);
`keras_gan_shuffled`, `TabularGAN` with CTGAN's pairing in the
discriminator step (generated rows get the batch's conditional vectors in
another order than the real rows).

Reported per run: fit time (transformer fit, network build and
training), time to sample as many rows as the training set (a cold first
call), column shapes and pair trends (`keras_gan.tabular.metrics`,
SDMetrics' definitions), and the macro F1 on the held-out rows of a
logistic regression trained on synthetic rows (and, for reference, on the
real training rows). `--summarize` reads the JSON lines of runs and prints
mean +/- standard deviation over seeds per table and synthesizer.

```
KERAS_BACKEND=jax python benchmarks/tabular_vs_ctgan.py --epochs 300 \\
    --seeds 0 1 2 --output runs.jsonl
python benchmarks/tabular_vs_ctgan.py --summarize runs.jsonl
python benchmarks/tabular_vs_ctgan.py --epochs 2 --datasets anes96  # smoke
```

Each framework runs on `--threads` CPU threads (1 by default); CTGAN uses
the GPU when `CTGAN_GPU=1` (JAX uses one whenever it sees one). Needs the
`benchmarks` extra (`ctgan`) and the `tabular` extra.
"""

import argparse
import json
import os
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

SCORES = (
    "column_shapes",
    "pair_trends",
    "ml_efficacy_f1",
    "fit_seconds",
    "sample_seconds",
)


def load_fair():
    import statsmodels.api as sm

    data = sm.datasets.fair.load_pandas().data
    discrete = ["rate_marriage", "religious", "educ", "occupation", "occupation_husb"]
    return {
        "data": data,
        "discrete_columns": discrete,
        "target": lambda df: df["affairs"] > 0,
        "features": [c for c in data.columns if c != "affairs"],
        "batch_size": 500,
    }


def load_anes96():
    import statsmodels.api as sm

    data = sm.datasets.anes96.load_pandas().data.drop(columns="logpopul")
    discrete = ["TVnews", "selfLR", "ClinLR", "DoleLR", "PID", "educ", "vote"]
    return {
        "data": data,
        "discrete_columns": discrete,
        "target": "vote",
        "features": None,
        "batch_size": 100,
    }


def load_randhie():
    import statsmodels.api as sm

    data = sm.datasets.randhie.load_pandas().data
    data = data.sample(6250, random_state=0).reset_index(drop=True)
    discrete = ["lncoins", "idp", "hlthg", "hlthf", "hlthp"]
    return {
        "data": data,
        "discrete_columns": discrete,
        "target": lambda df: df["mdvis"] > 0,
        "features": [c for c in data.columns if c != "mdvis"],
        "batch_size": 500,
    }


DATASETS = {"fair": load_fair, "anes96": load_anes96, "randhie": load_randhie}


def split(dataset, seed):
    from sklearn.model_selection import train_test_split

    data = dataset["data"]
    target = dataset["target"]
    labels = target(data) if callable(target) else data[target]
    train, test = train_test_split(
        data, test_size=0.2, stratify=labels, random_state=seed
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


def run_keras_gan(train, dataset, epochs, seed, ema=None, cls=None):
    import keras_gan.tabular

    start = time.perf_counter()
    cls = cls or keras_gan.tabular.TabularGAN
    model = cls.from_data(
        train, discrete_columns=dataset["discrete_columns"], seed=seed
    )
    if ema:
        model.enable_ema(decay=ema)
    model.compile()
    model.fit(train, epochs=epochs, batch_size=dataset["batch_size"], verbose=0)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    synthetic = model.sample(len(train), seed=seed)
    return synthetic, fit_seconds, time.perf_counter() - start


def run_ctgan(train, dataset, epochs, seed):
    from ctgan import CTGAN

    start = time.perf_counter()
    model = CTGAN(
        epochs=epochs,
        batch_size=dataset["batch_size"],
        enable_gpu=os.environ.get("CTGAN_GPU") == "1",
    )
    model.set_random_state(seed)
    model.fit(train, discrete_columns=dataset["discrete_columns"])
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    synthetic = model.sample(len(train))
    return synthetic, fit_seconds, time.perf_counter() - start


def run_keras_gan_ema(train, dataset, epochs, seed):
    """The candidate: sampling from an EMA of the generator (decay 0.99)."""
    return run_keras_gan(train, dataset, epochs, seed, ema=0.99)


def run_keras_gan_shuffled(train, dataset, epochs, seed):
    """The candidate: CTGAN's pairing in the discriminator step, where the
    generated rows get the batch's conditional vectors in another order
    than the real rows (and the gradient penalty mixes packs of different
    conditions)."""
    return run_keras_gan(
        train, dataset, epochs, seed, cls=shuffled_conditions_class()
    )


def shuffled_conditions_class():
    import keras
    from keras import ops

    import keras_gan.tabular
    from keras_gan.training.network_checks import flatten_logits

    class ShuffledConditions(keras_gan.tabular.TabularGAN):
        def compute_discriminator_loss(self, real, labels=None, training=True):
            if labels is None:
                return super().compute_discriminator_loss(real, labels, training)
            rows = ops.shape(real)[0]
            order = keras.random.shuffle(
                ops.arange(rows), seed=self.penalty_stream.seed_generator
            )
            fake_labels = ops.take(labels, order, axis=0)
            fake = ops.stop_gradient(
                self.generate_fake(rows, fake_labels, training=training)
            )
            real_logits = self.judge(real, labels, training=training)
            fake_logits = self.judge(fake, fake_labels, training=training)
            total = self.loss_fn.discriminator_loss(real_logits, fake_logits)
            terms = {"d_loss": total}

            def packed(samples, conditions):
                return self.pack_samples(
                    ops.concatenate(
                        [samples, ops.cast(conditions, samples.dtype)], axis=-1
                    )
                )

            def critic(packs):
                return flatten_logits(self.discriminator(packs, training=training))

            for penalty in self.penalties:
                terms[penalty.name] = penalty(
                    critic,
                    packed(real, labels),
                    packed(ops.cast(fake, real.dtype), fake_labels),
                    step=self.d_optimizer.iterations,
                    seed=self.penalty_stream.seed_generator,
                )
                total = total + terms[penalty.name]
            return total, terms, real_logits

    return ShuffledConditions


SYNTHESIZERS = {
    "keras_gan": run_keras_gan,
    "ctgan": run_ctgan,
    "keras_gan_ema": run_keras_gan_ema,
    "keras_gan_shuffled": run_keras_gan_shuffled,
}


def score(train, test, synthetic, dataset):
    from keras_gan.tabular import evaluation

    synthetic = synthetic[list(train.columns)]
    report = evaluation.quality_report(
        train, synthetic, dataset["discrete_columns"]
    )
    efficacy = evaluation.ml_efficacy(
        train,
        synthetic,
        test,
        dataset["target"],
        dataset["discrete_columns"],
        features=dataset["features"],
    )
    return {
        **report,
        "ml_efficacy_f1": efficacy["synthetic"],
        "real_data_f1": efficacy["real"],
    }


def limit_threads(threads):
    """Caps the intra-op threads of PyTorch and XLA (before they start)."""
    import torch

    torch.set_num_threads(threads)
    os.environ["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "")
        + f" --xla_cpu_multi_thread_eigen={'true' if threads > 1 else 'false'}"
        + f" intra_op_parallelism_threads={threads}"
    )
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))


def run(name, synthesizer, epochs, seed):
    """One fit, sample and score: a result row."""
    import keras

    dataset = DATASETS[name]()
    train, test = split(dataset, seed)
    synthetic, fit_seconds, sample_seconds = SYNTHESIZERS[synthesizer](
        train, dataset, epochs, seed
    )
    return {
        "dataset": name,
        "synthesizer": synthesizer,
        "backend": "torch" if synthesizer == "ctgan" else keras.backend.backend(),
        "seed": seed,
        "epochs": epochs,
        "batch_size": dataset["batch_size"],
        "train_rows": len(train),
        "fit_seconds": fit_seconds,
        "sample_seconds": sample_seconds,
        **score(train, test, synthetic, dataset),
    }


def summarize(rows):
    """Mean and standard deviation (ddof=1) of every score over seeds."""
    import numpy as np

    groups = {}
    for row in rows:
        key = (row["dataset"], row["synthesizer"], row["epochs"])
        groups.setdefault(key, []).append(row)
    summary = []
    for (dataset, synthesizer, epochs), group in sorted(groups.items()):
        entry = {
            "dataset": dataset,
            "synthesizer": synthesizer,
            "epochs": epochs,
            "seeds": sorted(row["seed"] for row in group),
        }
        for name in SCORES + ("real_data_f1",):
            values = np.asarray([row[name] for row in group], "float64")
            entry[name] = float(values.mean())
            entry[name + "_std"] = (
                float(values.std(ddof=1)) if len(values) > 1 else 0.0
            )
        summary.append(entry)
    return summary


def print_table(summary):
    print(
        "| dataset | synthesizer | seeds | fit (s) | sample (s) | column shapes "
        "| pair trends | ML efficacy F1 (real data) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for e in summary:
        cell = lambda name, digits=3: (  # noqa: E731
            f"{e[name]:.{digits}f} ± {e[name + '_std']:.{digits}f}"
        )
        print(
            f"| {e['dataset']} | {e['synthesizer']} | "
            f"{','.join(map(str, e['seeds']))} | {cell('fit_seconds', 0)} | "
            f"{cell('sample_seconds', 2)} | {cell('column_shapes')} | "
            f"{cell('pair_trends')} | {cell('ml_efficacy_f1')} "
            f"({e['real_data_f1']:.3f}) |"
        )


def read_rows(paths):
    rows = []
    for path in paths:
        with open(path) as file:
            for line in file:
                line = line.strip()
                if line.startswith("{"):
                    rows.append(json.loads(line))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument(
        "--datasets", nargs="+", default=list(DATASETS), choices=list(DATASETS)
    )
    parser.add_argument(
        "--synthesizers",
        nargs="+",
        default=["keras_gan", "ctgan"],
        choices=list(SYNTHESIZERS),
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="CPU threads of each framework (torch for ctgan, XLA for JAX). "
        "On a shared machine more threads than free cores make PyTorch's "
        "busy-waiting threads 10-40x slower; 0 keeps the defaults.",
    )
    parser.add_argument(
        "--output", help="Append each run's result here as a JSON line."
    )
    parser.add_argument(
        "--summarize",
        nargs="+",
        metavar="JSONL",
        help="Print the mean +/- std table of these files' runs and exit.",
    )
    args = parser.parse_args()
    if args.summarize:
        summary = summarize(read_rows(args.summarize))
        print(json.dumps(summary, indent=1))
        print_table(summary)
        return
    if args.threads:
        limit_threads(args.threads)

    rows = []
    for name in args.datasets:
        for seed in args.seeds:
            for synthesizer in args.synthesizers:
                row = run(name, synthesizer, args.epochs, seed)
                rows.append(row)
                print(json.dumps(row), flush=True)
                if args.output:
                    with open(args.output, "a") as file:
                        file.write(json.dumps(row) + "\n")
    print()
    print_table(summarize(rows))


if __name__ == "__main__":
    main()
