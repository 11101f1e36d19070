"""Discriminator regularizers added to the discriminator loss.

A penalty is called in the discriminator step as
`penalty(discriminator, real_samples, fake_samples, step=..., seed=...,
input_gradients=...)` and returns the weighted scalar that is added to the
discriminator loss. Its `name` is the key under which the GAN logs it.

Penalties on the input gradients of the discriminator at the real samples
(R1) or the generated ones (R2) declare it in `gradient_input`. The GAN then
computes those gradients in the same discriminator pass that gives the
logits of its loss, and passes them as `input_gradients={"real": ...}`: the
penalty regularizes exactly the samples (and augmentations) the loss sees,
and the discriminator runs once on them.

Lazy regularization (Karras et al. 2020): with `interval=k > 1` the penalty
is evaluated only on steps where `step % k == 0`, multiplied by `k` so that
its average strength is unchanged, and is zero on the other steps.
"""

import keras
import numpy as np
from keras import ops

from keras_gan import backend
from keras_gan.serialization import ConfigMixin
from keras_gan.random_state import draw_for_global_batch

_PACKAGE = "keras_gan"


class Penalty(ConfigMixin):
    """Base class for discriminator penalties.

    Subclasses implement `compute(discriminator, real_samples, fake_samples,
    seed, input_gradients)` returning the unweighted penalty, and set
    `gradient_input` to `"real"` or `"fake"` when that is a function of the
    discriminator's input gradients at those samples.

    Args:
        weight: Non-negative multiplier of the penalty.
        interval: Evaluate the penalty every `interval` discriminator steps
            (lazy regularization). Defaults to `1`.
        name: Name under which the penalty is logged.
    """

    def __init__(self, weight=1.0, interval=1, name=None):
        if not _is_number(weight) or weight < 0:
            raise ValueError(
                "Invalid value for argument `weight`. Expected a "
                f"non-negative number. Received: weight={weight!r}"
            )
        if not isinstance(interval, int) or interval < 1:
            raise ValueError(
                "Invalid value for argument `interval`. Expected an integer "
                f">= 1. Received: interval={interval!r}"
            )
        self.weight = float(weight)
        self.interval = interval
        self.name = name or self.default_name

    gradient_input = None

    @property
    def shares_discriminator_pass(self):
        """Whether the GAN passes the input gradients it computed with its
        loss (lazy penalties run their own pass on their steps only)."""
        return self.gradient_input is not None and self.interval == 1

    def compute(
        self,
        discriminator,
        real_samples,
        fake_samples,
        seed=None,
        input_gradients=None,
    ):
        raise NotImplementedError

    def __call__(
        self,
        discriminator,
        real_samples,
        fake_samples,
        step=0,
        seed=None,
        input_gradients=None,
    ):
        real_samples = ops.convert_to_tensor(real_samples)
        fake_samples = ops.convert_to_tensor(fake_samples)

        def weighted():
            value = self.compute(
                discriminator, real_samples, fake_samples, seed, input_gradients
            )
            return ops.cast(value, "float32") * (self.weight * self.interval)

        if self.interval == 1:
            return weighted()
        return backend.stateful_cond(
            ops.equal(ops.mod(step, self.interval), 0),
            weighted,
            lambda: ops.zeros((), "float32"),
        )

    def get_config(self):
        return {
            "weight": self.weight,
            "interval": self.interval,
            "name": self.name,
        }


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not (
        isinstance(value, bool)
    )


