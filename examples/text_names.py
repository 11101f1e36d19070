"""
Title: A GAN that writes surnames
Author: keras_gan contributors
Date created: 2026/12/02
Last modified: 2026/12/04
Description: A character-level GAN (WGAN-GP's 1-D residual networks) on the
    US Census surnames, compared with a character n-gram model.
Accelerator: CPU is fine (small networks); a GPU makes longer runs cheap.
"""

"""
## Introduction

Tokens are discrete, so the generator's gradient cannot pass through a
sampled character. As in the WGAN-GP character model (Gulrajani et al.
2017), the generator emits a probability distribution over the vocabulary
at every position and the discriminator compares it with one-hot real
names. Decoding takes the most probable character at every position.

The data are the 88,799 surnames of the 1990 US Census that ship inside
the `names` package (offline); the 88,549 of at most 12 letters are kept
and 10 % are held out for evaluation. The script writes
`DIR/text_gan.keras` (the GAN, vocabulary included), `DIR/samples.txt`
(10,000 generated names) and prints, on `len(held_out)` texts each:

- `jsd_1` ... `jsd_4`: n-gram Jensen-Shannon divergence (bits) to the
  held-out names, next to the floor that training names reach;
- `novelty` (not a training name), `validity` (a real surname),
  `diversity` (distinct / generated), `length_distance` (total variation
  between length histograms).

The same metrics are computed for a character n-gram model
(`--ngram-order`, 4 by default), the non-GAN baseline a user would
otherwise pick.

```
python examples/text_names.py --out out/text_names              # 3 epochs
python examples/text_names.py --epochs 12 --out out/text_names
```

Measured results: docs/benchmarks.md

## Setup
"""

import argparse
import collections
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402

MAX_LENGTH = 12
NUM_GENERATED = 10_000
RECIPES = {
    # `gan.compile()` as it is: the non-saturating loss with R1.
    "auto": {},
    "text": None,  # keras_gan.text.default_compile_kwargs(), read at run time
    "wgan_gp": {
        "loss": "wasserstein",
        "penalty": keras_gan.penalties.GradientPenalty(weight=10.0),
        "d_steps": 5,
    },
}

"""
## Data
"""


def load_surnames():
    """The Census surnames bundled with the `names` package, in file order."""
    import names

    path = os.path.join(os.path.dirname(names.__file__), "dist.all.last")
    with open(path, encoding="ascii") as file:
        return [line.split()[0] for line in file if line.strip()]


def split_names(surnames, held_out_share=0.1, seed=0):
    kept = [name for name in surnames if len(name) <= MAX_LENGTH]
    order = np.random.default_rng(seed).permutation(len(kept))
    num_held_out = int(round(held_out_share * len(kept)))
    held_out = [kept[i] for i in order[:num_held_out]]
    train = [kept[i] for i in order[num_held_out:]]
    return kept, train, held_out


"""
## Baseline: a character n-gram model

The model a user would otherwise pick: the next character is drawn from
the counts of what followed the previous `order - 1` characters in the
training names (with start padding); the end of a name is one more
symbol. Every context it meets was seen in training, so no smoothing is
needed.
"""


class CharacterNgramModel:
    def __init__(self, order=4):
        self.order = order
        self.next_counts = collections.defaultdict(collections.Counter)

    def fit(self, texts):
        for text in texts:
            padded = "^" * (self.order - 1) + text + "$"
            for end in range(self.order - 1, len(padded)):
                context = padded[end - self.order + 1 : end]
                self.next_counts[context][padded[end]] += 1
        self.tables = {
            context: (
                list(counts),
                np.cumsum(list(counts.values())) / sum(counts.values()),
            )
            for context, counts in self.next_counts.items()
        }
        return self

    def sample(self, num_texts, max_length=MAX_LENGTH, seed=0):
        rng = np.random.default_rng(seed)
        texts = []
        for _ in range(num_texts):
            text = ""
            context = "^" * (self.order - 1)
            while len(text) < max_length:
                symbols, cumulative = self.tables[context]
                symbol = symbols[np.searchsorted(cumulative, rng.random())]
                if symbol == "$":
                    break
                text += symbol
                context = (context + symbol)[1:]
            texts.append(text)
        return texts


"""
## Evaluation
"""


def evaluate(samples, train, held_out, corpus):
    """All text metrics on `len(held_out)` samples against the held-out names."""
    samples = samples[: len(held_out)]
    return keras_gan.metrics.text_quality(
        samples, held_out, training_texts=train, corpus=corpus
    )


def print_table(rows):
    keys = list(next(iter(rows.values())))
    print(f"{'':22s}" + "".join(f"{key:>16s}" for key in keys))
    for name, values in rows.items():
        print(
            f"{name:22s}"
            + "".join(f"{values.get(key, float('nan')):16.4f}" for key in keys)
        )


"""
## The GAN
"""


