"""Every private Keras API keras_gan uses, in one place, each with the why.

keras_gan is tested with the Keras versions in `pyproject.toml` (the oldest
and the newest in CI). When a Keras release moves one of these, this module
is the only one to change.
"""

import keras

try:
    # A base class that makes `ModelCheckpoint`/`EarlyStopping(mode="auto")`
    # find the direction of each logged loss: Keras reads `_direction` from
    # the metrics it finds in `MetricsList` containers.
    from keras.src.trainers.compile_utils import MetricsList
except ImportError:  # pragma: no cover - other Keras layouts
    MetricsList = None


def get_stateless_scope():
    """The active `keras.StatelessScope` (JAX step), or `None`.

    Keras exports `StatelessScope` but not the accessor to the active one;
    the JAX step reads and writes its state mapping.
    """
    from keras.src.backend.common.stateless_scope import get_stateless_scope

    return get_stateless_scope()


def sublayers(model):
    """All layers inside `model`, nested ones included (not `model`)."""
    return model._flatten_layers(include_self=False)


def seed_generators(layer):
    """The `SeedGenerator`s a layer owns (Keras does not save their state)."""
    return layer._seed_generators


def set_backup_epoch(backup, epoch):
    """Tells a `BackupAndRestore` the epoch that is running.

    Keras' callback counts epochs from 0 in every run and only advances the
    count at epoch ends, so saves made in the first epoch of a resumed run
    would record epoch 0.
    """
    backup._current_epoch = epoch


def make_jax_function(model, step_function):
    """Keras' JAX loop over `steps_per_execution` calls of `step_function`.

    The JAX trainer builds its train function from `model.train_step`; a
    GAN's stateless step has another name (see `keras_gan.backend.jax`) and
    is passed here instead.
    """
    return model._make_function(step_function)


def jax_state_shardings(model):
    """The JAX state's shardings under a `keras.distribution`, or `None`."""
    if keras.distribution.distribution() is None:
        return None
    return model._get_state_sharding_spec()


def disable_nonfinite_scale_update(optimizer_class):
    """A `LossScaleOptimizer` subclass whose scale never changes.

    The two methods overridden are where Keras halves the scale and resets
    the growth counter after a non-finite step; the skip itself is kept.
    """

    class FixedScale(optimizer_class):
        def _stateful_handle_non_finite_grads(self):
            pass

        def _stateless_handle_non_finite_grads(
            self, optimizer_variables, trainable_variables
        ):
            return trainable_variables, optimizer_variables

    return FixedScale


def optimizer_built_variables(optimizer):
    """The variables an optimizer was built for (`None` before `build`).

    A Keras optimizer keeps one set of slots per variable it was built for;
    the GAN compares this list with the networks' trainable variables to
    find optimizers built before layers were frozen or unfrozen.
    """
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    if not optimizer.built:
        return None
    return list(optimizer._trainable_variables)


def set_minimized(metric):
    """Marks `metric` as a value to minimize.

    `ModelCheckpoint` and `EarlyStopping` with `mode="auto"` read the
    private `_direction` of the metrics they monitor.
    """
    metric._direction = "down"


def model_loss_tracker(model):
    """Keras' own `loss` tracker of a model (a GAN logs its own `loss`)."""
    return getattr(model, "_loss_tracker", None)


def run_functional_graph(model, inputs, operation_fn):
    """Runs a functional `model` on `inputs`, each layer replaced by
    `operation_fn(layer)` (a callable on the layer's call arguments).

    Keras runs its own graphs this way (`Function._run_through_graph`) but
    does not export it; `keras_gan.tabular` uses it to run the generator in
    NumPy for sampling.
    """
    return model._run_through_graph(inputs, operation_fn=operation_fn)
