"""
Title: A GAN that writes surnames
Author: keras_gan contributors
Date created: 2026/12/02
Last modified: 2026/12/04
Description: An autoregressive text GAN (a GRU pretrained by maximum
    likelihood, then trained against a discriminator) on the US Census
    surnames, compared with character Markov chains.
Accelerator: CPU is fine (small networks); a GPU makes longer runs cheap.
"""

"""
## Introduction

`keras_gan.TextGAN` writes a name one letter at a time with a GRU. Its
first `--pretrain-epochs` epochs fit it as a language model (teacher
forcing, cross-entropy of the next letter); the following epochs train it
against a discriminator that compares its names with real ones, the
gradient passing the sampled letters through a Gumbel-softmax relaxation
(RelGAN) or a policy gradient (SeqGAN, `--estimator reinforce`).

The data are the 88,799 surnames of the 1990 US Census that ship inside
the `names` package (offline); the 88,549 of at most 12 letters are kept
and 10 % are held out for evaluation. The script writes
`DIR/text_gan.keras` (the model, vocabulary included), `DIR/samples.txt`
(10,000 generated names, `--temperature` 1.0 by default),
`DIR/metrics.json`, and prints, on `len(held_out)` texts each:

- `jsd_1` ... `jsd_4`: n-gram Jensen-Shannon divergence (bits) to the
  held-out names, and `jsd_4 / floor`, its ratio to that of as many
  training names (the best a generator can be expected to reach);
- `novelty` (not a training name), `validity` (a real surname),
  `diversity` (distinct / generated), `invalid` (empty names),
  `length_distance` (total variation between length histograms).

The same metrics are computed for character Markov chains with 3 and 4
letters of context (`keras_gan.text.MarkovChain`), the models a user would
otherwise pick. `--model conv` trains the all-at-once convolutional GAN
of WGAN-GP's language model (`keras_gan.GAN` with the sequence builders)
instead.

`--corpus job_titles` runs the same on a word-level corpus: the 639 job
titles that ship with the `faker` package (`WordVocabulary`, titles of at
most 8 words, compared word by word).

```
python examples/text_names.py --epochs 30 --out out/text_names
python examples/text_names.py --corpus job_titles --out out/job_titles
```

Measured results: docs/text.md and docs/benchmarks.md

## Setup
"""

import argparse
import json
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402