def squared_gradient_norm(discriminator, samples, gradients=None):
    """Per-sample `||d sum(D(x)) / dx||^2`, shape `(batch,)`.

    `gradients`, when given, are those input gradients, computed already.
    """
    if gradients is None:
        gradients, _ = backend.input_gradients(discriminator, samples)
    batch_size = ops.shape(gradients)[0]
    gradients = ops.reshape(ops.cast(gradients, "float32"), (batch_size, -1))
    return ops.sum(ops.square(gradients), axis=-1)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class GradientPenalty(Penalty):
    """The WGAN-GP gradient penalty (Gulrajani et al. 2017).

    `weight * E[(||grad D(x_hat)||_2 - target)^2]`, where
    `x_hat = e * x + (1 - e) * G(z)` with `e ~ U[0, 1]` drawn per sample. The
    norm is `sqrt(||g||^2 + epsilon)`, so the penalty and its gradient stay
    finite where the discriminator gradient is exactly zero.

    Args:
        weight: Multiplier of the penalty. Defaults to `10.0`.
        target: Target gradient norm. Defaults to `1.0`.
        epsilon: Added under the square root. Defaults to `1e-12`.
        interval: Lazy regularization interval. Defaults to `1`.
        name: Log name. Defaults to `"gradient_penalty"`.

    Example:

    ```python
    gan.compile(
        loss="wasserstein",
        penalty=keras_gan.penalties.GradientPenalty(weight=10.0),
        d_steps=5,
    )
    ```
    """

    default_name = "gradient_penalty"

    def __init__(
        self, weight=10.0, target=1.0, epsilon=1e-12, interval=1, name=None
    ):
        super().__init__(weight=weight, interval=interval, name=name)
        self.target = float(target)
        self.epsilon = float(epsilon)

    def interpolate(self, real_samples, fake_samples, seed=None):
        """`e * real + (1 - e) * fake` with `e ~ U[0, 1]` per sample."""
        batch_size = ops.shape(real_samples)[0]
        mix_shape = (batch_size,) + (1,) * (len(real_samples.shape) - 1)
        mix = draw_for_global_batch(
            lambda rows: keras.random.uniform(
                (rows,) + mix_shape[1:], seed=seed, dtype=real_samples.dtype
            ),
            batch_size,
        )
        return mix * real_samples + (1.0 - mix) * ops.cast(
            fake_samples, real_samples.dtype
        )

    def compute(
        self,
        discriminator,
        real_samples,
        fake_samples,
        seed=None,
        input_gradients=None,
    ):
        interpolated = self.interpolate(real_samples, fake_samples, seed)
        squared_norm = squared_gradient_norm(discriminator, interpolated)
        norm = ops.sqrt(squared_norm + self.epsilon)
        return ops.mean(ops.square(norm - self.target))

    def get_config(self):
        config = super().get_config()
        config.update({"target": self.target, "epsilon": self.epsilon})
        return config


class _HalfSquaredGradientNorm(Penalty):
    """`E[||grad_x D(x)||^2] / 2` at the samples named by `gradient_input`."""

    def compute(
        self,
        discriminator,
        real_samples,
        fake_samples,
        seed=None,
        input_gradients=None,
    ):
        samples = real_samples if self.gradient_input == "real" else fake_samples
        gradients = (input_gradients or {}).get(self.gradient_input)
        return 0.5 * ops.mean(
            squared_gradient_norm(discriminator, samples, gradients)
        )


@keras.saving.register_keras_serializable(package=_PACKAGE)
class R1Penalty(_HalfSquaredGradientNorm):
    """The R1 penalty on real data (Mescheder et al. 2018).

    `weight / 2 * E_x[||grad_x D(x)||^2]` over real samples: it keeps the
    discriminator flat on the data, which makes GAN training converge locally.

    Args:
        weight: The `gamma` of the paper. Defaults to `1.0`.
        interval: Lazy regularization interval (StyleGAN2 uses 16).
            Defaults to `1`.
        name: Log name. Defaults to `"r1_penalty"`.

    Example:

    ```python
    gan.compile(penalty=keras_gan.penalties.R1Penalty(weight=1.0))
    ```
    """

    default_name = "r1_penalty"
    gradient_input = "real"


@keras.saving.register_keras_serializable(package=_PACKAGE)
class R2Penalty(_HalfSquaredGradientNorm):
    """The R2 penalty on generated data (Mescheder et al. 2018).

    `weight / 2 * E_z[||grad_x D(G(z))||^2]`; with R1 and a relativistic loss
    it forms the R3GAN objective (Huang et al. 2024).

    Args:
        weight: The `gamma` of the paper. Defaults to `1.0`.
        interval: Lazy regularization interval. Defaults to `1`.
        name: Log name. Defaults to `"r2_penalty"`.

    Example:

    ```python
    gan.compile(
        loss="relativistic",
        penalty=[
            keras_gan.penalties.R1Penalty(1.0),
            keras_gan.penalties.R2Penalty(1.0),
        ],
    )
    ```
    """

    default_name = "r2_penalty"
    gradient_input = "fake"


def get(identifier):
    """Returns a list of penalties from a penalty, a list, a config or None.

    Args:
        identifier: `None`, a `Penalty`, a config dict, or a list of those.

    Returns:
        A list of `Penalty` instances (empty for `None`).
    """
    if identifier is None:
        return []
    if isinstance(identifier, (list, tuple)):
        return [penalty for item in identifier for penalty in get(item)]
    if isinstance(identifier, dict):
        identifier = keras.saving.deserialize_keras_object(identifier)
    if isinstance(identifier, Penalty):
        return [identifier]
    raise ValueError(
        "Invalid value for argument `penalty`. Expected a "
        "`keras_gan.penalties.Penalty`, a list of them or None. "
        f"Received: penalty={identifier!r}"
    )
