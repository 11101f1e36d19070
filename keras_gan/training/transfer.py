"""Freezing the first layers of a network for transfer (FreezeD)."""

import keras

from keras_gan import validation


def freeze_layers(model, num_layers):
    """Freezes the first `num_layers` layers of `model` that hold weights.

    FreezeD (Mo et al., 2020) fine-tunes a trained GAN on a small dataset
    with the first (high-resolution) layers of its discriminator frozen.
    This is the Keras idiom `layer.trainable = False`, counting only the
    layers with weights, so that input, activation and reshaping layers do
    not use up `num_layers`. Batch normalization in a frozen layer runs in
    inference mode (Keras' rule), so its statistics stay as they are. Call
    `compile()` again afterwards, as for any change of `trainable` flags.

    Args:
        model: A built `keras.Model` (for example `gan.discriminator`).
        num_layers: Integer >= 0, number of layers with weights to freeze,
            counted from the input. `0` freezes nothing.

    Returns:
        The names of the frozen layers, in order.

    Example:

    ```python
    gan = keras.models.load_model("pretrained_gan.keras")
    keras_gan.models.freeze_layers(gan.discriminator, 2)
    # The same with Keras alone, for a model whose layers all have weights:
    # for layer in gan.discriminator.layers[:2]: layer.trainable = False
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    gan.fit(few_images, epochs=100)
    ```
    """
    if not isinstance(model, keras.Model):
        raise ValueError(
            "Invalid value for argument `model`. Expected a `keras.Model`. "
            f"Received: model={model!r}"
        )
    weighted = [layer for layer in model.layers if layer.weights]
    if not validation.is_integer(num_layers) or num_layers < 0:
        raise ValueError(
            "Invalid value for argument `num_layers`. Expected an integer "
            f">= 0. Received: num_layers={num_layers!r}"
        )
    if num_layers > len(weighted):
        raise ValueError(
            "Invalid value for argument `num_layers`. Expected at most "
            f"{len(weighted)}, the number of layers with weights in "
            f"'{model.name}'. Received: num_layers={num_layers!r}"
        )
    for layer in weighted[:num_layers]:
        layer.trainable = False
    return [layer.name for layer in weighted[:num_layers]]
