import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

BACKEND = keras.backend.backend()


def value_and_gradients(fn, variables):
    """`fn()` and its gradients w.r.t. `variables`, on any backend."""
    if BACKEND == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            value = fn()
        return value, tape.gradient(value, variables)
    if BACKEND == "torch":
        value = fn()
        grads = [
            g
            for g in __import__("torch").autograd.grad(
                value, [v.value for v in variables]
            )
        ]
        return value, grads
    if BACKEND == "jax":
        import jax

        def pure(values):
            with keras.StatelessScope(
                state_mapping=list(zip(variables, values))
            ):
                return fn()

        return jax.value_and_grad(pure)([v.value for v in variables])
    raise NotImplementedError(BACKEND)


def to_numpy(x):
    return keras.ops.convert_to_numpy(x)


def mlp(input_dim, output_dim, hidden=32, name=None):
    return keras.Sequential(
        [
            keras.Input((input_dim,)),
            keras.layers.Dense(hidden, activation="relu"),
            keras.layers.Dense(hidden, activation="relu"),
            keras.layers.Dense(output_dim),
        ],
        name=name,
    )


def make_gan(latent_dim=2, data_dim=2, seed=0, cls=None, **kwargs):
    import keras_gan

    keras.utils.set_random_seed(seed)
    generator = mlp(latent_dim, data_dim, name="generator")
    discriminator = mlp(data_dim, 1, name="discriminator")
    return (cls or keras_gan.GAN)(
        generator, discriminator, latent_dim=latent_dim, seed=seed, **kwargs
    )


def compiled_gan(seed=0, cls=None, **compile_kwargs):
    """A small GAN compiled with Adam(1e-3, 0.5) for both networks."""
    gan = make_gan(seed=seed, cls=cls)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        **compile_kwargs,
    )
    return gan


class InterruptAt(keras.callbacks.Callback):
    """Raises `KeyboardInterrupt` at the end of an epoch, or at the end of
    the first call reaching `batch` (in `epoch`, if given)."""

    def __init__(self, epoch=None, batch=None):
        super().__init__()
        self.epoch, self.batch = epoch, batch

    def on_epoch_begin(self, epoch, logs=None):
        self.current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.batch is None and epoch == self.epoch:
            raise KeyboardInterrupt("simulated preemption")

    def on_train_batch_end(self, batch, logs=None):
        if self.batch is None or batch < self.batch:
            return
        if self.epoch is None or self.current_epoch == self.epoch:
            raise KeyboardInterrupt("simulated preemption")


def gaussian_data(num=512, center=(2.0, -1.0), scale=0.3, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(num, 2)) * scale + np.array(center)).astype(
        "float32"
    )


def weights_of(model):
    return [to_numpy(w) for w in model.weights]


def assert_weights_equal(a, b, atol=0.0):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, atol=atol, rtol=0)


@pytest.fixture
def tmp_keras_path(tmp_path):
    return str(tmp_path / "gan.keras")


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(ROOT, "tests", "scripts")
DATA = os.path.join(ROOT, "tests", "data")


def save_and_reload(model, path):
    """Saves `model` to the `.keras` file `path`, loads it back with
    `safe_mode=True` and checks that the reloaded model is of the same
    class with the same weights; returns it."""
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    assert type(loaded) is type(model)
    assert_weights_equal(weights_of(model), weights_of(loaded))
    return loaded
