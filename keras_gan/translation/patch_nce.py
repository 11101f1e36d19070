"""The PatchNCE loss of CUT (Park et al. 2020) and its pieces: sampling
patches of feature maps, and the projection network."""

import keras
from keras import ops

from keras_gan.validation import check_positive_int


def patch_nce_loss(queries, keys, temperature=0.07):
    """The PatchNCE loss: each query patch must pick its own key patch out
    of the keys of the same image.

    Queries and keys are L2-normalized; for query `i` of an image the
    logits are `q_i . k_j / temperature` over the `j` patches of that image,
    and the loss is the cross-entropy of the positive `j = i`, averaged
    over the patches. The keys carry no gradient (as in the paper's code).

    Args:
        queries: `(batch, patches, dim)` features of the output patches.
        keys: `(batch, patches, dim)` features of the input patches at the
            same positions.
        temperature: The softmax temperature. Defaults to `0.07`.

    Returns:
        The loss of each image, `(batch,)`, in float32.
    """
    queries = _normalize(ops.cast(queries, "float32"))
    keys = ops.stop_gradient(_normalize(ops.cast(keys, "float32")))
    logits = ops.matmul(queries, ops.transpose(keys, (0, 2, 1))) / temperature
    positives = ops.sum(queries * keys, axis=-1) / temperature
    per_patch = ops.logsumexp(logits, axis=-1) - positives
    return ops.mean(per_patch, axis=-1)


def _normalize(x):
    return x / ops.sqrt(ops.sum(ops.square(x), axis=-1, keepdims=True) + 1e-14)


def sample_patches(features, positions):
    """`features` `(batch, height, width, channels)` at the flat spatial
    `positions` `(patches,)`: `(batch, patches, channels)`."""
    _, height, width, channels = features.shape
    flat = ops.reshape(features, (-1, height * width, channels))
    return ops.take(flat, positions, axis=1)


def random_positions(num_positions, num_patches, seed):
    """`min(num_patches, num_positions)` distinct random positions out of
    `num_positions`, drawn with the `SeedGenerator` `seed`."""
    order = ops.argsort(keras.random.uniform((num_positions,), seed=seed))
    return ops.cast(order[: min(num_patches, num_positions)], "int32")


def projection_network(channels, units=256, name="projection"):
    """The small MLP `H` of CUT: one per feature layer, `Dense(units,
    relu)` then `Dense(units)`, as one model with an input and an output
    per layer.

    Args:
        channels: The channels of each feature layer.
        units: Width of both dense layers. Defaults to `256`.
        name: Model name. Defaults to `"projection"`.

    Returns:
        A `keras.Model` mapping a list of `(rows, channels[i])` to a list
        of `(rows, units)`.
    """
    check_positive_int("projection_units", units)
    inputs = [
        keras.Input((int(c),), name=f"features_{index}") for index, c in enumerate(channels)
    ]
    outputs = []
    for index, x in enumerate(inputs):
        h = keras.layers.Dense(units, activation="relu", name=f"layer{index}_hidden")(x)
        outputs.append(keras.layers.Dense(units, name=f"layer{index}_output")(h))
    return keras.Model(inputs, outputs, name=name)
