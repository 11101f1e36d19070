"""Text and other token sequences: vocabularies, networks, metrics, callbacks.

- `vocabulary`: `CharacterVocabulary`, `WordVocabulary` (text to one-hot
  sequences and back), `VocabularyLayer` (carries the vocabulary in a
  saved generator), `vocabulary_of`, `sample_tokens`.
- `networks`: `sequence_generator`, `sequence_discriminator` (also
  exported from `keras_gan.models`) and `default_compile_kwargs`.
- `metrics`: n-gram Jensen-Shannon distances, novelty, diversity,
  validity, length distance (also exported from `keras_gan.metrics`).
- `callbacks`: `TextQuality`, `TextSamples` (also exported from
  `keras_gan.callbacks`).
"""

from keras_gan.text import metrics
from keras_gan.text.callbacks import TextQuality
from keras_gan.text.callbacks import TextSamples
from keras_gan.text.networks import default_compile_kwargs
from keras_gan.text.networks import sequence_discriminator
from keras_gan.text.networks import sequence_generator
from keras_gan.text.vocabulary import CharacterVocabulary
from keras_gan.text.vocabulary import Vocabulary
from keras_gan.text.vocabulary import VocabularyLayer
from keras_gan.text.vocabulary import WordVocabulary
from keras_gan.text.vocabulary import sample_tokens
from keras_gan.text.vocabulary import vocabulary_of
