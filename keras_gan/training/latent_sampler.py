import keras

from keras_gan import backend
from keras_gan.random_state import SavesSeedState


@keras.saving.register_keras_serializable(package="keras_gan")
class RandomStream(SavesSeedState, keras.layers.Layer):
    """A seeded random stream whose state is saved with the model.

    Its `seed_generator` is a model variable: saved by `model.save()` and
    `BackupAndRestore`, restored by `load_model`, and threaded through the
    JAX state. A GAN gives its penalties a stream of their own, so adding a
    penalty does not change the noise the generator sees.

    Args:
        seed: Integer seed of the stream, or `None` for a random one.
            Defaults to `None`.

    Example:

    ```python
    stream = keras_gan.models.RandomStream(seed=0)
    values = keras.random.uniform((4,), seed=stream.seed_generator)
    ```
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.built = True

    def get_config(self):
        config = super().get_config()
        config["seed"] = self.seed
        return config


@keras.saving.register_keras_serializable(package="keras_gan")
class LatentSampler(SavesSeedState, keras.layers.Layer):
    """Draws latent vectors from a seeded, saveable random stream.

    The random state is a model variable: it is saved by `model.save()` and
    `BackupAndRestore`, restored by `load_model`, and threaded through the
    JAX state, so a resumed run draws the same noise as an uninterrupted one.

    Args:
        latent_dim: Size of each latent vector.
        distribution: `"normal"` (standard normal) or `"uniform"` (uniform
            on [-1, 1]). Defaults to `"normal"`.
        seed: Integer seed of the stream, or `None` for a random one.
            Defaults to `None`.

    Example:

    ```python
    sampler = keras_gan.models.LatentSampler(latent_dim=64, seed=0)
    noise = sampler.sample(16)  # shape (16, 64)
    ```
    """

    DISTRIBUTIONS = ("normal", "uniform")

    def __init__(self, latent_dim, distribution="normal", seed=None, **kwargs):
        super().__init__(**kwargs)
        if distribution not in self.DISTRIBUTIONS:
            raise ValueError(
                "Invalid value for argument `distribution`. Expected one of "
                f"{self.DISTRIBUTIONS}. Received: distribution={distribution!r}"
            )
        self.latent_dim = latent_dim
        self.distribution = distribution
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.built = True

    def sample(self, batch_size):
        """Returns `(batch_size, latent_dim)` latent vectors.

        Under a `tf.distribute` strategy every replica draws the global
        batch from the shared stream and keeps its own slice, so replicas
        get different noise and the global batch equals a single-device draw.
        """
        replica, num_replicas = backend.replica_context()
        noise = self._draw((batch_size * num_replicas, self.latent_dim))
        if num_replicas == 1:
            return noise
        return keras.ops.slice(
            noise, (replica * batch_size, 0), (batch_size, self.latent_dim)
        )

    def _draw(self, shape):
        if self.distribution == "uniform":
            return keras.random.uniform(
                shape, minval=-1.0, maxval=1.0, seed=self.seed_generator
            )
        return keras.random.normal(shape, seed=self.seed_generator)

    def call(self, batch_size):
        return self.sample(batch_size)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "latent_dim": self.latent_dim,
                "distribution": self.distribution,
                "seed": self.seed,
            }
        )
        return config
