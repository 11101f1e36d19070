"""Feature extractors for the sample-quality metrics.

The metrics compare feature vectors of real and generated samples; the
features decide what "similar" means.

- `inception_feature_extractor`: the 2048-d pool features of an
  ImageNet-trained Inception-v3 with the standard preprocessing. This is
  what published FID and KID values use. The ImageNet weights are
  downloaded by Keras on first use (about 90 MB, internet needed once;
  they are then cached in `~/.keras/models`).
- `train_feature_classifier`: a small classifier trained on your own
  labeled data; its penultimate layer gives features for data far from
  ImageNet (small images, tabular vectors) and works offline. Values are
  only comparable between runs that use the same trained extractor.
"""

import keras
import numpy as np
from keras import ops

from keras_gan.validation import check_positive_int
from keras_gan.validation import check_value_range

INCEPTION_IMAGE_SIZE = (299, 299)


# === Classifier features ===


def _image_classifier(input_shape, seed):
    height, width = input_shape[0], input_shape[1]
    inputs = keras.Input(input_shape)
    h = inputs
    size = min(height, width)
    filters = 32
    for block in range(3):
        h = keras.layers.Conv2D(
            filters,
            3,
            padding="same",
            activation="relu",
            kernel_initializer=keras.initializers.HeUniform(seed + 2 * block),
        )(h)
        if size >= 8:
            # Downsample while the feature map is at least 8 pixels wide.
            h = keras.layers.Conv2D(
                filters,
                3,
                strides=2,
                padding="same",
                activation="relu",
                kernel_initializer=keras.initializers.HeUniform(
                    seed + 2 * block + 1
                ),
            )(h)
            size = (size + 1) // 2
        filters *= 2
        if size < 8:
            break
    h = keras.layers.Flatten()(h)
    return inputs, h


def _vector_classifier(input_shape, seed):
    inputs = keras.Input(input_shape)
    h = keras.layers.Flatten()(inputs) if len(input_shape) > 1 else inputs
    h = keras.layers.Dense(
        256,
        activation="relu",
        kernel_initializer=keras.initializers.HeUniform(seed),
    )(h)
    return inputs, h


