"""Text metrics and decoded samples during `fit`: `TextQuality`, `TextSamples`."""

import os

import keras
import numpy as np

from keras_gan.text import vocabulary as text_module
from keras_gan.text import metrics as text_metrics
from keras_gan.validation import check_positive_int

TENSORBOARD_SUBDIR = "text_samples"


def _check_vocabulary(vocabulary):
    if vocabulary is not None and not isinstance(
        vocabulary, text_module.Vocabulary
    ):
        raise ValueError(
            "Invalid value for argument `vocabulary`. Expected `None` (the "
            "vocabulary the generator carries) or a "
            "`keras_gan.text.CharacterVocabulary` or `WordVocabulary`. "
            f"Received: vocabulary={vocabulary!r}"
        )


def _check_temperature(temperature):
    if temperature is not None:
        text_module.sample_tokens(np.ones((1, 1)), temperature=temperature)


class _DecodingCallback(keras.callbacks.Callback):
    """Generates texts from fixed noise every `every` epochs and decodes them."""

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.get("vocabulary") is not None:
            config["vocabulary"] = keras.saving.deserialize_keras_object(
                config["vocabulary"]
            )
        return cls(**config)

    def decoding_config(self):
        return {
            "vocabulary": keras.saving.serialize_keras_object(self.vocabulary)
            if self.vocabulary is not None
            else None,
            "num_samples": self.num_samples,
            "every": self.every,
            "seed": self.seed,
            "temperature": self.temperature,
        }

    def __init__(self, vocabulary, num_samples, every, seed, temperature):
        super().__init__()
        _check_vocabulary(vocabulary)
        check_positive_int("num_samples", num_samples)
        check_positive_int("every", every)
        _check_temperature(temperature)
        self.vocabulary = vocabulary
        self.num_samples = num_samples
        self.every = every
        self.seed = seed
        self.temperature = temperature

    def on_train_begin(self, logs=None):
        if self.vocabulary is None:
            self.vocabulary = text_module.vocabulary_of(self.model)

    def due(self, epoch):
        return (epoch + 1) % self.every == 0

    def generate_texts(self):
        sequences = self.model.generate(self.num_samples, seed=self.seed)
        return self.vocabulary.decode(
            sequences, temperature=self.temperature, seed=self.seed
        )


@keras.saving.register_keras_serializable(package="keras_gan")
class TextQuality(_DecodingCallback):
    """Logs n-gram JSD, novelty, validity, diversity and length distance.

    At the end of every `every`-th epoch, `num_samples` texts are generated
    with `gan.generate` from the same latent vectors each time (drawn with
    `seed`; from the EMA generator when there is one), decoded, and
    compared with `real_texts` by `keras_gan.metrics.text_quality`. The
    values are written into the epoch `logs` as `jsd_1` ... `jsd_4`,
    `diversity`, `length_distance`, and `novelty` / `validity` when
    `training_texts` / `corpus` are given, with `prefix` in front. Callbacks
    placed after this one can monitor them, e.g.
    `keras.callbacks.ModelCheckpoint(path, monitor="jsd_4", mode="min",
    save_best_only=True)`.

    The n-gram JSD depends on the number of texts compared: compare
    `num_samples` generated texts with about as many real ones, and read
    the values next to `keras_gan.metrics.ngram_jsd_floor`.

    Args:
        real_texts: Real texts (strings) to compare with, e.g. held out.
        vocabulary: The vocabulary decoding the generator's output.
            Defaults to `None`: the one the generator carries (see
            `keras_gan.text.vocabulary_of`).
        training_texts: Training texts, for `novelty`. Defaults to `None`.
        corpus: All real texts, for `validity`. Defaults to `None`.
        num_samples: Texts generated per evaluation. Defaults to `1000`.
        every: Evaluate at the end of every `every`-th epoch. Defaults to
            `1`.
        ngram_orders: The n of the logged `jsd_<n>`. Defaults to
            `(1, 2, 3, 4)`.
        seed: Integer seed of the latent vectors and of the sampling.
            Defaults to `0`.
        temperature: `None` decodes by argmax; a positive number samples
            (see `CharacterVocabulary.decode`). Defaults to `None`.
        prefix: String put in front of every log key. Defaults to `""`.

    Attributes:
        results: Dict of the last values (with prefix), or `None`.

    Example:

    ```python
    gan.fit(real, epochs=30, batch_size=256, callbacks=[
        keras_gan.callbacks.TextQuality(held_out, training_texts=train,
                                        corpus=names),
        keras.callbacks.ModelCheckpoint(
            "best.keras", monitor="jsd_4", mode="min", save_best_only=True),
    ])
    ```
    """

    def __init__(
        self,
        real_texts,
        vocabulary=None,
        training_texts=None,
        corpus=None,
        num_samples=1000,
        every=1,
        ngram_orders=text_metrics.DEFAULT_NGRAM_ORDERS,
        seed=0,
        temperature=None,
        prefix="",
    ):
        super().__init__(vocabulary, num_samples, every, seed, temperature)
        self.real_texts = text_module.check_texts(real_texts, "real_texts")
        if not self.real_texts:
            raise ValueError(
                "Invalid value for argument `real_texts`. Expected at least "
                "one text. Received: real_texts=[]"
            )
        self.training_texts = training_texts
        self.corpus = corpus
        ngram_orders = tuple(ngram_orders)
        for n in ngram_orders:
            check_positive_int("ngram_orders", n)
        self.ngram_orders = ngram_orders
        self.prefix = str(prefix)
        self.results = None

    def get_config(self):
        return {
            **self.decoding_config(),
            "real_texts": list(self.real_texts),
            "training_texts": None if self.training_texts is None
            else list(self.training_texts),
            "corpus": None if self.corpus is None else list(self.corpus),
            "ngram_orders": list(self.ngram_orders),
            "prefix": self.prefix,
        }

    def on_epoch_end(self, epoch, logs=None):
        if not self.due(epoch):
            return
        values = text_metrics.text_quality(
            self.generate_texts(),
            self.real_texts,
            training_texts=self.training_texts,
            corpus=self.corpus,
            ngram_orders=self.ngram_orders,
        )
        self.results = {self.prefix + k: v for k, v in values.items()}
        if logs is not None:
            logs.update(self.results)


