import keras
from keras import ops

from keras_gan import backend


@keras.saving.register_keras_serializable(package="keras_gan")
class ImagePool(keras.layers.Layer):
    """The history of generated images of CycleGAN (Shrivastava et al. 2017).

    `query(images)` returns the batch the discriminator sees. While the pool
    is not full, each image is stored and returned as is. Once it is full,
    each image is, with probability 1/2, returned as is, or else swapped for
    a random stored image, which is returned while the new one takes its
    place. Images of one batch swap distinct stored images. The pool is a
    non-trainable variable, so it is saved with the model, restored by
    `load_model` and `BackupAndRestore`, and threaded through the JAX state.

    Args:
        pool_size: Number of stored images. Defaults to `50`.
        image_shape: Shape of one image, `(height, width, channels)`.
        seed: Integer seed of the swap draws. Defaults to `None`.
        **kwargs: Passed to `keras.layers.Layer`.

    Example:

    ```python
    pool = keras_gan.models.ImagePool(50, image_shape=(28, 28, 1), seed=0)
    seen_by_discriminator = pool.query(generated_images)
    ```
    """

    def __init__(self, pool_size=50, image_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 1:
            raise ValueError(
                "Invalid value for argument `pool_size`. Expected a positive "
                f"integer. Received: pool_size={pool_size!r}"
            )
        if image_shape is None or None in tuple(image_shape):
            raise ValueError(
                "Invalid value for argument `image_shape`. Expected a fully "
                f"defined image shape. Received: image_shape={image_shape!r}"
            )
        self.pool_size = pool_size
        self.image_shape = tuple(int(d) for d in image_shape)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        size = 1
        for dim in self.image_shape:
            size *= dim
        self.images = self.add_weight(
            shape=(pool_size, size),
            initializer="zeros",
            trainable=False,
            dtype="float32",
            name="images",
        )
        self.count = self.add_weight(
            shape=(), initializer="zeros", trainable=False, dtype="int32", name="count"
        )
        self.built = True

    def query(self, images, keep=None):
        """Stores `images` and returns the batch to show the discriminator.

        Args:
            images: The generated batch.
            keep: Optional boolean scalar tensor; where it is false the
                pool is left as it was (a refused step). Defaults to
                `None` (always stored).

        Under `tf.distribute` and `torch.distributed` every replica queries
        the pool with the images of the whole global batch (gathered in
        replica order) and keeps its own rows of the answer: the pool, its
        draws and what each replica returns are those of one single-device
        query, and every replica writes the same values to the pool.
        """
        replica, num_replicas = backend.replica_context()
        local_size = ops.shape(images)[0]
        dtype = images.dtype
        images = ops.cast(images, "float32")
        if num_replicas > 1:
            images = backend.replica_concat(images)
        returned = self._query_global(images, keep)
        if num_replicas > 1:
            returned = ops.slice(
                returned,
                [replica * local_size] + [0] * len(self.image_shape),
                [local_size, *self.image_shape],
            )
        return ops.cast(returned, dtype)

    def _query_global(self, images, keep=None):
        batch_size = ops.shape(images)[0]
        flat = ops.reshape(images, (batch_size, -1))
        position = ops.arange(batch_size, dtype="int32")
        count = ops.convert_to_tensor(self.count)

        # Images that fill empty slots, in order.
        fill_slot = count + position
        fills = ops.cast(fill_slot < self.pool_size, "float32")
        # Clipped: torch's one_hot refuses out-of-range slots (masked anyway).
        fill_slot = ops.minimum(fill_slot, self.pool_size - 1)
        fill_rows = ops.one_hot(fill_slot, self.pool_size) * fills[:, None]
        pool = self._write(self.images, fill_rows, flat)

        # The others: half of them swap a distinct random stored image.
        coin = keras.random.uniform((batch_size,), seed=self.seed_generator)
        order = ops.argsort(keras.random.uniform((self.pool_size,), seed=self.seed_generator))
        swap_slot = ops.take(order, ops.mod(position, self.pool_size))
        swaps = (1.0 - fills) * ops.cast(coin < 0.5, "float32")
        swaps = swaps * ops.cast(position < self.pool_size, "float32")
        swap_rows = ops.one_hot(swap_slot, self.pool_size) * swaps[:, None]
        returned = ops.where(swaps[:, None] > 0, ops.matmul(swap_rows, pool), flat)

        new_images = self._write(pool, swap_rows, flat)
        new_count = ops.minimum(count + ops.cast(batch_size, "int32"), self.pool_size)
        if keep is not None:
            new_images = ops.where(keep, new_images, self.images)
            new_count = ops.where(keep, new_count, count)
        self.images.assign(new_images)
        self.count.assign(new_count)
        return ops.reshape(returned, (-1,) + self.image_shape)

    @staticmethod
    def _write(pool, rows, flat):
        """`pool` with the slots marked in `rows` (one-hot) set to `flat`."""
        written = ops.sum(rows, axis=0)[:, None]
        return pool * (1.0 - written) + ops.matmul(ops.transpose(rows), flat)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"pool_size": self.pool_size, "image_shape": self.image_shape, "seed": self.seed}
        )
        return config
