"""`keras_gan.tabular.TabularGAN` next to the `ctgan` package, in one run.

Both synthesizers get the same training rows, the same discrete columns,
the same number of epochs and the same batch size (CTGAN's defaults
otherwise: pack 10, 128-d noise, 256-256 networks, WGAN-GP, Adam 2e-4).
Each dataset is split 80/20 (stratified on the target); the synthesizers
see the 80%, the held-out 20% scores machine-learning efficacy.

Datasets, both bundled with statsmodels (no download):

- `fair`: 6,366 rows; discrete `rate_marriage`, `religious`, `educ`,
  `occupation`, `occupation_husb`; continuous `age`, `yrs_married`,
  `children` and the skewed `affairs`; target `affairs > 0` (predicted
  from the other columns).
- `anes96`: 944 rows of the 1996 American National Election Study;
  discrete `TVnews`, `selfLR`, `ClinLR`, `DoleLR`, `PID`, `educ`, `vote`;
  continuous `popul`, `age`, `income` (`logpopul` dropped, it is
  `log(popul + 0.1)`); target `vote`.

Each framework runs on `--threads` CPU threads (1 by default). Reported
per synthesizer: fit time (transformer fit, network build and
training), time to sample as many rows as the training set, column shapes
and pair trends (mean scores of `keras_gan.tabular.metrics`), and the
macro F1 on the held-out rows of a logistic regression trained on
synthetic rows (and, for reference, on the real training rows).

```
KERAS_BACKEND=jax python benchmarks/tabular_vs_ctgan.py --epochs 100
python benchmarks/tabular_vs_ctgan.py --epochs 2 --datasets anes96  # smoke
```

Needs the `benchmarks` extra (`ctgan`) and the `tabular` extra.
"""

import argparse
import json
import os
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


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


DATASETS = {"fair": load_fair, "anes96": load_anes96}


def split(dataset, seed):
    from sklearn.model_selection import train_test_split

    data = dataset["data"]
    target = dataset["target"]
    labels = target(data) if callable(target) else data[target]
    train, test = train_test_split(
        data, test_size=0.2, stratify=labels, random_state=seed
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


def run_keras_gan(train, dataset, epochs, seed):
    import keras_gan.tabular

    start = time.perf_counter()
    model = keras_gan.tabular.TabularGAN.from_data(
        train, discrete_columns=dataset["discrete_columns"], seed=seed
    )
    model.compile()
    model.fit(train, epochs=epochs, batch_size=dataset["batch_size"], verbose=0)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    synthetic = model.sample(len(train), seed=seed)
    return synthetic, fit_seconds, time.perf_counter() - start


def run_ctgan(train, dataset, epochs, seed):
    from ctgan import CTGAN

    start = time.perf_counter()
    model = CTGAN(epochs=epochs, batch_size=dataset["batch_size"], cuda=False)
    model.set_random_state(seed)
    model.fit(train, discrete_columns=dataset["discrete_columns"])
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    synthetic = model.sample(len(train))
    return synthetic, fit_seconds, time.perf_counter() - start


SYNTHESIZERS = {"keras_gan": run_keras_gan, "ctgan": run_ctgan}


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--datasets", nargs="+", default=list(DATASETS), choices=list(DATASETS)
    )
    parser.add_argument(
        "--synthesizers",
        nargs="+",
        default=list(SYNTHESIZERS),
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
    parser.add_argument("--output", help="Write the results as JSON here.")
    args = parser.parse_args()
    if args.threads:
        limit_threads(args.threads)

    import keras

    results = []
    for name in args.datasets:
        dataset = DATASETS[name]()
        train, test = split(dataset, args.seed)
        for synthesizer in args.synthesizers:
            synthetic, fit_seconds, sample_seconds = SYNTHESIZERS[synthesizer](
                train, dataset, args.epochs, args.seed
            )
            row = {
                "dataset": name,
                "synthesizer": synthesizer,
                "backend": keras.backend.backend()
                if synthesizer == "keras_gan"
                else "torch",
                "epochs": args.epochs,
                "batch_size": dataset["batch_size"],
                "fit_seconds": fit_seconds,
                "sample_seconds": sample_seconds,
                **score(train, test, synthetic, dataset),
            }
            results.append(row)
            print(json.dumps(row), flush=True)
    print()
    print(
        "| dataset | synthesizer | fit (s) | sample (s) | column shapes | "
        "pair trends | ML efficacy F1 (real data) |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in results:
        print(
            f"| {row['dataset']} | {row['synthesizer']} ({row['backend']}) | "
            f"{row['fit_seconds']:.0f} | {row['sample_seconds']:.2f} | "
            f"{row['column_shapes']:.3f} | {row['pair_trends']:.3f} | "
            f"{row['ml_efficacy_f1']:.3f} ({row['real_data_f1']:.3f}) |"
        )
    if args.output:
        with open(args.output, "w") as file:
            json.dump(results, file, indent=2)


if __name__ == "__main__":
    main()
