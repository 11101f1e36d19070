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
- `TextGAN` (`text_gan.py`, also `keras_gan.TextGAN`): the autoregressive
  text GAN, maximum-likelihood pretraining then adversarial training, with
  its `RecurrentGenerator` (`recurrent_generator.py`).
- `MarkovChain` (`markov_chain.py`): the n-gram baseline.
"""

from keras_gan.text import metrics
from keras_gan.text.callbacks import TextQuality
from keras_gan.text.callbacks import TextSamples
from keras_gan.text.markov_chain import MarkovChain
from keras_gan.text.networks import default_compile_kwargs
from keras_gan.text.networks import sequence_discriminator
from keras_gan.text.networks import sequence_generator
from keras_gan.text.recurrent_generator import RecurrentGenerator
from keras_gan.text.text_gan import TextGAN
from keras_gan.text.vocabulary import CharacterVocabulary
from keras_gan.text.vocabulary import Vocabulary
from keras_gan.text.vocabulary import VocabularyLayer
from keras_gan.text.vocabulary import WordVocabulary
from keras_gan.text.vocabulary import sample_tokens
from keras_gan.text.vocabulary import vocabulary_of
