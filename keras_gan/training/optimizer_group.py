import keras

from keras_gan import compat

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
    def learning_rate(self):
        """The learning rate both optimizers share.

        Keras before 3.15 schedules `model.optimizer.learning_rate` only (no
        `optimizers` list); reading it is refused when the two rates differ,
        since one schedule would silently overwrite one of them.
        """
        rates = [
            float(keras.ops.convert_to_numpy(opt.learning_rate))
            for opt in self.optimizers
        ]
        if rates[0] != rates[1]:
            raise ValueError(
                "The discriminator and generator optimizers have different "
                f"learning rates ({rates[0]} and {rates[1]}); this Keras "
                "version schedules one `learning_rate` per model. Upgrade to "
                "Keras 3.15, which sets each optimizer, or schedule them in "
                "a callback of your own."
            )
        return rates[0]

    @learning_rate.setter
    def learning_rate(self, value):
        for opt in self.optimizers:
            opt.learning_rate = value

    @property
    def iterations(self):
        """Generator updates, one per training step."""
        return self.optimizers[1].iterations

    def __bool__(self):
        return True


class SkipNonFiniteOptimizer(
    compat.disable_nonfinite_scale_update(keras.optimizers.LossScaleOptimizer)
):
    """Applies an update only when all its gradients are finite.

    Keras' `LossScaleOptimizer` skips non-finite updates on every backend;
    here the scale stays fixed at 1, so nothing but the skipping changes.
    Under `tf.distribute` the GAN first agrees on the finite flag across
    replicas (see `keras_gan.backend.tensorflow`).
    """

    def __init__(self, inner_optimizer, **kwargs):
        kwargs.setdefault("initial_scale", 1.0)
        kwargs.setdefault("dynamic_growth_steps", 2**30)
        super().__init__(inner_optimizer, **kwargs)