def train_feature_classifier(
    x,
    y,
    num_classes,
    epochs=5,
    feature_dim=128,
    validation_split=0.1,
    seed=0,
    verbose=0,
    batch_size=64,
    return_classifier=False,
):
    """Trains a small classifier on labeled real data; returns its features.

    An offline alternative to Inception features for FID, KID and
    precision/recall: a classifier trained to tell your classes apart
    learns features that capture what distinguishes real samples. Images
    (`x` of rank 4, channels last) get a small CNN (3x3 convolutions,
    stride-2 downsampling to below 8 pixels), anything else an MLP; both
    end in a `Dense(feature_dim, relu)` layer named `"features"` and a
    softmax layer. It is trained with Adam on cross-entropy, on `x` as
    given: pass data in the generator's output range (e.g. `[-1, 1]`),
    the range the extractor will later see.

    A random `validation_split` fraction (drawn with `seed`) is held out
    from training; the accuracy on it is stored in the returned model's
    `classifier_accuracy` attribute (`None` without a split). Check it: a
    classifier that does not separate the classes gives weak features.
    Metric values are only comparable between runs that use the same
    extractor, so save it (`model.save(...)`) and reuse it.

    Args:
        x: Real samples, shape `(num_samples, ...)`, in the generator's
            output range.
        y: Integer class labels, shape `(num_samples,)`.
        num_classes: Number of classes.
        epochs: Training epochs. Defaults to 5.
        feature_dim: Size of the feature vectors. Defaults to 128.
        validation_split: Held-out fraction in `[0, 1)`. Defaults to 0.1.
        seed: Seed of the weight initialisation and the held-out split
            (batch shuffling uses the global Keras seed). Defaults to 0.
        verbose: Verbosity of the training `fit`. Defaults to 0.
        batch_size: Training batch size. Defaults to 64.
        return_classifier: If `True`, return `(features_model,
            classifier)`; the classifier maps samples to class
            probabilities (e.g. to check that a conditional GAN's samples
            have the requested class). Defaults to `False`.

    Returns:
        A `keras.Model` mapping samples to `(batch, feature_dim)` features,
        with the attribute `classifier_accuracy`; or
        `(features_model, classifier)` with `return_classifier=True`.

    Example:

    ```python
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images[..., None] / 16.0 * 2 - 1).astype("float32")
    extractor = keras_gan.metrics.train_feature_classifier(
        x, digits.target, num_classes=10
    )
    print(extractor.classifier_accuracy)  # about 0.95
    quality = keras_gan.callbacks.GANQuality(x, extractor)
    ```
    """
    x = np.asarray(x)
    if x.dtype.kind != "f":
        raise ValueError(
            "Invalid dtype of `x`. Expected floating point samples in the "
            "generator's output range (e.g. `x / 127.5 - 1`). Received: "
            f"dtype={x.dtype}"
        )
    x = x.astype("float32")
    y = np.asarray(y).reshape(-1)
    if y.dtype.kind not in "iu":
        raise ValueError(
            "Invalid dtype of `y`. Expected integer class labels. Received: "
            f"dtype={y.dtype}"
        )
    if len(y) != len(x):
        raise ValueError(
            f"`x` and `y` have different lengths ({len(x)} and {len(y)})."
        )
    check_positive_int("num_classes", num_classes)
    check_positive_int("epochs", epochs)
    check_positive_int("feature_dim", feature_dim)
    check_positive_int("batch_size", batch_size)
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"Invalid value for `y`. Expected labels in [0, {num_classes}). "
            f"Received: labels from {y.min()} to {y.max()}"
        )
    if not 0.0 <= validation_split < 1.0:
        raise ValueError(
            "Invalid value for argument `validation_split`. Expected a number "
            f"in [0, 1). Received: validation_split={validation_split!r}"
        )
    seed = 0 if seed is None else int(seed)

    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    num_held_out = int(round(validation_split * len(x)))
    held_out, train = order[:num_held_out], order[num_held_out:]

    input_shape = x.shape[1:]
    if x.ndim == 4:
        inputs, h = _image_classifier(input_shape, seed)
    else:
        inputs, h = _vector_classifier(input_shape, seed)
    features = keras.layers.Dense(
        feature_dim,
        activation="relu",
        kernel_initializer=keras.initializers.HeUniform(seed + 100),
        name="features",
    )(h)
    probabilities = keras.layers.Dense(
        num_classes,
        activation="softmax",
        kernel_initializer=keras.initializers.GlorotUniform(seed + 101),
        name="probabilities",
    )(features)
    classifier = keras.Model(inputs, probabilities, name="feature_classifier")
    classifier.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    classifier.fit(
        x[train],
        y[train],
        epochs=epochs,
        batch_size=batch_size,
        verbose=verbose,
    )
    accuracy = None
    if num_held_out:
        predictions = classifier.predict(
            x[held_out], batch_size=256, verbose=0
        )
        accuracy = float(np.mean(np.argmax(predictions, -1) == y[held_out]))
    features_model = keras.Model(inputs, features, name="feature_extractor")
    features_model.classifier_accuracy = accuracy
    if return_classifier:
        return features_model, classifier
    return features_model


# === Inception features ===


def inception_preprocess(
    images, value_range=(-1.0, 1.0), image_size=INCEPTION_IMAGE_SIZE
):
    """The standard FID preprocessing of images for Inception-v3.

    Maps `value_range` linearly to Inception-v3's input range `[-1, 1]`,
    resizes to `image_size` (299x299) with bilinear interpolation (no
    antialiasing, as the reference FID implementations), and tiles
    single-channel images to RGB. Works on any backend, in `keras.ops`.

    Args:
        images: Channels-last images `(batch, height, width, channels)` with
            1 or 3 channels.
        value_range: `(low, high)` of the input: `(-1, 1)` for `tanh`
            generators, `(0, 1)`, or `(0, 255)` for raw pixels. Defaults to
            `(-1, 1)`.
        image_size: Output `(height, width)`. Defaults to `(299, 299)`.

    Returns:
        A float32 tensor `(batch, image_size[0], image_size[1], 3)` in
        `[-1, 1]` (for inputs within `value_range`).
    """
    low, high = check_value_range(value_range)
    images = ops.convert_to_tensor(images)
    if len(images.shape) != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            "Expected channels-last images of shape `(batch, height, width, "
            f"channels)` with 1 or 3 channels. Received: shape={images.shape}"
        )
    images = ops.cast(images, "float32")
    images = (images - low) * (2.0 / (high - low)) - 1.0
    if tuple(images.shape[1:3]) != tuple(image_size):
        images = ops.image.resize(
            images,
            tuple(image_size),
            interpolation="bilinear",
            antialias=False,
            data_format="channels_last",
        )
    if images.shape[-1] == 1:
        images = ops.tile(images, (1, 1, 1, 3))
    return images


