"""Adversarial-phase variants of `examples/text_names.py`, from one
pretrained generator.

Every variant starts from the same maximum-likelihood generator (a
`text_gan.keras` written by the example, e.g. after `--epochs 8
--pretrain-epochs 8`), trains `--steps` more steps with its own recipe
(a fresh discriminator for the adversarial ones; more maximum likelihood
for `mle`), and is scored like the example: `len(held_out)` names sampled
at each `--temperatures` against the held-out names, with the real floor.

```
python benchmarks/text_gan_recipe.py --model out/mle8/text_gan.keras \
    --steps 300 --variants mle gumbel reinforce
```
"""

import argparse
import importlib.util
import json
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402

import keras_gan  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name: (TextGAN arguments, compile arguments)
VARIANTS = {
    "mle": ({"pretrain_epochs": 1}, {}),
    "gumbel": ({"estimator": "gumbel_softmax"}, {}),
    "gumbel_t0.3": ({"estimator": "gumbel_softmax", "gumbel_temperature": 0.3}, {}),
    "gumbel_mle1": ({"estimator": "gumbel_softmax", "mle_weight": 1.0}, {}),
    "gumbel_rel": ({"estimator": "gumbel_softmax"}, {"loss": "relativistic"}),
    "reinforce": ({"estimator": "reinforce"}, {}),
    "reinforce_mle1": ({"estimator": "reinforce", "mle_weight": 1.0}, {}),
}


def load_example():
    path = os.path.join(ROOT, "examples", "text_names.py")
    spec = importlib.util.spec_from_file_location("text_names", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_variant(name, model_path, ids, args):
    gan_kwargs, compile_kwargs = VARIANTS[name]
    keras.utils.set_random_seed(args.seed)
    pretrained = keras.models.load_model(model_path)
    vocab = pretrained.vocabulary
    discriminator = keras_gan.models.sequence_discriminator(
        vocab.max_length, vocab.size, channels=args.channels, num_blocks=args.blocks
    )
    kwargs = {"pretrain_epochs": 0, "seed": args.seed, **gan_kwargs}
    gan = keras_gan.TextGAN(pretrained.generator, discriminator, **kwargs)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(args.d_learning_rate, 0.5, 0.9),
        g_optimizer=keras.optimizers.Adam(
            args.mle_learning_rate if name == "mle" else args.learning_rate, 0.5, 0.9
        ),
        **compile_kwargs,
    )
    start = time.time()
    history = gan.fit(
        ids, epochs=1, batch_size=args.batch_size, steps_per_epoch=args.steps, verbose=0
    )
    return gan, time.time() - start, history.history


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--mle-learning-rate", type=float, default=1e-3)
    parser.add_argument("--d-learning-rate", type=float, default=1e-4)
    parser.add_argument("--channels", type=int, default=64)
    parser.add_argument("--blocks", type=int, default=3)
    parser.add_argument("--temperatures", type=float, nargs="+", default=[1.0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)

    example = load_example()
    corpus, train, held_out = example.split_names(example.load_surnames(), seed=0)
    pretrained = keras.models.load_model(args.model)
    ids = pretrained.vocabulary.texts_to_ids(train)
    results = {}
    real = example.evaluate(train[: len(held_out)], train, held_out, corpus)
    floor = real["jsd_4"]
    for temperature in args.temperatures:
        samples = pretrained.generate_texts(len(held_out), temperature, seed=args.seed)
        results[f"pretrained T={temperature}"] = example.evaluate(samples, train, held_out, corpus)
    for name in args.variants:
        gan, seconds, history = run_variant(name, args.model, ids, args)
        for temperature in args.temperatures:
            samples = gan.generate_texts(len(held_out), temperature, seed=args.seed)
            row = example.evaluate(samples, train, held_out, corpus)
            row["seconds"] = seconds
            row["final_nll"] = float(history["nll"][-1])
            results[f"{name} T={temperature}"] = row
        print(name, f"{seconds:.0f} s", samples[:8], flush=True)
    for row in results.values():
        row["jsd_4 / floor"] = row["jsd_4"] / floor
    keys = ["jsd_2", "jsd_3", "jsd_4", "jsd_4 / floor", "novelty", "diversity",
            "validity", "length_distance", "invalid"]
    print(f"{'':24s}" + "".join(f"{k[:13]:>14s}" for k in keys))
    for name, row in results.items():
        print(f"{name:24s}" + "".join(f"{row[k]:14.4f}" for k in keys))
    if args.out:
        with open(args.out, "w") as file:
            json.dump({"args": vars(args), "floor": floor, "results": results}, file, indent=1)


if __name__ == "__main__":
    main()
