"""The Gumbel-softmax relaxation of sampling a token (Jang et al. 2017)."""

import keras
from keras import ops

from keras_gan import random_state

# Keeps -log(-log(u)) finite.
_UNIFORM_EPSILON = 1e-7


@keras.saving.register_keras_serializable(package="keras_gan")
class GumbelSoftmax(random_state.SavesSeedState, keras.layers.Layer):
    """Relaxed one-hot samples from logits, with an annealable temperature.

    In training, `softmax((logits + g) / temperature)` with Gumbel noise
    `g = -log(-log(u))`, `u ~ U(0, 1)` (Jang et al. 2017; Maddison et al.
    2017): its argmax is a sample of `softmax(logits)`, and it approaches
    a one-hot vector as the temperature goes to 0 while staying
    differentiable. With `hard=True` the output is the one-hot argmax and
    the gradient is that of the relaxed sample (straight-through).

    Outside training (`training=False`, as in `gan.generate`) the layer
    returns `softmax(logits)`: the distribution the samples are drawn from,
    which decoding turns into tokens by argmax or sampling.

    The temperature is a non-trainable variable, saved with the model (so
    a resumed run continues with it) and changed during training by
    `keras_gan.callbacks.GumbelTemperatureAnnealing`. The output is
    float32 whatever the dtype policy.

    Args:
        temperature: Initial temperature, a positive number. Defaults to
            `1.0`.
        hard: Whether training outputs are straight-through one-hot
            vectors. Defaults to `False`.
        seed: Integer seed of the Gumbel noise. Defaults to `None`.
        **kwargs: Passed to `keras.layers.Layer` (for example `name`).

    Example:

    ```python
    layer = keras_gan.layers.GumbelSoftmax(temperature=0.5, seed=0)
    relaxed = layer(logits, training=True)  # rows sum to 1, near one-hot
    layer.temperature.assign(0.2)
    ```
    """

    def __init__(self, temperature=1.0, hard=False, seed=None, **kwargs):
        super().__init__(**kwargs)
        check_temperature(temperature)
        if not isinstance(hard, bool):
            raise ValueError(
                "Invalid value for argument `hard`. Expected a bool. "
                f"Received: hard={hard!r}"
            )
        self.initial_temperature = float(temperature)
        self.hard = hard
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.temperature = self.add_weight(
            shape=(),
            initializer=keras.initializers.Constant(self.initial_temperature),
            trainable=False,
            dtype="float32",
            name="temperature",
        )
        self.built = True  # Every weight exists: no input shape needed.

    def call(self, logits, training=False):
        logits = ops.cast(logits, "float32")
        if not training:
            return ops.softmax(logits, axis=-1)
        feature_shape = tuple(logits.shape[1:])
        uniform = random_state.draw_for_global_batch(
            lambda rows: keras.random.uniform(
                (rows,) + feature_shape,
                minval=_UNIFORM_EPSILON,
                maxval=1.0,
                seed=self.seed_generator,
            ),
            ops.shape(logits)[0],
        )
        gumbel = -ops.log(-ops.log(uniform))
        relaxed = ops.softmax((logits + gumbel) / self.temperature, axis=-1)
        if not self.hard:
            return relaxed
        one_hot = ops.one_hot(
            ops.argmax(relaxed, axis=-1), feature_shape[-1], dtype="float32"
        )
        return relaxed + ops.stop_gradient(one_hot - relaxed)

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_spec(self, logits, training=False):
        return keras.KerasTensor(logits.shape, dtype="float32")

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "temperature": self.initial_temperature,
                "hard": self.hard,
                "seed": self.seed,
            }
        )
        return config


def check_temperature(temperature, name="temperature"):
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, (int, float))
        or not temperature > 0
    ):
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a positive "
            f"number. Received: {name}={temperature!r}"
        )