NUM_GENERATED = 10_000
CORPORA = {
    # name: (max_length, tokens)
    "surnames": (12, "characters"),
    "job_titles": (8, "words"),
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


def load_job_titles():
    """The job titles bundled with the `faker` package (en_US provider)."""
    from faker.providers.job.en_US import Provider

    return sorted(set(Provider.jobs))


def load_corpus(corpus):
    return load_surnames() if corpus == "surnames" else load_job_titles()


def split_texts(texts, max_length, tokens="characters", held_out_share=0.1, seed=0):
    """`(kept, train, held_out)`: texts of at most `max_length` tokens, 10 %
    held out at random."""
    size = len if tokens == "characters" else (lambda text: len(text.split()))
    kept = [text for text in texts if 0 < size(text) <= max_length]
    order = np.random.default_rng(seed).permutation(len(kept))
    num_held_out = int(round(held_out_share * len(kept)))
    held_out = [kept[i] for i in order[:num_held_out]]
    train = [kept[i] for i in order[num_held_out:]]
    return kept, train, held_out


def split_names(surnames, held_out_share=0.1, seed=0):
    return split_texts(surnames, 12, "characters", held_out_share, seed)


"""
## Evaluation
"""


def evaluate(samples, train, held_out, corpus, tokens="characters"):
    """All text metrics on `len(held_out)` samples against the held-out texts."""
    samples = samples[: len(held_out)]
    if tokens == "words":
        split = lambda texts: [text.split() for text in texts]  # noqa: E731
        samples, train, held_out, corpus = map(
            split, (samples, train, held_out, corpus)
        )
    results = keras_gan.metrics.text_quality(
        samples, held_out, training_texts=train, corpus=corpus
    )
    results["invalid"] = float(np.mean([len(text) == 0 for text in samples]))
    return results


def add_floor_ratios(rows, floor_row):
    floor = rows[floor_row]["jsd_4"]
    for values in rows.values():
        values["jsd_4 / floor"] = values["jsd_4"] / floor


def print_table(rows):
    keys = list(next(iter(rows.values())))
    print(f"{'':26s}" + "".join(f"{key:>14s}" for key in keys))
    for name, values in rows.items():
        print(
            f"{name:26s}"
            + "".join(f"{values.get(key, float('nan')):14.4f}" for key in keys)
        )


"""
## The models
"""


def build_text_gan(vocab, args, steps_per_epoch):
    keras.utils.set_random_seed(args.seed)
    generator = keras_gan.text.RecurrentGenerator(
        vocab,
        embedding_dim=args.embedding_dim,
        units=args.units,
        num_layers=args.layers,
        cell=args.cell,
        dropout=args.dropout,
    )
    discriminator = keras_gan.models.sequence_discriminator(
        sequence_length=vocab.max_length,
        vocab_size=vocab.size,
        channels=args.channels,
        num_blocks=args.blocks,
    )
    gan = keras_gan.TextGAN(
        generator,
        discriminator,
        pretrain_epochs=min(args.pretrain_epochs, args.epochs),
        estimator=args.estimator,
        gumbel_temperature=args.gumbel_temperature,
        mle_weight=args.mle_weight,
        seed=args.seed,
    )
    # One generator optimizer for both phases; its learning rate drops from
    # `--learning-rate` to `--adversarial-learning-rate` when the adversarial
    # phase starts (a step-based schedule, saved and resumed with it).
    pretrain_steps = gan.pretrain_epochs * steps_per_epoch
    g_learning_rate = keras.optimizers.schedules.PiecewiseConstantDecay(
        [pretrain_steps], [args.learning_rate, args.adversarial_learning_rate]
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(args.d_learning_rate, 0.5, 0.9),
        g_optimizer=keras.optimizers.Adam(g_learning_rate, 0.5, 0.9),
        loss=args.loss,
        penalty=None if args.r1 == 0 else keras_gan.penalties.R1Penalty(args.r1),
    )
    return gan


def build_conv_gan(vocab, args, steps_per_epoch=None):
    """The all-at-once generator of WGAN-GP's character model."""
    keras.utils.set_random_seed(args.seed)
    generator = keras_gan.models.sequence_generator(
        latent_dim=128,
        sequence_length=vocab.max_length,
        vocab_size=vocab.size,
        channels=args.channels,
        num_blocks=args.blocks,
        vocabulary=vocab,
    )
    discriminator = keras_gan.models.sequence_discriminator(
        sequence_length=vocab.max_length,
        vocab_size=vocab.size,
        channels=args.channels,
        num_blocks=args.blocks,
    )
    gan = keras_gan.GAN(generator, discriminator, 128, seed=args.seed)
    gan.compile(**keras_gan.text.default_compile_kwargs())
    return gan


def generate_texts(model, vocab, num_samples, temperature, seed):
    if isinstance(model, keras_gan.TextGAN):
        return model.generate_texts(num_samples, temperature=temperature, seed=seed)
    # The convolutional GAN: argmax of its per-position probabilities.
    return vocab.decode(model.generate(num_samples, seed=seed))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="surnames")
    parser.add_argument("--model", choices=("text_gan", "conv"), default="text_gan")
    parser.add_argument("--epochs", type=int, default=None,
                        help="Defaults to 30 (surnames) or 60 (job titles).")
    parser.add_argument("--pretrain-epochs", type=int, default=None,
                        help="Maximum-likelihood epochs; defaults to 26 "
                        "(surnames) or 50 (job titles).")
    parser.add_argument("--estimator", choices=("gumbel_softmax", "reinforce"),
                        default="gumbel_softmax")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="Defaults to 256 (surnames) or 32 (job titles).")
    parser.add_argument("--steps-per-epoch", type=int, default=None)
    parser.add_argument("--learning-rate", type=float, default=1e-3,
                        help="Generator learning rate of the pretraining.")
    parser.add_argument("--adversarial-learning-rate", type=float, default=1e-4,
                        help="Generator learning rate of the adversarial phase.")
    parser.add_argument("--d-learning-rate", type=float, default=1e-4)
    parser.add_argument("--loss", default="non_saturating")
    parser.add_argument("--r1", type=float, default=1.0,
                        help="R1 penalty weight (0: none).")
    parser.add_argument("--mle-weight", type=float, default=1.0,
                        help="Weight of the likelihood term in the adversarial phase.")
    parser.add_argument("--gumbel-temperature", type=float, default=1.0)
    parser.add_argument("--units", type=int, default=256)
    parser.add_argument("--embedding-dim", type=int, default=64)
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--cell", choices=("gru", "lstm"), default="gru")
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--channels", type=int, default=64,
                        help="Channels of the discriminator's residual blocks.")
    parser.add_argument("--blocks", type=int, default=3)
    parser.add_argument("--temperature", type=float, default=1.0,
                        help="Sampling temperature of samples.txt.")
    parser.add_argument("--sweep-temperatures", type=float, nargs="*", default=[],
                        help="More sampling temperatures to score (TextGAN).")
    parser.add_argument("--num-generated", type=int, default=NUM_GENERATED)
    parser.add_argument("--num-texts", "--num-names", type=int, default=None,
                        help="Use only this many texts (smoke tests).")
    parser.add_argument("--out", default=os.path.join("out", "text_names"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs is None:
        args.epochs = 30 if args.corpus == "surnames" else 60
    if args.batch_size is None:
        args.batch_size = 256 if args.corpus == "surnames" else 32
    if args.pretrain_epochs is None:
        args.pretrain_epochs = 26 if args.corpus == "surnames" else 50
    return args


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    max_length, tokens = CORPORA[args.corpus]

    texts = load_corpus(args.corpus)[: args.num_texts]
    corpus, train, held_out = split_texts(texts, max_length, tokens, seed=args.seed)
    print(
        f"{len(texts)} {args.corpus}, {len(corpus)} of at most {max_length} "
        f"{tokens}: {len(train)} for training, {len(held_out)} held out."
    )
    vocabulary_class = (
        keras_gan.text.CharacterVocabulary
        if tokens == "characters"
        else keras_gan.text.WordVocabulary
    )
    vocab = vocabulary_class.from_texts(train, max_length=max_length, on_unknown="drop")

    build = build_text_gan if args.model == "text_gan" else build_conv_gan
    steps_per_epoch = args.steps_per_epoch or -(-len(train) // args.batch_size)
    gan = build(vocab, args, steps_per_epoch)
    data = vocab.texts_to_ids(train) if args.model == "text_gan" else vocab.encode(train)
    start = time.time()
    history = gan.fit(
        data,
        epochs=args.epochs,
        batch_size=args.batch_size,
        steps_per_epoch=args.steps_per_epoch,
        callbacks=[keras_gan.callbacks.TextSamples(num_samples=6, vocabulary=vocab)]
        if args.model == "conv"
        else [],
        verbose=2,
    )
    train_seconds = time.time() - start
    model_path = os.path.join(args.out, "text_gan.keras")
    gan.save(model_path)

    # What a user does with the saved file: load it and sample from it.
    loaded = keras.models.load_model(model_path)
    loaded_vocab = keras_gan.text.vocabulary_of(loaded)
    samples = generate_texts(
        loaded, loaded_vocab, args.num_generated, args.temperature, args.seed
    )
    samples_path = os.path.join(args.out, "samples.txt")
    with open(samples_path, "w", encoding="utf-8") as file:
        file.write("\n".join(samples) + "\n")

    rng = np.random.default_rng(args.seed)
    train_subset = [train[i] for i in rng.permutation(len(train))[: len(held_out)]]
    rows = {"real (train vs held out)": evaluate(train_subset, train, held_out, corpus, tokens)}
    name = "TextGAN" if args.model == "text_gan" else "convolutional GAN"
    rows[name] = evaluate(samples, train, held_out, corpus, tokens)
    if args.model == "text_gan":
        for temperature in args.sweep_temperatures:
            swept = loaded.generate_texts(len(held_out), temperature, seed=args.seed)
            rows[f"{name}, temperature {temperature:g}"] = evaluate(
                swept, train, held_out, corpus, tokens
            )
    markov_samples = {}
    for context_length in (3, 4):
        chain = keras_gan.text.MarkovChain(context_length, tokens).fit(train)
        markov_samples[context_length] = chain.sample(
            len(held_out), max_length=max_length, seed=args.seed
        )
        rows[f"Markov, {context_length} tokens of context"] = evaluate(
            markov_samples[context_length], train, held_out, corpus, tokens
        )
    add_floor_ratios(rows, "real (train vs held out)")
    print(
        f"\nTrained {args.epochs} epochs in {train_seconds:.0f} s; metrics on "
        f"{len(held_out)} texts each, against the held-out {args.corpus}:"
    )
    print_table(rows)
    separator = ", " if tokens == "characters" else " | "
    print(f"{name} samples:", separator.join(samples[:20]))
    print("Markov (3) samples:", separator.join(markov_samples[3][:20]))
    metrics_path = os.path.join(args.out, "metrics.json")
    with open(metrics_path, "w", encoding="utf-8") as file:
        json.dump(
            {"args": vars(args), "train_seconds": train_seconds, "metrics": rows,
             "history": {k: [float(v) for v in vs] for k, vs in history.history.items()}},
            file, indent=1,
        )
    print(f"Wrote {model_path}, {samples_path} and {metrics_path}")
    return {
        "model_path": model_path,
        "samples_path": samples_path,
        "metrics": rows,
        "history": history.history,
        "train_seconds": train_seconds,
    }


if __name__ == "__main__":
    main()
