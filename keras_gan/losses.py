"""Adversarial losses, computed from discriminator logits.

Every loss exposes two methods:

- `discriminator_loss(real_logits, fake_logits)`: the scalar the
  discriminator minimizes.
- `generator_loss(fake_logits, real_logits=None)`: the scalar the generator
  minimizes. Only relativistic losses read `real_logits`.

Logits are the raw, unbounded discriminator outputs (no sigmoid). All
formulas use `softplus`, which is finite for logits of any size:
`-log(sigmoid(x)) == softplus(-x)` and `-log(1 - sigmoid(x)) == softplus(x)`.
"""

import keras
from keras import ops

from keras_gan.serialization import ConfigMixin

_PACKAGE = "keras_gan"


def _as_float32(logits):
    # Losses are always reduced in float32, also under mixed precision.
    return ops.cast(logits, "float32")


class GANLoss(ConfigMixin):
    """Base class for adversarial losses.

    Subclasses implement `discriminator_loss` and `generator_loss`. Set
    `uses_real_logits_for_generator = True` when `generator_loss` needs the
    discriminator's logits on real data (relativistic losses): the GAN then
    evaluates the discriminator on the real batch in the generator step.

    Args:
        name: Name of the loss, used in the compile config.
    """

    uses_real_logits_for_generator = False

    def __init__(self, name=None):
        self.name = name or _snake_case(self.__class__.__name__)

    def discriminator_loss(self, real_logits, fake_logits):
        raise NotImplementedError

    def generator_loss(self, fake_logits, real_logits=None):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name}


def _snake_case(name):
    out = [name[0].lower()]
    for char in name[1:]:
        if char.isupper():
            out.append("_")
        out.append(char.lower())
    return "".join(out)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class NonSaturatingLoss(GANLoss):
    """The non-saturating GAN loss (Goodfellow et al. 2014).

    `L_D = -E[log D(x)] - E[log(1 - D(G(z)))]` and `L_G = -E[log D(G(z))]`,
    with `D = sigmoid(logits)`, in the stable form
    `L_D = E[softplus(-real)] + E[softplus(fake)]`,
    `L_G = E[softplus(-fake)]`.

    Example:

    ```python
    loss = keras_gan.losses.NonSaturatingLoss()
    gan.compile(loss=loss)
    ```
    """

    def discriminator_loss(self, real_logits, fake_logits):
        real_logits = _as_float32(real_logits)
        fake_logits = _as_float32(fake_logits)
        return ops.mean(ops.softplus(-real_logits)) + ops.mean(
            ops.softplus(fake_logits)
        )

    def generator_loss(self, fake_logits, real_logits=None):
        return ops.mean(ops.softplus(-_as_float32(fake_logits)))


@keras.saving.register_keras_serializable(package=_PACKAGE)
class MinimaxLoss(NonSaturatingLoss):
    """The original minimax GAN loss (Goodfellow et al. 2014).

    The discriminator loss is the non-saturating one; the generator minimizes
    `E[log(1 - D(G(z)))] = -E[softplus(fake)]`, whose gradient vanishes when
    the discriminator confidently rejects fakes. Provided for reference and
    experiments; prefer `NonSaturatingLoss` for training.

    Example:

    ```python
    gan.compile(loss=keras_gan.losses.MinimaxLoss())
    ```
    """

    def generator_loss(self, fake_logits, real_logits=None):
        return -ops.mean(ops.softplus(_as_float32(fake_logits)))


@keras.saving.register_keras_serializable(package=_PACKAGE)
class LeastSquaresLoss(GANLoss):
    """The least-squares GAN loss (Mao et al. 2017).

    `L_D = 0.5 E[(D(x) - real_target)^2] + 0.5 E[(D(G(z)) - fake_target)^2]`
    and `L_G = 0.5 E[(D(G(z)) - generator_target)^2]` on the raw outputs.

    Args:
        real_target: Target output for real samples. Defaults to `1.0`.
        fake_target: Target output for generated samples. Defaults to `0.0`.
        generator_target: Output the generator pushes its samples towards.
            Defaults to `1.0`.
        name: Name of the loss. Defaults to `"least_squares_loss"`.

    Example:

    ```python
    gan.compile(loss=keras_gan.losses.LeastSquaresLoss())
    ```
    """

    def __init__(
        self,
        real_target=1.0,
        fake_target=0.0,
        generator_target=1.0,
        name=None,
    ):
        super().__init__(name=name)
        self.real_target = float(real_target)
        self.fake_target = float(fake_target)
        self.generator_target = float(generator_target)

    def discriminator_loss(self, real_logits, fake_logits):
        real_error = _as_float32(real_logits) - self.real_target
        fake_error = _as_float32(fake_logits) - self.fake_target
        return 0.5 * ops.mean(ops.square(real_error)) + 0.5 * ops.mean(
            ops.square(fake_error)
        )

    def generator_loss(self, fake_logits, real_logits=None):
        error = _as_float32(fake_logits) - self.generator_target
        return 0.5 * ops.mean(ops.square(error))

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "real_target": self.real_target,
                "fake_target": self.fake_target,
                "generator_target": self.generator_target,
            }
        )
        return config


@keras.saving.register_keras_serializable(package=_PACKAGE)
class WassersteinLoss(GANLoss):
    """The Wasserstein GAN loss (Arjovsky et al. 2017).

    `L_D = E[D(G(z))] - E[D(x)]` and `L_G = -E[D(G(z))]`. The critic must be
    kept Lipschitz, normally with `keras_gan.penalties.GradientPenalty`.

    Example:

    ```python
    gan.compile(
        loss=keras_gan.losses.WassersteinLoss(),
        penalty=keras_gan.penalties.GradientPenalty(weight=10.0),
        d_steps=5,
    )
    ```
    """

    def discriminator_loss(self, real_logits, fake_logits):
        return ops.mean(_as_float32(fake_logits)) - ops.mean(
            _as_float32(real_logits)
        )

    def generator_loss(self, fake_logits, real_logits=None):
        return -ops.mean(_as_float32(fake_logits))


