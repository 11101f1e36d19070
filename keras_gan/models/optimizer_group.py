import keras

class OptimizerGroup:
    """The discriminator and generator optimizers seen as `model.optimizer`.

    Keras trainers and callbacks read `model.optimizer`: its `variables` (the
    JAX training state), `built`, `iterations` (TensorBoard) and, for
    learning-rate callbacks such as `LearningRateScheduler` and
    `ReduceLROnPlateau`, `optimizers`, which they adjust one by one. The
    optimizers themselves are saved as the model's `d_optimizer` and
    `g_optimizer`.
    """

    def __init__(self, d_optimizer, g_optimizer):
        self.optimizers = [d_optimizer, g_optimizer]

    @property
    def variables(self):
        return [v for opt in self.optimizers for v in opt.variables]

    @property
    def built(self):
        return all(opt.built for opt in self.optimizers)

    @property
    def iterations(self):
        """Generator updates, one per training step."""
        return self.optimizers[1].iterations

    def __bool__(self):
        return True


class SkipNonFiniteOptimizer(keras.optimizers.LossScaleOptimizer):
    """Applies an update only when all its gradients are finite.

    Keras' `LossScaleOptimizer` already skips non-finite updates on every
    backend, including under `tf.distribute`; here the scale stays fixed at
    1, so nothing but the skipping changes.
    """

    def __init__(self, inner_optimizer, **kwargs):
        kwargs.setdefault("initial_scale", 1.0)
        kwargs.setdefault("dynamic_growth_steps", 2**30)
        super().__init__(inner_optimizer, **kwargs)

    def _stateful_handle_non_finite_grads(self):
        pass

    def _stateless_handle_non_finite_grads(
        self, optimizer_variables, trainable_variables
    ):
        return trainable_variables, optimizer_variables