@keras.saving.register_keras_serializable(package="keras_gan")
class InceptionFeatureExtractor(keras.Model):
    """Inception-v3 pool features with the standard FID preprocessing.

    Build it with `inception_feature_extractor`. Calling it on a batch of
    images returns `(batch, 2048)` features.
    """

    def __init__(
        self,
        image_shape=None,
        value_range=(-1.0, 1.0),
        weights="imagenet",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.image_shape = None if image_shape is None else tuple(image_shape)
        self.value_range = check_value_range(value_range)
        self.weights_source = weights
        self.inception = keras.applications.InceptionV3(
            include_top=False,
            weights=weights,
            input_shape=INCEPTION_IMAGE_SIZE + (3,),
            pooling="avg",
        )
        self.inception.trainable = False
        if self.image_shape is not None:
            self.build((None,) + self.image_shape)

    def build(self, input_shape):
        self.built = True

    def call(self, images, training=False):
        images = inception_preprocess(images, self.value_range)
        return self.inception(images, training=False)

    def compute_output_spec(self, images, training=False):
        return keras.KerasTensor((images.shape[0], 2048), dtype="float32")

    def get_config(self):
        return {
            **super().get_config(),
            "image_shape": self.image_shape,
            "value_range": list(self.value_range),
            "weights": None,
        }


def inception_feature_extractor(
    image_shape=None, value_range=(-1.0, 1.0), weights="imagenet"
):
    """Inception-v3 features for the standard FID and KID.

    Wraps `keras.applications.InceptionV3(include_top=False,
    pooling="avg")` with the preprocessing of `inception_preprocess`:
    images in `value_range` are mapped to `[-1, 1]`, resized to 299x299
    (bilinear) and grayscale is tiled to RGB. The result maps
    `(batch, height, width, channels)` images (1 or 3 channels) to
    `(batch, 2048)` features; use it with `GANQuality` or the metric
    functions. Resizing small images to 299x299 makes it slow on CPU.

    The standard FID needs the ImageNet weights (`weights="imagenet"`, the
    default), which Keras downloads on first use (internet needed once;
    cached in `~/.keras/models`). `weights=None` gives a randomly
    initialised network, for tests only: its values are not FIDs. Values
    are close to, but not bit-identical with, the reference TensorFlow
    FID implementation, whose Inception graph differs slightly.

    Args:
        image_shape: Optional `(height, width, channels)` of the images, to
            build the model up front. Defaults to `None` (built on first
            call).
        value_range: `(low, high)` of the images: `(-1, 1)` for `tanh`
            generators (the bundled builders), `(0, 1)`, or `(0, 255)`.
            Defaults to `(-1, 1)`.
        weights: `"imagenet"`, `None`, or a path to a weights file, as in
            `keras.applications.InceptionV3`. Defaults to `"imagenet"`.

    Returns:
        A `keras.Model` mapping images to `(batch, 2048)` features.

    Example:

    ```python
    extractor = keras_gan.metrics.inception_feature_extractor(
        (32, 32, 3), value_range=(-1, 1)
    )
    quality = keras_gan.callbacks.GANQuality(
        x_train[:10000], extractor, num_samples=10000, every=5
    )
    ```
    """
    return InceptionFeatureExtractor(
        image_shape=image_shape, value_range=value_range, weights=weights
    )
