"""
Title: A GAN for time series: noisy sine waves
Author: keras_gan contributors
Date created: 2026/12/02
Last modified: 2026/12/04
Description: The sequence builders of the text GAN with a linear output,
    trained on sine waves of random frequency and phase.
Accelerator: CPU is fine (about a minute).
"""

"""
## Introduction

`keras_gan.models.sequence_generator(..., output="linear")` is the text
generator's 1-D residual network with real-valued outputs: a GAN for
continuous sequences. The data are windows of 32 steps of
`0.8 * sin(2 pi f t / 32 + phase) + noise`, with `f` uniform in [1, 4]
cycles per window, the phase uniform, and Gaussian noise of standard
deviation 0.05.

Generated series are measured against fresh real ones by two distances,
next to the same distances between two independent real sets (the floor):

- `spectrum_distance`: total variation between the mean power spectra
  (each normalized to sum to 1), in [0, 1];
- `autocorrelation_distance`: mean absolute difference between the mean
  autocorrelations at lags 1 to 16.

```
python examples/time_series.py --epochs 10 --out out/time_series
```

Measured results: docs/benchmarks.md

## Setup
"""

import argparse
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402

LENGTH = 32
MAX_LAG = 16

"""
## Data and distances
"""


def sine_waves(num_series, seed):
    rng = np.random.default_rng(seed)
    frequency = rng.uniform(1.0, 4.0, size=(num_series, 1))
    phase = rng.uniform(0.0, 2 * np.pi, size=(num_series, 1))
    t = np.arange(LENGTH)[None, :]
    waves = 0.8 * np.sin(2 * np.pi * frequency * t / LENGTH + phase)
    waves += rng.normal(0.0, 0.05, size=waves.shape)
    return waves[..., None].astype("float32")  # (num_series, LENGTH, 1)


def mean_power_spectrum(series):
    series = np.asarray(series, dtype="float64")[..., 0]
    centered = series - series.mean(axis=1, keepdims=True)
    power = np.abs(np.fft.rfft(centered, axis=1)) ** 2
    spectrum = power.mean(axis=0)
    return spectrum / spectrum.sum()


def spectrum_distance(a, b):
    return float(0.5 * np.abs(mean_power_spectrum(a) - mean_power_spectrum(b)).sum())


def mean_autocorrelation(series, max_lag=MAX_LAG):
    series = np.asarray(series, dtype="float64")[..., 0]
    centered = series - series.mean(axis=1, keepdims=True)
    variance = np.maximum((centered**2).sum(axis=1), 1e-12)
    return np.array(
        [
            np.mean((centered[:, lag:] * centered[:, :-lag]).sum(axis=1) / variance)
            for lag in range(1, max_lag + 1)
        ]
    )


def autocorrelation_distance(a, b):
    return float(np.abs(mean_autocorrelation(a) - mean_autocorrelation(b)).mean())


def distances(generated, real):
    return {
        "spectrum_distance": spectrum_distance(generated, real),
        "autocorrelation_distance": autocorrelation_distance(generated, real),
    }


"""
## Training
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--num-series", type=int, default=4096)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--out", default=os.path.join("out", "time_series"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    real = sine_waves(args.num_series, seed=args.seed)
    evaluation = sine_waves(2000, seed=args.seed + 1)
    other_real = sine_waves(2000, seed=args.seed + 2)

    keras.utils.set_random_seed(args.seed)
    generator = keras_gan.models.sequence_generator(
        latent_dim=32, sequence_length=LENGTH, vocab_size=1,
        channels=32, num_blocks=2, output="linear",
    )
    discriminator = keras_gan.models.sequence_discriminator(
        sequence_length=LENGTH, vocab_size=1, channels=32, num_blocks=2
    )
    gan = keras_gan.GAN(generator, discriminator, latent_dim=32, seed=args.seed)
    gan.compile()
    before = distances(gan.generate(2000, seed=0), evaluation)
    start = time.time()
    gan.fit(real, epochs=args.epochs, batch_size=args.batch_size, verbose=2)
    seconds = time.time() - start
    generated = gan.generate(2000, seed=0)
    rows = {
        "real vs real (floor)": distances(other_real, evaluation),
        "untrained generator": before,
        f"GAN, {args.epochs} epochs": distances(generated, evaluation),
    }
    print(f"\nTrained in {seconds:.0f} s. Distances to 2,000 fresh real series:")
    print(f"{'':24s}{'spectrum':>12s}{'autocorr.':>12s}")
    for name, values in rows.items():
        print(
            f"{name:24s}{values['spectrum_distance']:12.4f}"
            f"{values['autocorrelation_distance']:12.4f}"
        )
    model_path = os.path.join(args.out, "time_series_gan.keras")
    gan.save(model_path)
    np.save(os.path.join(args.out, "generated.npy"), generated)
    print(f"Wrote {model_path}")
    return {"model_path": model_path, "distances": rows}


if __name__ == "__main__":
    main()
