"""Random draws per replica, and the seed states Keras does not save."""

import random

import keras

from keras_gan import backend
from keras_gan import compat


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


def seeded_dropout(rate, name):
    """A `Dropout` layer with an explicit seed.

    The seed is drawn from Python's `random` module, whose state
    `keras.utils.set_random_seed` sets, so the dropout masks are
    reproducible and resumable on every backend: unseeded, PyTorch draws
    them from its global generator.
    """
    return keras.layers.Dropout(
        rate, seed=random.randint(0, 2**31 - 1), name=name
    )
