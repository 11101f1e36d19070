"""Anneals the temperature of `GumbelSoftmax` layers during `fit`."""

import math

import keras

from keras_gan import compat
from keras_gan.layers.gumbel_softmax import GumbelSoftmax
from keras_gan.layers.gumbel_softmax import check_temperature


@keras.saving.register_keras_serializable(package="keras_gan")
class GumbelTemperatureAnnealing(keras.callbacks.Callback):
    """Lowers the Gumbel-softmax temperature at the start of every epoch.

    Sets `temperature = max(min_temperature, initial_temperature *
    exp(-decay_rate * epoch))` (the schedule of Jang et al. 2017, per epoch)
    on every `keras_gan.layers.GumbelSoftmax` layer of the model (the
    generator and its EMA copy), and logs it as `gumbel_temperature`. The
    temperature is a saved variable and the schedule depends only on the
    epoch, so resumed runs continue it.

    Args:
        initial_temperature: Temperature of epoch 0. Defaults to `1.0`.
        min_temperature: Lowest temperature. Defaults to `0.5`.
        decay_rate: Non-negative decay per epoch. Defaults to `0.1`.

    Example:

    ```python
    generator = keras_gan.models.sequence_generator(
        128, 12, vocab.size, output="gumbel_softmax")
    gan.fit(real, epochs=30, callbacks=[
        keras_gan.callbacks.GumbelTemperatureAnnealing(1.0, 0.3, 0.1)])
    ```
    """

    def __init__(
        self, initial_temperature=1.0, min_temperature=0.5, decay_rate=0.1
    ):
        super().__init__()
        check_temperature(initial_temperature, "initial_temperature")
        check_temperature(min_temperature, "min_temperature")
        if (
            isinstance(decay_rate, bool)
            or not isinstance(decay_rate, (int, float))
            or not decay_rate >= 0
        ):
            raise ValueError(
                "Invalid value for argument `decay_rate`. Expected a number "
                f">= 0. Received: decay_rate={decay_rate!r}"
            )
        self.initial_temperature = float(initial_temperature)
        self.min_temperature = float(min_temperature)
        self.decay_rate = float(decay_rate)

    def temperature_at(self, epoch):
        """The temperature used in epoch `epoch` (0-based)."""
        decayed = self.initial_temperature * math.exp(-self.decay_rate * epoch)
        return max(self.min_temperature, decayed)

    def on_train_begin(self, logs=None):
        self.layers = [
            layer
            for layer in compat.sublayers(self.model)
            if isinstance(layer, GumbelSoftmax)
        ]
        if not self.layers:
            raise ValueError(
                "`GumbelTemperatureAnnealing` found no "
                "`keras_gan.layers.GumbelSoftmax` layer in the model. Build "
                "the generator with `output=\"gumbel_softmax\"`."
            )

    def on_epoch_begin(self, epoch, logs=None):
        self.temperature = self.temperature_at(epoch)
        for layer in self.layers:
            layer.temperature.assign(self.temperature)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["gumbel_temperature"] = self.temperature

    def get_config(self):
        return {
            "initial_temperature": self.initial_temperature,
            "min_temperature": self.min_temperature,
            "decay_rate": self.decay_rate,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
