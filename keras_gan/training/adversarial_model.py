"""What every adversarial model shares, whatever its networks.

`AdversarialModel` is the base of `GAN`, `ConditionalGAN` and the models
with several generators or discriminators. It owns the parts of training
that do not depend on how the networks are wired:

- `compile`: the `GAN.compile` vocabulary (one optimizer for the
  discriminator side, one for the generator side, a loss, penalties,
  `d_steps`, the non-finite policy), saved with the model.
- `apply_update(objective, networks, optimizer)`: one optimizer update of
  some networks, with their own losses (layer regularizers, `add_loss`)
  added and a finite flag that agrees across replicas.
- `record(values)`: the only place logged values reach the loss trackers.
- `fit`: the `keras.Model.fit` contract (refusing `sample_weight` and
  `class_weight`, exact mid-epoch resume, `on_nonfinite="raise"`,
  optimizers built with `use_ema=True`).

A subclass lists its networks (`discriminator_networks`,
`generator_networks`), the names it logs (`log_names`), and writes
`train_step(data)` from its own hooks and `apply_update`.
"""

import copy
import warnings

import keras
from keras import ops

from keras_gan import backend
from keras_gan import compat
from keras_gan import losses as losses_module
from keras_gan import penalties as penalties_module
from keras_gan import random_state
from keras_gan import validation
from keras_gan.training import network_checks
from keras_gan.training.loss_trackers import LossTrackers
from keras_gan.training.optimizer_group import OptimizerGroup
from keras_gan.training.optimizer_group import SkipNonFiniteOptimizer
from keras_gan.training.training_progress import TrackTrainingProgress
from keras_gan.training.training_progress import TrainingProgress
from keras_gan.training.weight_average import GeneratorAverages
from keras_gan.training.weight_average import check_config
from keras_gan.version import __version__

NONFINITE_POLICIES = ("skip", "raise", "apply")

# Keyword arguments of `keras.Model.compile` that a GAN replaces with its own.
_REPLACED_COMPILE_ARGS = {
    "optimizer": "d_optimizer` and `g_optimizer",
    "loss_weights": "penalty",
    "metrics": "callbacks such as `keras_gan.callbacks.GANQuality`",
    "weighted_metrics": "callbacks such as `keras_gan.callbacks.GANQuality`",
}

# `fit`/`evaluate` arguments that weight samples, which an adversarial loss
# does not support.
_SAMPLE_WEIGHTING_ARGS = ("sample_weight", "class_weight")


def default_loss():
    """The loss `compile` uses when `loss="auto"`.

    The non-saturating loss with R1 on reals (see `default_penalties`) is the
    recipe that covered all modes of the 8-Gaussian ring benchmark
    (`benchmarks/default_recipe.py`) most reliably; docs/benchmarks.md gives
    the numbers.
    """
    return losses_module.NonSaturatingLoss()


def default_penalties():
    """The penalties `compile` uses when `penalty="auto"`."""
    return [penalties_module.R1Penalty(weight=1.0)]


def default_optimizer():
    """Adam with the DCGAN settings (Radford et al. 2016)."""
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


