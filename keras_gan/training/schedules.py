import keras
from keras import ops

from keras_gan.validation import invalid_argument
from keras_gan.validation import is_integer


@keras.saving.register_keras_serializable(package="keras_gan")
class LinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """A constant learning rate, then a linear decay to zero.

    The schedule of CycleGAN and Pix2Pix (Zhu et al. 2017, Isola et al.
    2017): `initial_learning_rate` for `constant_steps` optimizer steps,
    then a straight line down to zero over `decay_steps`, zero after. Being
    a function of the optimizer's step counter, it resumes exactly and is
    saved with the optimizer.

    Args:
        initial_learning_rate: The learning rate of the constant part.
        decay_steps: Steps of the linear decay, at least 1.
        constant_steps: Steps before the decay starts. Defaults to `0`.
        name: Name of the schedule. Defaults to `"LinearDecay"`.

    Example:

    ```python
    steps = epochs * steps_per_epoch
    schedule = keras_gan.training.LinearDecay(
        2e-4, decay_steps=steps // 2, constant_steps=steps - steps // 2
    )
    model.compile(
        d_optimizer=keras.optimizers.Adam(schedule, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(schedule, beta_1=0.5),
    )
    ```
    """

    def __init__(self, initial_learning_rate, decay_steps, constant_steps=0, name="LinearDecay"):
        super().__init__()
        if isinstance(initial_learning_rate, bool) or not isinstance(
            initial_learning_rate, (int, float)
        ) or initial_learning_rate < 0:
            raise invalid_argument(
                "initial_learning_rate", initial_learning_rate, "a number >= 0"
            )
        if not is_integer(decay_steps) or decay_steps < 1:
            raise invalid_argument("decay_steps", decay_steps, "an integer >= 1")
        if not is_integer(constant_steps) or constant_steps < 0:
            raise invalid_argument("constant_steps", constant_steps, "an integer >= 0")
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = int(decay_steps)
        self.constant_steps = int(constant_steps)
        self.name = name

    def __call__(self, step):
        step = ops.cast(step, "float32")
        progress = ops.clip((step - self.constant_steps) / self.decay_steps, 0.0, 1.0)
        return self.initial_learning_rate * (1.0 - progress)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "constant_steps": self.constant_steps,
            "name": self.name,
        }