@keras.saving.register_keras_serializable(package=_PACKAGE)
class HingeLoss(GANLoss):
    """The hinge GAN loss (Lim & Ye 2017; Miyato et al. 2018).

    `L_D = E[relu(1 - D(x))] + E[relu(1 + D(G(z)))]` and
    `L_G = -E[D(G(z))]`.

    Example:

    ```python
    gan.compile(loss=keras_gan.losses.HingeLoss())  # or loss="hinge"
    ```
    """

    def discriminator_loss(self, real_logits, fake_logits):
        real_logits = _as_float32(real_logits)
        fake_logits = _as_float32(fake_logits)
        return ops.mean(ops.relu(1.0 - real_logits)) + ops.mean(
            ops.relu(1.0 + fake_logits)
        )

    def generator_loss(self, fake_logits, real_logits=None):
        return -ops.mean(_as_float32(fake_logits))


@keras.saving.register_keras_serializable(package=_PACKAGE)
class RelativisticLoss(GANLoss):
    """The relativistic GAN loss (Jolicoeur-Martineau 2019).

    The discriminator estimates how much more realistic real data is than
    generated data.

    - `mode="pairing"` (RpGAN, used by R3GAN, Huang et al. 2024): each real
      sample is paired with a fake one,
      `L_D = E[softplus(-(D(x) - D(G(z))))]` and
      `L_G = E[softplus(-(D(G(z)) - D(x)))]`.
    - `mode="average"` (RaGAN): each sample is compared with the mean logit
      of the other set,
      `L_D = E[softplus(-(D(x) - m_f))] + E[softplus(D(G(z)) - m_r)]` and
      `L_G = E[softplus(-(D(G(z)) - m_r))] + E[softplus(D(x) - m_f)]`,
      with `m_r = E[D(x)]`, `m_f = E[D(G(z))]`.

    Args:
        mode: `"pairing"` or `"average"`. Defaults to `"pairing"`.
        name: Name of the loss. Defaults to `"relativistic_loss"`.

    Example:

    ```python
    gan.compile(
        loss=keras_gan.losses.RelativisticLoss(mode="pairing"),
        penalty=[
            keras_gan.penalties.R1Penalty(weight=1.0),
            keras_gan.penalties.R2Penalty(weight=1.0),
        ],
    )
    ```
    """

    uses_real_logits_for_generator = True
    MODES = ("pairing", "average")

    def __init__(self, mode="pairing", name=None):
        if mode not in self.MODES:
            raise ValueError(
                "Invalid value for argument `mode`. Expected one of "
                f"{self.MODES}. Received: mode={mode!r}"
            )
        super().__init__(name=name)
        self.mode = mode

    def discriminator_loss(self, real_logits, fake_logits):
        return self._relativistic(real_logits, fake_logits)

    def generator_loss(self, fake_logits, real_logits=None):
        if real_logits is None:
            raise ValueError(
                "`RelativisticLoss.generator_loss` needs the discriminator "
                "logits on real data. Received: real_logits=None"
            )
        return self._relativistic(fake_logits, real_logits)

    def _relativistic(self, preferred_logits, other_logits):
        """Loss for `preferred` samples being judged more real than `other`."""
        preferred_logits = _as_float32(preferred_logits)
        other_logits = _as_float32(other_logits)
        if self.mode == "pairing":
            return ops.mean(ops.softplus(other_logits - preferred_logits))
        preferred_mean = ops.mean(preferred_logits)
        other_mean = ops.mean(other_logits)
        return ops.mean(ops.softplus(other_mean - preferred_logits)) + ops.mean(
            ops.softplus(other_logits - preferred_mean)
        )

    def get_config(self):
        config = super().get_config()
        config["mode"] = self.mode
        return config


ALIASES = {
    "non_saturating": NonSaturatingLoss,
    "minimax": MinimaxLoss,
    "least_squares": LeastSquaresLoss,
    "lsgan": LeastSquaresLoss,
    "wasserstein": WassersteinLoss,
    "hinge": HingeLoss,
    "relativistic": RelativisticLoss,
    "relativistic_pairing": lambda: RelativisticLoss(mode="pairing"),
    "relativistic_average": lambda: RelativisticLoss(mode="average"),
}


def serialize(loss):
    """Returns the Keras config dict of a loss object."""
    return keras.saving.serialize_keras_object(loss)


def deserialize(config):
    """Returns a loss object from its Keras config dict."""
    return keras.saving.deserialize_keras_object(config)


def get(identifier):
    """Returns a loss object from a loss, a registered name or a config.

    Args:
        identifier: A `GANLoss` instance, one of the names
            `"non_saturating"`, `"minimax"`, `"least_squares"`,
            `"wasserstein"`, `"hinge"`, `"relativistic"`,
            `"relativistic_pairing"`, `"relativistic_average"`, or a config
            dict from `serialize`.

    Returns:
        A `GANLoss` instance.

    Example:

    ```python
    loss = keras_gan.losses.get("hinge")
    ```
    """
    if isinstance(identifier, GANLoss):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str) and identifier in ALIASES:
        return ALIASES[identifier]()
    raise ValueError(
        "Invalid value for argument `loss`. Expected a "
        "`keras_gan.losses.GANLoss` instance or one of "
        f"{sorted(ALIASES)}. Received: loss={identifier!r}"
    )
