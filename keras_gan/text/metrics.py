"""Quality of generated text: n-gram divergence, novelty, validity, ...

All functions take texts on the host: strings (compared character by
character) or sequences of tokens such as words (`text.split()`), and
compute in float64 NumPy.

- `ngram_jsd(generated, real, n)`: Jensen-Shannon divergence between the
  n-gram frequencies of two corpora (the measure of the WGAN-GP and
  Rajeswar et al. 2017 language experiments), in bits, so in [0, 1].
- `ngram_jsd_floor(real, n)`: the same between two random halves of the
  real texts; generated text cannot be expected to get below it.
- `novelty(generated, training_texts)`: share of samples not in the
  training set.
- `validity(generated, corpus)`: share of samples in the full corpus.
- `diversity(generated)`: distinct samples / samples.
- `length_distance(generated, real)`: total variation distance between the
  length histograms.
- `text_quality(...)`: all of them in one dict, as the `TextQuality`
  callback logs them.
"""

import collections

import numpy as np

from keras_gan.validation import check_positive_int

DEFAULT_NGRAM_ORDERS = (1, 2, 3, 4)


def _as_token_sequences(texts, name):
    """Texts as tuples of tokens (strings become tuples of characters)."""
    if isinstance(texts, str):
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a list of texts, "
            f"not one string. Received: {name}={texts!r}"
        )
    sequences = []
    for text in texts:
        if isinstance(text, (str, list, tuple)):
            sequences.append(tuple(text))
        else:
            raise ValueError(
                f"Invalid value for argument `{name}`. Expected strings or "
                f"lists of tokens. Received an element {text!r} of type "
                f"{type(text).__name__}"
            )
    return sequences


def _as_keys(texts, name):
    """Hashable texts (strings, or tuples of tokens) for set membership."""
    if isinstance(texts, str):
        _as_token_sequences(texts, name)
    texts = list(texts)
    _as_token_sequences(texts, name)
    return [text if isinstance(text, str) else tuple(text) for text in texts]


def _check_not_empty(texts, name):
    if len(texts) == 0:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected at least one "
            f"text. Received: {name}=[]"
        )


def ngram_counts(texts, n):
    """Counts of the n-grams (tuples of `n` tokens) inside each text.

    N-grams do not cross text boundaries; texts shorter than `n` have none.

    Args:
        texts: Strings (character n-grams) or sequences of tokens.
        n: Positive integer, the n-gram order.

    Returns:
        A `collections.Counter` from n-gram tuples to counts.
    """
    return _ngram_counts(texts, n, "texts")


def _ngram_counts(texts, n, name):
    check_positive_int("n", n)
    counts = collections.Counter()
    for tokens in _as_token_sequences(texts, name):
        counts.update(
            tokens[start : start + n] for start in range(len(tokens) - n + 1)
        )
    return counts


def ngram_jsd(generated, real, n=4):
    """Jensen-Shannon divergence between n-gram distributions, in bits.

    With `P` and `Q` the n-gram frequencies (counts / total) of the two
    corpora and `M = (P + Q) / 2`,
    `JSD = (KL(P || M) + KL(Q || M)) / 2` with base-2 logarithms, so it
    lies in [0, 1]: 0 for identical frequencies, 1 for disjoint n-grams.
    If one corpus has no n-gram of order `n` (all its texts are shorter)
    the divergence is 1.

    The value depends on the corpus sizes (rare n-grams make small samples
    look different); compare it with `ngram_jsd_floor` at the same size.

    Args:
        generated: Generated texts: strings or sequences of tokens.
        real: Real texts, in the same form.
        n: Positive integer, the n-gram order. Defaults to `4`.

    Returns:
        A Python float.

    Example:

    ```python
    keras_gan.metrics.ngram_jsd(["ab"], ["ab", "bb"], n=1)  # 0.0488
    ```
    """
    generated_counts = _ngram_counts(generated, n, "generated")
    real_counts = _ngram_counts(real, n, "real")
    if not generated_counts and not real_counts:
        raise ValueError(
            f"Invalid value for argument `n`: neither corpus has a text of "
            f"at least {n} tokens. Received: n={n}"
        )
    if not generated_counts or not real_counts:
        return 1.0
    ngrams = list(set(generated_counts) | set(real_counts))
    p = np.array([generated_counts[g] for g in ngrams], dtype="float64")
    q = np.array([real_counts[g] for g in ngrams], dtype="float64")
    return jensen_shannon(p / p.sum(), q / q.sum())


def jensen_shannon(p, q):
    """Jensen-Shannon divergence in bits between two probability vectors."""
    p = np.asarray(p, dtype="float64")
    q = np.asarray(q, dtype="float64")
    m = 0.5 * (p + q)
    divergence = 0.5 * (_kl_bits(p, m) + _kl_bits(q, m))
    # Rounding can put it a hair outside [0, 1].
    return float(np.clip(divergence, 0.0, 1.0))


