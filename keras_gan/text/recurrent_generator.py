"""A recurrent generator that writes text one token at a time."""

import keras
from keras import ops

from keras_gan import random_state
from keras_gan import validation
from keras_gan.text.vocabulary import Vocabulary
from keras_gan.text.vocabulary import VocabularyLayer

CELLS = ("gru", "lstm")


@keras.saving.register_keras_serializable(package="keras_gan")
class RecurrentGenerator(keras.Model):
    """A GRU or LSTM language model over a vocabulary's tokens.

    Token ids go through an `Embedding`, `num_layers` recurrent layers of
    `units` units (with dropout between them and before the output) and a
    `Dense` layer to one logit per vocabulary token. Calling the model on
    the ids of `(batch, length)` input tokens returns float32 next-token
    logits `(batch, length, vocabulary.size)`: the teacher-forced pass of
    maximum-likelihood training. `step` runs the same weights one position
    at a time, for sampling.

    A text starts after the vocabulary's end token (`vocabulary.end_id`,
    which also marks where it stops): `shift_right(ids)` gives the inputs
    whose next tokens are `ids`. The vocabulary is carried by a
    `keras_gan.text.VocabularyLayer`, so `keras_gan.text.vocabulary_of`
    finds it in a saved model. `keras_gan.TextGAN` trains this generator.

    Args:
        vocabulary: A `keras_gan.text.CharacterVocabulary` or
            `WordVocabulary`: its `size` tokens are read and written, and
            texts have at most `max_length` of them.
        embedding_dim: Size of the token embeddings. Defaults to `64`.
        units: Units of each recurrent layer. Defaults to `256`.
        num_layers: Number of stacked recurrent layers. Defaults to `1`.
        cell: `"gru"` or `"lstm"`. Defaults to `"gru"`.
        dropout: Dropout rate after each recurrent layer, in training.
            Defaults to `0.0`.
        **kwargs: Passed to `keras.Model` (for example `name`).

    Example:

    ```python
    vocab = keras_gan.text.CharacterVocabulary.from_texts(names, max_length=12)
    generator = keras_gan.text.RecurrentGenerator(vocab, units=256)
    ids = vocab.texts_to_ids(names)                      # (n, 12)
    logits = generator(generator.shift_right(ids))       # (n, 12, vocab.size)
    ```
    """

    def __init__(
        self,
        vocabulary,
        embedding_dim=64,
        units=256,
        num_layers=1,
        cell="gru",
        dropout=0.0,
        **kwargs,
    ):
        kwargs.setdefault("name", "recurrent_generator")
        super().__init__(**kwargs)
        if isinstance(vocabulary, dict):
            vocabulary = keras.saving.deserialize_keras_object(vocabulary)
        if not isinstance(vocabulary, Vocabulary):
            raise validation.invalid_argument(
                "vocabulary",
                vocabulary,
                "a `keras_gan.text.CharacterVocabulary` or `WordVocabulary`",
            )
        validation.check_positive_int("embedding_dim", embedding_dim)
        validation.check_positive_int("units", units)
        validation.check_positive_int("num_layers", num_layers)
        validation.check_one_of("cell", cell, CELLS)
        validation.check_rate("dropout", dropout)
        self.vocabulary = vocabulary
        self.embedding_dim = int(embedding_dim)
        self.units = int(units)
        self.num_layers = int(num_layers)
        self.cell = cell
        self.dropout = float(dropout)

        # === Layers ===
        self.embedding = keras.layers.Embedding(
            vocabulary.size, self.embedding_dim, name="embedding"
        )
        layer_class = keras.layers.GRU if cell == "gru" else keras.layers.LSTM
        self.recurrent_layers = [
            layer_class(self.units, return_sequences=True, name=f"{cell}{i + 1}")
            for i in range(self.num_layers)
        ]
        self.dropout_layers = [
            random_state.seeded_dropout(self.dropout, name=f"dropout{i + 1}")
            for i in range(self.num_layers)
        ]
        self.to_logits = keras.layers.Dense(
            vocabulary.size, dtype="float32", name="to_logits"
        )
        self.vocabulary_layer = VocabularyLayer(
            vocabulary, dtype="float32", name="vocabulary"
        )
        self.build((None, vocabulary.max_length))

    def build(self, input_shape):
        batch, length = tuple(input_shape)[:2]
        self.embedding.build((batch, length))
        features = (batch, length, self.embedding_dim)
        for layer in self.recurrent_layers:
            layer.build(features)
            features = (batch, length, self.units)
        self.to_logits.build(features)
        self.built = True

    # === Calls ===

    def call(self, inputs, training=False):
        x = self.embedding(ops.cast(inputs, "int32"))
        for recurrent, dropout in zip(self.recurrent_layers, self.dropout_layers):
            x = dropout(recurrent(x, training=training), training=training)
        return self.vocabulary_layer(self.to_logits(x))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)[:2] + (self.vocabulary.size,)

    def shift_right(self, ids):
        """The teacher-forcing inputs of `ids`: the end token, then
        `ids[:, :-1]`."""
        ids = ops.cast(ids, "int32")
        start = ops.full((ops.shape(ids)[0], 1), self.vocabulary.end_id, "int32")
        return ops.concatenate([start, ids[:, :-1]], axis=1)

    def initial_state(self, batch_size):
        """The recurrent state before the first token: zeros, one entry
        per layer (a list `[h, c]` for an LSTM)."""
        zeros = ops.zeros((batch_size, self.units), self.compute_dtype)
        if self.cell == "lstm":
            return [[zeros, zeros] for _ in range(self.num_layers)]
        return [[zeros] for _ in range(self.num_layers)]

    def step(self, ids, states, training=False):
        """One position: next-token logits for the input tokens `ids`.

        Args:
            ids: Integer token ids of shape `(batch,)`.
            states: The state from `initial_state` or the previous step.
            training: Whether dropout is active. Defaults to `False`.

        Returns:
            `(logits, states)`: float32 logits `(batch, vocabulary.size)`
            and the new state.
        """
        x = self.embedding(ops.cast(ids, "int32"))
        new_states = []
        for recurrent, dropout, state in zip(
            self.recurrent_layers, self.dropout_layers, states
        ):
            x, state = recurrent.cell(x, state, training=training)
            new_states.append(list(state) if isinstance(state, (list, tuple)) else [state])
            x = dropout(x, training=training)
        return self.to_logits(x), new_states

    # === Config ===

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocabulary": keras.saving.serialize_keras_object(self.vocabulary),
                "embedding_dim": self.embedding_dim,
                "units": self.units,
                "num_layers": self.num_layers,
                "cell": self.cell,
                "dropout": self.dropout,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)