@keras.saving.register_keras_serializable(package="keras_gan")
class TextSamples(_DecodingCallback):
    """Decoded samples every few epochs, printed and in TensorBoard's text tab.

    At the end of every `every`-th epoch, `num_samples` texts are generated
    from fixed latent vectors (drawn with `seed`), decoded, kept in
    `samples` (epoch -> list of strings), printed with `verbose=1`, and
    with `tensorboard_log_dir` logged with `tf.summary.text` (tag
    `"samples"`, one Markdown list) to the subdirectory `"text_samples"`,
    which needs TensorFlow installed (with any Keras backend). Strings are
    not put into the epoch `logs`: Keras' progress bar averages log values
    as numbers.

    Args:
        vocabulary: The vocabulary decoding the generator's output.
            Defaults to `None`: the one the generator carries.
        num_samples: Texts per epoch. Defaults to `8`.
        every: Run at the end of every `every`-th epoch. Defaults to `1`.
        seed: Integer seed of the latent vectors. Defaults to `0`.
        temperature: `None` decodes by argmax; a positive number samples.
            Defaults to `None`.
        verbose: `1` prints the samples, `0` does not. Defaults to `1`.
        tensorboard_log_dir: Optional TensorBoard log directory. Defaults
            to `None`.

    Example:

    ```python
    samples = keras_gan.callbacks.TextSamples(num_samples=5,
                                              tensorboard_log_dir="logs")
    gan.fit(real, epochs=10, callbacks=[samples])
    samples.samples[9]  # the five names after the last epoch
    ```
    """

    def __init__(
        self,
        vocabulary=None,
        num_samples=8,
        every=1,
        seed=0,
        temperature=None,
        verbose=1,
        tensorboard_log_dir=None,
    ):
        super().__init__(vocabulary, num_samples, every, seed, temperature)
        if verbose not in (0, 1):
            raise ValueError(
                "Invalid value for argument `verbose`. Expected 0 or 1. "
                f"Received: verbose={verbose!r}"
            )
        self.verbose = verbose
        self.tensorboard_log_dir = (
            None if tensorboard_log_dir is None
            else os.fspath(tensorboard_log_dir)
        )
        self.samples = {}
        self._writer = None

    def get_config(self):
        return {
            **self.decoding_config(),
            "verbose": self.verbose,
            "tensorboard_log_dir": self.tensorboard_log_dir,
        }

    def on_epoch_end(self, epoch, logs=None):
        if not self.due(epoch):
            return
        texts = self.generate_texts()
        self.samples[epoch] = texts
        if self.verbose:
            print(f"Epoch {epoch + 1} samples: " + ", ".join(map(repr, texts)))
        if self.tensorboard_log_dir is not None:
            self._log_to_tensorboard(texts, epoch)

    def _log_to_tensorboard(self, texts, step):
        try:
            import tensorflow as tf
        except ImportError:
            raise ImportError(
                "`TextSamples(tensorboard_log_dir=...)` logs text with "
                "`tf.summary.text` and needs TensorFlow installed (with any "
                "Keras backend): `pip install tensorflow-cpu`."
            ) from None
        if self._writer is None:
            self._writer = tf.summary.create_file_writer(
                os.path.join(self.tensorboard_log_dir, TENSORBOARD_SUBDIR)
            )
        markdown = "\n".join(f"- `{text}`" for text in texts)
        with self._writer.as_default():
            tf.summary.text("samples", markdown, step=step)
        self._writer.flush()

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None