def _kl_bits(p, m):
    support = p > 0
    return np.sum(p[support] * np.log2(p[support] / m[support]))


def ngram_jsd_floor(real, n=4, num_samples=None, seed=0):
    """`ngram_jsd` between two disjoint random halves of the real texts.

    It is what a perfect generator reaches on samples of that size: a
    generated corpus is no closer to real text than real text is to
    itself. For a like-for-like comparison, compare `num_samples` generated
    texts with `num_samples` real ones.

    Args:
        real: Real texts (strings or sequences of tokens), at least 2.
        n: Positive integer, the n-gram order. Defaults to `4`.
        num_samples: Texts per half. Defaults to `None`
            (`len(real) // 2`).
        seed: Integer seed of the split. Defaults to `0`.

    Returns:
        A Python float.
    """
    real = list(real)
    half = len(real) // 2
    if num_samples is None:
        num_samples = half
    check_positive_int("num_samples", num_samples)
    if num_samples > half:
        raise ValueError(
            "Invalid value for argument `num_samples`. Expected at most "
            f"half the real texts ({half}). Received: "
            f"num_samples={num_samples}"
        )
    order = np.random.default_rng(seed).permutation(len(real))
    first = [real[i] for i in order[:num_samples]]
    second = [real[i] for i in order[num_samples : 2 * num_samples]]
    return ngram_jsd(first, second, n)


def novelty(generated, training_texts):
    """Share of generated texts that are not in the training set.

    Args:
        generated: Generated texts (strings or sequences of tokens).
        training_texts: The texts the model was trained on.

    Returns:
        A Python float in [0, 1].

    Example:

    ```python
    keras_gan.metrics.novelty(["AB", "CD", "AB"], ["AB"])  # 1 / 3
    ```
    """
    return 1.0 - _share_in(generated, training_texts, "training_texts")


def validity(generated, corpus):
    """Share of generated texts that are in the full corpus.

    For names, the share of generated names that are real names (seen in
    training or held out).

    Args:
        generated: Generated texts (strings or sequences of tokens).
        corpus: All real texts.

    Returns:
        A Python float in [0, 1].
    """
    return _share_in(generated, corpus, "corpus")


def _share_in(generated, reference, name):
    generated = _as_keys(generated, "generated")
    _check_not_empty(generated, "generated")
    reference = set(_as_keys(reference, name))
    return float(np.mean([text in reference for text in generated]))


def diversity(generated):
    """Distinct generated texts divided by the number of generated texts.

    Args:
        generated: Generated texts (strings or sequences of tokens).

    Returns:
        A Python float in (0, 1]; 1 when all texts differ.
    """
    generated = _as_keys(generated, "generated")
    _check_not_empty(generated, "generated")
    return len(set(generated)) / len(generated)


def length_distance(generated, real):
    """Total variation distance between the length histograms.

    `0.5 * sum_l |P(length = l) - Q(length = l)|` over lengths in tokens
    (characters for strings): 0 for identical histograms, 1 for disjoint
    ones.

    Args:
        generated: Generated texts (strings or sequences of tokens).
        real: Real texts, in the same form.

    Returns:
        A Python float in [0, 1].
    """
    generated = _as_token_sequences(generated, "generated")
    real = _as_token_sequences(real, "real")
    _check_not_empty(generated, "generated")
    _check_not_empty(real, "real")
    longest = max(len(t) for t in generated + real)
    p = np.bincount([len(t) for t in generated], minlength=longest + 1)
    q = np.bincount([len(t) for t in real], minlength=longest + 1)
    return float(0.5 * np.abs(p / p.sum() - q / q.sum()).sum())


def text_quality(
    generated,
    real,
    training_texts=None,
    corpus=None,
    ngram_orders=DEFAULT_NGRAM_ORDERS,
):
    """All text metrics in one dict.

    Args:
        generated: Generated texts (strings or sequences of tokens).
        real: Real texts to compare n-grams and lengths with (for example
            held-out texts).
        training_texts: Training texts, for `novelty`. Defaults to `None`
            (not computed).
        corpus: All real texts, for `validity`. Defaults to `None` (not
            computed).
        ngram_orders: The n of the `ngram_jsd` values. Defaults to
            `(1, 2, 3, 4)`.

    Returns:
        A dict with `jsd_<n>` for each order, `diversity`,
        `length_distance`, and `novelty` and `validity` when their
        reference texts are given.

    Example:

    ```python
    generated = vocab.decode(gan.generate(1000, seed=0))
    keras_gan.metrics.text_quality(generated, held_out, train, corpus)
    ```
    """
    generated = list(generated)
    results = {f"jsd_{n}": ngram_jsd(generated, real, n) for n in ngram_orders}
    results["diversity"] = diversity(generated)
    results["length_distance"] = length_distance(generated, real)
    if training_texts is not None:
        results["novelty"] = novelty(generated, training_texts)
    if corpus is not None:
        results["validity"] = validity(generated, corpus)
    return results
