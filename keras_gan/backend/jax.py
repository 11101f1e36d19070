"""JAX mechanics: a stateless step built from the same stateful hooks.

Keras' JAX trainer calls a stateless `step(state, data)` and expects
`(logs, new_state)`. The GAN writes its step once, statefully, as
`train_step(data)`; the adapter `stateless_train_step(state, data)` runs
that step inside a `keras.StatelessScope` that
maps every model, optimizer and metric variable to its value in `state`:
variable reads see the state, and every `assign` (optimizer updates,
batch-norm statistics, seed generators, metrics) is recorded in the scope,
from which the new state is read back. Gradients come from `jax.grad` over
the trainable values only.
"""

import jax
import jax.numpy as jnp
import keras

from keras_gan.compat import get_stateless_scope
from keras_gan.compat import jax_state_shardings
from keras_gan.compat import make_jax_function


def input_gradients(fn, inputs):
    outer = get_stateless_scope()

    def total(x):
        if outer is None:
            outputs = fn(x)
            return jnp.sum(outputs.astype("float32")), (outputs, {})
        # State updates made inside `jax.grad` (BatchNormalization's moving
        # statistics) leave it as outputs, not as escaped tracers.
        mapping = dict(outer.state_mapping)
        before = dict(mapping)
        scope = _scope_with(mapping)
        scope.losses = outer.losses
        with scope:
            outputs = fn(x)
        updates = {
            key: value
            for key, value in mapping.items()
            if before.get(key) is not value
        }
        return jnp.sum(outputs.astype("float32")), (outputs, updates)

    gradients, (outputs, updates) = jax.grad(total, has_aux=True)(inputs)
    if outer is not None:
        outer.state_mapping.update(updates)
    return gradients, outputs


def _scope_with(mapping):
    # Losses are collected so that `add_loss` in the networks reaches
    # `network.losses` inside the step.
    scope = keras.StatelessScope(collect_losses=True)
    scope.state_mapping = mapping
    return scope


def _write(scope, variables, values):
    for variable, value in zip(variables, values):
        scope.state_mapping[id(variable)] = value


def stateful_cond(pred, true_fn, false_fn):
    """`ops.cond` whose branches may assign variables.

    Each branch runs in its own scope over the current state and returns
    the whole state; the chosen state is written back.
    """
    outer = get_stateless_scope()
    if outer is None:
        return keras.ops.cond(pred, true_fn, false_fn)
    keys = list(outer.state_mapping)

    def branch(fn):
        def run(values):
            mapping = dict(zip(keys, values))
            with _scope_with(mapping):
                result = fn()
            return result, [mapping[key] for key in keys]

        return run

    result, values = jax.lax.cond(
        pred,
        branch(true_fn),
        branch(false_fn),
        [outer.state_mapping[key] for key in keys],
    )
    outer.state_mapping.update(zip(keys, values))
    return result


def _run_stateless(variable_groups, state, step, data):
    """Runs `step(data)` with `variable_groups` bound to `state`."""
    mapping = {}
    for variables, values in zip(variable_groups, state):
        for variable, value in zip(variables, values):
            mapping[id(variable)] = value
    with _scope_with(mapping) as scope:
        logs = step(data)
    new_state = tuple(
        [scope.get_current_value(v) for v in variables]
        for variables in variable_groups
    )
    return logs, new_state


def replica_sum(value):
    """One program sees the global batch: nothing to sum."""
    return value


def replica_concat(value):
    """One program sees the global batch: `value` is all of it."""
    return value


def all_replicas_finite(finite):
    return finite


def replica_context():
    """`(replica index, number of replicas)`: one program sees the global
    batch on this backend."""
    return 0, 1


def prepare_logs(logs):
    return logs


