"""Vocabularies that turn text into one-hot sequences and back.

A GAN for text compares the generator's per-position probabilities with
one-hot real text (the WGAN-GP character model, Gulrajani et al. 2017).
`CharacterVocabulary` and `WordVocabulary` do the conversions:

- `encode(texts)`: `(num_texts, max_length, size)` float32 one-hot
  arrays. A text shorter than `max_length` is followed by the end token,
  then padding.
- `decode(sequences)`: strings from one-hot arrays, per-position
  probabilities (argmax, or sampling with a temperature and a seed) or
  token ids; everything from the first end or padding token on is
  stripped.

Index 0 is the padding token `"[PAD]"`, index 1 the end token `"[END]"`,
and with `on_unknown="oov"` index 2 is the out-of-vocabulary token
`"[UNK]"`; the text's tokens follow, most frequent first.

The vocabulary is saved with a model when the generator carries it:
`keras_gan.models.sequence_generator(..., vocabulary=vocab)` ends with a
pass-through `VocabularyLayer`, and `keras_gan.text.vocabulary_of(model)`
finds it again in a reloaded `.keras` file. `vocab.save(path)` and
`CharacterVocabulary.load(path)` keep it in a JSON file of its own.

Keras' `StringLookup` and `TextVectorization` are not used: they work on
string tensors, which only TensorFlow has, and keras_gan's core depends on
`keras` and `numpy` alone. The conversions here are plain Python and NumPy.
"""

import collections
import json
import os

import keras
import numpy as np

from keras_gan import compat
from keras_gan.validation import check_positive_int

PAD_TOKEN = "[PAD]"
END_TOKEN = "[END]"
OOV_TOKEN = "[UNK]"
_RESERVED = (PAD_TOKEN, END_TOKEN, OOV_TOKEN)
UNKNOWN_POLICIES = ("raise", "drop", "oov")
TOO_LONG_POLICIES = ("raise", "truncate")
_PACKAGE = "keras_gan"