class AdversarialModel(backend.GANTrainer, keras.Model):
    """Base class of the models trained by a discriminator/generator game.

    Not used directly: see `keras_gan.GAN`. Subclasses implement
    `discriminator_networks()`, `generator_networks()` and `train_step`,
    name the terms of their objective in `extra_log_names` (logged after
    `g_loss`, reserved from penalties), and may extend `compile`.
    """

    extra_log_names = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.loss_trackers = LossTrackers(["loss", "d_loss", "g_loss"])
        self.training_progress = TrainingProgress()
        self.batch_refusals = BatchRefusals()

    # === Networks ===

    def discriminator_networks(self):
        """The networks the discriminator optimizer trains."""
        raise NotImplementedError

    def generator_networks(self):
        """The networks the generator optimizer trains."""
        raise NotImplementedError

    def check_separate_variables(self):
        """Raises if a generator and a discriminator share variables."""
        generator_ids = {
            id(v) for net in self.generator_networks() for v in net.weights
        }
        shared = [
            v.path
            for net in self.discriminator_networks()
            for v in net.weights
            if id(v) in generator_ids
        ]
        if shared:
            raise ValueError(
                "Invalid value for argument `discriminator`: it shares "
                f"variables with the generator ({', '.join(shared[:3])}). "
                "Each update would move both networks; pass networks with "
                "separate layers."
            )

    # === Compile ===

    def compile(
        self,
        d_optimizer=None,
        g_optimizer=None,
        loss="auto",
        penalty="auto",
        d_steps=1,
        on_nonfinite="skip",
        **kwargs,
    ):
        """Configures the model for training.

        Args:
            d_optimizer: Discriminator optimizer (instance, name or config),
                shared by all discriminator networks. Defaults to
                `Adam(2e-4, beta_1=0.5)`.
            g_optimizer: Generator optimizer, a different object from
                `d_optimizer`, shared by all generator networks. Defaults to
                `Adam(2e-4, beta_1=0.5)`.
            loss: A `keras_gan.losses.GANLoss`, a registered name such as
                `"hinge"`, or `"auto"` for the model's default. Defaults to
                `"auto"`.
            penalty: A `keras_gan.penalties.Penalty`, a list of them, `None`
                for none, or `"auto"` for the model's default. Defaults to
                `"auto"`.
            d_steps: Discriminator updates per generator update. Defaults
                to `1`.
            on_nonfinite: What an update whose loss or gradients are NaN or
                infinite does. `"skip"`: it is not applied (weights and
                optimizer state stay as they were) and is counted in the
                `skipped_steps` log. `"raise"`: the same, then `fit` stops
                with a `RuntimeError` naming the batch. `"apply"`: applied
                like any update (plain Keras behaviour). Defaults to
                `"skip"`.
            **kwargs: Passed to `keras.Model.compile`: `run_eagerly`,
                `jit_compile`, `steps_per_execution`, `auto_scale_loss`.
        """
        for name, replacement in _REPLACED_COMPILE_ARGS.items():
            if name in kwargs:
                raise ValueError(
                    f"`{type(self).__name__}.compile` does not take the "
                    f"argument `{name}`; use `{replacement}` instead. "
                    f"Received: {name}={kwargs[name]!r}"
                )
        if not validation.is_integer(d_steps) or d_steps < 1:
            raise ValueError(
                "Invalid value for argument `d_steps`. Expected an integer "
                f">= 1. Received: d_steps={d_steps!r}"
            )
        if on_nonfinite not in NONFINITE_POLICIES:
            raise ValueError(
                "Invalid value for argument `on_nonfinite`. Expected one of "
                f"{NONFINITE_POLICIES}. Received: on_nonfinite={on_nonfinite!r}"
            )
        d_optimizer = self._optimizer_for(
            "d_optimizer", d_optimizer, self.discriminator_networks()
        )
        g_optimizer = self._optimizer_for(
            "g_optimizer", g_optimizer, self.generator_networks()
        )
        if d_optimizer is g_optimizer:
            raise ValueError(
                "Invalid value for argument `g_optimizer`: it is the same "
                "object as `d_optimizer`. Sharing one optimizer between the "
                "two networks mixes their slot variables; pass two "
                "optimizers."
            )
        loss_fn = self.default_loss() if loss == "auto" else losses_module.get(loss)
        penalties = (
            self.default_penalties()
            if isinstance(penalty, str) and penalty == "auto"
            else penalties_module.get(penalty)
        )
        _check_unique_names(penalties, self.reserved_log_names())

        auto_scale_loss = kwargs.pop("auto_scale_loss", True)
        super().compile(optimizer=None, loss=None, **kwargs)
        self._gan_compile_config = {
            "d_optimizer": d_optimizer,
            "g_optimizer": g_optimizer,
            "loss": loss_fn,
            "penalty": penalties,
            "d_steps": int(d_steps),
            "on_nonfinite": on_nonfinite,
            **kwargs,
        }
        self.on_nonfinite = on_nonfinite
        self.d_optimizer = self._wrap_optimizer(d_optimizer, auto_scale_loss)
        self.g_optimizer = self._wrap_optimizer(g_optimizer, auto_scale_loss)
        self.optimizer = OptimizerGroup(self.d_optimizer, self.g_optimizer)
        self.loss_fn = loss_fn
        self.penalties = penalties
        self.d_steps = int(d_steps)
        counters = [] if on_nonfinite == "apply" else ["skipped_steps"]
        self.loss_trackers = LossTrackers(self.log_names(), counters=counters)
        self._build_optimizers()

    def _optimizer_for(self, argument, identifier, networks):
        """The optimizer `compile` uses for `networks`.

        An optimizer taken back from the model (`gan.d_optimizer`) is
        unwrapped from its non-finite guard, which `compile` adds again. An
        optimizer already built for other variables than the networks'
        trainable ones (layers frozen or unfrozen since) is replaced by a
        fresh copy of its configuration: its slots would not match the
        variables on `load_model`, and JAX cannot apply it to the others.
        """
        optimizer = _get_optimizer(argument, identifier)
        if isinstance(optimizer, SkipNonFiniteOptimizer):
            optimizer = optimizer.inner_optimizer
        built_for = compat.optimizer_built_variables(optimizer)
        if built_for is None or _same_variables(
            built_for, _trainable_variables(networks)
        ):
            return optimizer
        warnings.warn(
            f"`{argument}` was built for {len(built_for)} variables but "
            f"{len(_trainable_variables(networks))} are trainable now "
            "(layers were frozen or unfrozen): `compile` uses a fresh copy "
            "of it, with the same configuration and a new state.",
            stacklevel=3,
        )
        return type(optimizer).from_config(optimizer.get_config())

    def check_trainable_unchanged(self):
        """Raises if layers were frozen or unfrozen since `compile`."""
        if not self.compiled:
            return  # `fit` refuses an uncompiled model with its own error.
        for argument, optimizer, networks in (
            ("d_optimizer", self.d_optimizer, self.discriminator_networks()),
            ("g_optimizer", self.g_optimizer, self.generator_networks()),
        ):
            built_for = compat.optimizer_built_variables(optimizer)
            trainable = _trainable_variables(networks)
            if built_for is not None and not _same_variables(
                built_for, trainable
            ):
                raise ValueError(
                    "The trainable variables changed since `compile()`: "
                    f"`{argument}` was built for {len(built_for)} variables "
                    f"and {len(trainable)} are trainable now (a layer's "
                    "`trainable` flag was set after `compile`). Call "
                    "`compile()` again after changing `trainable` flags."
                )

    def default_loss(self):
        return default_loss()

    def default_penalties(self):
        return default_penalties()

    def log_names(self):
        """The averaged values logged every epoch, in order.

        `loss`, `d_loss`, `g_loss`, one entry per penalty, and `d_reg` /
        `g_reg` when the networks have their own losses (regularizers,
        `add_loss`). Subclasses name their own terms in `extra_log_names`,
        logged after `g_loss`.
        """
        names = ["loss", "d_loss", "g_loss"] + list(self.extra_log_names)
        names += [p.name for p in self.penalties]
        if self.has_own_losses(self.discriminator_networks()):
            names.append("d_reg")
        if self.has_own_losses(self.generator_networks()):
            names.append("g_reg")
        return names

    def reserved_log_names(self):
        """Names penalties may not take."""
        return {"loss", "d_loss", "g_loss", "d_reg", "g_reg", "aug_p"} | set(
            self.extra_log_names
        )

    def has_own_losses(self, networks):
        """Whether the networks add losses of their own to their objective.

        Weight and activity regularizers are found from the layers; losses
        that a layer adds with `add_loss` in `call` are found by calling the
        network once, not training, on zeros shaped like its inputs.
        """
        for network in networks:
            for layer in [network] + list(compat.sublayers(network)):
                if getattr(layer, "activity_regularizer", None) is not None:
                    return True
            if any(v.regularizer is not None for v in network.trainable_weights):
                return True
            inputs = getattr(network, "inputs", None)
            if inputs:
                zeros = [ops.zeros((1,) + tuple(t.shape[1:]), t.dtype) for t in inputs]
                network(zeros if len(zeros) > 1 else zeros[0], training=False)
                if network.losses:
                    return True
        return False

    def _wrap_optimizer(self, optimizer, auto_scale_loss):
        if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            return optimizer
        if auto_scale_loss and self.dtype_policy.name == "mixed_float16":
            # Dynamic loss scaling also skips non-finite updates.
            return keras.optimizers.LossScaleOptimizer(optimizer)
        if self.on_nonfinite != "apply":
            return SkipNonFiniteOptimizer(optimizer)
        return optimizer

    def _build_optimizers(self):
        # Built now so that `load_model`, `load_weights` and
        # `BackupAndRestore` can restore the slot variables before training.
        self.d_optimizer.build(_trainable_variables(self.discriminator_networks()))
        self.g_optimizer.build(_trainable_variables(self.generator_networks()))

    def get_compile_config(self):
        if not self.compiled:
            return {}
        config = dict(self._gan_compile_config)
        config["penalty"] = [
            keras.saving.serialize_keras_object(p) for p in config["penalty"]
        ]
        for key in ("d_optimizer", "g_optimizer", "loss"):
            config[key] = keras.saving.serialize_keras_object(config[key])
        return config

    def compile_from_config(self, config):
        config = dict(config)
        for key in ("d_optimizer", "g_optimizer", "loss"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        config["penalty"] = [
            keras.saving.deserialize_keras_object(p) for p in config["penalty"]
        ]
        self.compile(**config)

    @property
    def metrics(self):
        # The loss trackers, then metrics a subclass tracks as attributes
        # (Keras' "customizing fit" pattern), which the JAX step threads
        # through its state like Keras' own; Keras' unused `loss` tracker
        # and trackers replaced by a later `compile` are left out.
        extra = [
            m
            for m in super().metrics
            if m is not compat.model_loss_tracker(self)
            and not isinstance(m, LossTrackers)
        ]
        return [self.loss_trackers] + extra

    # === Generator EMA ===

    # Attribute names of the generators an EMA averages (`ema_<name>`).
    averaged_generators = ("generator",)
    ema_config = None

    def finish_init(self, ema=None):
        """The end of every family's `__init__`, after its networks are set.

        Checks that the networks share no variables and fit together
        (`check_networks`), enables the generator averages if `ema` is given
        (the dict of `enable_ema` arguments a saved config holds), and marks
        the model built.
        """
        for name in self.averaged_generators:
            setattr(self, f"ema_{name}", None)
        self.ema_config = None
        self.check_separate_variables()
        self.check_networks()
        if ema is not None:
            self.enable_ema(**ema)
        self.built = True

    def check_networks(self):
        """Raises a clear error unless the networks fit together (shapes,
        outputs); families override it."""

    def enable_ema(self, decay=0.999, start=0, warmup=0):
        """Keeps an exponential moving average (EMA) of the generators.

        After every generator update `ema = d * ema + (1 - d) * weights` for
        trainable weights; other state such as batch-norm statistics is
        copied. Before step `start` the EMA copies the generator; then the
        decay ramps linearly from 0 to `decay` over `warmup` steps. Each
        average (`ema_generator` for a GAN) is used for sampling and
        translation, and is saved with the model.

        Args:
            decay: EMA decay in [0, 1). Defaults to `0.999`.
            start: Generator step at which averaging starts. Defaults to `0`.
            warmup: Steps over which the decay ramps up. Defaults to `0`.
        """
        config = check_config(decay, start, warmup)
        if config == self.ema_config:
            return
        self._ema = GeneratorAverages(self, self.averaged_generators, **config)
        self.ema_config = config
        # The compiled step reads the EMA settings: rebuild it.
        self.train_function = None

    def update_ema(self):
        """One EMA update after a generator step; no-op without EMA."""
        if self.ema_config is not None:
            self._ema.update(self, self.g_optimizer.iterations)

    # === Config ===

    # Constructor arguments that are Keras objects (networks, layers).
    serialized_arguments = ()

    def get_config(self):
        config = super().get_config()
        for key in self.serialized_arguments:
            config[key] = keras.saving.serialize_keras_object(getattr(self, key))
        config["keras_gan_version"] = __version__
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        saved_version = config.pop("keras_gan_version", None)
        try:
            for key in cls.serialized_arguments:
                if config.get(key) is not None:
                    config[key] = keras.saving.deserialize_keras_object(
                        config[key]
                    )
            return cls(**config)
        except Exception as error:
            if saved_version == __version__:
                raise
            raise ValueError(
                f"Could not load this {cls.__name__}: it was saved with "
                f"keras_gan {saved_version or '(unknown version)'} and this "
                f"is keras_gan {__version__}. Install the version it was "
                f"saved with to load it. Original error: {error}"
            ) from error

    # === One update ===

    def apply_update(self, objective, networks, optimizer, reg_name=None):
        """One optimizer update of `networks`; returns the logged values.

        Args:
            objective: A function returning `(loss, values)`: the scalar to
                minimize and a dict of values to log. Called once, inside
                the gradient computation.
            networks: The networks updated; their own losses (layer
                regularizers, `add_loss`) are added to the loss and logged
                under `reg_name` when there are any.
            optimizer: The optimizer applying the update.
            reg_name: Log name of the networks' own losses, e.g. `"d_reg"`.

        Returns:
            `values`, plus `reg_name` and `"finite"`: whether the loss and
            every gradient were finite (on every replica); a non-finite
            update is skipped unless `on_nonfinite="apply"`.
        """

        def regularized_objective():
            loss, values = objective()
            values = dict(values)
            own_losses = [l for net in networks for l in net.losses]
            if reg_name is not None and reg_name in self.log_names_set:
                regularization = ops.zeros((), "float32")
                for own_loss in own_losses:
                    regularization = regularization + ops.cast(own_loss, "float32")
                values[reg_name] = regularization
                loss = loss + regularization
            return loss, values

        def checked_objective():
            loss, values = regularized_objective()
            refused = self.batch_refusals.refused()
            if refused is not None:
                # Not applied: a NaN factor makes every gradient NaN (a
                # NaN chosen by `where` would give zero gradients), and the
                # finite check skips the update.
                loss = loss * ops.where(refused, float("nan"), 1.0)
            return loss, values

        _, values, finite = self.minimize(
            checked_objective, _trainable_variables(networks), optimizer
        )
        values["finite"] = finite
        return values

    def judge(self, samples, condition=None, training=True, discriminator=None):
        """Float32 logits a discriminator gives `samples`.

        Every family's losses and penalties see a discriminator through
        this hook.

        Args:
            samples: The samples judged (real or generated).
            condition: What the discriminator is conditioned on, passed as
                its first input: the source images of a conditional
                `Pix2Pix`; `None` for an unconditional discriminator.
                (`GAN` and its subclasses take class labels or conditional
                vectors here.) Defaults to `None`.
            training: Whether the discriminator runs in training mode.
                Defaults to `True`.
            discriminator: The discriminator to call (`CycleGAN` has one
                per domain); `None` is the model's `discriminator`.
                Defaults to `None`.

        Returns:
            Logits of shape `(batch,)` or `(batch, patches)`.
        """
        if discriminator is None:
            discriminator = self.discriminator
        samples = ops.convert_to_tensor(samples)
        inputs = samples
        if condition is not None:
            inputs = [ops.convert_to_tensor(condition, samples.dtype), samples]
        return network_checks.flatten_logits(
            discriminator(inputs, training=training)
        )

    def refuse_batch_unless(self, condition, message):
        """Refuses the batch when the step runs unless `condition` holds.

        For checks of the data that tracing cannot decide, such as batch
        sizes in a TensorFlow step traced for a batch size of `None`
        (where XLA drops assertions): the step's updates are skipped
        (their loss is made NaN, so the finite check skips them) and `fit`
        raises `ValueError(message)` when the step returns. Checks that
        tracing can decide raise directly.

        Args:
            condition: A boolean scalar tensor.
            message: The error message.
        """
        self.batch_refusals.add(condition, message)

    @property
    def log_names_set(self):
        return {tracker.name for tracker in self.loss_trackers.metrics}

    # === Logging ===

    def record(self, values, skipped_from=()):
        """Adds one step's values to the loss trackers.

        Args:
            values: Dict of log name to scalar; names without a tracker
                (such as intermediate tensors) are ignored.
            skipped_from: Finite flags of the step's updates; each `False`
                counts one skipped update.
        """
        names = self.log_names_set
        self.loss_trackers.update_state(
            {name: value for name, value in values.items() if name in names}
        )
        if "skipped_steps" in names:
            # The flag agrees across replicas, whose counts Keras sums.
            _, num_replicas = backend.replica_context()
            for finite in skipped_from:
                skipped = (1.0 - ops.cast(finite, "float32")) / num_replicas
                self.loss_trackers.update_state({"skipped_steps": skipped})

    def record_step(self, d_results, g_result, generator_objective):
        """The end of every `train_step` and `test_step`: records the
        discriminator updates, then the generator's with the total `loss`,
        and returns the logs.

        `loss` is the same sum in every family: `generator_objective` (the
        generator's weighted objective) plus `g_reg`, plus the mean over
        the discriminator updates of their logged terms (adversarial loss,
        penalties, `d_reg`). `TerminateOnNaN` reads it.

        Args:
            d_results: The values of each discriminator update (from
                `apply_update`, or the loss terms in `test_step`).
            g_result: The values of the generator update.
            generator_objective: The generator's objective without its
                regularization, e.g. `g_loss + l1_weight * l1_loss`.

        Returns:
            The logs (`get_logs()`).
        """
        names = self.log_names_set - {"loss"}
        d_total = 0.0
        for result in d_results:
            self.record(result)
            for name, value in result.items():
                if name in names:
                    d_total = d_total + value
        loss = generator_objective + d_total / len(d_results)
        loss = loss + g_result.get("g_reg", 0.0)
        updates = [*d_results, g_result]
        self.record(
            {**g_result, "loss": loss},
            skipped_from=[r["finite"] for r in updates if "finite" in r],
        )
        return self.batch_refusals.add_to_logs(self.get_logs())

    def get_logs(self):
        """The logged values: every tracker's result, plus extra state."""
        return backend.prepare_logs(self.get_metrics_result())

    # === Training and evaluation ===

    def fit(self, x=None, *args, callbacks=None, **kwargs):
        _check_no_sample_weighting("fit", kwargs)
        _check_not_empty(x)
        network_checks.check_spectral_normalization(
            self.discriminator_networks() + self.generator_networks()
        )
        self.check_trainable_unchanged()
        # First, so that checkpoints written at an epoch's end by the
        # user's callbacks record the epoch as complete.
        first = [
            TrackTrainingProgress(
                self, _callbacks_of(callbacks), kwargs.get("steps_per_epoch")
            )
        ] + self.fit_callbacks()
        last = []
        if getattr(self, "on_nonfinite", None) == "raise":
            last.append(RaiseOnSkippedStep())
        callbacks = _with_callbacks(callbacks, first, last)
        try:
            history = super().fit(x, *args, callbacks=callbacks, **kwargs)
        finally:
            self.training_progress.end_fit()
        self._finalize_optimizers()
        return history

    def fit_callbacks(self):
        """Callbacks the model's own training schedule needs in every
        `fit` (e.g. `TextGAN`'s phases), run before the user's."""
        return []

    def evaluate(self, x=None, *args, **kwargs):
        _check_no_sample_weighting("evaluate", kwargs)
        return super().evaluate(x, *args, **kwargs)

    def _finalize_optimizers(self):
        """Swaps in the weight averages of optimizers with `use_ema=True`,
        as `keras.Model.fit` does for a single optimizer."""
        for optimizer, networks in (
            (self.d_optimizer, self.discriminator_networks()),
            (self.g_optimizer, self.generator_networks()),
        ):
            inner = getattr(optimizer, "inner_optimizer", optimizer)
            if getattr(inner, "use_ema", False):
                optimizer.finalize_variable_values(
                    _trainable_variables(networks)
                )

    def make_train_function(self, force=False):
        self.batch_refusals.clear()
        super().make_train_function(force=force)
        if not hasattr(self.train_function, "wrapped_train_function"):
            self.train_function = self.training_progress.wrap(
                self.batch_refusals.wrap(self.train_function),
                self.skip_batches,
                self.steps_per_execution,
            )
        return self.train_function

    def make_test_function(self, force=False):
        self.batch_refusals.clear()
        # Keras' TensorFlow trainer returns nothing when it builds the
        # function: read it from the model.
        super().make_test_function(force=force)
        if not hasattr(self.test_function, "checks_refusals"):
            self.test_function = self.batch_refusals.wrap(self.test_function)
        return self.test_function

    def save_own_variables(self, store):
        super().save_own_variables(store)
        self.training_progress.save(store, self.metrics_variables)
        random_state.save_seed_states(store, random_state.unsaved_seed_generators(self))

    def load_own_variables(self, store):
        store = self.training_progress.load(store)
        store = random_state.load_seed_states(store, random_state.unsaved_seed_generators(self))
        super().load_own_variables(store)

    def unpack_weighted_batch(self, data):
        """`(x, y)` of a batch; a batch with sample weights is refused."""
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        if sample_weight is not None:
            raise ValueError(
                "Invalid value for the data: batches of `(x, y, "
                f"sample_weight)` are not supported by {type(self).__name__} "
                "(an adversarial loss has no per-sample weights). Yield "
                "`x` or `(x, y)` batches."
            )
        return x, y


class BatchRefusals:
    """The checks of a traced step that only its run can decide.

    `AdversarialModel.refuse_batch_unless` adds one while a step is traced;
    `apply_update` skips updates when one fails, `record_step` puts the
    number of the failed check in the logs (`REFUSED_KEY`), and the train
    and test functions, wrapped by `wrap`, remove it and raise.
    """

    REFUSED_KEY = "refused_batch"

    def __init__(self):
        self.pending = []
        self.messages = {}

    def add(self, condition, message):
        code = self.messages.setdefault(message, len(self.messages) + 1)
        self.pending.append((ops.cast(ops.logical_not(condition), "int32") * code, code))

    def clear(self):
        self.pending = []

    def refused(self):
        """A boolean tensor, true when a pending check failed; `None`
        without pending checks."""
        if not self.pending:
            return None
        return self.failed_code() > 0

    def failed_code(self):
        code = ops.zeros((), "int32")
        for failed, _ in self.pending:
            code = ops.maximum(code, failed)
        return code

    def add_to_logs(self, logs):
        """`logs` with the failed check's number, clearing the checks."""
        if self.pending:
            logs = dict(logs)
            logs[self.REFUSED_KEY] = self.failed_code()
            self.clear()
        return logs

    def wrap(self, function):
        """`function` (Keras' train or test function) raising the message
        of a failed check, and without the check in its logs."""
        messages = self.messages

        def checked(*args):
            result = function(*args)
            logs = result if isinstance(result, dict) else None
            if logs is not None and self.REFUSED_KEY in logs:
                code = int(ops.convert_to_numpy(logs.pop(self.REFUSED_KEY)).max())
                if code:
                    message = {v: k for k, v in messages.items()}[code]
                    raise ValueError(message)
            return result

        checked.checks_refusals = True
        return checked


class RaiseOnSkippedStep(keras.callbacks.Callback):
    """Stops `fit` at the first skipped update (`on_nonfinite="raise"`)."""

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if logs and float(logs.get("skipped_steps", 0.0)) > 0:
            raise RuntimeError(
                "Non-finite loss or gradients in epoch "
                f"{self.epoch + 1}, batch {batch + 1}: the update was skipped "
                "and training stopped (`on_nonfinite='raise'`). The model "
                "holds the weights from before that update. Logs: "
                f"{ {k: float(v) for k, v in logs.items()} }"
            )


def _trainable_variables(networks):
    return [v for network in networks for v in network.trainable_variables]


def _same_variables(a, b):
    return [id(v) for v in a] == [id(v) for v in b]


def _check_no_sample_weighting(method, kwargs):
    for name in _SAMPLE_WEIGHTING_ARGS:
        if kwargs.get(name) is not None:
            raise ValueError(
                f"Invalid value for argument `{name}` of `{method}`: "
                "weighting samples is not supported by adversarial models "
                "(the losses have no per-sample weights). Received: "
                f"{name}={kwargs[name]!r}"
            )


def _callbacks_of(callbacks):
    if isinstance(callbacks, keras.callbacks.CallbackList):
        return list(callbacks.callbacks)
    return list(callbacks or [])


def _with_callbacks(callbacks, first, last):
    """`callbacks` (a list or a `CallbackList`) with `first` and `last` added."""
    combined = first + _callbacks_of(callbacks) + last
    if not isinstance(callbacks, keras.callbacks.CallbackList):
        return combined
    # A copy keeps the user's `CallbackList` (its class and settings) as is.
    callbacks = copy.copy(callbacks)
    callbacks.callbacks = combined
    return callbacks


def _check_not_empty(x):
    """Rejects datasets known to be empty before Keras iterates them."""
    if hasattr(x, "shape") and len(x.shape) and x.shape[0] == 0:
        size = f"x with shape {tuple(x.shape)}"
    elif hasattr(x, "cardinality") and int(x.cardinality()) == 0:
        size = "a tf.data.Dataset with cardinality 0"
    elif isinstance(x, keras.utils.PyDataset) and x.num_batches == 0:
        size = "a PyDataset with 0 batches"
    else:
        return
    raise ValueError(
        f"Invalid value for argument `x`: the dataset is empty. Received: {size}"
    )


def _get_optimizer(argument, identifier):
    if identifier is None:
        return default_optimizer()
    try:
        return keras.optimizers.get(identifier)
    except ValueError as error:
        raise ValueError(
            f"Invalid value for argument `{argument}`. Expected a Keras "
            f"optimizer, name or config. Received: {argument}={identifier!r}"
        ) from error


def _check_unique_names(penalties, reserved):
    names = [penalty.name for penalty in penalties]
    for name in names:
        if names.count(name) > 1 or name in reserved:
            raise ValueError(
                "Invalid value for argument `penalty`. Each penalty needs a "
                f"unique log name not in {sorted(reserved)}. Received names: "
                f"{names}"
            )