def build_gan(vocab, latent_dim, channels, num_blocks, output, seed):
    keras.utils.set_random_seed(seed)
    generator = keras_gan.models.sequence_generator(
        latent_dim=latent_dim,
        sequence_length=vocab.max_length,
        vocab_size=vocab.size,
        channels=channels,
        num_blocks=num_blocks,
        output=output,
        seed=seed,
        vocabulary=vocab,
    )
    discriminator = keras_gan.models.sequence_discriminator(
        sequence_length=vocab.max_length,
        vocab_size=vocab.size,
        channels=channels,
        num_blocks=num_blocks,
    )
    return keras_gan.GAN(generator, discriminator, latent_dim, seed=seed)


def compile_kwargs(recipe, learning_rate):
    kwargs = RECIPES[recipe]
    if kwargs is None:
        kwargs = keras_gan.text.default_compile_kwargs()
    kwargs = dict(kwargs)
    if learning_rate is not None:
        kwargs["d_optimizer"] = keras.optimizers.Adam(learning_rate, 0.5, 0.9)
        kwargs["g_optimizer"] = keras.optimizers.Adam(learning_rate, 0.5, 0.9)
    return kwargs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--steps-per-epoch", type=int, default=None)
    parser.add_argument("--out", default=os.path.join("out", "text_names"))
    parser.add_argument("--recipe", choices=sorted(RECIPES), default="text")
    parser.add_argument("--learning-rate", type=float, default=None)
    parser.add_argument("--latent-dim", type=int, default=128)
    parser.add_argument("--channels", type=int, default=64)
    parser.add_argument("--blocks", type=int, default=3)
    parser.add_argument(
        "--output", choices=("softmax", "gumbel_softmax"), default="softmax"
    )
    parser.add_argument("--ngram-order", type=int, default=4)
    parser.add_argument("--num-generated", type=int, default=NUM_GENERATED)
    parser.add_argument(
        "--num-names", type=int, default=None,
        help="Use only this many surnames (smoke tests).",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    surnames = load_surnames()[: args.num_names]
    corpus, train, held_out = split_names(surnames, seed=args.seed)
    print(
        f"{len(surnames)} surnames, {len(corpus)} of at most {MAX_LENGTH} "
        f"letters: {len(train)} for training, {len(held_out)} held out."
    )
    vocab = keras_gan.text.CharacterVocabulary.from_texts(
        train, max_length=MAX_LENGTH
    )
    real = vocab.encode(train)

    gan = build_gan(
        vocab, args.latent_dim, args.channels, args.blocks, args.output,
        args.seed,
    )
    gan.compile(**compile_kwargs(args.recipe, args.learning_rate))
    callbacks = [
        keras_gan.callbacks.TextQuality(
            held_out, training_texts=train, corpus=corpus,
            num_samples=min(2000, len(held_out)), ngram_orders=(2, 4),
        ),
        keras_gan.callbacks.TextSamples(num_samples=6),
    ]
    if args.output == "gumbel_softmax":
        callbacks.append(keras_gan.callbacks.GumbelTemperatureAnnealing())
    start = time.time()
    history = gan.fit(
        real,
        epochs=args.epochs,
        batch_size=args.batch_size,
        steps_per_epoch=args.steps_per_epoch,
        callbacks=callbacks,
        verbose=2,
    )
    train_seconds = time.time() - start
    model_path = os.path.join(args.out, "text_gan.keras")
    gan.save(model_path)

    # What a user does with the saved file: load it, decode with its vocab.
    loaded = keras.models.load_model(model_path)
    loaded_vocab = keras_gan.text.vocabulary_of(loaded)
    samples = loaded_vocab.decode(loaded.generate(args.num_generated, seed=0))
    samples_path = os.path.join(args.out, "samples.txt")
    with open(samples_path, "w", encoding="ascii") as file:
        file.write("\n".join(samples) + "\n")

    baseline = CharacterNgramModel(args.ngram_order).fit(train)
    baseline_samples = baseline.sample(args.num_generated, seed=args.seed)
    rng = np.random.default_rng(args.seed)
    train_subset = [
        train[i] for i in rng.permutation(len(train))[: len(held_out)]
    ]
    rows = {
        "real (train vs held)": evaluate(train_subset, train, held_out, corpus),
        "GAN": evaluate(samples, train, held_out, corpus),
        f"{args.ngram_order}-gram baseline": evaluate(
            baseline_samples, train, held_out, corpus
        ),
    }
    print(
        f"\nTrained {args.epochs} epochs in {train_seconds:.0f} s; metrics "
        f"on {len(held_out)} texts each, against the held-out names:"
    )
    print_table(rows)
    print("GAN samples:", ", ".join(samples[:20]))
    print(f"{args.ngram_order}-gram samples:", ", ".join(baseline_samples[:20]))
    print(f"Wrote {model_path} and {samples_path}")
    return {
        "model_path": model_path,
        "samples_path": samples_path,
        "metrics": rows,
        "history": history.history,
    }


if __name__ == "__main__":
    main()