class Vocabulary:
    """Base of the character and word vocabularies (see the module doc).

    Subclasses define `split(text)` (a text to its tokens) and
    `join(tokens)` (tokens back to a text).

    Args:
        tokens: The text tokens (characters or words), without the
            reserved tokens, in index order.
        max_length: Number of positions of an encoded text.
        on_unknown: What `encode` does with a token not in the vocabulary:
            `"raise"` a `ValueError`, `"drop"` it, or map it to the `"oov"`
            token `"[UNK]"`. Defaults to `"raise"`.
        on_too_long: What `encode` does with a text of more than
            `max_length` tokens: `"raise"` a `ValueError` or `"truncate"`
            it. Defaults to `"raise"`.

    Example:

    ```python
    vocab = keras_gan.text.CharacterVocabulary.from_texts(texts, max_length=12)
    isinstance(vocab, keras_gan.text.Vocabulary)  # True
    ```
    """

    def __init__(
        self, tokens, max_length, on_unknown="raise", on_too_long="raise"
    ):
        check_positive_int("max_length", max_length)
        if on_unknown not in UNKNOWN_POLICIES:
            raise ValueError(
                "Invalid value for argument `on_unknown`. Expected one of "
                f"{UNKNOWN_POLICIES}. Received: on_unknown={on_unknown!r}"
            )
        if on_too_long not in TOO_LONG_POLICIES:
            raise ValueError(
                "Invalid value for argument `on_too_long`. Expected one of "
                f"{TOO_LONG_POLICIES}. Received: on_too_long={on_too_long!r}"
            )
        tokens = [str(token) for token in tokens]
        self._check_tokens(tokens)
        self.max_length = int(max_length)
        self.on_unknown = on_unknown
        self.on_too_long = on_too_long
        reserved = [PAD_TOKEN, END_TOKEN]
        if on_unknown == "oov":
            reserved.append(OOV_TOKEN)
        self.text_tokens = tokens
        self._vocabulary = reserved + tokens
        self._index = {token: i for i, token in enumerate(self._vocabulary)}

    def _check_tokens(self, tokens):
        bad = [t for t in tokens if t in _RESERVED or not self._is_token(t)]
        if bad or len(set(tokens)) != len(tokens):
            duplicates = sorted(
                t for t, c in collections.Counter(tokens).items() if c > 1
            )
            raise ValueError(
                "Invalid value for argument `tokens`. Expected distinct "
                f"{self.token_kind}s, none of them one of {list(_RESERVED)}. "
                f"Received invalid tokens {bad[:10]} and duplicates "
                f"{duplicates[:10]}"
            )

    # === Construction ===

    @classmethod
    def from_texts(
        cls,
        texts,
        max_length,
        max_tokens=None,
        min_count=1,
        on_unknown="raise",
        on_too_long="raise",
    ):
        """Builds a vocabulary of the tokens of `texts`, most frequent first.

        Ties are ordered by the token itself, so the same texts always give
        the same vocabulary.

        Args:
            texts: An iterable of strings.
            max_length: Number of positions of an encoded text.
            max_tokens: Keep at most this many text tokens (the most
                frequent). Defaults to `None` (all).
            min_count: Keep tokens seen at least this often. Defaults to 1.
            on_unknown: See the class. Defaults to `"raise"`.
            on_too_long: See the class. Defaults to `"raise"`.

        Returns:
            A vocabulary of this class.
        """
        if max_tokens is not None:
            check_positive_int("max_tokens", max_tokens)
        check_positive_int("min_count", min_count)
        counts = collections.Counter()
        for text in check_texts(texts):
            counts.update(cls.split(text))
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        tokens = [token for token, count in ranked if count >= min_count]
        if max_tokens is not None:
            tokens = tokens[:max_tokens]
        return cls(tokens, max_length, on_unknown, on_too_long)

    # === Properties ===

    @property
    def size(self):
        """Number of tokens, reserved ones included (the one-hot depth)."""
        return len(self._vocabulary)

    def get_vocabulary(self):
        """All tokens in index order, like `StringLookup.get_vocabulary()`."""
        return list(self._vocabulary)

    @property
    def pad_id(self):
        return 0

    @property
    def end_id(self):
        return 1

    @property
    def oov_id(self):
        """Index of `"[UNK]"`, or `None` unless `on_unknown="oov"`."""
        return self._index.get(OOV_TOKEN)

    # === Encoding ===

    def texts_to_ids(self, texts):
        """Token ids of `texts`: an int32 array `(num_texts, max_length)`."""
        texts = check_texts(texts)
        ids = np.full((len(texts), self.max_length), self.pad_id, "int32")
        for row, text in enumerate(texts):
            token_ids = self._token_ids(text)
            ids[row, : len(token_ids)] = token_ids
            if len(token_ids) < self.max_length:
                ids[row, len(token_ids)] = self.end_id
        return ids

    def encode(self, texts):
        """One-hot `texts`: a float32 array `(num_texts, max_length, size)`."""
        return np.eye(self.size, dtype="float32")[self.texts_to_ids(texts)]

    def _token_ids(self, text):
        ids = []
        for token in self.split(text):
            index = self._index.get(token)
            if index is None or token in _RESERVED:
                if self.on_unknown == "raise":
                    raise ValueError(
                        f"Unknown {self.token_kind} {token!r} in the text "
                        f"{text!r}: it is not in the vocabulary. Pass "
                        "`on_unknown='drop'` to drop unknown "
                        f"{self.token_kind}s or `on_unknown='oov'` to map "
                        f"them to {OOV_TOKEN!r}."
                    )
                if self.on_unknown == "drop":
                    continue
                index = self.oov_id
            ids.append(index)
        if len(ids) > self.max_length:
            if self.on_too_long == "raise":
                raise ValueError(
                    f"The text {text!r} has {len(ids)} {self.token_kind}s, "
                    f"more than max_length={self.max_length}. Pass "
                    "`on_too_long='truncate'` to keep its first "
                    f"{self.max_length} {self.token_kind}s, or filter such "
                    "texts out first."
                )
            ids = ids[: self.max_length]
        return ids

    # === Decoding ===

    def decode(self, sequences, temperature=None, seed=None):
        """Texts from one-hot arrays, probabilities or token ids.

        Args:
            sequences: A float array `(num_texts, max_length, size)` of
                one-hot vectors or per-position probabilities (what
                `gan.generate` returns), or an integer array
                `(num_texts, max_length)` of token ids.
            temperature: `None` takes the most probable token at every
                position. A positive number samples each position from
                the probabilities raised to `1 / temperature` and
                renormalized (`1.0` samples the probabilities as they
                are). Defaults to `None`.
            seed: Integer seed of the sampling. Defaults to `None`.

        Returns:
            A list of strings, each cut at its first end or padding token.
        """
        sequences = np.asarray(sequences)
        if sequences.ndim == 2 and np.issubdtype(sequences.dtype, np.integer):
            return self.ids_to_texts(sequences)
        if sequences.ndim != 3 or sequences.shape[-1] != self.size:
            raise ValueError(
                "Invalid value for argument `sequences`. Expected token ids "
                "of shape `(num_texts, length)` or probabilities of shape "
                f"`(num_texts, length, {self.size})`. Received: "
                f"shape={sequences.shape}, dtype={sequences.dtype}"
            )
        if temperature is None:
            return self.ids_to_texts(np.argmax(sequences, axis=-1))
        return self.ids_to_texts(
            sample_tokens(sequences, temperature=temperature, seed=seed)
        )

    def ids_to_texts(self, ids):
        """Texts of an integer array of token ids `(num_texts, length)`."""
        ids = np.asarray(ids)
        if ids.ndim != 2:
            raise ValueError(
                "Invalid value for argument `ids`. Expected an integer "
                f"array of shape `(num_texts, length)`. Received: "
                f"shape={ids.shape}"
            )
        if ids.size and (ids.min() < 0 or ids.max() >= self.size):
            raise ValueError(
                "Invalid value for argument `ids`. Expected token ids in "
                f"[0, {self.size}). Received ids from {ids.min()} to "
                f"{ids.max()}"
            )
        texts = []
        for row in ids:
            tokens = []
            for index in row:
                if index in (self.pad_id, self.end_id):
                    break
                tokens.append(self._vocabulary[index])
            texts.append(self.join(tokens))
        return texts

    # === Saving ===

    def get_config(self):
        return {
            "tokens": list(self.text_tokens),
            "max_length": self.max_length,
            "on_unknown": self.on_unknown,
            "on_too_long": self.on_too_long,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def save(self, path):
        """Writes the vocabulary to a JSON file."""
        data = keras.saving.serialize_keras_object(self)
        with open(os.fspath(path), "w", encoding="utf-8") as file:
            json.dump(data, file, ensure_ascii=False, indent=1)

    @classmethod
    def load(cls, path):
        """Reads a vocabulary written by `save`."""
        with open(os.fspath(path), encoding="utf-8") as file:
            vocabulary = keras.saving.deserialize_keras_object(json.load(file))
        if not isinstance(vocabulary, cls):
            raise ValueError(
                f"The file {os.fspath(path)!r} holds a "
                f"{type(vocabulary).__name__}, not a {cls.__name__}."
            )
        return vocabulary

    def __eq__(self, other):
        return type(self) is type(other) and (
            self.get_config() == other.get_config()
        )

    def __repr__(self):
        return (
            f"{type(self).__name__}(size={self.size}, "
            f"max_length={self.max_length}, on_unknown={self.on_unknown!r}, "
            f"on_too_long={self.on_too_long!r})"
        )


@keras.saving.register_keras_serializable(package=_PACKAGE)
class CharacterVocabulary(Vocabulary):
    """A vocabulary of single characters, with padding and an end token.

    Args:
        tokens: The characters, without the reserved tokens, in index
            order. Usually built with `CharacterVocabulary.from_texts`.
        max_length: Number of positions (characters) of an encoded text.
        on_unknown: What `encode` does with a character not in the
            vocabulary: `"raise"` a `ValueError`, `"drop"` it, or map it to
            `"[UNK]"` (`"oov"`). Defaults to `"raise"`.
        on_too_long: What `encode` does with a text longer than
            `max_length`: `"raise"` a `ValueError` or `"truncate"` it.
            Defaults to `"raise"`.

    Example:

    ```python
    vocab = keras_gan.text.CharacterVocabulary.from_texts(
        ["SMITH", "JONES"], max_length=6
    )
    real = vocab.encode(["SMITH"])  # (1, 6, vocab.size) one-hot
    vocab.decode(real)  # ["SMITH"]
    ```
    """

    token_kind = "character"

    @staticmethod
    def split(text):
        return list(text)

    @staticmethod
    def join(tokens):
        return "".join(tokens)

    @staticmethod
    def _is_token(token):
        return len(token) == 1


@keras.saving.register_keras_serializable(package=_PACKAGE)
class WordVocabulary(Vocabulary):
    """A vocabulary of whitespace-separated words, with padding and an end token.

    Args:
        tokens: The words, without the reserved tokens, in index order.
            Usually built with `WordVocabulary.from_texts`.
        max_length: Number of positions (words) of an encoded text.
        on_unknown: What `encode` does with a word not in the vocabulary:
            `"raise"` a `ValueError`, `"drop"` it, or map it to `"[UNK]"`
            (`"oov"`). Defaults to `"raise"`.
        on_too_long: What `encode` does with a text of more than
            `max_length` words: `"raise"` a `ValueError` or `"truncate"`
            it. Defaults to `"raise"`.

    Example:

    ```python
    vocab = keras_gan.text.WordVocabulary.from_texts(
        ["the cat sat", "the dog ran"], max_length=4, on_unknown="oov"
    )
    vocab.decode(vocab.encode(["the cat ran", "a dog"]))
    # ["the cat ran", "[UNK] dog"]
    ```
    """

    token_kind = "word"

    @staticmethod
    def split(text):
        return text.split()

    @staticmethod
    def join(tokens):
        return " ".join(tokens)

    @staticmethod
    def _is_token(token):
        return bool(token) and not any(c.isspace() for c in token)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class VocabularyLayer(keras.layers.Layer):
    """A pass-through layer that carries a vocabulary inside a model.

    Placed at the end of a generator (see
    `keras_gan.models.sequence_generator(..., vocabulary=...)`), it returns
    its input unchanged and keeps the vocabulary in its config, so the
    vocabulary is saved in the model's `.keras` file and comes back with
    `keras.models.load_model`. `keras_gan.text.vocabulary_of(model)` finds
    it.

    Args:
        vocabulary: A `CharacterVocabulary` or `WordVocabulary` (or its
            serialized config).
        **kwargs: Passed to `keras.layers.Layer` (for example `name`).

    Example:

    ```python
    layer = keras_gan.text.VocabularyLayer(vocab)
    outputs = layer(probabilities)  # the same tensor values
    keras_gan.text.vocabulary_of(model) == vocab  # True once in a model
    ```
    """

    def __init__(self, vocabulary, **kwargs):
        super().__init__(**kwargs)
        if isinstance(vocabulary, dict):
            vocabulary = keras.saving.deserialize_keras_object(vocabulary)
        if not isinstance(vocabulary, Vocabulary):
            raise ValueError(
                "Invalid value for argument `vocabulary`. Expected a "
                "`keras_gan.text.CharacterVocabulary` or `WordVocabulary`. "
                f"Received: vocabulary={vocabulary!r}"
            )
        self.vocabulary = vocabulary
        # No weights: built as made, so that Keras' symbolic build under
        # `tf.distribute` (which sees a mean-reduced, float batch) is skipped.
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["vocabulary"] = keras.saving.serialize_keras_object(
            self.vocabulary
        )
        return config


def vocabulary_of(model):
    """The vocabulary carried by a model's `VocabularyLayer`.

    Args:
        model: A `keras_gan.GAN`, a generator, or any Keras layer or model;
            nested models are searched.

    Returns:
        The vocabulary of the first `VocabularyLayer` found.

    Raises:
        ValueError: If the model carries no vocabulary.
    """
    for layer in [model, *compat.sublayers(model)]:
        if isinstance(layer, VocabularyLayer):
            return layer.vocabulary
    raise ValueError(
        f"The model {getattr(model, 'name', model)!r} carries no vocabulary. "
        "Build the generator with `keras_gan.models.sequence_generator(..., "
        "vocabulary=vocab)` to save it with the model, or save it on its own "
        "with `vocab.save(path)`."
    )


def sample_tokens(probabilities, temperature=1.0, seed=None):
    """Token ids sampled from per-position probabilities.

    Args:
        probabilities: A float array `(..., size)` of non-negative weights
            per position (they need not sum to 1).
        temperature: Positive number; the weights are raised to
            `1 / temperature` and renormalized before sampling. Lower
            values come closer to the argmax. Defaults to `1.0`.
        seed: Integer seed. Defaults to `None`.

    Returns:
        An int64 array of shape `probabilities.shape[:-1]`.
    """
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, (int, float, np.floating))
        or not temperature > 0
    ):
        raise ValueError(
            "Invalid value for argument `temperature`. Expected a positive "
            f"number or `None`. Received: temperature={temperature!r}"
        )
    probabilities = np.asarray(probabilities, dtype="float64")
    if not np.all(np.isfinite(probabilities)) or np.any(probabilities < 0):
        raise ValueError(
            "Invalid value for argument `probabilities`. Expected finite, "
            "non-negative values; the generator may have diverged."
        )
    # Temperature in log space: p ** (1 / t), renormalized, without overflow.
    logits = np.log(np.maximum(probabilities, 1e-300)) / temperature
    logits -= logits.max(axis=-1, keepdims=True)
    weights = np.exp(logits)
    cumulative = np.cumsum(weights, axis=-1)
    cumulative /= cumulative[..., -1:]
    uniform = np.random.default_rng(seed).random(probabilities.shape[:-1])
    ids = (cumulative < uniform[..., None]).sum(axis=-1)
    return np.minimum(ids, probabilities.shape[-1] - 1)


def check_texts(texts, name="texts"):
    if isinstance(texts, str):
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a list of "
            f"strings, not one string. Received: {name}={texts!r}"
        )
    texts = list(texts)
    for text in texts:
        if not isinstance(text, str):
            raise ValueError(
                f"Invalid value for argument `{name}`. Expected strings. "
                f"Received an element {text!r} of type {type(text).__name__}"
            )
    return texts