class GANTrainer:
    def minimize(self, loss_fn, variables, optimizer):
        """Runs `loss_fn()` and applies one update of `variables`.

        `loss_fn` returns `(loss, aux)`; `(loss, aux, finite)` is returned,
        `finite` telling whether the loss and all gradients were finite. Must
        run inside the stateless scope set up by the train/test function.
        """
        outer = get_stateless_scope()
        values = [v.value for v in variables]

        def scaled_loss(trainable_values):
            mapping = dict(outer.state_mapping)
            for variable, value in zip(variables, trainable_values):
                mapping[id(variable)] = value
            before = dict(mapping)
            with _scope_with(mapping):
                loss, aux = loss_fn()
                scaled = optimizer.scale_loss(loss)
            updates = {
                key: value
                for key, value in mapping.items()
                if before.get(key) is not value
            }
            return scaled, (loss, aux, updates)

        gradients, (loss, aux, updates) = jax.grad(scaled_loss, has_aux=True)(
            values
        )
        outer.state_mapping.update(updates)
        # `stateless_apply` (not `apply`) so that optimizers with state
        # updates under `cond`, such as `LossScaleOptimizer`, stay pure.
        optimizer_variables = optimizer.variables
        new_values, new_optimizer_values = optimizer.stateless_apply(
            [v.value for v in optimizer_variables], gradients, values
        )
        _write(outer, variables, new_values)
        _write(outer, optimizer_variables, new_optimizer_values)
        finite = jnp.all(
            jnp.array([jnp.all(jnp.isfinite(g)) for g in [loss, *gradients]])
        )
        return loss, aux, finite

    def skip_batches(self, function_args, count):
        """Drops `count` batches from the iterator; the state is unchanged."""
        state, iterator = function_args
        for _ in range(count):
            next(iterator)
        logs, _ = _run_stateless(
            self._train_state_variables(), state, lambda _: self.get_logs(), None
        )
        return logs, state

    def _train_state_variables(self):
        return (
            self.trainable_variables,
            self.non_trainable_variables,
            self.optimizer.variables,
            self.metrics_variables,
        )

    def _test_state_variables(self):
        return (
            self.trainable_variables,
            self.non_trainable_variables,
            self.metrics_variables,
        )

    def stateless_train_step(self, state, data):
        """`train_step(data)` as the `(logs, state)` function Keras runs."""
        return _run_stateless(
            self._train_state_variables(), state, self.train_step, data
        )

    def stateless_test_step(self, state, data):
        """`test_step(data)` as the `(logs, state)` function Keras runs."""
        return _run_stateless(
            self._test_state_variables(), state, self.test_step, data
        )

    def make_train_function(self, force=False):
        if self.train_function is None or force:
            self.train_function = self._make_step_function(
                self.stateless_train_step, training=True
            )
        return self.train_function

    def make_test_function(self, force=False):
        if self.test_function is None or force:
            self.test_function = self._make_step_function(
                self.stateless_test_step, training=False
            )
        return self.test_function

    def _make_step_function(self, step, training):
        if not self.run_eagerly and self.jit_compile:
            out_shardings = None
            state_shardings = jax_state_shardings(self)
            if state_shardings is not None:
                if not training:  # No optimizer state in the test step.
                    state_shardings = tuple(
                        state_shardings[i] for i in (0, 1, 3)
                    )
                out_shardings = (None, state_shardings)
            step = jax.jit(step, donate_argnums=0, out_shardings=out_shardings)
        function = make_jax_function(self, step)
        variable_groups = (
            self._train_state_variables if training else self._test_state_variables
        )

        def restoring_on_error(state, iterator):
            try:
                return function(state, iterator)
            except BaseException:
                _restore(variable_groups(), state)
                raise

        return restoring_on_error


def _restore(variable_groups, state):
    """Gives the variables back the values of `state`.

    Keras' JAX `fit` and `evaluate` detach the variables' values while the
    state is threaded through the compiled steps, and attach the last
    state when they end. A step that raises (a data check refusing a batch
    while the step is traced, an interrupt) would leave the variables
    without values, and the model unusable; the state the step received is
    the model before that step.
    """
    for variables, values in zip(variable_groups, state):
        for variable, value in zip(variables, values):
            try:
                variable.assign(value)
            except Exception:  # A buffer already given to the failed step.
                return
