"""A Markov chain over characters or words: the baseline a text GAN must beat."""

import collections

import numpy as np

from keras_gan import validation
from keras_gan.text.vocabulary import check_texts

TOKENS = ("characters", "words")
_START = object()
_END = object()


class MarkovChain:
    """An n-gram language model: the next token given the last few.

    `fit` counts, in the training texts, which token (or the end of the
    text) follows each context of `context_length` tokens (texts start
    with a context of start symbols). `sample` draws texts token by token
    from those counts: every context it meets was seen in training, so no
    smoothing is needed. A chain with `context_length=3` over characters is
    the character 4-gram model.

    Args:
        context_length: Positive integer, tokens of context. Defaults to
            `3`.
        tokens: `"characters"` (texts are strings of characters) or
            `"words"` (whitespace-separated words). Defaults to
            `"characters"`.

    Example:

    ```python
    chain = keras_gan.text.MarkovChain(context_length=3).fit(names)
    chain.sample(5, max_length=12, seed=0)  # five new names
    ```
    """

    def __init__(self, context_length=3, tokens="characters"):
        validation.check_positive_int("context_length", context_length)
        validation.check_one_of("tokens", tokens, TOKENS)
        self.context_length = int(context_length)
        self.tokens = tokens
        self.tables = None

    def _split(self, text):
        return list(text) if self.tokens == "characters" else text.split()

    def _join(self, tokens):
        return ("" if self.tokens == "characters" else " ").join(tokens)

    def fit(self, texts):
        """Counts the continuations of every context in `texts`; returns
        `self`."""
        texts = check_texts(texts)
        if not texts:
            raise validation.invalid_argument("texts", texts, "at least one text")
        counts = collections.defaultdict(collections.Counter)
        for text in texts:
            padded = [_START] * self.context_length + self._split(text) + [_END]
            for end in range(self.context_length, len(padded)):
                context = tuple(padded[end - self.context_length : end])
                counts[context][padded[end]] += 1
        self.tables = {}
        for context, following in counts.items():
            weights = np.array(list(following.values()), dtype="float64")
            self.tables[context] = (list(following), np.cumsum(weights / weights.sum()))
        return self

    def sample(self, num_texts, max_length=None, seed=None):
        """Draws `num_texts` texts.

        Args:
            num_texts: Positive integer, number of texts.
            max_length: Stop a text after this many tokens. Defaults to
                `None` (only the end of text stops it).
            seed: Integer seed. Defaults to `None`.

        Returns:
            A list of strings.
        """
        if self.tables is None:
            raise ValueError("This `MarkovChain` is not fitted yet: call `fit(texts)`.")
        validation.check_positive_int("num_texts", num_texts)
        if max_length is not None:
            validation.check_positive_int("max_length", max_length)
        rng = np.random.default_rng(seed)
        texts = []
        for _ in range(num_texts):
            context = (_START,) * self.context_length
            tokens = []
            while max_length is None or len(tokens) < max_length:
                following, cumulative = self.tables[context]
                index = min(
                    int(np.searchsorted(cumulative, rng.random(), side="right")),
                    len(following) - 1,
                )
                token = following[index]
                if token is _END:
                    break
                tokens.append(token)
                context = context[1:] + (token,)
            texts.append(self._join(tokens))
        return texts
