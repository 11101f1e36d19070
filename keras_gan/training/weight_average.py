"""An exponential moving average (EMA) of a network's weights."""

import keras
from keras import ops

from keras_gan import validation


class WeightAverage:
    """Keeps `average`, a copy of a network whose weights follow an EMA.

    After every update of the network, `update(network, step)` sets
    `average = d * average + (1 - d) * weights` for trainable weights and
    copies the others (batch-norm statistics). Before step `start` the
    average copies the network; then the decay ramps linearly from 0 to
    `decay` over `warmup` steps. Every operation is a `keras.ops` call and a
    variable assignment, so `update` runs inside compiled training steps on
    every backend. The model that owns it keeps `average` as an attribute,
    so the averaged weights are saved with it.

    Args:
        network: The Keras model to average.
        decay: EMA decay in [0, 1). Defaults to `0.999`.
        start: Step at which averaging starts. Defaults to `0`.
        warmup: Steps over which the decay ramps up. Defaults to `0`.

    Example:

    ```python
    ema = WeightAverage(generator, decay=0.999)
    ...  # after each generator update:
    ema.update(generator, step=g_optimizer.iterations)
    samples = ema.average(noise)
    ```
    """

    def __init__(self, network, decay=0.999, start=0, warmup=0, average=None):
        self.config = check_config(decay, start, warmup)
        if average is None:
            average = keras.models.clone_model(network)
            average.set_weights(network.get_weights())
            average.trainable = False
        self.average = average

    def decay_at(self, step):
        """The decay used at step `step` (a tensor)."""
        step = ops.cast(step, "float32") - self.config["start"]
        decay = self.config["decay"]
        if self.config["warmup"] > 0:
            decay = decay * ops.clip(step / self.config["warmup"], 0.0, 1.0)
        return ops.where(step < 0, 0.0, decay)

    def update(self, network, step):
        """One EMA update towards `network`'s current weights."""
        decay = self.decay_at(step)
        for average, weight in zip(self.average.weights, network.weights):
            value = ops.cast(weight, average.dtype)
            if weight.trainable:
                value = value + ops.cast(decay, average.dtype) * (average - value)
            average.assign(value)


def check_config(decay, start, warmup):
    """The checked `{decay, start, warmup}` settings of an EMA."""
    if isinstance(decay, bool) or not 0.0 <= float(decay) < 1.0:
        raise ValueError(
            "Invalid value for argument `decay`. Expected a number in "
            f"[0, 1). Received: decay={decay!r}"
        )
    for name, value in (("start", start), ("warmup", warmup)):
        if not validation.is_integer(value) or value < 0:
            raise ValueError(
                f"Invalid value for argument `{name}`. Expected an "
                f"integer >= 0. Received: {name}={value!r}"
            )
    return {"decay": float(decay), "start": int(start), "warmup": int(warmup)}


class GeneratorAverages:
    """Exponential moving averages of several generators (by attribute).

    The model keeps each average network as attribute `ema_<name>` (so
    `ema_generator` for a GAN), so it is saved and restored with the model.

    Args:
        model: The model owning the generators.
        names: Attribute names of the generators to average.
        decay: EMA decay in [0, 1).
        start: Step at which averaging starts.
        warmup: Steps over which the decay ramps up.
    """

    def __init__(self, model, names, decay, start, warmup):
        self.config = check_config(decay, start, warmup)
        self.names = names
        self.averages = {}
        for name in names:
            average = WeightAverage(
                getattr(model, name),
                **self.config,
                average=getattr(model, f"ema_{name}", None),
            )
            self.averages[name] = average
            setattr(model, f"ema_{name}", average.average)

    def update(self, model, step):
        for name, average in self.averages.items():
            average.update(getattr(model, name), step)
