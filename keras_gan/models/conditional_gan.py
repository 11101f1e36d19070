import keras
import numpy as np
from keras import ops

from keras_gan.models.gan import GAN
from keras_gan.training.network_checks import flatten_logits


@keras.saving.register_keras_serializable(package="keras_gan")
class ConditionalGAN(GAN):
    """A class-conditional GAN (Mirza & Osindero 2014).

    The dataset yields `(x, y)` with integer class labels in
    `[0, num_classes)`. The generator is called on `[noise, labels]` and the
    discriminator on `[samples, labels]`; labels are passed with shape
    `(batch, 1)`. Generated samples in a training step use the labels of the
    real batch. Everything else (losses, penalties, saving, callbacks) is
    the `keras_gan.GAN` machinery.

    The recommended discriminator is a projection discriminator (Miyato &
    Koyama 2018), `keras_gan.models.dcgan_discriminator(...,
    num_classes=10, conditioning="projection")`; `conditioning="concat"` is
    the simple alternative.

    Args:
        generator: Keras model on `[noise, labels]`.
        discriminator: Keras model on `[samples, labels]` giving one logit
            per sample.
        latent_dim: Size of the latent vectors.
        num_classes: Number of classes, at least 2.
        **kwargs: Passed to `keras_gan.GAN` (`latent_distribution`,
            `augmentation`, `seed`, `name`, ...).

    Example:

    ```python
    generator = keras_gan.models.dcgan_generator(
        64, (28, 28, 1), num_classes=10
    )
    discriminator = keras_gan.models.dcgan_discriminator(
        (28, 28, 1), num_classes=10, conditioning="projection"
    )
    gan = keras_gan.ConditionalGAN(
        generator, discriminator, latent_dim=64, num_classes=10
    )
    gan.compile()
    gan.fit(images, labels, epochs=20)
    digits = gan.generate(10, labels=np.arange(10), seed=0)
    ```
    """

    def __init__(self, generator, discriminator, latent_dim, num_classes, **kwargs):
        if (
            isinstance(num_classes, bool)
            or not isinstance(num_classes, (int, np.integer))
            or num_classes < 2
        ):
            raise ValueError(
                "Invalid value for argument `num_classes`. Expected an "
                f"integer >= 2. Received: num_classes={num_classes!r}"
            )
        if kwargs.get("pack", 1) != 1:
            raise ValueError(
                "Invalid value for argument `pack`: packing is not supported "
                "by `ConditionalGAN` (the discriminator judges one labelled "
                f"sample at a time). Received: pack={kwargs['pack']!r}"
            )
        self.num_classes = int(num_classes)
        super().__init__(generator, discriminator, latent_dim, **kwargs)

    # === Network checks ===

    def generator_input_spec(self, batch_size=None):
        return [
            keras.KerasTensor((batch_size, self.latent_dim)),
            keras.KerasTensor((batch_size, 1), dtype="int32"),
        ]

    def discriminator_input_spec(self, samples_spec):
        return [samples_spec, keras.KerasTensor((samples_spec.shape[0], 1), dtype="int32")]

    # === Hooks ===

    def call(self, inputs, training=False):
        noise, labels = inputs
        return self.call_generator(noise, labels, training=training)

    def unpack_batch(self, data):
        x, y = self.unpack_weighted_batch(data)
        if y is None:
            raise ValueError(
                "`ConditionalGAN` needs labels: the dataset must yield "
                "`(samples, labels)` with integer labels. Received a batch "
                "without labels."
            )
        return self.check_real_samples(x), self.check_labels(y)

    def check_labels(self, labels):
        """Labels as an int32 `(batch, 1)` tensor; rejects float labels."""
        labels = ops.convert_to_tensor(labels)
        dtype = keras.backend.standardize_dtype(labels.dtype)
        if "int" not in dtype:
            raise ValueError(
                "Invalid dtype of the labels. Expected integer class labels "
                f"in [0, {self.num_classes}). Received: dtype={dtype}"
            )
        return ops.reshape(ops.cast(labels, "int32"), (-1, 1))

    def call_generator(self, noise, labels=None, training=False, generator=None):
        generator = generator or self.generator
        return generator([noise, labels], training=training)

    def call_discriminator(
        self, samples, labels=None, training=False, discriminator=None
    ):
        discriminator = discriminator or self.discriminator
        logits = discriminator([samples, labels], training=training)
        return flatten_logits(logits)

    # === Training ===

    def fit(self, x=None, y=None, *args, **kwargs):
        # Labels held in memory are checked up front, with a clear message;
        # a dataset's labels are checked as they are read, where the backend
        # allows (embedding lookups reject them otherwise).
        if y is not None:
            self.check_label_values(np.asarray(y))
        elif isinstance(x, (tuple, list)) and len(x) >= 2:
            self.check_label_values(np.asarray(x[1]))
        return super().fit(x, y, *args, **kwargs)

    def check_label_values(self, labels):
        labels = np.asarray(labels)
        if labels.dtype.kind not in "iu":
            raise ValueError(
                "Invalid dtype of the labels. Expected integer class labels "
                f"in [0, {self.num_classes}). Received: dtype={labels.dtype}"
            )
        if labels.size and (labels.min() < 0 or labels.max() >= self.num_classes):
            bad = labels[(labels < 0) | (labels >= self.num_classes)]
            raise ValueError(
                "Invalid value for the labels. Expected integers in "
                f"[0, {self.num_classes}). Received: labels containing "
                f"{sorted(set(bad.ravel().tolist()))[:5]}"
            )

    # === Sampling ===

    def default_labels(self, num_samples):
        """A balanced cycle `0, 1, ..., num_classes - 1, 0, 1, ...`."""
        return np.arange(num_samples) % self.num_classes

    def generate(
        self, num_samples, labels=None, seed=None, batch_size=256,
        truncation=None,
    ):
        """Generates samples of the given classes as a NumPy array.

        Args:
            num_samples: Number of samples.
            labels: Integer labels, shape `(num_samples,)`. Defaults to a
                balanced cycle over the classes.
            seed: Integer seed; the same seed gives the same samples.
            batch_size: Samples per generator call. Defaults to `256`.
            truncation: Optional positive float, the truncation trick (see
                `keras_gan.GAN.generate`). Defaults to `None`.
        """
        if labels is None:
            labels = self.default_labels(num_samples)
        labels = np.asarray(labels).reshape(-1)
        if len(labels) != num_samples:
            raise ValueError(
                "Invalid value for argument `labels`. Expected "
                f"{num_samples} labels. Received: {len(labels)} labels"
            )
        self.check_label_values(labels)
        noise = self.noise_for_generation(num_samples, seed, truncation)
        labels = labels.astype("int32").reshape(-1, 1)
        return self._predict_in_batches(noise, labels, batch_size)

    def get_config(self):
        config = super().get_config()
        config["num_classes"] = self.num_classes
        return config
