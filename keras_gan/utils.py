"""Private helpers shared across `keras_gan` modules (not public API)."""

import keras
import numpy as np

from keras_gan import backend
from keras_gan import compat


def is_integer(value):
    """Whether `value` is a Python or NumPy integer (booleans excluded)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_positive_int(name, value):
    """Raises a Keras-style `ValueError` unless `value` is an integer >= 1.

    Args:
        name: Name of the argument, used in the error message.
        value: Value of the argument.

    Raises:
        ValueError: If `value` is not a (non-boolean) integer >= 1.
    """
    if not is_integer(value) or value < 1:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a positive "
            f"integer. Received: {name}={value!r}"
        )


def check_value_range(value_range, expected="a pair `(low, high)`"):
    """Checks a `(low, high)` value range and returns it as floats.

    Args:
        value_range: The pair `(low, high)` to check.
        expected: What the error message says was expected.

    Returns:
        The tuple `(low, high)` of Python floats.

    Raises:
        ValueError: If `value_range` is not a pair of numbers with
            `low < high`.
    """
    try:
        low, high = (float(v) for v in value_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"Invalid value for argument `value_range`. Expected {expected}. "
            f"Received: value_range={value_range!r}"
        ) from None
    if not high > low:
        raise ValueError(
            "Invalid value for argument `value_range`. Expected `low < high`. "
            f"Received: value_range={value_range!r}"
        )
    return low, high


def draw_for_global_batch(draw, batch_size):
    """Random values for this replica's slice of the global batch.

    Under a `tf.distribute` strategy every replica shares one seed state, so
    `draw(batch_size)` would give bit-identical values on every replica.
    Instead `draw(batch_size * num_replicas)` is drawn on each replica (the
    same values everywhere) and each keeps its own rows: the global batch
    gets the draws of a single-device step. Elsewhere this is
    `draw(batch_size)`.

    Args:
        draw: A function of the number of rows returning a tensor of shape
            `(rows, ...)`.
        batch_size: Rows on this replica.

    Returns:
        A tensor of shape `(batch_size, ...)`.
    """
    replica, num_replicas = backend.replica_context()
    if num_replicas == 1:
        return draw(batch_size)
    values = draw(batch_size * num_replicas)
    shape = list(keras.ops.shape(values))
    start = [replica * batch_size] + [0] * (len(shape) - 1)
    return keras.ops.slice(values, start, [batch_size] + shape[1:])


class ConfigMixin:
    """`from_config` and `__repr__` for plain classes with `get_config`.

    The class's constructor must accept its `get_config()` dict as keyword
    arguments.
    """

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{self.__class__.__name__}({args})"


_SEED_STATE_KEY = "seed_generator_state"


_LAYER_SEED_STATE_KEY = "layer_seed_state_"


def unsaved_seed_generators(model):
    """The seed generators of `model`'s layers that Keras does not save.

    Random layers such as `Dropout` own a `SeedGenerator` whose state Keras
    leaves out of saved files; layers using `SavesSeedState` save theirs.
    """
    return [
        generator
        for layer in compat.sublayers(model)
        if not isinstance(layer, SavesSeedState)
        for generator in compat.seed_generators(layer)
    ]


def save_seed_states(store, seed_generators):
    for index, generator in enumerate(seed_generators):
        store[f"{_LAYER_SEED_STATE_KEY}{index}"] = keras.ops.convert_to_numpy(
            generator.state
        )


def load_seed_states(store, seed_generators):
    """Restores what `save_seed_states` wrote; returns the other entries."""
    keys = [key for key in store.keys() if key.startswith(_LAYER_SEED_STATE_KEY)]
    if len(keys) == len(seed_generators):
        for index, generator in enumerate(seed_generators):
            generator.state.assign(store[f"{_LAYER_SEED_STATE_KEY}{index}"])
    return {key: store[key] for key in store.keys() if key not in keys}


class SavesSeedState:
    """Saves a layer's `self.seed_generator` state with its variables.

    Keras does not save a `SeedGenerator`'s state with the layer that owns
    it; this mixin does, so a restored layer draws the random numbers the
    original would have drawn next (exact resume). Put it before
    `keras.layers.Layer` in the bases.
    """

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store[_SEED_STATE_KEY] = keras.ops.convert_to_numpy(self.seed_generator.state)

    def load_own_variables(self, store):
        keys = [key for key in store.keys() if key != _SEED_STATE_KEY]
        super().load_own_variables({key: store[key] for key in keys})
        if _SEED_STATE_KEY in store:
            self.seed_generator.state.assign(store[_SEED_STATE_KEY])
